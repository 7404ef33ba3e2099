"""KPI status as data: latest value against target, RAG, trend, staleness and history.

A KPI is a number the program answers for. For each one this module works out, as of a
status date (measurements dated after it are ignored, as if not yet taken):

- the latest value and its RAG: green when it meets the target in the KPI's direction, amber
  when it is between the target and the amber threshold, red beyond the threshold (without an
  amber threshold, anything short of the target is red);
- the RAG of every measurement, oldest first, and the red streak (how many of the latest
  measurements in a row are red), which the status rules use;
- the trend: a least-squares line through the last ``settings.kpi_trend_points``
  measurements, as a slope per week and a direction in the KPI's terms (improving, worsening
  or flat). Flat means the fitted change across the window is smaller than a tenth of the
  amber band (target to amber threshold), or, without an amber band, smaller than 1% of the
  KPI's size (the largest of |target| and the window's |values|);
- the change since the previous measurement and, optionally, since a date (the last report);
- staleness: no measurement within ``cadence_days`` before the status date; a KPI never
  measured is stale once ``cadence_days`` have passed since the program start (a new plan is
  not stale on its first day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from tpm.plan.model import Direction, Kpi, Measurement, Plan, Rag

TrendDirection = Literal["improving", "worsening", "flat"]
FLAT_FRACTION = 0.01
FLAT_FRACTION_OF_BAND = 0.1


@dataclass(frozen=True)
class Point:
    """One measurement as analysed: date, value and its RAG against the target."""

    date: dt.date
    value: float
    rag: Rag
    note: str = ""


@dataclass(frozen=True)
class Trend:
    """A least-squares fit over the last few measurements."""

    points: int
    slope_per_week: float
    direction: TrendDirection


@dataclass(frozen=True)
class KpiStatus:
    """One KPI as of a status date."""

    id: str
    name: str
    unit: str
    owner: str
    direction: Direction
    target: float
    amber: float | None
    baseline: float | None
    cadence_days: int
    history: tuple[Point, ...]
    latest: Point | None
    previous: Point | None
    rag: Rag | None
    meets_target: bool
    change: float | None
    change_direction: TrendDirection | None
    since: dt.date | None
    change_since: float | None
    trend: Trend | None
    stale: bool
    days_since_measured: int | None
    red_streak: int
    recent: tuple[float, ...]

    @property
    def rags(self) -> tuple[Rag, ...]:
        """The RAG of every measurement up to the status date, oldest first."""
        return tuple(p.rag for p in self.history)

    @property
    def sparkline(self) -> str:
        """A unicode sparkline of the recent values (the trend window)."""
        from tpm.register.sparkline import sparkline

        return sparkline(self.recent)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (dates as ISO strings), for ``tpm kpi --json``."""
        data = asdict(self)
        data["history"] = [{**asdict(p), "date": p.date.isoformat()} for p in self.history]
        for key in ("latest", "previous"):
            point = getattr(self, key)
            data[key] = None if point is None else {**asdict(point), "date": point.date.isoformat()}
        data["since"] = self.since.isoformat() if self.since else None
        data["recent"] = list(self.recent)
        data["sparkline"] = self.sparkline
        return data


def rag_of(value: float, kpi: Kpi) -> Rag:
    """Green at or beyond the target, amber up to the amber threshold, red beyond it."""
    if _better_or_equal(value, kpi.target, kpi.direction):
        return "green"
    if kpi.amber is not None and _better_or_equal(value, kpi.amber, kpi.direction):
        return "amber"
    return "red"


def _better_or_equal(value: float, threshold: float, direction: Direction) -> bool:
    return value >= threshold if direction == "higher_is_better" else value <= threshold


def _sign(delta: float, direction: Direction) -> int:
    good = delta if direction == "higher_is_better" else -delta
    return (good > 0) - (good < 0)


