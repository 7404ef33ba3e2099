"""The base of the six main screens: header, footer, and a ``show`` hook the App calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header

from tpm.tui.widgets.footer import FittingFooter
from tpm.tui.widgets.palette import generation

if TYPE_CHECKING:
    from tpm.schedule.result import MilestoneSchedule
    from tpm.tui.analysis import Analysis
    from tpm.tui.app import TpmApp


class PlanScreen(Screen[None]):
    """A main screen. The App pushes each new analysis; hidden screens catch up on resume."""

    # Help comes first in every footer, so it is still there when a narrow one is cut.
    # Help, Save and Undo first: a narrow footer cuts its end, never these.
    BINDINGS = [
        # One footer entry for the six screen keys (the App binds 2-6 the same way).
        Binding("1", "app.show('dashboard')", "Screens", key_display="1-6"),
        Binding("question_mark", "app.help", "Help"),
        Binding("ctrl+s", "app.save", "Save"),
        Binding("u", "app.undo", "Undo"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: Analysis | None = None
        self._colours = -1  # palette generation last drawn with
        # Textual (8.2.8) marks a new screen as styled by no CSS generation yet, so the first
        # switch to it runs App.refresh_css twice: each drops the stylesheet's parse cache,
        # re-parses every widget's CSS and restyles the whole app (0.1-0.15 s of CPU per
        # screen at first opening). The stylesheet is current when a screen is made (a theme
        # change refreshes it at once), and the widgets are styled as they mount: start at
        # the App's generation. A later theme change still restyles this screen on return.
        self._css_update_count = self.app._css_update_count
        self._resumed = False  # the screen has been made active once
        # The width classes (-narrow, -wide) from the start: set at the first resize, they
        # would restyle every widget of the screen just mounted, before its first frame.
        app = self.app
        width, height = app.size
        self.add_class(
            *self._get_breakpoint_classes(width, app.HORIZONTAL_BREAKPOINTS or []),
            *self._get_breakpoint_classes(height, app.VERTICAL_BREAKPOINTS or []),
            update=False,
        )

    @property
    def tpm(self) -> TpmApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value,unused-ignore]

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.body()
        yield FittingFooter()

    def body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        self.sync()

    def request(self, message: Message) -> None:
        """Ask the App for an edit or a dialog; the keys typed until it is ready go to it."""
        self.tpm.hold_keys()
        self.post_message(message)

    def _compositor_refresh(self) -> None:
        # Laid out during the App's start-up batch, Textual renders the whole screen and then
        # drops the frame (nothing is drawn in a batch), and renders it again after: for
        # the first screen that is a third of the time to its first frame. Marked instead,
        # it is rendered once, when the batch ends.
        if self.app._batch_count:
            self._repaint_required = True
            return
        super()._compositor_refresh()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            # Its widgets were styled as they mounted, a moment ago: Textual's restyling of
            # a resumed screen would do it again before the first frame.
            self._resumed = True
            event.refresh_styles = False
        self.sync()

    def on_resize(self) -> None:
        # Below 110 columns the footer drops its padding so more keys fit.
        for footer in self.query(FittingFooter):
            footer.compact = self.size.width < 110
        self.tpm.update_title()  # it fits the title to the width

    def sync(self) -> None:
        """Show the App's latest analysis if this screen has not shown it yet."""
        analysis = self.tpm.analysis
        if analysis is None or not self.is_mounted:
            return
        if analysis is not self._shown or self._colours != generation():
            self._shown, self._colours = analysis, generation()
            self.show(analysis)

    def resync(self) -> None:
        """Show the latest analysis again: something else the screen shows has changed."""
        self._shown = None
        self.sync()

    def show(self, analysis: Analysis) -> None:
        """Display an analysis (override)."""


def fmt_days(
    value: float | None, *, more_is_worse: bool = False, signed: bool = False, none: str = "—"
) -> str:
    """Whole working days as people read them (:func:`tpm.render.days.fmt_days`, the one
    rounding rule). Imported on first use: it pulls in the engine (tpm.schedule, pydantic),
    which a warm start's first frame does without."""
    from tpm.render.days import fmt_days as render

    return render(value, more_is_worse=more_is_worse, signed=signed, none=none)


def missing_text(analysis: Analysis, area: str) -> str | None:
    """The placeholder text for an area without data, or None when there is data."""
    why = analysis.missing(area)
    return f"{area}: {why}" if why else None


def timings(analysis: Analysis) -> dict[str, MilestoneSchedule]:
    """Milestone id -> the schedule's timing for it (empty without a schedule)."""
    if analysis.schedule is None:
        return {}
    return dict(analysis.schedule.milestones)


def with_unit(value: float | None, unit: str = "") -> str:
    """A value and its unit: ``96.9%``, ``1020ms``, ``2 incidents``."""
    if value is None:
        return "—"
    gap = " " if len(unit) > 2 and unit[:1].isalpha() else ""
    return f"{value:g}{gap}{unit}"


def id_width(ids: Iterable[str], low: int = 6, high: int = 16) -> int:
    """A width for an id column: the longest id, within ``low``..``high``."""
    longest = max((len(i) for i in ids), default=low)
    return max(low, min(high, longest))
