"""What the dashboard shows, as plain data: built from the report data, drawn by the dashboard,
and small enough to cache.

:func:`overview` turns one analysis (the report data of the status or full tier, and the plan
for the slip trend) into an :class:`Overview`: every RAG, finding, date and number of the
first screen, and nothing else. The dashboard draws only this, so a start that finds an
overview in the analysis cache (:mod:`tpm.tui.cache`) paints the same screen as a cold one,
before the plan is even parsed. :func:`to_json` and :func:`from_json` round-trip it through
plain JSON; this module imports no engine code, so reading a cached overview costs nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpm.plan.model import Plan
    from tpm.report.data import ReportData
    from tpm.report.snapshot import Trend

MAX_HISTORY = 6  # reporting dates in the RAG history, today's included (as the report)
TOP = 5  # blockers and risks on the dashboard
DUE_ROWS = 8  # milestones in "due in the next two weeks"
MOST_POINTS = 12  # the slip trend shows the latest reporting dates


@dataclass(frozen=True)
class FindingLine:
    """A rule that fired: its colour, what it says and its id."""

    rag: str
    message: str
    rule: str


@dataclass(frozen=True)
class AreaLine:
    """One area of the status: its colour, its past colours (oldest first) and findings."""

    name: str
    area: str
    rag: str | None
    history: tuple[str | None, ...]
    findings: tuple[FindingLine, ...]


@dataclass(frozen=True)
class Odds:
    """The Monte Carlo forecast's headline (only when some open work has an estimate)."""

    p50: dt.date
    p80: dt.date
    p95: dt.date
    runs: int
    on_target: float | None


@dataclass(frozen=True)
class BlockerLine:
    """One of the top blockers."""

    id: str
    critical: bool
    what: str  # the reason it is blocked, or what it waits on
    slip_days: float
    slip: str  # the slip in whole working days, as shown (rounded up)
    downstream: int
    age_days: int | None


@dataclass(frozen=True)
class RiskLine:
    """One of the top live risks."""

    id: str
    title: str
    owner: str
    score: int
    band: str


@dataclass(frozen=True)
class KpiLine:
    """One KPI tile: colour, latest value against the target, recent values."""

    name: str
    unit: str
    rag: str | None
    value: float | None
    target: float
    sparkline: str
    stale: bool


@dataclass(frozen=True)
class DueLine:
    """A milestone due (or finishing) in the next two weeks, or overdue."""

    id: str
    title: str
    status: str
    when: dt.date | None
    finish: dt.date | None
    late: bool


@dataclass(frozen=True)
class SlipRow:
    """One line of the trend: its forecast on each reporting date, oldest first."""

    name: str
    dates: tuple[dt.date | None, ...]

    @property
    def first(self) -> dt.date | None:
        """The oldest forecast on record."""
        return next((d for d in self.dates if d is not None), None)

    @property
    def last(self) -> dt.date | None:
        """Today's forecast (or the newest one on record)."""
        return next((d for d in reversed(self.dates) if d is not None), None)

    @property
    def slip_days(self) -> int | None:
        """Calendar days between the oldest and today's forecast (negative: pulled in)."""
        first, last = self.first, self.last
        return (last - first).days if first and last else None


def slip_rows(trend: Trend, most: int = MOST_POINTS) -> list[SlipRow]:
    """The rows of a trend (finish, P80, then each key milestone), over its latest ``most``
    reporting dates; rows with no forecast at all are left out."""
    rows = [SlipRow(name, tuple(dates[-most:])) for name, dates in trend.series()]
    return [r for r in rows if r.first is not None]


@dataclass(frozen=True)
class TrendLines:
    """The slip trend panel: the reporting dates shown and one row per line of the chart."""

    points: int  # reporting dates on record (today's included)
    dates: tuple[dt.date, ...]  # the latest ones, shown
    rows: tuple[SlipRow, ...]
    target: dt.date | None


@dataclass(frozen=True)
class Overview:
    """Everything the dashboard draws about one analysis of the plan. Numbers of days come
    with their text as shown (whole working days, :mod:`tpm.render.days`), so drawing a
    cached overview needs no engine code."""

    program: str  # its name, for the title
    as_of: dt.date
    rag: str
    history: tuple[str | None, ...]  # past overall colours, oldest first
    history_from: dt.date | None  # the oldest reporting date in the history
    override: str | None  # the override's reason, when it set the colour
    areas: tuple[AreaLine, ...]
    notes: tuple[str, ...]
    finish: dt.date | None
    target: dt.date | None
    margin_days: float | None
    margin: str  # abs(margin_days) in whole working days, as shown ("" without a margin)
    odds: Odds | None
    baseline_name: str | None
    baseline_finish: dt.date | None
    variance_days: float | None
    variance: str  # abs(variance_days) in whole working days, as shown ("" without one)
    progress: float
    done_count: int
    total_count: int
    critical_path: tuple[str, ...]
    blockers: tuple[BlockerLine, ...]
    risks: tuple[RiskLine, ...]
    kpis: tuple[KpiLine, ...]
    due: tuple[DueLine, ...]
    due_more: int
    trend: TrendLines
    forecast_done: bool  # the forecast's P80 rule has been checked


