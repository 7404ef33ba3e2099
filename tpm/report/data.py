"""Everything a status report or an export shows, computed once as plain frozen data.

``tpm report`` and ``tpm export`` follow one pipeline: load the plan, :func:`build` this
snapshot (schedule, forecast, risk register, KPIs, RAG status), optionally diff it with the
snapshot of an older plan (:mod:`tpm.report.diff`), and hand it to a renderer. Renderers never
call the engines themselves, so every output of one run agrees, and the same plan and status
date always give the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tpm.plan.calendar import add_days
from tpm.plan.model import Decision, Milestone, Plan
from tpm.register.kpis import KpiStatus, analyse_kpis
from tpm.register.risks import RiskRegister, analyse_risks
from tpm.report.escalations import Escalation, escalations
from tpm.status.evaluate import Status, evaluate
from tpm.status.facts import BlockerFacts, DueMiss, Facts, KpiFacts, RiskFacts, ScheduleFacts

if TYPE_CHECKING:
    from tpm.forecast.run import Forecast
    from tpm.schedule.graph import Graph
    from tpm.schedule.result import MilestoneSchedule, Schedule

EPS = 1e-9

RECENT_DAYS = 14  # "done recently" and "due in the next two weeks"


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone as reports show it: plan fields plus its forecast and baseline."""

    id: str
    title: str
    team: str
    owner: str
    status: str
    percent_complete: float
    duration: float
    due: dt.date | None
    actual_finish: dt.date | None
    start: dt.date | None
    finish: dt.date | None
    total_float: float | None
    critical: bool
    near_critical: bool
    baseline_finish: dt.date | None
    variance_days: float | None  # working days later (+) or earlier (-) than the baseline


@dataclass(frozen=True)
class BlockerRow:
    """A blocker with what it holds up."""

    id: str
    title: str
    owner: str
    team: str
    kind: str  # "blocked" or "waiting"
    reason: str
    critical: bool
    slip_days: float
    hold_days: float  # slip_days is the finish slip if it stays stuck this many more days
    downstream: int
    teams_held: tuple[str, ...]
    age_days: int | None
    waiting_on: tuple[str, ...]
    cross_team: tuple[str, ...]  # predecessors owned by another team


@dataclass(frozen=True)
class ReportData:
    """The snapshot one report or export is rendered from."""

    program: str
    objective: str
    owner: str
    as_of: dt.date
    start: dt.date
    target: dt.date | None
    finish: dt.date | None
    margin_days: float | None
    baseline_name: str | None
    baseline_finish: dt.date | None
    variance_days: float | None
    critical_path: tuple[str, ...]
    done_count: int
    total_count: int
    progress_weighted: float  # 0..1, by duration
    milestones: tuple[MilestoneRow, ...]  # schedule order: forecast start, then id
    milestones_in_plan_order: tuple[MilestoneRow, ...]
    team_order: tuple[str, ...]
    team_names: dict[str, str]
    blockers: tuple[BlockerRow, ...]
    forecast: Forecast | None
    risks: RiskRegister
    kpis: tuple[KpiStatus, ...]
    status: Status
    decisions: tuple[Decision, ...]  # decided, newest first
    asks: tuple[Decision, ...]  # status needed, soonest needed_by first
    escalations: tuple[Escalation, ...] = ()  # most urgent first (tpm.report.escalations)

    def row(self, milestone_id: str) -> MilestoneRow | None:
        """The milestone row with this id, or None."""
        for m in self.milestones:
            if m.id == milestone_id:
                return m
        return None


