"""Monte Carlo forecast: when will the program (and each dated milestone) really finish?

The deterministic schedule (tpm/schedule/scheduler.py) answers with one date from fixed
durations. The
forecast replays the same CPM thousands of times with durations drawn from each milestone's
three-point estimate and with each live risk happening or not, and reports percentiles,
the chance of meeting each date, and how often each milestone is on the critical path.

It follows the scheduling conventions of tpm/schedule/cpm.py exactly (links, lags,
progress as of
the status date, due dates in the backward pass), so a plan whose estimates are all
degenerate and that has no risks forecasts exactly the deterministic dates. The passes are
vectorised with numpy: every milestone owns a row of ``runs`` values, and the forward and
backward passes walk the milestone graph once in topological order (see tpm/forecast/passes.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tpm.forecast.defaults import DEFAULT_RUNS, DEFAULT_SEED, MAX_RUNS
from tpm.forecast.passes import Network, Outcome, build_network, simulate
from tpm.forecast.sampling import METHODS, Method
from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Milestone, Plan
from tpm.schedule.graph import Graph

PERCENTILES = (50, 80, 95)
LIVE_RISK = ("open", "mitigating", "accepted")


@dataclass(frozen=True)
class Quantiles:
    """Finish dates that this share of runs meet or beat: P50, P80, P95."""

    p50: dt.date
    p80: dt.date
    p95: dt.date


@dataclass(frozen=True)
class MilestoneForecast:
    """One live milestone's forecast."""

    id: str
    title: str
    status: str
    estimated: bool  # not done and has a three-point estimate
    due: dt.date | None
    finish: Quantiles | None  # only for milestones with a due date
    on_time: float | None  # share of runs finishing on or before the due date
    criticality: float  # share of runs in which it was on a critical path


@dataclass(frozen=True)
class RiskEvent:
    """A live risk modelled as an event: with this chance it adds its impact."""

    id: str
    title: str
    probability: int  # 1..5 score
    percent: int  # chance in percent that it happens in a run
    schedule_impact: float  # working days added to each affected milestone
    affects: tuple[str, ...]  # the milestones it can still move (not done, not cancelled)
    occurred: float  # share of runs in which it happened
    applied: tuple[str, ...] = ()  # of ``affects``, those the impact is added to: the
    # others depend on one of these and inherit the slip through their links


@dataclass(frozen=True)
class IgnoredRisk:
    """A live risk with a schedule impact that the forecast could not apply, and why."""

    id: str
    title: str
    reason: str


@dataclass(frozen=True)
class Forecast:
    """The whole forecast: assumptions first, then the results."""

    program: str
    as_of: dt.date
    runs: int
    seed: int
    method: Method
    probability_percent: tuple[int, ...]  # chance of a risk of probability 1..5
    milestones_total: int  # live (not cancelled) milestones
    milestones_open: int  # live and not done: the ones whose durations vary
    milestones_estimated: int  # open ones with a three-point estimate
    finish: Quantiles
    target: dt.date | None
    on_target: float | None  # share of runs finishing on or before the target
    milestones: tuple[MilestoneForecast, ...]  # plan order (empty for a program-only forecast)
    risks: tuple[RiskEvent, ...]  # plan order
    ignored_risks: tuple[IgnoredRisk, ...]  # plan order
    cancelled: tuple[str, ...]  # plan order


class ForecastError(ValueError):
    """The forecast cannot run with these options; the message says why."""


