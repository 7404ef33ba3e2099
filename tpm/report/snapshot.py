"""What one status report said, as a small comparable record: a trend point.

A report's headline numbers (the overall and per-area RAG, the forecast finish, the P80 and
the key milestones' forecast finish) are what a lead compares week to week. The same record
comes from three places: the report being written now, an older plan analysed again (from
git or a file), and a ``[[snapshots]]`` entry that ``tpm report --record`` wrote into the
plan. :class:`Point` is that record; this module converts between it, the report data and
the plan's ``Snapshot`` model, and merges points into a :class:`Trend` (one per date), the
slip chart's data (gathered from git by :mod:`tpm.report.trend`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tpm.plan.model import Plan, Rag, Snapshot, SnapshotMilestone
from tpm.report.data import ReportData
from tpm.status.facts import AREAS

MAX_KEY_MILESTONES = 12


@dataclass(frozen=True)
class Point:
    """The headline of one report: date, colours, finish, P80 and key milestone finishes."""

    date: dt.date
    source: str  # "snapshot", "git", "file" or "now"
    rag: Rag
    areas: dict[str, Rag | None] = field(default_factory=dict)
    finish: dt.date | None = None
    p80: dt.date | None = None
    milestones: dict[str, dt.date] = field(default_factory=dict)
    label: str = ""  # where it came from: a commit, a file, "recorded in the plan"
    runs: int | None = None  # Monte Carlo runs behind the P80 (0: none; None: as recorded)


def key_milestones(plan: Plan) -> tuple[str, ...]:
    """Milestones a trend follows by default: open ones with a due date, in plan order."""
    return tuple(
        m.id for m in plan.milestones if m.due is not None and m.status not in ("done", "cancelled")
    )[:MAX_KEY_MILESTONES]


def point_of(
    data: ReportData, keys: tuple[str, ...], source: str = "now", label: str = ""
) -> Point:
    """The headline of an analysed report; ``keys`` are the milestones to keep."""
    p80 = None
    if data.forecast is not None and data.forecast.milestones_estimated:
        p80 = data.forecast.finish.p80
    runs = data.forecast.runs if data.forecast is not None else 0
    wanted = set(keys)
    return Point(
        date=data.as_of,
        source=source,
        rag=data.status.rag,
        areas={a.area: a.rag for a in data.status.areas},
        finish=data.finish,
        p80=p80,
        milestones={m.id: m.finish for m in data.milestones if m.id in wanted and m.finish},
        label=label,
        runs=runs,
    )


def point_from_snapshot(snap: Snapshot) -> Point:
    """A recorded snapshot as a trend point."""
    return Point(
        date=snap.date,
        source="snapshot",
        rag=snap.rag,
        areas={a: getattr(snap, a) for a in AREAS},
        finish=snap.finish,
        p80=snap.p80,
        milestones={m.id: m.finish for m in snap.milestones},
        label="recorded in the plan",
    )


def to_snapshot(point: Point) -> Snapshot:
    """The ``[[snapshots]]`` entry ``tpm report --record`` writes for a point."""
    return Snapshot(
        date=point.date,
        rag=point.rag,
        schedule=point.areas.get("schedule"),
        risks=point.areas.get("risks"),
        kpis=point.areas.get("kpis"),
        blockers=point.areas.get("blockers"),
        finish=point.finish,
        p80=point.p80,
        milestones=[SnapshotMilestone(id=k, finish=v) for k, v in point.milestones.items()],
    )


def record(plan: Plan, point: Point) -> tuple[Plan, bool]:
    """A copy of ``plan`` with ``point`` recorded; True when it replaced one of that date.

    Snapshots stay in date order; a second report on the same status date replaces the first.
    """
    snap = to_snapshot(point)
    kept = [s for s in plan.snapshots if s.date != point.date]
    replaced = len(kept) != len(plan.snapshots)
    kept.append(snap)
    kept.sort(key=lambda s: s.date)
    return plan.model_copy(update={"snapshots": kept}), replaced


def last_before(plan: Plan, day: dt.date) -> Snapshot | None:
    """The latest snapshot dated before ``day``, or None."""
    earlier = [s for s in plan.snapshots if s.date < day]
    return max(earlier, key=lambda s: s.date) if earlier else None


_RANK = {"now": 3, "snapshot": 2, "file": 1, "git": 0}


@dataclass(frozen=True)
class Trend:
    """Trend points, oldest first, one per date, and the milestones followed."""

    points: tuple[Point, ...]
    milestones: tuple[str, ...]
    target: dt.date | None
    start: dt.date

    @classmethod
    def of(
        cls,
        points: Iterable[Point],
        milestones: tuple[str, ...],
        target: dt.date | None,
        start: dt.date,
    ) -> Trend:
        """Merge points to one per date (now > snapshot > file > git) and sort them."""
        best: dict[dt.date, Point] = {}
        for p in points:
            old = best.get(p.date)
            if old is None or _RANK.get(p.source, 0) > _RANK.get(old.source, 0):
                best[p.date] = p
        return cls(tuple(best[d] for d in sorted(best)), milestones, target, start)

    def series(self) -> list[tuple[str, list[dt.date | None]]]:
        """Each line of the chart: finish, P80, then each milestone's forecast finish."""
        out: list[tuple[str, list[dt.date | None]]] = [
            ("finish", [p.finish for p in self.points]),
        ]
        if any(p.p80 for p in self.points):
            out.append(("P80", [p.p80 for p in self.points]))
        for mid in self.milestones:
            out.append((mid, [p.milestones.get(mid) for p in self.points]))
        return out

    def to_json(self) -> dict[str, Any]:
        """The trend as plain JSON data (dates as ISO strings) for ``tpm trend --json``."""

        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "target": iso(self.target),
            "milestones": list(self.milestones),
            "points": [
                {
                    "date": p.date.isoformat(),
                    "source": p.source,
                    "label": p.label,
                    "rag": p.rag,
                    "areas": dict(p.areas),
                    "finish": iso(p.finish),
                    "p80": iso(p.p80),
                    "milestones": {m: iso(p.milestones.get(m)) for m in self.milestones},
                    "p80_runs": p.runs,
                }
                for p in self.points
            ],
        }
