"""The App's adapter to the engine: run every analysis, never let one failure stop the UI.

Only the App calls this module. Two tiers keep edits instant on big plans:

- :meth:`Engine.quick` — the schedule (incremental via ``tpm.schedule.scheduler.Scheduler``), the
  risk register and the KPIs: what the tables, timeline and quick keys need, in
  milliseconds even at 10,000 milestones.
- :meth:`Engine.full` — ``tpm.report.data.build``: status with the rules that fired, the
  Monte Carlo forecast, blockers, progress; the dashboard and the report. The App runs it
  in a worker thread after edits and shows "updating…" until it lands.

Each engine module is imported when first needed. When one is not there yet, or fails on a
plan, its panel gets a clear message instead of data, and the rest of the app still works.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpm.plan.model import Plan

MODULES = {
    "schedule": "tpm.schedule.scheduler",
    "risks": "tpm.register.risks",
    "kpis": "tpm.register.kpis",
    "report": "tpm.report.data",
    "markdown": "tpm.render.markdown.report",
    "why": "tpm.schedule.why",
}


class Unavailable(Exception):
    """An engine module or function is not available (yet)."""


def function(area: str, name: str) -> Any:
    """An engine function, or Unavailable with a message saying which one is missing."""
    module_name = MODULES[area]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise Unavailable(f"{module_name} is not available yet") from None
    fn = getattr(module, name, None)
    if fn is None:
        raise Unavailable(f"{module_name}.{name} is not available yet")
    return fn


def snapshot(plan: Plan) -> Plan:
    """A shallow copy with its own lists: items are never mutated (edits replace them), so
    a worker can read the copy while the App edits the original."""
    lists = ("teams", "milestones", "risks", "kpis", "decisions", "baselines")
    return plan.model_copy(update={name: list(getattr(plan, name)) for name in lists})


@dataclass
class Analysis:
    """Everything the screens show about one version of the plan."""

    plan: Plan
    as_of: dt.date
    version: int = 0
    schedule: Any = None
    kpis: Any = None
    report: Any = None  # tpm.report.data.ReportData, from the full tier
    report_version: int = -1  # the plan version the report was built from
    problems: dict[str, str] = field(default_factory=dict)
    _risks: Any = None
    _risks_thunk: Callable[[], Any] | None = None

    @property
    def risks(self) -> Any:
        """The risk register, computed on first use (it needs the near-critical set, which
        is slow to derive on big plans and not needed by every edit)."""
        if self._risks_thunk is not None:
            thunk, self._risks_thunk = self._risks_thunk, None
            self._risks = _guard(self, "risks", thunk)
        return self._risks

    def missing(self, area: str) -> str | None:
        """Why an area has no data (None when it has)."""
        if area == "risks":
            _ = self.risks
        return self.problems.get(area)

    @property
    def report_current(self) -> bool:
        """True when the full analysis matches this version of the plan."""
        return self.report is not None and self.report_version == self.version

    def critical_ids(self) -> frozenset[str]:
        """Ids of critical milestones (empty without a schedule)."""
        return frozenset(self.schedule.critical) if self.schedule is not None else frozenset()


def _guard(result: Analysis, area: str, work: Callable[[], Any]) -> Any:
    try:
        return work()
    except Unavailable as exc:
        result.problems[area] = f"not available yet ({exc})"
    except Exception as exc:  # the engine failed on this plan; show it, keep the UI going
        result.problems[area] = f"{MODULES.get(area, area)} failed: {type(exc).__name__}: {exc}"
    return None


class Engine:
    """Runs analyses for the App; keeps an incremental scheduler between edits."""

    def __init__(self) -> None:
        self._scheduler: Any = None

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
        plan = snapshot(plan)
        result = Analysis(plan, as_of, version)
        if previous is not None:
            result.report, result.report_version = previous.report, previous.report_version
            for area in ("report", "markdown"):
                if area in previous.problems:
                    result.problems[area] = previous.problems[area]
        result.schedule = _guard(result, "schedule", lambda: self._schedule(plan, as_of, changed))
        result._risks_thunk = lambda: self._risks(plan, as_of, result)
        result.kpis = _guard(
            result, "kpis", lambda: tuple(function("kpis", "analyse_kpis")(plan, as_of))
        )
        return result

    def _schedule(self, plan: Plan, as_of: dt.date, changed: Iterable[str] | None) -> Any:
        if self._scheduler is None or changed is None:
            self._scheduler = function("schedule", "Scheduler")(plan, as_of)
            return self._scheduler.schedule()
        return self._scheduler.update(plan, list(changed))

    def _risks(self, plan: Plan, as_of: dt.date, result: Analysis) -> Any:
        analyse = function("risks", "analyse_risks")
        sched = result.schedule
        if sched is None:
            return analyse(plan, as_of)
        return analyse(plan, as_of, sched.critical, sched.near_critical)

    @staticmethod
    def full(plan: Plan, as_of: dt.date) -> tuple[Any, str | None]:
        """The report data (status, forecast, blockers, progress), or None and why not.

        Safe to call from a worker thread on a :func:`snapshot`.
        """
        probe = Analysis(plan, as_of)
        data = _guard(probe, "report", lambda: function("report", "build")(plan, as_of))
        return data, probe.problems.get("report")

    @staticmethod
    def markdown(data: Any) -> str:
        """The Markdown status report of some report data."""
        return str(function("markdown", "render_report")(data))
