"""Small plan builders for the schedule tests (not collected: no test_ prefix)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tpm.plan.model import Dependency, Milestone, Plan, Program

MONDAY = dt.date(2026, 3, 2)


def dep(spec: str | tuple[str, str, float]) -> Dependency:
    """'a' is FS without lag; ('a', 'SS', 2) is a typed link with a lag."""
    if isinstance(spec, str):
        return Dependency(id=spec)
    ident, kind, lag = spec
    return Dependency(id=ident, type=kind, lag=lag)  # type: ignore[arg-type]


def ms(ident: str, duration: float, *deps: str | tuple[str, str, float], **kw: Any) -> Milestone:
    """A milestone with a title derived from its id."""
    kw.setdefault("title", ident.upper())
    return Milestone(id=ident, duration=duration, depends_on=[dep(d) for d in deps], **kw)


def plan_of(*milestones: Milestone, start: dt.date = MONDAY, **program: Any) -> Plan:
    """A plan starting on a Monday, Mon-Fri calendar, no holidays."""
    return Plan(
        program=Program(name="t", start=start, **program),
        milestones=list(milestones),
    )
