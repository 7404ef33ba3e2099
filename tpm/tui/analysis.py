"""The TUI's typed calls into the engine: run every analysis, never let one failure stop the UI.

Three tiers keep edits instant and the first screen quick on big plans:

- :meth:`Engine.quick`: the schedule (incremental through
  :class:`tpm.schedule.scheduler.Scheduler`), the risk register and the KPIs: what the tables,
  timeline and quick keys need, in milliseconds even at 10,000 milestones.
- :meth:`Engine.status`: :func:`tpm.report.data.build` without the Monte Carlo forecast, on
  the quick tier's schedule: the RAG with the rules that fired, blockers, progress. Enough
  to paint the dashboard; only the rule ``schedule.p80-after-target`` waits for the forecast.
- :meth:`Engine.full`: the same with the forecast: the dashboard's odds and P80 and the
  report. It runs in a worker thread; the dashboard says "forecasting…" until it lands.

The engine modules are imported inside the functions that call them (the first frame needs
none of them, and the forecast pulls in numpy); the ``TYPE_CHECKING`` imports give mypy the
real types. When the engine fails on a plan, the area gets a message instead of data and the
rest of the app keeps working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from tpm.plan.model import Plan
    from tpm.register.kpis import KpiStatus
    from tpm.register.risks import RiskRegister
    from tpm.report.context import Earlier
    from tpm.report.data import ReportData
    from tpm.schedule.result import Schedule
    from tpm.schedule.scheduler import Scheduler
    from tpm.schedule.why import Explanation
    from tpm.tui.overview import Overview

T = TypeVar("T")

AREAS = {
    "schedule": "the schedule",
    "risks": "the risk register",
    "kpis": "the KPI analysis",
    "report": "the status analysis",
}


def snapshot(plan: Plan) -> Plan:
    """A shallow copy with its own lists: items are never mutated (edits replace them), so
    a worker can read the copy while the App edits the original."""
    lists = ("teams", "milestones", "risks", "kpis", "decisions", "baselines", "snapshots")
    return plan.model_copy(update={name: list(getattr(plan, name)) for name in lists})


@dataclass
class Analysis:
    """Everything the screens show about one version of the plan."""

    plan: Plan
    as_of: dt.date
    version: int = 0
    schedule: Schedule | None = None
    kpis: tuple[KpiStatus, ...] | None = None
    report: ReportData | None = None  # from the status or the full tier
    report_version: int = -1  # the plan version the report was built from
    forecast_done: bool = False  # the report is from the full tier (forecast included)
    overview: Overview | None = None  # what the dashboard draws of the report
    problems: dict[str, str] = field(default_factory=dict)
    _risks: RiskRegister | None = None
    _risks_thunk: Callable[[], RiskRegister] | None = None

    @property
    def risks(self) -> RiskRegister | None:
        """The risk register: the status tier's when it has landed for this version, else
        computed on first use (it needs the near-critical set, which is slow to derive on big
        plans and not needed by every edit)."""
        if self._risks_thunk is not None:
            thunk, self._risks_thunk = self._risks_thunk, None
            if self.status_current and self.report is not None:
                # The status tier built the same register (same plan, schedule, date).
                self._risks = self.report.risks
            else:
                self._risks = guard(self.problems, "risks", thunk)
        return self._risks

    def missing(self, area: str) -> str | None:
        """Why an area has no data (None when it has)."""
        if area == "risks":
            _ = self.risks
        return self.problems.get(area)

    @property
    def status_current(self) -> bool:
        """True when the report (with or without the forecast) matches this version."""
        return self.report is not None and self.report_version == self.version

    @property
    def report_current(self) -> bool:
        """True when the full analysis, forecast included, matches this version of the plan."""
        return self.status_current and self.forecast_done

    @property
    def forecasting(self) -> bool:
        """True when the report shown waits for this version's forecast."""
        return not self.report_current

    def critical_ids(self) -> frozenset[str]:
        """Ids of critical milestones (empty without a schedule)."""
        return self.schedule.critical if self.schedule is not None else frozenset()


def guard(problems: dict[str, str], area: str, work: Callable[[], T]) -> T | None:
    """``work()``, or None with the reason recorded in ``problems[area]``."""
    try:
        return work()
    except Exception as exc:  # the engine failed on this plan; show it, keep the UI going
        what = AREAS.get(area, area)
        problems[area] = f"{what} failed: {type(exc).__name__}: {exc}"
    return None


