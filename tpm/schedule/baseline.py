"""Record a schedule's forecast dates as a named baseline in the plan.

A baseline is the yardstick for variance: ``tpm schedule`` compares every forecast finish
with the latest (or a chosen) baseline. It lives in the plan as a ``[[baselines]]`` table,
written canonically, so ``git diff`` shows exactly what was recorded.
"""

from __future__ import annotations

import datetime as dt

from tpm.plan.model import Baseline, BaselineEntry, Plan
from tpm.schedule.result import Schedule


class BaselineExists(ValueError):
    """A baseline of that name exists and replacing it was not asked for."""


def record_baseline(
    plan: Plan, sched: Schedule, name: str, recorded: dt.date, *, replace: bool = False
) -> Plan:
    """A copy of ``plan`` with the schedule's dates recorded as baseline ``name``.

    Every scheduled milestone gets its forecast start and finish (cancelled ones are left
    out); ``finish`` is the program's forecast finish. A baseline of the same name is
    replaced in place when ``replace`` is true, otherwise BaselineExists is raised; a new
    baseline goes last.
    """
    entries = [
        BaselineEntry(id=m.id, start=m.start, finish=m.finish) for m in sched.milestones.values()
    ]
    new = Baseline(name=name, recorded=recorded, finish=sched.finish, milestones=entries)
    baselines = list(plan.baselines)
    for k, old in enumerate(baselines):
        if old.name == name:
            if not replace:
                raise BaselineExists(name)
            baselines[k] = new
            break
    else:
        baselines.append(new)
    return plan.model_copy(update={"baselines": baselines})