def forecast(
    plan: Plan,
    as_of: dt.date,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    method: Method = "pert",
    graph: Graph | None = None,
    per_milestone: bool = True,
) -> Forecast:
    """Run the Monte Carlo forecast of a valid plan as of ``as_of``.

    The same plan, status date, runs, seed and method always give the same result.
    ``graph`` is the plan's graph if the caller has one (a schedule's). ``per_milestone``
    False forecasts the program only: ``milestones`` is empty and the backward pass that
    measures criticality is skipped (the status report shows only program percentiles);
    the program's dates are the same either way.
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ForecastError(f"runs must be between 1 and {MAX_RUNS:,}, not {runs}")
    if seed < 0:
        raise ForecastError(f"the seed must be 0 or more, not {seed}")
    if method not in METHODS:
        raise ForecastError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    cal = WorkCalendar.of(plan)
    percent = tuple(plan.settings.probability_percent)
    events, ignored = _risk_events(plan, percent)
    impacts = [(e.percent, e.schedule_impact, e.affects) for e in events]
    net = build_network(plan, cal, as_of, method, impacts, graph, dated=per_milestone)
    out = simulate(net, runs, seed, criticality=per_milestone)
    return _summarise(
        plan, cal, as_of, runs, seed, method, percent, net, out, events, ignored, per_milestone
    )


def _risk_events(plan: Plan, percent: tuple[int, ...]) -> tuple[list[RiskEvent], list[IgnoredRisk]]:
    movable = {m.id for m in plan.milestones if m.status not in ("done", "cancelled")}
    events: list[RiskEvent] = []
    ignored: list[IgnoredRisk] = []
    for r in plan.risks:
        if r.status not in LIVE_RISK or r.schedule_impact <= 0:
            continue
        affects = tuple(dict.fromkeys(a for a in r.affects if a in movable))
        if not affects:
            reason = (
                "affects only done or cancelled milestones"
                if r.affects
                else "affects no milestone (set affects to apply its schedule_impact)"
            )
            ignored.append(IgnoredRisk(r.id, r.title, reason))
            continue
        chance = percent[r.probability - 1]
        events.append(
            RiskEvent(r.id, r.title, r.probability, chance, r.schedule_impact, affects, 0.0)
        )
    return events, ignored


def _recorded_finish(m: Milestone) -> dt.date | None:
    """The finish date a done milestone recorded (an event's start will do), else None."""
    if m.status != "done":
        return None
    if m.duration == 0:
        return m.actual_finish or m.actual_start
    return m.actual_finish


def _quantiles(cal: WorkCalendar, days: np.ndarray) -> Quantiles:
    """P50/P80/P95 of finish-day indices: the smallest day at least that share of runs meet."""
    got = np.quantile(days, [q / 100 for q in PERCENTILES], method="inverted_cdf")
    return Quantiles(*(cal.day(int(k)) for k in got))


def _summarise(
    plan: Plan,
    cal: WorkCalendar,
    as_of: dt.date,
    runs: int,
    seed: int,
    method: Method,
    percent: tuple[int, ...],
    net: Network,
    out: Outcome,
    events: list[RiskEvent],
    ignored: list[IgnoredRisk],
    per_milestone: bool,
) -> Forecast:
    live = [m for m in plan.milestones if m.status != "cancelled"]
    milestones: list[MilestoneForecast] = []
    for m in live if per_milestone else ():
        row = net.row[m.id]
        finish = on_time = None
        if m.due is not None:
            days = out.finish_days[row]
            finish = _quantiles(cal, days)
            recorded = _recorded_finish(m)
            if recorded is not None:  # done work shows its recorded date, as the schedule
                finish = Quantiles(recorded, recorded, recorded)
            on_time = float(np.count_nonzero(days <= cal.finish_offset(m.due) - 1)) / runs
        milestones.append(
            MilestoneForecast(
                id=m.id,
                title=m.title,
                status=m.status,
                estimated=m.estimate is not None and m.status != "done",
                due=m.due,
                finish=finish,
                on_time=on_time,
                criticality=int(out.critical[row]) / runs,
            )
        )
    target = plan.program.target
    on_target = None
    if target is not None:
        hits = np.count_nonzero(out.program_days <= cal.finish_offset(target) - 1)
        on_target = float(hits) / runs
    risks = tuple(
        RiskEvent(
            e.id,
            e.title,
            e.probability,
            e.percent,
            e.schedule_impact,
            e.affects,
            hits / runs,
            tuple(net.ids[r] for r in rows),
        )
        for e, hits, (_chance, _impact, rows) in zip(events, out.risk_hits, net.risks, strict=True)
    )
    return Forecast(
        program=plan.program.name,
        as_of=as_of,
        runs=runs,
        seed=seed,
        method=method,
        probability_percent=percent,
        milestones_total=len(live),
        milestones_open=sum(1 for m in live if m.status != "done"),
        milestones_estimated=sum(1 for m in live if m.estimate is not None and m.status != "done"),
        finish=_quantiles(cal, out.program_days),
        target=target,
        on_target=on_target,
        milestones=tuple(milestones),
        risks=risks,
        ignored_risks=tuple(ignored),
        cancelled=tuple(m.id for m in plan.milestones if m.status == "cancelled"),
    )
