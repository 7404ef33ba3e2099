"""``tpm report PLAN [--as-of DATE] [--since REV|FILE] [-o FILE]``: the weekly status report.

Load -> analyse (:func:`tpm.report_data.build`) -> optionally diff with the older plan
(:mod:`tpm.changes`) -> render Markdown. ``--since`` takes an older copy of the plan (an
existing file) or a git revision of the plan's repository (read with ``git show REV:path``,
never through a shell). ``-o`` writes atomically and refuses to write onto the plan itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path

from tpm.calendar import CalendarError, WorkCalendar
from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    load_or_report,
    print_diagnostics,
    status_date,
)
from tpm.load import from_source
from tpm.model import Plan
from tpm.storage import StorageError, TOMLDecodeError, current_digest, parse, write_atomic


class ReportError(Exception):
    """A problem to print as ``tpm report: message``; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    """The -o/--output option shared with tpm export."""
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output; never the plan itself",
    )


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


def write_output(text: str, output: Path | None, protected: list[Path]) -> None:
    """Print ``text``, or write it atomically to ``output`` unless that is a protected file."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    for path in protected:
        if _same_file(output, path):
            raise ReportError(f"refusing to write the output onto the plan file {path}", 2)
    if output.is_dir():
        raise ReportError(f"{output} is a directory; give a file name", 2)
    if not output.parent.is_dir():
        raise ReportError(f"{output}: the folder {output.parent} does not exist", 1)
    try:
        write_atomic(output, text, current_digest(output))
    except (StorageError, OSError) as exc:
        raise ReportError(f"{output}: {exc}", 1) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def _old_plan(plan_path: Path, since: str, as_of: dt.date) -> tuple[Plan, dt.date, str]:
    """The older plan, its status date and a label for the report heading."""
    candidate = Path(since)
    if candidate.is_file():
        old_plan = load_or_report(candidate)
        if old_plan is None:
            raise ReportError(f"--since {since}: that plan has errors (listed above)")
        return old_plan, min(old_plan.program.as_of or as_of, as_of), since
    from tpm.gitrev import GitRevError, read_at

    try:
        rev = read_at(plan_path, since)
    except GitRevError as exc:
        raise ReportError(f"--since {since!r}: {exc}", 2) from None
    name = f"{since}:{plan_path.name}"
    try:
        old = from_source(parse(Path(name), rev.raw))
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        message = f"--since {since}: the plan at that revision cannot be read: {exc}"
        raise ReportError(message) from None
    old_plan = old.plan
    if old_plan is None:
        print_diagnostics(old)
        raise ReportError(f"--since {since}: the plan at that revision has errors (above)")
    old_as_of = min(old_plan.program.as_of or rev.committed, as_of)
    return old_plan, old_as_of, f"{since} ({rev.commit[:7]})"


def make_report(plan: Plan, plan_path: Path, as_of: dt.date, since: str | None) -> str:
    """The report text (raises ReportError for an unusable --since)."""
    from tpm.render.markdown import render_report
    from tpm.report_data import build

    if since is None:
        return render_report(build(plan, as_of))
    from tpm.changes import diff

    old_plan, old_as_of, label = _old_plan(plan_path, since, as_of)
    data = build(plan, as_of, since=old_as_of)
    old = build(old_plan, old_as_of)
    return render_report(replace(data, changes=diff(old, data, WorkCalendar.of(plan), label)))


def run(args: argparse.Namespace) -> int:
    """Write the status report; exit 1 for plan errors, 2 for unusable arguments."""
    plan = load_or_report(args.plan)
    if plan is None:
        return 1
    as_of = status_date(plan, args.as_of)
    try:
        text = make_report(plan, args.plan, as_of, args.since)
        since = [Path(args.since)] if args.since and Path(args.since).is_file() else []
        write_output(text, args.output, [args.plan, *since])
    except ReportError as exc:
        print(f"tpm report: {exc}", file=sys.stderr)
        return exc.code
    except CalendarError as exc:
        print(f"tpm report: {args.plan}: {exc}", file=sys.stderr)
        return 1
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