class Engine:
    """Runs analyses for the App; keeps an incremental scheduler between edits."""

    def __init__(self) -> None:
        self._scheduler: Scheduler | None = None

    def reset(self) -> None:
        """Forget incremental state (a new plan was loaded)."""
        self._scheduler = None

    def quick(
        self,
        plan: Plan,
        as_of: dt.date,
        version: int,
        changed: Iterable[str] | None = None,
        previous: Analysis | None = None,
    ) -> Analysis:
        """Schedule, risks and KPIs of a valid plan. ``changed``: milestone ids an edit
        touched (None re-schedules from scratch). The previous full tier is carried over."""
        from tpm.register.kpis import analyse_kpis

        plan = snapshot(plan)
        result = Analysis(plan, as_of, version)
        if previous is not None:
            result.report, result.report_version = previous.report, previous.report_version
            result.overview = previous.overview
            result.forecast_done = previous.forecast_done
            if "report" in previous.problems:
                result.problems["report"] = previous.problems["report"]
        problems = result.problems
        result.schedule = guard(problems, "schedule", lambda: self._schedule(plan, as_of, changed))
        result._risks_thunk = lambda: _risks(plan, as_of, result.schedule)
        result.kpis = guard(problems, "kpis", lambda: tuple(analyse_kpis(plan, as_of)))
        return result

    def _schedule(self, plan: Plan, as_of: dt.date, changed: Iterable[str] | None) -> Schedule:
        from tpm.schedule.scheduler import Scheduler

        if self._scheduler is None or changed is None:
            self._scheduler = Scheduler(plan, as_of)
            return self._scheduler.schedule()
        return self._scheduler.update(plan, list(changed))

    @staticmethod
    def status(plan: Plan, as_of: dt.date, sched: Schedule | None = None) -> Tier:
        """The report data without the forecast (status, blockers, progress), or None and why
        not. ``sched``: the quick tier's schedule of this plan, when it has one.

        Safe to call from a worker thread on a :func:`snapshot`.
        """
        from tpm.report.data import build

        problems: dict[str, str] = {}
        data = guard(
            problems, "report", lambda: build(plan, as_of, with_forecast=False, sched=sched)
        )
        return _tier(plan, data, problems, False)

    @staticmethod
    def full(plan: Plan, as_of: dt.date, sched: Schedule | None = None) -> Tier:
        """The report data (status, forecast, blockers, progress), or None and why not.

        Safe to call from a worker thread on a :func:`snapshot`.
        """
        from tpm.report.data import build

        problems: dict[str, str] = {}
        data = guard(problems, "report", lambda: build(plan, as_of, sched=sched))
        return _tier(plan, data, problems, True)


@dataclass(frozen=True)
class Tier:
    """The result of the status or the full tier: the report data and the dashboard's
    overview of it, or None and why not."""

    data: ReportData | None
    overview: Overview | None
    problem: str | None
    complete: bool  # the forecast is in


def _tier(plan: Plan, data: ReportData | None, problems: dict[str, str], complete: bool) -> Tier:
    from tpm.tui.overview import overview

    view = None
    if data is not None:
        view = guard(problems, "report", lambda: overview(data, plan, complete))
    return Tier(data, view, problems.get("report"), complete)


def _risks(plan: Plan, as_of: dt.date, sched: Schedule | None) -> RiskRegister:
    from tpm.register.risks import analyse_risks

    if sched is None:
        return analyse_risks(plan, as_of)
    return analyse_risks(plan, as_of, sched.critical, sched.near_critical, sched.late)


def earlier_reports(plan: Plan, plan_path: Path, as_of: dt.date) -> Earlier:
    """The previous report as ``tpm report`` finds it (git at the start of the reporting
    period, else the newest recorded snapshot), analysed once: a failure becomes the reason
    shown instead of the comparison."""
    from tpm.report.context import Earlier, earlier
    from tpm.report.previous import find_default

    try:
        previous, why_not = find_default(plan, plan_path, as_of)
        return earlier(previous, why_not)
    except Exception as exc:  # git or the old plan failed: report without the comparison
        return Earlier(None, f"the previous report could not be read: {exc}")


def markdown(plan: Plan, as_of: dt.date, data: ReportData, before: Earlier) -> str:
    """The Markdown status report, exactly as ``tpm report`` writes it for the same plan."""
    from tpm.render.markdown.report import render_parts
    from tpm.report.context import gather

    return render_parts(gather(plan, as_of, data, before))


def explain(plan: Plan, sched: Schedule, milestone_id: str) -> Explanation:
    """Why a milestone starts when it does (``tpm why``)."""
    from tpm.schedule.why import explain as why

    return why(plan, sched, milestone_id)