def slope_per_week(points: Sequence[tuple[dt.date, float]]) -> float:
    """Least-squares slope of value against date, in value units per week (0 when undefined)."""
    if len(points) < 2:
        return 0.0
    origin = points[0][0]
    xs = [(d - origin).days / 7 for d, _ in points]
    ys = [v for _, v in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return 0.0
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx


def trend_of(points: Sequence[tuple[dt.date, float]], kpi: Kpi) -> Trend | None:
    """The trend over these measurements (oldest first), or None with fewer than two."""
    if len(points) < 2:
        return None
    slope = slope_per_week(points)
    weeks = (points[-1][0] - points[0][0]).days / 7
    fitted_change = abs(slope) * weeks
    if fitted_change == 0 or fitted_change < flat_tolerance(kpi, [v for _, v in points]):
        return Trend(len(points), slope, "flat")
    return Trend(len(points), slope, _word(_sign(slope, kpi.direction)))


def flat_tolerance(kpi: Kpi, values: Sequence[float]) -> float:
    """The smallest fitted change over a window that counts as a trend (see module doc)."""
    if kpi.amber is not None and kpi.amber != kpi.target:
        return FLAT_FRACTION_OF_BAND * abs(kpi.target - kpi.amber)
    return FLAT_FRACTION * max([abs(kpi.target), *(abs(v) for v in values)])


def _word(sign: int) -> TrendDirection:
    return "improving" if sign > 0 else "worsening" if sign < 0 else "flat"


def _history(kpi: Kpi, as_of: dt.date) -> list[Measurement]:
    """Measurements on or before as_of, oldest first (same-day ones keep file order)."""
    return sorted((m for m in kpi.measurements if m.date <= as_of), key=lambda m: m.date)


def analyse_kpi(
    kpi: Kpi,
    as_of: dt.date,
    trend_points: int,
    since: dt.date | None,
    program_start: dt.date | None = None,
) -> KpiStatus:
    """The status of one KPI (see :func:`analyse_kpis`)."""
    history = tuple(
        Point(m.date, m.value, rag_of(m.value, kpi), m.note) for m in _history(kpi, as_of)
    )
    latest = history[-1] if history else None
    previous = history[-2] if len(history) > 1 else None
    change = latest.value - previous.value if latest and previous else None
    change_since = None
    if since is not None and latest is not None:
        before = [p for p in history if p.date <= since]
        if before:
            change_since = latest.value - before[-1].value
    window = history[-trend_points:]
    streak = 0
    for p in reversed(history):
        if p.rag != "red":
            break
        streak += 1
    days = (as_of - latest.date).days if latest else None
    return KpiStatus(
        id=kpi.id,
        name=kpi.name,
        unit=kpi.unit,
        owner=kpi.owner,
        direction=kpi.direction,
        target=kpi.target,
        amber=kpi.amber,
        baseline=kpi.baseline,
        cadence_days=kpi.cadence_days,
        history=history,
        latest=latest,
        previous=previous,
        rag=latest.rag if latest else None,
        meets_target=latest is not None and latest.rag == "green",
        change=change,
        change_direction=None if change is None else _word(_sign(change, kpi.direction)),
        since=since,
        change_since=change_since,
        trend=trend_of([(p.date, p.value) for p in window], kpi),
        stale=_stale(days, as_of, kpi.cadence_days, program_start),
        days_since_measured=days,
        red_streak=streak,
        recent=tuple(p.value for p in window),
    )


def analyse_kpis(plan: Plan, as_of: dt.date, since: dt.date | None = None) -> list[KpiStatus]:
    """Every KPI of ``plan`` as of ``as_of``, sorted by id.

    ``since`` (for instance the date of the last report) adds the change since the last
    measurement on or before that date.
    """
    points = plan.settings.kpi_trend_points
    start = plan.program.start
    return [
        analyse_kpi(k, as_of, points, since, start) for k in sorted(plan.kpis, key=lambda k: k.id)
    ]


def _stale(days: int | None, as_of: dt.date, cadence: int, program_start: dt.date | None) -> bool:
    """Not measured within the cadence; never measured counts from the program start."""
    if days is None:
        return program_start is None or (as_of - program_start).days > cadence
    return days > cadence
