"""The previous report, shared by ``tpm report`` and ``tpm risks --md``.

Where "last week" comes from, in order: ``--since FILE`` (an older copy of the plan),
``--since REV`` (a git revision), the plan as committed at the start of the reporting period
(:func:`tpm.report.period.find_in_git`), and last, the newest ``[[snapshots]]`` entry dated
before the status date (numbers only: colours, finish, P80). When none is found the caller
gets one line saying why.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tpm.check.load import from_source
from tpm.commands.common import load_or_report, print_diagnostics
from tpm.errors import Reported, TpmError
from tpm.plan.gitrev import (
    GitRevError,
    Revision,
    commit_date,
    read_at,
    repo_path,
    resolve,
    show,
)
from tpm.plan.model import Plan
from tpm.plan.storage import StorageError, TOMLDecodeError, parse
from tpm.report.period import FoundInGit, find_in_git, old_name_at, period_start
from tpm.report.snapshot import Point, last_before, point_from_snapshot


@dataclass(frozen=True)
class Previous:
    """The previous report: a whole older plan, or only a recorded snapshot."""

    label: str
    as_of: dt.date
    plan: Plan | None = None
    snapshot: Point | None = None


def find_previous(
    plan: Plan, plan_path: Path, as_of: dt.date, since: str | None
) -> tuple[Previous | None, str | None]:
    """The previous report and, when there is none, one line saying why."""
    if since is not None:
        return _explicit(plan_path, since, as_of), None
    start = period_start(as_of, plan.settings.report_period_days)
    found = find_in_git(plan_path, start)
    if isinstance(found, FoundInGit):
        old = _parse(f"{found.commit[:7]}:{found.path}", found.raw)
        if isinstance(old, Plan):
            old_as_of = min(old.program.as_of or found.committed, as_of)
            return Previous(found.label, old_as_of, plan=old), None
        reason = f"the plan committed in {found.commit[:7]} has errors ({old})"
    else:
        reason = found
    snap = last_before(plan, as_of)
    if snap is not None:
        point = point_from_snapshot(snap)
        return Previous("recorded snapshot", snap.date, snapshot=point), None
    return None, f"{reason}; pass --since REV|FILE, or record each report with --record"


def _parse(name: str, raw: bytes) -> Plan | str:
    try:
        loaded = from_source(parse(Path(name), raw))
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        return str(exc)
    if loaded.plan is None:
        first = next((d for d in loaded.diagnostics if d.severity == "error"), None)
        return first.render() if first else "it cannot be read"
    return loaded.plan


def _explicit(plan_path: Path, since: str, as_of: dt.date) -> Previous:
    candidate = Path(since)
    if is_file(since):
        try:
            old_plan = load_or_report(candidate)
        except Reported:
            raise TpmError(
                f"--since {since}: that file is not a valid plan (errors above)"
            ) from None
        return Previous(since, min(old_plan.program.as_of or as_of, as_of), plan=old_plan)
    if since and candidate.exists():
        raise TpmError(f"--since {since}: that is a folder, not a plan file or a revision", 2)
    rev = _read_rev(plan_path, since)
    name = f"{since}:{plan_path.name}"
    try:
        loaded = from_source(parse(Path(name), rev.raw))
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        message = f"--since {since}: the plan at that revision cannot be read: {exc}"
        raise TpmError(message) from None
    if loaded.plan is None:
        print_diagnostics(loaded)
        raise TpmError(f"--since {since}: the plan at that revision has errors (above)")
    old_as_of = min(loaded.plan.program.as_of or rev.committed, as_of)
    return Previous(f"{since} ({rev.commit[:7]})", old_as_of, plan=loaded.plan)


def is_file(since: str) -> bool:
    """Whether --since names an existing file; unusable names are refused (exit 2)."""
    if not since:
        return False
    try:
        return stat.S_ISREG(os.stat(since).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        from tpm.plan.atomic import os_reason

        shown = since if len(since) <= 80 else since[:77] + "..."
        raise TpmError(f"--since {shown}: {os_reason(exc)}", 2) from None


def _read_rev(plan_path: Path, since: str) -> Revision:
    """The plan at revision ``since``, under its old name when it was renamed since."""
    try:
        return read_at(plan_path, since)
    except GitRevError as exc:
        error = exc
    try:
        root, _ = repo_path(plan_path)
        commit = resolve(root, since)
        old = old_name_at(plan_path, commit) if commit else None
        if commit is None or old is None:
            raise error
        return Revision(
            since, commit, commit_date(root, commit) or dt.date.min, show(root, commit, old)
        )
    except GitRevError as exc:
        raise TpmError(f"--since {since!r}: {exc}", 2) from None
