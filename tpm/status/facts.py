"""Facts the RAG rules read: plain data distilled from a plan and its analyses.

The rules in :mod:`tpm.status.rules` never look at the plan or the engines directly; they
read these small frozen records, so each rule can be tested on a literal table and the
engines can change shape without touching the rules. The report snapshot
(:func:`tpm.report.data.build`) distils them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from tpm.plan.model import Rag

Area = Literal["schedule", "risks", "kpis", "blockers"]
AREAS: tuple[Area, ...] = ("schedule", "risks", "kpis", "blockers")


@dataclass(frozen=True)
class DueMiss:
    """A milestone that is not done and has negative total float against its due date."""

    id: str
    due: dt.date
    float_days: float


@dataclass(frozen=True)
class ScheduleFacts:
    """What the schedule and forecast say about dates."""

    finish: dt.date | None = None
    target: dt.date | None = None
    margin_days: float | None = None
    p80: dt.date | None = None
    due_misses: tuple[DueMiss, ...] = ()


@dataclass(frozen=True)
class RiskFacts:
    """One risk that is not closed."""

    id: str
    score: int
    band: str
    status: str
    active_mitigation: bool = False
    overdue_mitigations: tuple[str, ...] = ()
    follow_up: bool = False


@dataclass(frozen=True)
class KpiFacts:
    """One KPI: the colour of each measurement (oldest first) and whether it is stale."""

    id: str
    rags: tuple[Rag, ...] = ()
    stale: bool = False


@dataclass(frozen=True)
class BlockerFacts:
    """One blocker: blocked, or waiting on unfinished predecessors past its late start."""

    id: str
    critical: bool = False
    age_days: int | None = None


@dataclass(frozen=True)
class Facts:
    """Everything the RAG rules read, as of one status date."""

    as_of: dt.date
    schedule: ScheduleFacts = field(default_factory=ScheduleFacts)
    risks: tuple[RiskFacts, ...] = ()
    kpis: tuple[KpiFacts, ...] = ()
    blockers: tuple[BlockerFacts, ...] = ()


# ---------------------------------------------------------------- results