def build(
    plan: Plan,
    as_of: dt.date,
    since: dt.date | None = None,
    with_forecast: bool = True,
    runs: int | None = None,
    sched: Schedule | None = None,
) -> ReportData:
    """Analyse ``plan`` as of ``as_of`` for a report.

    ``since`` (the last report's date) adds each KPI's change since then; ``with_forecast``
    False skips the Monte Carlo forecast (exports that show no percentiles); ``runs`` caps the
    Monte Carlo runs (default :func:`tpm.forecast.defaults.runs_for`, as `tpm forecast`);
    ``sched``: the plan's schedule as of ``as_of`` when the caller has it (the TUI keeps one
    up to date), else it is computed here.
    """
    if sched is None:
        from tpm.schedule.scheduler import schedule

        sched = schedule(plan, as_of)
    rows_by_id = {m.id: _row(m, sched.milestones.get(m.id)) for m in plan.milestones}
    in_plan = tuple(rows_by_id[m.id] for m in plan.milestones if m.id in rows_by_id)
    ordered = tuple(
        sorted(in_plan, key=lambda r: (r.start or dt.date.max, r.finish or dt.date.max, r.id))
    )
    live = [m for m in plan.milestones if m.status != "cancelled"]
    fc = _forecast(plan, as_of, sched, live, runs) if with_forecast else None
    register = analyse_risks(plan, as_of, sched.critical, sched.near_critical, sched.late)
    kpis = tuple(analyse_kpis(plan, as_of, since))
    blockers = _blockers(plan, sched, as_of)
    finish = sched.finish if any(m.status != "done" for m in live) else None
    p80 = fc.finish.p80 if fc is not None and fc.milestones_estimated else None
    misses = tuple(
        DueMiss(r.id, r.due, r.total_float)
        for r in in_plan
        if r.due is not None
        and r.total_float is not None
        and r.total_float < -EPS
        and r.status not in ("done", "cancelled")
    )
    facts = _facts(
        as_of, sched.target, finish, sched.margin_days, p80, misses, register, kpis, blockers
    )
    base = sched.baseline
    total = sum(float(m.duration) for m in live)
    earned = sum(
        float(m.duration) * (1.0 if m.status == "done" else float(m.percent_complete) / 100)
        for m in live
    )
    done_count = sum(1 for m in live if m.status == "done")
    weighted = earned / total if total > 0 else (done_count / len(live) if live else 0.0)
    decided = sorted(
        (d for d in plan.decisions if d.status == "decided"),
        key=lambda d: (-(d.date.toordinal() if d.date else 0), d.id),
    )
    asks = sorted(
        (d for d in plan.decisions if d.status == "needed"),
        key=lambda d: (d.needed_by or dt.date.max, d.id),
    )
    return ReportData(
        program=plan.program.name,
        objective=plan.program.objective,
        owner=plan.program.owner,
        as_of=as_of,
        start=sched.start,
        target=sched.target,
        finish=finish,
        margin_days=None if finish is None else sched.margin_days,
        baseline_name=base.name if base else None,
        baseline_finish=base.finish if base else None,
        variance_days=base.variance_days if base else None,
        critical_path=sched.critical_path,
        done_count=done_count,
        total_count=len(live),
        progress_weighted=weighted,
        milestones=ordered,
        milestones_in_plan_order=in_plan,
        team_order=tuple(t.id for t in plan.teams),
        team_names={t.id: t.name or t.id for t in plan.teams},
        blockers=blockers,
        forecast=fc,
        risks=register,
        kpis=kpis,
        status=evaluate(facts, plan.status),
        decisions=tuple(decided),
        asks=tuple(asks),
        escalations=escalations(
            plan, as_of, sched.calendar, blockers, register, _floats(blockers, rows_by_id)
        ),
    )


def is_late(m: MilestoneRow, as_of: dt.date) -> bool:
    """Overdue (due before the status date), or forecast to finish after its due date."""
    return m.due is not None and (m.due < as_of or (m.finish is not None and m.finish > m.due))


def due_soon(data: ReportData, finishing: bool = False) -> list[MilestoneRow]:
    """Open milestones due within two weeks of the status date or already overdue (with
    ``finishing``, also those without a due date forecast to finish within two weeks): late
    ones first, then by date (the due date, else the forecast finish), then id. The report
    and the TUI's dashboard list them in this one order."""
    soon = add_days(data.as_of, RECENT_DAYS)

    def listed(m: MilestoneRow) -> bool:
        if m.status in ("done", "cancelled"):
            return False
        if m.due is not None:
            return m.due <= soon
        return finishing and m.finish is not None and m.finish <= soon

    rows = [m for m in data.milestones if listed(m)]
    return sorted(
        rows,
        key=lambda m: (not is_late(m, data.as_of), m.due or m.finish or dt.date.max, m.id),
    )


def _row(m: Milestone, s: MilestoneSchedule | None) -> MilestoneRow:
    return MilestoneRow(
        id=m.id,
        title=m.title,
        team=m.team,
        owner=m.owner,
        status=m.status,
        percent_complete=float(m.percent_complete),
        duration=float(m.duration),
        due=m.due,
        actual_finish=m.actual_finish,
        start=s.start if s else None,
        finish=s.finish if s else None,
        total_float=s.total_float if s and m.status != "done" else None,
        critical=s.critical if s else False,
        near_critical=s.near_critical if s else False,
        baseline_finish=s.baseline_finish if s else None,
        variance_days=None if s is None or s.variance_days is None else float(s.variance_days),
    )


def _floats(
    blockers: tuple[BlockerRow, ...], rows: dict[str, MilestoneRow]
) -> dict[str, float | None]:
    return {b.id: rows[b.id].total_float if b.id in rows else None for b in blockers}