def overview(data: ReportData, plan: Plan, forecast_done: bool) -> Overview:
    """The dashboard's view of some report data (``forecast_done``: from the full tier)."""
    from tpm.render.days import fmt_days
    from tpm.report.data import due_soon, is_late
    from tpm.report.snapshot import Trend, key_milestones, point_from_snapshot, point_of

    keys = key_milestones(plan)
    points = [point_from_snapshot(s) for s in plan.snapshots]
    points = [p for p in points if p.date < data.as_of]
    points.append(point_of(data, keys))
    trend = Trend.of(points, keys, data.target, data.start)
    past = [p for p in trend.points if p.date < data.as_of][-(MAX_HISTORY - 1) :]
    st = data.status
    areas = tuple(
        AreaLine(
            name=a.name,
            area=a.area,
            rag=a.rag,
            history=tuple(p.areas.get(a.area) for p in past),
            findings=tuple(FindingLine(f.rag, f.message, f.rule) for f in a.findings),
        )
        for a in st.areas
    )
    fc = data.forecast
    odds = None
    if fc is not None and fc.milestones_estimated:
        odds = Odds(fc.finish.p50, fc.finish.p80, fc.finish.p95, fc.runs, fc.on_target)
    blockers = tuple(
        BlockerLine(
            id=b.id,
            critical=b.critical,
            what=b.reason if b.kind == "blocked" else f"waits on {', '.join(b.waiting_on)}",
            slip_days=b.slip_days,
            slip=fmt_days(b.slip_days, more_is_worse=True),
            downstream=b.downstream,
            age_days=b.age_days,
        )
        for b in data.blockers[:TOP]
    )
    risks = tuple(RiskLine(r.id, r.title, r.owner, r.score, r.band) for r in data.risks.risks[:TOP])
    kpis = tuple(
        KpiLine(
            name=k.name,
            unit=k.unit,
            rag=k.rag,
            value=k.latest.value if k.latest else None,
            target=k.target,
            sparkline=k.sparkline,
            stale=k.stale,
        )
        for k in data.kpis
    )
    rows = due_soon(data, finishing=True)  # late first, then by date, as in the report
    due = tuple(
        DueLine(m.id, m.title, m.status, m.due or m.finish, m.finish, is_late(m, data.as_of))
        for m in rows[:DUE_ROWS]
    )
    shown = trend.points[-MOST_POINTS:]
    lines = TrendLines(
        points=len(trend.points),
        dates=tuple(p.date for p in shown),
        rows=tuple(slip_rows(trend)),
        target=trend.target,
    )
    return Overview(
        program=data.program,
        as_of=data.as_of,
        rag=st.rag,
        history=tuple(p.rag for p in past),
        history_from=past[0].date if past else None,
        override=st.reason if st.override_applied else None,
        areas=areas,
        notes=st.notes,
        finish=data.finish,
        target=data.target,
        margin_days=data.margin_days,
        margin="" if data.margin_days is None else fmt_days(abs(data.margin_days)),
        odds=odds,
        baseline_name=data.baseline_name,
        baseline_finish=data.baseline_finish,
        variance_days=data.variance_days,
        variance=_variance(data.variance_days),
        progress=data.progress_weighted,
        done_count=data.done_count,
        total_count=data.total_count,
        critical_path=data.critical_path,
        blockers=blockers,
        risks=risks,
        kpis=kpis,
        due=due,
        due_more=max(0, len(rows) - DUE_ROWS),
        trend=lines,
        forecast_done=forecast_done,
    )


def _variance(days: float | None) -> str:
    from tpm.render.days import fmt_days

    return "" if days is None else fmt_days(abs(days), more_is_worse=days > 0)


# ---------------------------------------------------------------- JSON


def to_json(view: Overview) -> dict[str, Any]:
    """The overview as plain JSON data (dates as ISO strings)."""
    return typing.cast(dict[str, Any], _plain(dataclasses.asdict(view)))


def from_json(data: object) -> Overview:
    """An overview from :func:`to_json`'s data; ValueError (or TypeError, KeyError) when the
    data is not one."""
    return typing.cast(Overview, _decode(Overview, data))


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _decode(kind: Any, value: object) -> object:
    """``value`` (JSON data) as an instance of the type ``kind``, checked on the way."""
    origin = typing.get_origin(kind)
    if origin is types.UnionType or origin is typing.Union:
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        (only,) = [o for o in options if o is not type(None)]
        return _decode(only, value)
    if origin is tuple:
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        (item, _dots) = typing.get_args(kind)
        return tuple(_decode(item, v) for v in value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {kind.__name__}")
        hints = _hints(kind)
        fields = {f.name: _decode(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)}
        return kind(**fields)
    if kind is dt.date:
        if not isinstance(value, str):
            raise TypeError("expected a date")
        return dt.date.fromisoformat(value)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind in (str, int, bool) and type(value) is kind:
        return value
    raise TypeError(f"expected {kind}, got {type(value).__name__}")
