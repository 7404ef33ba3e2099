"""Reading the plan: the first frame, the early child's answer, loads and reloads.

The first frame costs little more than a bare Textual app: it shows the analysis cache's
overview (warm start) or the early child's (:mod:`tpm.tui.early`) as soon as it answers, and
pydantic, the model, storage and validation are imported only afterwards, by the worker that
reads and analyses the plan. Reloads and merges with the file on disk go through here too,
and the overview of the file as it is on disk is cached for the next start
(:mod:`tpm.tui.cache`). Mixed into :class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import os
from typing import TYPE_CHECKING

from textual import work

from tpm.tui.analysing import AnalysingMixin, with_status
from tpm.tui.analysis import Analysis, Engine

if TYPE_CHECKING:
    from tpm.check.load import Loaded
    from tpm.tui.early import Child
    from tpm.tui.overview import Overview


class LoadingMixin(AnalysingMixin):
    """The first frame's overview, the loading worker, reloads and the overview cache."""

    as_of_override: dt.date | None
    overview_is_early: bool
    _child: Child | None
    _opened: bool
    pending_screen: str | None
    _loading: bool

    def switch_screen_to_problems(self) -> None:
        """Show the diagnostics instead of the screens (defined by the App)."""
        raise NotImplementedError

    def action_show(self, name: str) -> None:
        """Switch to one of the six screens (defined by the App)."""
        raise NotImplementedError

    @property
    def as_of(self) -> dt.date:
        """The status date: --as-of, else the plan's as_of, else today."""
        plan_as_of = self.plan.program.as_of if self.plan else None
        return self.as_of_override or plan_as_of or _today()

    def start_first_frame(self) -> None:
        """Called by on_mount: paint the child's or the cache's overview, or read the plan."""
        # The plan is read once the first frame is on screen (on_ready; the timer is a
        # fallback): a worker importing pydantic and parsing the plan meanwhile holds the GIL
        # and holds back that frame. A warm start's first frame shows the cached overview, a
        # cold one with a child analysing the plan the child's overview as it comes (now or
        # later), one without the dashboard saying the plan is being read.
        if self._child is not None:
            os.set_blocking(self._child.fd, False)
            # On a small plan the child has often answered while Textual was importing:
            # then the first frame shows its overview, with no second frame to wait for.
            self._child_answering()
            if self._child is not None:
                asyncio.get_running_loop().add_reader(self._child.fd, self._child_answering)
        else:
            self.set_timer(0.5, self.start_loading)

    def on_ready(self) -> None:
        # Ready comes once the first frame is laid out; after its refresh, it is on screen.
        # With a child analysing the plan, the App reads it too (a big plan keeps the child
        # busy for seconds; the child's answer, when it comes first, is painted meanwhile).
        self.call_after_refresh(self.start_loading)

    def _child_answering(self) -> None:
        """The child's pipe is readable: take what it wrote; once it is done, paint its
        overview (marked "checking…") and read the plan, or just read the plan."""
        child = self._child
        if child is None or not child.drain():
            return
        self.stop_child()
        view = child.result()
        if view is None or self.ready:
            self.start_loading()
            return
        self.cached_overview, self.overview_is_early = view, True
        self.update_title()
        self.push_analysis()
        self.call_after_refresh(self.start_loading)

    def stop_child(self) -> None:
        """Stop listening to the child and stop it (it is killed if still running)."""
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(Exception):  # no loop (the App has stopped): nothing to stop
            asyncio.get_running_loop().remove_reader(child.fd)
        child.stop()

    def start_loading(self) -> None:
        """Read and analyse the plan in a worker (once; later reads go through reload)."""
        if not self._loading:
            self._loading = True
            self._load_worker()

    @work(thread=True, exclusive=True, group="load")
    def _load_worker(self) -> None:
        loaded = self.session.read()
        analysis = None
        if loaded.plan is not None:
            as_of = self.as_of_override or loaded.plan.program.as_of or _today()
            analysis = self.engine.quick(loaded.plan, as_of, 0)
            # The dashboard's first frame shows the RAG: the status without the forecast
            # (which follows in another worker, the dashboard saying "forecasting…").
            with_status(analysis, Engine.status(analysis.plan, as_of, analysis.schedule))
        self.call_from_thread(self._adopt, loaded, analysis)

    def _cached(self) -> Overview | None:
        """The cached overview of the file as it is on disk, or None."""
        from tpm.tui import cache

        if not cache.enabled():
            return None
        digest = cache.file_digest(self.path)
        # The clock is read here and not through tpm.plan.calendar.today: importing tpm.plan
        # (pydantic and the model) costs more than the whole warm start. Both are the
        # system's date; a cached entry dated another day only misses.
        return cache.lookup(self.path, digest, self.as_of_override, dt.date.today())

    def remember_overview(self) -> None:
        """Cache the dashboard's overview when the analysis shown is of the file as it is on
        disk (after a load, a reload or a save), so the next start is warm. When its forecast
        has not run yet, it is started, and the cache is written when it lands."""
        from tpm.tui import cache

        analysis = self.analysis
        if analysis is None or self.history.dirty or analysis.version != self.history.version:
            return
        if not analysis.report_current:
            self.request_full()
            return
        if analysis.overview is not None:
            plan_as_of = analysis.plan.program.as_of
            digest = self.session.digest
            cache.store(self.path, digest, self.as_of_override, plan_as_of, analysis.overview)

    def load(self) -> None:
        """(Re)load the plan from disk, dropping the history."""
        self._adopt(self.session.read(), None)

    def adopt_loaded(self, loaded: Loaded) -> None:
        """Show a plan just read from disk (the history starts again)."""
        self._adopt(loaded, None)

    def show_merged(self) -> None:
        """Show the plan after the session merged it with the file on disk."""
        self.engine.reset()
        self.cached_overview = None
        self.update_title()
        if self.plan is None:
            return
        self.analysis = self.engine.quick(self.plan, self.as_of, 0)
        self.push_analysis()
        self.edits_changed()

    def _adopt(self, loaded: Loaded, analysis: Analysis | None) -> None:
        self.session.adopt(loaded)
        # The plan lives as long as the app, and so does what start-up allocated: keep them
        # out of the cyclic collector's full passes (which otherwise stall an edit on a
        # 10,000-milestone plan for 150 ms), and turn it on again (off since tpm started).
        gc.freeze()
        gc.enable()
        # The analysis is not frozen (each edit replaces it, and it holds reference cycles):
        # a full pass walks it, 0.1 s at 10,000 milestones, and with Python's default it ran
        # about once per screen opened. Consider one ten times less often (about 25% more
        # memory at 10,000 milestones; docs/explanation/performance.md).
        gc.set_threshold(700, 10, 100)
        if analysis is None:
            self.engine.reset()
        self._ignored_digest = None
        self.ready = True
        first = self.current_mode not in self.MODES or not self._opened
        if analysis is None:  # a reload: the cached overview was of another file
            self.cached_overview = None
        self.update_title()
        self.edits_changed()
        pending, self.pending_screen = self.pending_screen, None
        if self.plan is None:
            self.analysis = None
            self.switch_screen_to_problems()
            return
        self.analysis = analysis or self.engine.quick(self.plan, self.as_of, 0)
        if self.current_mode not in self.MODES:
            self.switch_mode("dashboard")
        asking = False
        if first:
            self._opened = True
            asking = self.offer_recovery()
        self.push_analysis()
        if pending is not None and not asking:  # a screen key pressed while it was read
            self.action_show(pending)


def _today() -> dt.date:
    from tpm.plan.calendar import today

    return today()
