"""The tpm Textual application: screens, dialogs and notifications over a PlanSession.

The :class:`~tpm.tui.session.PlanSession` holds the plan, the undo/redo history and the
digest of the file as loaded, and does every read, check and write. Screens post messages
saying what the user wants (edit, quick edit, delete, write the report); the App asks the
session to apply it, re-analyses (:mod:`tpm.tui.analysis`) and pushes the result to the
screens. It polls the file's digest so that an edit made elsewhere (git pull, an editor) is
noticed and never overwritten silently. The rest lives in mixins: reading the plan and the
first frame (:mod:`tpm.tui.loading`), re-analysing and the report (:mod:`tpm.tui.analysing`),
forms (:mod:`tpm.tui.editing`), quick keys (:mod:`tpm.tui.quick`), saving and the file on
disk (:mod:`tpm.tui.disk`), recovery after a crash (:mod:`tpm.tui.autosave`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tpm.tui.analysis import Analysis, Engine
from tpm.tui.history import History
from tpm.tui.loading import LoadingMixin
from tpm.tui.session import PlanSession
from tpm.tui.widgets.palette import use_theme
from tpm.tui.widgets.text import clean

if TYPE_CHECKING:
    from tpm.check.diagnostics import Diagnostic
    from tpm.plan.model import Plan
    from tpm.report.context import Earlier
    from tpm.report.data import ReportData
    from tpm.tui.early import Child, Start
    from tpm.tui.overview import Overview

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
SCREEN_TITLES = {name: title for name, title, _module in SCREENS}


def _factory(module: str) -> Callable[[], Screen[None]]:
    def make() -> Screen[None]:
        mod = importlib.import_module(f"tpm.tui.screens.{module}")
        screen: Screen[None] = getattr(mod, f"{module.capitalize()}Screen")()
        return screen

    return make


class TpmApp(LoadingMixin):
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
        self.pending_screen: str | None = None  # asked for (1-6) before the plan was read

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

    def on_mount(self) -> None:
        use_theme(self.get_css_variables())
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.start_first_frame()
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.poll_disk)
        if not self.is_headless:
            self.install_signal_handlers()

    def _theme_changed(self, _theme: object) -> None:
        """Redraw every screen in the new theme's colours."""
        use_theme(self.get_css_variables())
        self.push_analysis()  # screens not shown now catch up when they are
        self.refresh(repaint=True, layout=True)

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

    # ------------------------------------------------------------ screens and palette

    def action_show(self, name: str) -> None:
        """Switch to one of the six screens."""
        if not self.ready:  # shown as soon as the plan is read
            self.pending_screen = name
            title = SCREEN_TITLES.get(name, name)
            self.notify(f"reading the plan: {title} opens when it is read…", timeout=2)
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