def _blockers(plan: Plan, sched: Schedule, as_of: dt.date) -> tuple[BlockerRow, ...]:
    from tpm.schedule.blockers import blockers

    owners = {m.id: m.owner for m in plan.milestones}
    return tuple(
        BlockerRow(
            id=b.id,
            title=b.title,
            owner=owners.get(b.id, ""),
            team=b.team,
            kind=b.kind,
            reason=b.reason,
            critical=b.critical,
            slip_days=b.slip_days,
            hold_days=b.hold_days,
            downstream=b.downstream_count,
            teams_held=b.teams_held,
            age_days=b.age_days,
            waiting_on=tuple(h.id for h in b.waiting_on),
            cross_team=tuple(h.id for h in b.waiting_on if h.cross_team),
        )
        for b in blockers(plan, sched, as_of)
    )


def _forecast(
    plan: Plan, as_of: dt.date, sched: Schedule, live: list[Milestone], runs: int | None
) -> Forecast | None:
    """The Monte Carlo forecast, or None when nothing in the plan is uncertain."""
    has_estimates = any(m.estimate is not None and m.status != "done" for m in live)
    has_risk_events = any(r.schedule_impact > 0 and r.affects for r in plan.risks)
    if not live or not (has_estimates or has_risk_events):
        return None
    from tpm.forecast.defaults import DEFAULT_SEED, runs_for
    from tpm.forecast.run import forecast

    # The same runs and seed as `tpm forecast` (tpm.forecast.defaults): the same numbers.
    n = min(runs, runs_for(len(live))) if runs else runs_for(len(live))
    return forecast(plan, as_of, n, DEFAULT_SEED, graph=sched.graph, per_milestone=False)


@dataclass(frozen=True)
class Headline:
    """What a trend point shows of one analysis: the colours, finish, P80, key milestones."""

    status: Status
    finish: dt.date | None
    p80: dt.date | None
    milestones: dict[str, dt.date]  # forecast finish of each key milestone in the plan
    runs: int  # Monte Carlo runs behind the P80 (0: no forecast)


def headline(
    plan: Plan, as_of: dt.date, keys: tuple[str, ...], runs: int, graph: Graph | None = None
) -> Headline:
    """The same colours, finish and P80 as :func:`build`, without the report's tables.

    A trend analyses dozens of old plans; this skips the milestone rows (only due-dated and
    key milestones are looked at) and the report's other sections. ``runs``: Monte Carlo runs
    for the P80 (0: no forecast, no P80). ``graph``: the plan's graph, when the caller has it.
    """
    from tpm.schedule.blockers import blocker_ages
    from tpm.schedule.scheduler import schedule

    sched = schedule(plan, as_of, graph=graph)
    live = [m for m in plan.milestones if m.status != "cancelled"]
    fc = _forecast(plan, as_of, sched, live, runs) if runs > 0 else None
    register = analyse_risks(plan, as_of, sched.critical, sched.near_critical, sched.late)
    kpis = tuple(analyse_kpis(plan, as_of, None))
    # The rules read only the blockers' ids, critical flags and ages (not their ranking).
    blockers = tuple(BlockerFacts(*b) for b in blocker_ages(plan, sched, as_of))
    finish = sched.finish if any(m.status != "done" for m in live) else None
    p80 = fc.finish.p80 if fc is not None and fc.milestones_estimated else None
    late = sched.late
    misses = []
    for m in live:
        if m.due is not None and m.status != "done" and m.id in late:
            total = sched.milestone(m.id).total_float
            if total < -EPS:
                misses.append(DueMiss(m.id, m.due, total))
    facts = _facts(
        as_of, sched.target, finish, sched.margin_days, p80, tuple(misses), register, kpis, blockers
    )
    known = set(sched.graph.index)
    dates = {k: sched.milestone(k).finish for k in keys if k in known}
    runs_done = fc.runs if fc is not None else 0
    return Headline(evaluate(facts, plan.status), finish, p80, dates, runs_done)


def _facts(
    as_of: dt.date,
    target: dt.date | None,
    finish: dt.date | None,
    margin: float | None,
    p80: dt.date | None,
    misses: tuple[DueMiss, ...],
    register: RiskRegister,
    kpis: tuple[KpiStatus, ...],
    blockers: tuple[BlockerRow, ...] | tuple[BlockerFacts, ...],
) -> Facts:
    risks = tuple(
        RiskFacts(
            id=r.id,
            score=r.score,
            band=r.band,
            status="accepted" if r.response == "accept" and r.status == "open" else r.status,
            active_mitigation=bool(r.active_mitigations),
            overdue_mitigations=r.overdue_mitigations,
            follow_up=bool(r.follow_up.strip()),
        )
        for r in register.risks
    )
    return Facts(
        as_of=as_of,
        schedule=ScheduleFacts(finish, target, None if finish is None else margin, p80, misses),
        risks=risks,
        kpis=tuple(KpiFacts(k.id, k.rags, k.stale) for k in kpis),
        blockers=tuple(
            b if isinstance(b, BlockerFacts) else BlockerFacts(b.id, b.critical, b.age_days)
            for b in blockers
        ),
    )
