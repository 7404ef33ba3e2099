"""Progress checks that need the status date: actual dates after it, out-of-sequence work.

These run in ``tpm check`` (which knows the status date: ``--as-of``, the plan's ``as_of``,
else today) after the plan has loaded. They are warnings: the schedule still computes, as
docs/explanation/scheduling-model.md describes.
"""

from __future__ import annotations

import datetime as dt

from tpm.check.diagnostics import Diagnostic, Reporter
from tpm.plan.model import Plan
from tpm.plan.storage import Source

CODES = ("actual-after-status-date", "out-of-sequence")


def progress_diagnostics(plan: Plan, source: Source, as_of: dt.date) -> list[Diagnostic]:
    """Warnings about recorded progress as of ``as_of`` (see the module docstring)."""
    rep = Reporter(source.data, str(source.path), lambda: source.locator)
    progress_checks(rep, plan, as_of)
    return rep.found


def progress_checks(rep: Reporter, plan: Plan, as_of: dt.date) -> None:
    """Report the progress warnings as of ``as_of`` through ``rep``."""
    first: dict[str, int] = {}
    for i, m in enumerate(plan.milestones):
        first.setdefault(m.id, i)
    for i, m in enumerate(plan.milestones):
        if m.status == "cancelled":
            continue
        for name in ("actual_start", "actual_finish"):
            day = getattr(m, name)
            if day is not None and day > as_of:
                p = ("milestones", i, name)
                rep.add(
                    "warning",
                    "actual-after-status-date",
                    rep.where(p) + f"{name} {day} is after the status date {as_of}",
                    p,
                    "an actual date is a fact: record it once it happened, or move the "
                    "status date (--as-of, or as_of under [program])",
                )
        _out_of_sequence(rep, plan, i, first)


def _out_of_sequence(rep: Reporter, plan: Plan, i: int, first: dict[str, int]) -> None:
    """A successor that started before an FS or SS predecessor allowed it to."""
    m = plan.milestones[i]
    started = m.actual_start
    if started is None or m.status not in ("in_progress", "blocked", "done"):
        return
    for j, dep in enumerate(m.depends_on):
        k = first.get(dep.id)
        if k is None or dep.type not in ("FS", "SS"):
            continue
        p = plan.milestones[k]
        if p.status == "cancelled":
            continue
        if dep.type == "FS":
            early = p.status != "done" or (
                p.actual_finish is not None and p.actual_finish > started
            )
            what = "finished"
        else:
            early = p.actual_start is None or p.actual_start > started
            what = "started"
        if early:
            path = ("milestones", i, "depends_on", j)
            rep.add(
                "warning",
                "out-of-sequence",
                rep.where(path) + f"started {started}, before {dep.id!r} {what} ({dep.type} link)",
                path,
                _RULE[plan.settings.progress_logic].format(dep.id) + "; check the recorded dates",
            )


_RULE = {
    "retained": "progress_logic is retained: its remaining work waits for {0!r} as the link says",
    "override": "progress_logic is override: its remaining work runs from the status date "
    "and no longer waits for {0!r}",
}
