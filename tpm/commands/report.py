"""``tpm report PLAN [--as-of DATE] [--since REV|FILE] [-o FILE]``: the weekly status report.

Load -> analyse (:func:`tpm.report.data.build`) -> optionally diff with the older plan
(:mod:`tpm.report.diff`) -> render Markdown. ``--since`` takes an older copy of the plan (an
existing file) or a git revision of the plan's repository (read with ``git show REV:path``,
never through a shell). ``-o`` writes atomically and refuses to write onto the plan itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import stat
import sys
from pathlib import Path

from tpm.check.load import from_source
from tpm.commands.common import (
    add_as_of_argument,
    add_output_argument,
    add_plan_argument,
    load_or_report,
    print_diagnostics,
    status_date,
    write_output,
)
from tpm.errors import Reported, TpmError
from tpm.plan.calendar import CalendarError, WorkCalendar
from tpm.plan.model import Plan
from tpm.plan.storage import StorageError, TOMLDecodeError, parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm report."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument(
        "--since",
        metavar="REV|FILE",
        default=None,
        help="add 'changes since the last report': an older copy of the plan, or a git "
        "revision of the plan's repository (e.g. HEAD~1)",
    )
    add_output_argument(parser)


def _old_plan(plan_path: Path, since: str, as_of: dt.date) -> tuple[Plan, dt.date, str]:
    """The older plan, its status date and a label for the report heading."""
    candidate = Path(since)
    if _is_file(since):
        try:
            old_plan = load_or_report(candidate)
        except Reported:
            raise TpmError(f"--since {since}: that plan has errors (listed above)") from None
        return old_plan, min(old_plan.program.as_of or as_of, as_of), since
    from tpm.plan.gitrev import GitRevError, read_at

    try:
        rev = read_at(plan_path, since)
    except GitRevError as exc:
        raise TpmError(f"--since {since!r}: {exc}", 2) from None
    name = f"{since}:{plan_path.name}"
    try:
        old = from_source(parse(Path(name), rev.raw))
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        message = f"--since {since}: the plan at that revision cannot be read: {exc}"
        raise TpmError(message) from None
    if old.plan is None:
        print_diagnostics(old)
        raise TpmError(f"--since {since}: the plan at that revision has errors (above)")
    old_as_of = min(old.plan.program.as_of or rev.committed, as_of)
    return old.plan, old_as_of, f"{since} ({rev.commit[:7]})"


def _is_file(since: str) -> bool:
    """Whether --since names an existing file; unusable names are refused (exit 2)."""
    try:
        return stat.S_ISREG(os.stat(since).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        from tpm.plan.atomic import os_reason

        shown = since if len(since) <= 80 else since[:77] + "..."
        raise TpmError(f"--since {shown}: {os_reason(exc)}", 2) from None


def make_report(plan: Plan, plan_path: Path, as_of: dt.date, since: str | None) -> str:
    """The report text (raises TpmError for an unusable --since)."""
    from tpm.render.markdown.report import render_report
    from tpm.report.data import build

    if since is None:
        return render_report(build(plan, as_of))
    from tpm.report.diff import diff

    old_plan, old_as_of, label = _old_plan(plan_path, since, as_of)
    data = build(plan, as_of, since=old_as_of)
    old = build(old_plan, old_as_of)
    return render_report(data, diff(old, data, WorkCalendar.of(plan), label))


def run(args: argparse.Namespace) -> int:
    """Write the status report; exit 1 for plan errors, 2 for unusable arguments."""
    plan = load_or_report(args.plan)
    as_of = status_date(plan, args.as_of)
    try:
        text = make_report(plan, args.plan, as_of, args.since)
    except CalendarError as exc:
        raise TpmError(f"{args.plan}: {exc}") from None
    since = [Path(args.since)] if args.since and _is_file(args.since) else []
    write_output(text, args.output, [args.plan, *since], args.force)
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
