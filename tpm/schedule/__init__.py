"""The deterministic schedule: CPM dates and float, critical paths, `tpm why`, blockers and
baselines."""

from __future__ import annotations

from tpm.schedule.baseline import BaselineExists, record_baseline
from tpm.schedule.blockers import Blocker, blockers
from tpm.schedule.graph import Graph, GraphError, build_graph
from tpm.schedule.scheduler import (
    MilestoneSchedule,
    Schedule,
    Scheduler,
    UnknownBaseline,
    critical_sets,
    schedule,
)
from tpm.schedule.why import Explanation, NotScheduled, explain

__all__ = [
    "BaselineExists",
    "Blocker",
    "Explanation",
    "Graph",
    "GraphError",
    "MilestoneSchedule",
    "NotScheduled",
    "Schedule",
    "Scheduler",
    "UnknownBaseline",
    "blockers",
    "build_graph",
    "critical_sets",
    "explain",
    "record_baseline",
    "schedule",
]
