"""What changed since the last report: a diff of two analysed plans.

``tpm report --since REV|FILE`` analyses the older plan as well (as of its own status date)
and compares the two snapshots: milestones that slipped or were pulled in (in working days
of the current calendar, with whether they are critical now), milestones added or removed,
status changes, RAG changes, risks opened, closed or rescored, KPIs whose colour changed, and
float consumed. Everything is sorted, biggest change first, so the report can show the top.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tpm.plan.calendar import WorkCalendar, add_days
from tpm.report.data import MilestoneRow, ReportData
from tpm.report.snapshot import Point
from tpm.status.evaluate import AREA_NAMES


@dataclass(frozen=True)
class DateMove:
    """A forecast finish that moved: positive days slipped, negative pulled in."""

    id: str
    title: str
    old: dt.date
    new: dt.date
    days: int
    critical: bool


@dataclass(frozen=True)
class StatusChange:
    """A milestone whose status changed."""

    id: str
    title: str
    old: str
    new: str


@dataclass(frozen=True)
class RagChange:
    """An area (or the overall status) whose colour changed."""

    area: str
    old: str
    new: str


@dataclass(frozen=True)
class RiskChange:
    """A risk opened, closed or rescored since the last report."""

    id: str
    title: str
    kind: str  # opened | closed | rescored
    old_score: int | None
    new_score: int | None
    band: str


@dataclass(frozen=True)
class KpiCrossing:
    """A KPI whose latest colour changed (it crossed its target or amber threshold)."""

    id: str
    name: str
    old: str | None
    new: str
    old_value: float | None
    new_value: float | None


@dataclass(frozen=True)
class FloatChange:
    """An open milestone whose total float shrank."""

    id: str
    title: str
    old: float
    new: float

    @property
    def consumed(self) -> float:
        """Working days of float used up."""
        return self.old - self.new


@dataclass(frozen=True)
class Changes:
    """The whole difference, labelled with what it compares against."""

    since: str
    old_as_of: dt.date
    finish: DateMove | None
    slipped: tuple[DateMove, ...]
    pulled_in: tuple[DateMove, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    statuses: tuple[StatusChange, ...]
    rags: tuple[RagChange, ...]
    risks: tuple[RiskChange, ...]
    kpis: tuple[KpiCrossing, ...]
    float_consumed: tuple[FloatChange, ...]

    @property
    def empty(self) -> bool:
        """True when nothing a report lists changed."""
        return not (
            self.finish
            or self.slipped
            or self.pulled_in
            or self.added
            or self.removed
            or self.statuses
            or self.rags
            or self.risks
            or self.kpis
            or self.float_consumed
        )


def _move(cal: WorkCalendar, old: MilestoneRow, new: MilestoneRow) -> DateMove | None:
    if old.finish is None or new.finish is None or old.finish == new.finish:
        return None
    days = cal.span(old.finish, new.finish)
    if days == 0:  # moved between days off only
        return None
    return DateMove(new.id, new.title, old.finish, new.finish, days, new.critical)


def diff(old: ReportData, new: ReportData, cal: WorkCalendar, since: str) -> Changes:
    """Compare the snapshot of an older plan with the current one (``cal``: current plan's)."""
    before = {m.id: m for m in old.milestones}
    after = {m.id: m for m in new.milestones}
    moves: list[DateMove] = []
    statuses: list[StatusChange] = []
    floats: list[FloatChange] = []
    for mid in sorted(before.keys() & after.keys()):
        o, n = before[mid], after[mid]
        move = _move(cal, o, n)
        if move is not None:
            moves.append(move)
        if o.status != n.status:
            statuses.append(StatusChange(mid, n.title, o.status, n.status))
        if (
            n.status not in ("done", "cancelled")
            and o.total_float is not None
            and n.total_float is not None
            and n.total_float < o.total_float
        ):
            floats.append(FloatChange(mid, n.title, o.total_float, n.total_float))
    finish = None
    if old.finish and new.finish and old.finish != new.finish:
        days = cal.span(old.finish, new.finish)
        finish = DateMove("", "program finish", old.finish, new.finish, days, True)
    return Changes(
        since=since,
        old_as_of=old.as_of,
        finish=finish,
        slipped=tuple(sorted((m for m in moves if m.days > 0), key=lambda m: (-m.days, m.id))),
        pulled_in=tuple(sorted((m for m in moves if m.days < 0), key=lambda m: (m.days, m.id))),
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        statuses=tuple(statuses),
        rags=_rag_changes(old, new),
        risks=_risk_changes(old, new),
        kpis=_kpi_crossings(old, new),
        float_consumed=tuple(sorted(floats, key=lambda f: (-f.consumed, f.id))),
    )


def _rag_changes(old: ReportData, new: ReportData) -> tuple[RagChange, ...]:
    out = []
    if old.status.rag != new.status.rag:
        out.append(RagChange("Overall", old.status.rag, new.status.rag))
    for o, n in zip(old.status.areas, new.status.areas, strict=True):
        if o.rag != n.rag:
            out.append(RagChange(AREA_NAMES[n.area], o.rag, n.rag))
    return tuple(out)


def _risk_changes(old: ReportData, new: ReportData) -> tuple[RiskChange, ...]:
    live_old = {r.id: r for r in old.risks.risks}
    live_new = {r.id: r for r in new.risks.risks}
    out: list[RiskChange] = []
    for rid, r in live_new.items():
        if rid not in live_old:
            out.append(RiskChange(rid, r.title, "opened", None, r.score, r.band))
        elif live_old[rid].score != r.score:
            out.append(RiskChange(rid, r.title, "rescored", live_old[rid].score, r.score, r.band))
    for rid, r in live_old.items():
        if rid not in live_new:
            out.append(RiskChange(rid, r.title, "closed", r.score, None, r.band))
    order = {"opened": 0, "rescored": 1, "closed": 2}
    return tuple(sorted(out, key=lambda c: (order[c.kind], -(c.new_score or 0), c.id)))


def _kpi_crossings(old: ReportData, new: ReportData) -> tuple[KpiCrossing, ...]:
    before = {k.id: k for k in old.kpis}
    out = []
    for k in new.kpis:
        prior = before.get(k.id)
        old_rag = prior.rag if prior else None
        if k.rag is None or k.rag == old_rag:
            continue
        old_value = prior.latest.value if prior and prior.latest else None
        new_value = k.latest.value if k.latest else None
        out.append(KpiCrossing(k.id, k.name, old_rag, k.rag, old_value, new_value))
    return tuple(out)


def period_start(as_of: dt.date, changes: Changes | None) -> dt.date:
    """First day a report covers: the day after the last report, else a week back."""
    if changes is not None and changes.old_as_of < as_of:
        return add_days(changes.old_as_of, 1)
    return add_days(as_of, -6)


@dataclass(frozen=True)
class Since:
    """Everything the report's "since the last report" part needs, whatever the source.

    With a whole older plan (``changes`` set) every list is exact; with only a recorded
    snapshot, slips come from the key milestones it recorded, new risks from their ``raised``
    date, and rescored or closed risks are unknown (``changes`` is None).
    """

    label: str
    date: dt.date
    previous: Point
    finish: DateMove | None
    p80_days: int | None  # working days the P80 moved (+ later)
    slipped: tuple[DateMove, ...]
    done: tuple[MilestoneRow, ...]
    opened: tuple[str, ...]  # risk ids
    rescored: tuple[RiskChange, ...]
    closed: tuple[str, ...]
    kpis: tuple[KpiCrossing, ...]
    changes: Changes | None


def since_report(
    data: ReportData,
    now: Point,
    previous: Point,
    label: str,
    cal: WorkCalendar,
    changes: Changes | None,
) -> Since:
    """Compare today's report with the previous one (a whole plan's ``changes``, or a point)."""
    finish = None
    if previous.finish and now.finish and previous.finish != now.finish:
        days = cal.span(previous.finish, now.finish)
        finish = DateMove("", "program finish", previous.finish, now.finish, days, True)
    p80_days = None
    if previous.p80 and now.p80:
        p80_days = cal.span(previous.p80, now.p80)
    if changes is not None:
        slipped = changes.slipped
        opened = tuple(c.id for c in changes.risks if c.kind == "opened")
        rescored = tuple(c for c in changes.risks if c.kind == "rescored")
        closed = tuple(c.id for c in changes.risks if c.kind == "closed")
    else:
        moves = []
        for mid, old in previous.milestones.items():
            row = data.row(mid)
            if row is None or row.finish is None or row.finish == old:
                continue
            days = cal.span(old, row.finish)
            if days > 0:
                moves.append(DateMove(mid, row.title, old, row.finish, days, row.critical))
        slipped = tuple(sorted(moves, key=lambda m: (-m.days, m.id)))
        opened = tuple(
            r.id
            for r in data.risks.risks
            if r.raised is not None and previous.date < r.raised <= data.as_of
        )
        rescored, closed = (), ()
    done = tuple(
        m
        for m in data.milestones
        if m.status == "done" and m.actual_finish and previous.date < m.actual_finish <= data.as_of
    )
    return Since(
        label=label,
        date=previous.date,
        previous=previous,
        finish=finish,
        p80_days=p80_days,
        slipped=slipped,
        done=tuple(sorted(done, key=lambda m: (m.actual_finish or dt.date.min, m.id))),
        opened=opened,
        rescored=rescored,
        closed=closed,
        kpis=kpi_crossings_since(data, previous.date),
        changes=changes,
    )


def kpi_crossings_since(data: ReportData, day: dt.date) -> tuple[KpiCrossing, ...]:
    """KPIs whose latest colour differs from their colour on ``day`` (their own history)."""
    out = []
    for k in data.kpis:
        if k.latest is None or k.rag is None:
            continue
        before = [p for p in k.history if p.date <= day]
        old = before[-1] if before else None
        if old is not None and old.rag == k.rag:
            continue
        if old is None and k.latest.date <= day:
            continue
        out.append(
            KpiCrossing(
                k.id,
                k.name,
                old.rag if old else None,
                k.rag,
                old.value if old else None,
                k.latest.value,
            )
        )
    return tuple(out)
