"""Small plan builders for the forecast tests (not collected: no test_ prefix)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tpm.plan.model import Dependency, Milestone, Plan, Program

MONDAY = dt.date(2026, 3, 2)


def ms(ident: str, duration: float, *deps: str | tuple[str, str, float], **kw: Any) -> Milestone:
    """A milestone; deps are ids (FS, no lag) or (id, type, lag) tuples."""
    links = [
        Dependency(id=d) if isinstance(d, str) else Dependency(id=d[0], type=d[1], lag=d[2])  # type: ignore[arg-type]
        for d in deps
    ]
    return Milestone(id=ident, title=ident.upper(), duration=duration, depends_on=links, **kw)


def plan_of(*milestones: Milestone, start: dt.date = MONDAY, **program: Any) -> Plan:
    """A plan starting on Monday 2026-03-02, Mon-Fri calendar, no holidays."""
    return Plan(program=Program(name="t", start=start, **program), milestones=list(milestones))


def pert_mean(a: float, m: float, b: float) -> float:
    """Mean of the PERT-beta distribution of an estimate: (a + 4m + b) / 6."""
    return (a + 4 * m + b) / 6


def triangular_mean(a: float, m: float, b: float) -> float:
    """Mean of the triangular distribution of an estimate: (a + m + b) / 3."""
    return (a + m + b) / 3
