"""What a report knows beyond today's analysis, gathered the same way for every front end.

``tpm report`` and the TUI's Report screen both call :func:`gather`, so the screen shows the
report exactly as the command writes it: the previous report's colours ("RED, was AMBER on
..."), what changed since then, the RAG history from the recorded snapshots, the reporting
period and, for ``--full``, the slip trend. The previous report is analysed once
(:func:`earlier`): it does not change while today's plan is edited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Plan
from tpm.register.kpis import analyse_kpis
from tpm.report.data import ReportData, build
from tpm.report.diff import Since, diff, since_report
from tpm.report.period import period_start
from tpm.report.previous import Previous
from tpm.report.snapshot import Point, key_milestones, point_from_snapshot, point_of
from tpm.report.trend import Trend


@dataclass(frozen=True)
class Earlier:
    """The previous report and its analysis (None for a recorded snapshot or no previous)."""

    previous: Previous | None
    why_not: str = ""  # why there is no previous report, when there is none
    old: ReportData | None = None


def earlier(previous: Previous | None, why_not: str | None = None) -> Earlier:
    """Analyse the previous report's plan, when it is a whole plan."""
    old = None
    if previous is not None and previous.plan is not None:
        old = build(previous.plan, previous.as_of)
    return Earlier(previous, why_not or "", old)


@dataclass(frozen=True)
class ReportParts:
    """Everything a report renders: today's data and what it is compared with."""

    data: ReportData
    now: Point  # today's trend point (what --record appends)
    since: Since | None
    no_previous: str
    history: tuple[Point, ...]  # earlier reports, oldest first (today's not included)
    period_start: dt.date
    trend: Trend | None  # the slip trend through today (only gathered for --full)


def gather(
    plan: Plan, as_of: dt.date, data: ReportData, before: Earlier, full: bool = False
) -> ReportParts:
    """Compare today's ``data`` with the earlier report; ``full`` also gathers the trend.

    ``data`` may be built without ``since``: each KPI's change since the previous report is
    added here, as ``tpm report`` shows it.
    """
    previous = before.previous
    if previous is not None:
        data = dataclasses.replace(data, kpis=tuple(analyse_kpis(plan, as_of, previous.as_of)))
    keys = key_milestones(plan)
    now = point_of(data, keys)
    history = {s.date: point_from_snapshot(s) for s in plan.snapshots if s.date < as_of}
    since = None
    if previous is not None:
        changes = None
        old_point = previous.snapshot
        if before.old is not None:
            changes = diff(before.old, data, WorkCalendar.of(plan), previous.label)
            old_point = point_of(before.old, keys, "git", previous.label)
            history.setdefault(old_point.date, old_point)
        assert old_point is not None
        since = since_report(data, now, old_point, previous.label, WorkCalendar.of(plan), changes)
    points = tuple(history[d] for d in sorted(history))
    trend = Trend.of([*points, now], keys, data.target, data.start) if full else None
    start = (
        previous.as_of
        if previous is not None and previous.as_of < as_of
        else period_start(as_of, plan.settings.report_period_days)
    )
    return ReportParts(data, now, since, before.why_not, points, start, trend)
