"""Re-analysing the plan after every change, and the report the analysis feeds.

After an edit, an undo or a merge the quick tier (:mod:`tpm.tui.analysis`) runs at once on
the event loop; the status and full tiers (status, then the Monte Carlo forecast) run in a
worker, once per version, when a screen that shows them (dashboard, report) asks. A result
for an older version is dropped. The previous report, which the status report is compared
with, is looked up in another worker once per status date. Mixed into
:class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from tpm.tui import analysis as engine_analysis
from tpm.tui.analysis import Analysis, Engine, Tier
from tpm.tui.autosave import RecoveryMixin

if TYPE_CHECKING:
    from tpm.plan.model import Plan
    from tpm.report.context import Earlier
    from tpm.report.data import ReportData
    from tpm.tui.history import History
    from tpm.tui.overview import Overview

COMPARING = "comparing with the previous report…"
# Imported by the full-analysis worker once it is done, so that opening the report screen
# does not first import them on the event loop (0.4 s of CPU).
REPORT_MODULES = ("tpm.tui.screens.report", "tpm.render.markdown.report", "tpm.report.context")


class AnalysingMixin(RecoveryMixin):
    """The quick tier after each change, the status and full tiers in a worker, the report."""

    engine: Engine
    cached_overview: Overview | None
    _full_requested: Plan | None
    _markdown_cache: tuple[ReportData, Earlier, str] | None
    _earlier: tuple[tuple[Path, dt.date], Earlier] | None
    _earlier_pending: tuple[Path, dt.date] | None

    @property
    def path(self) -> Path:
        """The plan file (defined by the App)."""
        raise NotImplementedError

    @property
    def history(self) -> History:
        """The undo history of the plan being edited (defined by the App)."""
        raise NotImplementedError

    def reanalyse(self, changed: Iterable[str] | None) -> None:
        """Re-run the quick tier now and the full tier shortly (after a pause in edits)."""
        if self.plan is None:
            return
        version = self.history.version
        self.cached_overview = None  # an edit: the cached overview is of another plan
        self.analysis = self.engine.quick(self.plan, self.as_of, version, changed, self.analysis)
        self.push_analysis()
        self.update_title()
        self.edits_changed()

    def request_full(self) -> None:
        """Run the status and full tiers (status, then forecast) for the current version, once.

        Screens that show them (dashboard, report) ask when they show a version they have not
        been run for; after a burst of edits elsewhere they run once, on their return.
        """
        analysis = self.analysis
        if self.plan is None or analysis is None or analysis.report_current:
            return
        if self._full_requested is analysis.plan:
            return
        self._full_requested = analysis.plan
        # Start after the current frame is painted: the worker competes for the GIL.
        self.call_after_refresh(self._full_worker, analysis, not analysis.status_current)

    # Every worker names itself: without a description Textual writes one from repr() of
    # the arguments, on the event loop; the repr of a 10,000-milestone plan takes a second.
    @work(thread=True, exclusive=True, group="full-analysis", description="full analysis")
    def _full_worker(self, analysis: Analysis, need_status: bool) -> None:
        plan, as_of, version, sched = (
            analysis.plan,
            analysis.as_of,
            analysis.version,
            analysis.schedule,
        )
        if need_status:
            tier = Engine.status(plan, as_of, sched)
            self.call_from_thread(self._adopt_full, plan, version, tier)
        if get_current_worker().is_cancelled:
            return  # a newer version is on its way: its own worker forecasts it
        self.call_from_thread(self._adopt_full, plan, version, Engine.full(plan, as_of, sched))
        for module in REPORT_MODULES:  # here, not on the event loop when the report opens
            importlib.import_module(module)

    def _adopt_full(self, plan: Plan, version: int, tier: Tier) -> None:
        analysis = self.analysis
        if analysis is None or analysis.version != version or analysis.plan is not plan:
            return  # a newer edit is on its way
        self.analysis = dataclasses.replace(analysis, problems=dict(analysis.problems))
        with_status(self.analysis, tier)
        if tier.complete:
            self.cached_overview = None  # checked: the analysis replaces it
        self.push_analysis()
        if tier.complete:
            self.remember_overview()
            self._earlier_for(self.analysis)  # look up the previous report before it is asked

    def push_analysis(self) -> None:
        """Let every screen on the current stack show the new analysis."""
        for screen in self.screen_stack:
            sync = getattr(screen, "sync", None)
            if callable(sync):
                sync()

    def report_markdown(self) -> str:
        """The status report for the report screen (a placeholder when not available)."""
        analysis = self.analysis
        if analysis is None or analysis.report is None or not analysis.forecast_done:
            why = analysis.missing("report") if analysis else "no plan"
            return f"# Status report\n\n*Not available yet: {why or 'forecasting…'}*\n"
        before = self._earlier_for(analysis)
        if before is None:
            return f"# Status report\n\n*Not available yet: {COMPARING}*\n"
        cache = self._markdown_cache
        if cache and cache[0] is analysis.report and cache[1] is before:
            return cache[2]
        try:
            text = engine_analysis.markdown(analysis.plan, analysis.as_of, analysis.report, before)
        except Exception as exc:  # the renderer failed on this data: say so, keep going
            text = f"# Status report\n\n*Not available yet: {exc}*\n"
        self._markdown_cache = (analysis.report, before, text)
        return text

    def report_pending(self) -> bool:
        """True while the report waits for its analysis or for the previous report."""
        analysis = self.analysis
        if analysis is None or not analysis.report_current:
            return True
        return self._earlier_for(analysis) is None

    def _earlier_for(self, analysis: Analysis) -> Earlier | None:
        """The previous report for this status date; None while a worker looks it up."""
        key = (self.path, analysis.as_of)
        if self._earlier is not None and self._earlier[0] == key:
            return self._earlier[1]
        if self._earlier_pending != key:
            self._earlier_pending = key
            self._earlier_worker(analysis.plan, key)
        return None

    @work(thread=True, exclusive=True, group="earlier-report", description="previous report")
    def _earlier_worker(self, plan: Plan, key: tuple[Path, dt.date]) -> None:
        before = engine_analysis.earlier_reports(plan, *key)
        self.call_from_thread(self._adopt_earlier, key, before)

    def _adopt_earlier(self, key: tuple[Path, dt.date], before: Earlier) -> None:
        if self._earlier_pending == key:
            self._earlier, self._earlier_pending = (key, before), None
            for screen in self.screen_stack:
                if getattr(screen, "SHOWS_REPORT", False):
                    screen.resync()  # type: ignore[attr-defined]


def with_status(analysis: Analysis, tier: Tier) -> None:
    """Put the status (or full) tier's result for the analysis's own version into it."""
    analysis.problems.pop("report", None)
    if tier.problem:
        analysis.problems["report"] = tier.problem
    analysis.report, analysis.report_version = tier.data, analysis.version
    analysis.overview = tier.overview
    analysis.forecast_done = tier.complete
