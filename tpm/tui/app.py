"""The tpm Textual application: screens, dialogs and notifications over a PlanSession.

The :class:`~tpm.tui.session.PlanSession` holds the plan, the undo/redo history and the
digest of the file as loaded, and does every read, check and write. Screens post messages
saying what the user wants (edit, quick edit, delete, write the report); the App asks the
session to apply it, re-analyses (:mod:`tpm.tui.analysis`) and pushes the result to the
screens. It polls the file's digest so that an edit made elsewhere (git pull, an editor) is
noticed and never overwritten silently. The dialogs live in mixins: forms
(:mod:`tpm.tui.editing`), quick keys (:mod:`tpm.tui.quick`), saving and the file on disk
(:mod:`tpm.tui.disk`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import get_current_worker

from tpm.tui import analysis as engine_analysis
from tpm.tui.analysis import Analysis, Engine, Tier
from tpm.tui.autosave import RecoveryMixin
from tpm.tui.history import History
from tpm.tui.session import PlanSession
from tpm.tui.widgets.palette import use_theme
from tpm.tui.widgets.text import clean

COMPARING = "comparing with the previous report…"
# Imported by the full-analysis worker once it is done, so that opening the report screen
# does not first import them on the event loop (0.4 s of CPU).
REPORT_MODULES = ("tpm.tui.screens.report", "tpm.render.markdown.report", "tpm.report.context")

if TYPE_CHECKING:
    from tpm.check.diagnostics import Diagnostic
    from tpm.check.load import Loaded
    from tpm.plan.model import Plan
    from tpm.report.context import Earlier
    from tpm.report.data import ReportData
    from tpm.tui.early import Child, Start
    from tpm.tui.overview import Overview

# pydantic, the model, storage and validation are imported after the first frame is on
# screen (in the loading worker), so that first paint costs little more than Textual's.

HEADER_MARGIN = 19  # the header's icon and clock columns, and a little air
MIN_NAME = 12  # the program name is cut to fit the header, but never shorter than this

# (mode, title, module): screens are imported when first shown, to keep startup fast.
SCREENS = (
    ("dashboard", "Dashboard", "dashboard"),
    ("milestones", "Milestones", "milestones"),
    ("timeline", "Timeline", "timeline"),
    ("risks", "Risks", "risks"),
    ("kpis", "KPIs", "kpis"),
    ("report", "Report", "report"),
)


def _factory(module: str) -> Callable[[], Screen[None]]:
    def make() -> Screen[None]:
        mod = importlib.import_module(f"tpm.tui.screens.{module}")
        screen: Screen[None] = getattr(mod, f"{module.capitalize()}Screen")()
        return screen

    return make


class TpmApp(RecoveryMixin):
    """Six screens over one plan; edits, undo/redo, safe saving."""

    CSS_PATH = "tpm.tcss"
    TITLE = "tpm"
    # The first frame is the dashboard (no throwaway default screen): from the analysis
    # cache on a warm start, "reading…" until the plan is analysed on a cold one.
    DEFAULT_MODE = "dashboard"
    MODES = {name: _factory(module) for name, _title, module in SCREENS}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (160, "-xwide")]
    BINDINGS = [
        *(
            Binding(str(i), f"show('{name}')", title, show=False)
            for i, (name, title, _module) in enumerate(SCREENS, 1)
        ),
        # Shown first by each screen (tpm.tui.screens.base), so a narrow footer keeps them.
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+s", "save", "Save", show=False),
        Binding("u,ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False),
        Binding("ctrl+l", "reload", "Reload", show=False),
        Binding("R", "record_snapshot", "Record snapshot", show=False),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        path: Path,
        as_of: dt.date | None = None,
        watch_interval: float | None = 2.0,
        early: Start | None = None,
    ) -> None:
        super().__init__()
        self.session = PlanSession(path)
        self.as_of_override = as_of
        self.watch_interval = watch_interval
        self.engine = Engine()
        self.analysis: Analysis | None = None
        self.ready = False  # the plan has been read (valid or not)
        self._full_requested: Plan | None = None  # the analysed plan the tiers were asked for
        self._ignored_digest: str | None = None
        self._asking = False
        self._markdown_cache: tuple[ReportData, Earlier, str] | None = None
        # The previous report (git or a recorded snapshot), looked up once per status date.
        self._earlier: tuple[tuple[Path, dt.date], Earlier] | None = None
        self._earlier_pending: tuple[Path, dt.date] | None = None
        # The dashboard's overview from the analysis cache, shown ("checking…") until the
        # file's own complete analysis lands, an edit or a reload (tpm.tui.cache).
        self.cached_overview: Overview | None = early.cached if early else self._cached()
        self.overview_is_early = False  # cached_overview is the child's, not the cache's
        # A child process analysing the plan for the first frame (tpm.tui.early).
        self._child: Child | None = early.child if early else None
        self._opened = False  # the dashboard has shown a plan (recovery was offered)
        self._loading = False  # the first read of the plan has started

    # ------------------------------------------------------------ the session

    @property
    def path(self) -> Path:
        """The plan file."""
        return self.session.path

    @property
    def plan(self) -> Plan | None:
        """The plan being edited (None while it has errors)."""
        return self.session.plan

    @property
    def history(self) -> History:
        """The undo history of the plan being edited."""
        return self.session.history

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What the last load found wrong with the file."""
        return self.session.diagnostics

    # ------------------------------------------------------------ loading

    @property
    def as_of(self) -> dt.date:
        """The status date: --as-of, else the plan's as_of, else today."""
        plan_as_of = self.plan.program.as_of if self.plan else None
        return self.as_of_override or plan_as_of or _today()

    def on_mount(self) -> None:
        use_theme(self.get_css_variables())
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        # A warm start paints the cached overview, then reads the plan (a worker parsing a
        # big plan meanwhile would hold back that frame): on_ready; the timer is a fallback.
        # A cold one with a child analysing the plan paints the child's overview as it
        # comes, then reads the plan; one without reads it at once.
        if self._child is not None:
            os.set_blocking(self._child.fd, False)
            # On a small plan the child has often answered while Textual was importing:
            # then the first frame shows its overview, with no second frame to wait for.
            self._child_answering()
            if self._child is not None:
                asyncio.get_running_loop().add_reader(self._child.fd, self._child_answering)
        elif self.cached_overview is not None:
            self.set_timer(0.5, self.start_loading)
        else:
            self.start_loading()
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.poll_disk)
        if not self.is_headless:
            self.install_signal_handlers()

    def on_ready(self) -> None:
        # Ready comes once the first frame is laid out; after its refresh, it is on screen.
        # With a child analysing the plan, the App reads it too (a big plan keeps the child
        # busy for seconds; the child's answer, when it comes first, is painted meanwhile).
        if self._child is not None or self.cached_overview is not None:
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

    def _theme_changed(self, _theme: object) -> None:
        """Redraw every screen in the new theme's colours."""
        use_theme(self.get_css_variables())
        self.push_analysis()  # screens not shown now catch up when they are
        self.refresh(repaint=True, layout=True)

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
        if self.plan is None:
            self.analysis = None
            self.switch_screen_to_problems()
            return
        self.analysis = analysis or self.engine.quick(self.plan, self.as_of, 0)
        if self.current_mode not in self.MODES:
            self.switch_mode("dashboard")
        if first:
            self._opened = True
            self.offer_recovery()
        self.push_analysis()

    def switch_screen_to_problems(self) -> None:
        """Show the diagnostics instead of the screens."""
        from tpm.tui.screens.problems import ProblemsScreen  # after the first frame

        if isinstance(self.screen, ProblemsScreen):
            self.screen.diagnostics = self.diagnostics
            self.screen.refresh(recompose=True)
            return
        if "problems" in self._modes:
            self.remove_mode("problems")
        self.add_mode("problems", lambda: ProblemsScreen(self.diagnostics))
        self.switch_mode("problems")

    def update_title(self) -> None:
        """Program name in the title; file, dirty marker and status date in the subtitle.

        On a narrow terminal the "tpm ·" prefix goes first, then the last change's text, then
        the end of the program name, so that the modified marker, the file and the status
        date stay readable.
        """
        cached = self.cached_overview
        if self.plan is not None:
            name = self.plan.program.name
        elif not self.ready:
            name = cached.program if cached else "loading…"
        else:
            name = "plan has errors"
        marker = "● modified · " if self.history.dirty else ""
        last = f" · {self.last_change} (u undoes)" if self.last_change and marker else ""
        # Until the plan is read its own as_of is unknown (and reading the clock through
        # tpm.plan would import the model before the first frame): the cached status date.
        as_of = self.as_of if self.ready else self.as_of_override or (cached and cached.as_of)
        sub = f"{marker}{self.path.name}" + (f" · as of {as_of}" if as_of else "")
        room = self.size.width - HEADER_MARGIN
        title = f"tpm · {name}"
        if len(title) + len(sub) + len(last) + 3 > room:
            title = name
        if len(title) + len(sub) + len(last) + 3 > room:
            last = ""
        if len(title) + len(sub) + 3 > room:
            keep = max(MIN_NAME, room - len(sub) - 4)
            title = title if len(title) <= keep else title[:keep].rstrip() + "…"
        self.title, self.sub_title = clean(title, True), clean(sub + last, True)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages quote ids and titles from the plan."""
        super().notify(
            clean(message),
            title=clean(title, True),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # ------------------------------------------------------------ analysis

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

    # ------------------------------------------------------------ screens and palette

    def action_show(self, name: str) -> None:
        """Switch to one of the six screens."""
        if not self.ready:
            self.notify("still reading the plan…", timeout=2)
            return
        if self.plan is None:
            self.notify("the plan has errors: fix them first (the file reloads itself)")
            return
        # The keys typed while the screen switches belong to the new screen.
        self.hold_keys_until(lambda: self.current_mode == name and self.screen.focused is not None)
        self.switch_mode(name)

    def action_help(self) -> None:
        """Open the help."""
        from tpm.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from tpm.tui.commands import system_commands

        return system_commands(self, screen, SCREENS)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """An SVG screenshot that keeps its spaces in every viewer.

        Rich writes spaces as no-break spaces without ``xml:space="preserve"``; librsvg
        (rsvg-convert, GNOME's viewers) then drops those that start a run, so "GREEN" and
        " Checkout" were drawn as "GREENCheckout". Browsers were not affected.
        """
        svg = super().export_screenshot(title=title, simplify=simplify)
        return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)

    # ------------------------------------------------------------ undo / redo

    def action_undo(self) -> None:
        """Undo the last edit."""
        change = self.session.undo()
        if change is None:
            self.notify("nothing to undo")
            return
        self.last_change = ""
        self.reanalyse(change.milestone_ids or None if change.section == "milestones" else ())
        self.notify(change.label, timeout=2)

    def action_redo(self) -> None:
        """Redo the last undone edit."""
        change = self.session.redo()
        if change is None:
            self.notify("nothing to redo")
            return
        self.last_change = ""
        self.reanalyse(change.milestone_ids or None if change.section == "milestones" else ())
        self.notify(f"redo {change.label}", timeout=2)


def with_status(analysis: Analysis, tier: Tier) -> None:
    """Put the status (or full) tier's result for the analysis's own version into it."""
    analysis.problems.pop("report", None)
    if tier.problem:
        analysis.problems["report"] = tier.problem
    analysis.report, analysis.report_version = tier.data, analysis.version
    analysis.overview = tier.overview
    analysis.forecast_done = tier.complete


def _today() -> dt.date:
    from tpm.plan.calendar import today

    return today()


def build_app(
    path: Path, as_of: dt.date | None = None, watch: bool = True, early: Start | None = None
) -> TpmApp:
    """The factory used by the CLI and by tests. ``early``: how the CLI found the first
    frame (:func:`tpm.tui.early.start`); None looks up the analysis cache."""
    return TpmApp(path, as_of=as_of, watch_interval=2.0 if watch else None, early=early)


def run_app(path: Path, as_of: dt.date | None = None, early: Start | None = None) -> int:
    """Run the app until the user quits; 1 when it stopped on an error (see :func:`finish`)."""
    app = build_app(path, as_of, early=early)
    try:
        app.run()
    finally:
        app.stop_child()  # quit before the child answered: it is killed and reaped
    return finish(app)


def finish(app: TpmApp) -> int:
    """The exit code of an app that has stopped. After a crash it is 1 (128+N after signal
    N), and unsaved edits are kept in a recovery file that the next start offers to restore.
    After a normal quit this session's recovery file is removed."""
    code = app.return_code or 0
    if code == 0:
        app.end_session(clean_exit=True)
        return 0
    kept = app.keep_after_crash()
    app.end_session(clean_exit=False)
    if kept is not None:
        why = "was stopped by a signal" if code > 128 else "stopped on an error"
        with contextlib.suppress(OSError):  # after SIGHUP there is no terminal to tell
            print(
                f"tpm: the TUI {why}; your unsaved edits are kept in {kept}.\n"
                f"     Run tpm {app.path} again to restore them.",
                file=sys.stderr,
            )
    return code
