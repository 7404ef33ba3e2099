"""The previous report found by itself: what ``tpm report``, ``tpm risks --md`` and the TUI's
Report screen compare with when no ``--since`` is given.

Where "last week" comes from, in order: the plan as committed at the start of the reporting
period (:func:`tpm.report.period.find_in_git`), then the newest ``[[snapshots]]`` entry dated
before the status date (numbers only: colours, finish, P80). When none is found the caller
gets one line saying why. ``--since`` (an explicit file or revision) is the command's to
resolve: :mod:`tpm.commands.previous`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tpm.check.load import from_source
from tpm.plan.model import Plan
from tpm.plan.storage import StorageError, TOMLDecodeError, parse
from tpm.report.period import FoundInGit, find_in_git, period_start
from tpm.report.snapshot import Point, last_before, point_from_snapshot


@dataclass(frozen=True)
class Previous:
    """The previous report: a whole older plan, or only a recorded snapshot."""

    label: str
    as_of: dt.date
    plan: Plan | None = None
    snapshot: Point | None = None


def find_default(plan: Plan, plan_path: Path, as_of: dt.date) -> tuple[Previous | None, str | None]:
    """The previous report without ``--since`` and, when there is none, one line saying why."""
    start = period_start(as_of, plan.settings.report_period_days)
    found = find_in_git(plan_path, start)
    if isinstance(found, FoundInGit):
        old = parse_plan(f"{found.commit[:7]}:{found.path}", found.raw)
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


def parse_plan(name: str, raw: bytes) -> Plan | str:
    """The plan in ``raw`` (named ``name`` in messages), or why it cannot be used."""
    try:
        loaded = from_source(parse(Path(name), raw))
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        return str(exc)
    if loaded.plan is None:
        first = next((d for d in loaded.diagnostics if d.severity == "error"), None)
        return first.render() if first else "it cannot be read"
    return loaded.plan
