"""Screen 6: the Markdown status report rendered in the app, and a key to write it out.

The report needs the full analysis (the Monte Carlo forecast included), which runs in a
worker: until it lands the screen says what it is waiting for on its first line, keeps the
last report it showed, and every key keeps working.

The text is drawn by Rich's Markdown renderer in one widget. Textual's Markdown widget
mounts a widget per block, table cell and list item, each styled by CSS: opening the screen
on a 10,000-milestone plan cost 0.3 s of the event loop for a 40-line report, against 0.1 s
here. Every plan string in the text is escaped Markdown (never Rich markup), and the report
has no links to follow.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tpm.tui.analysis import Analysis
from tpm.tui.messages import WriteReportRequested
from tpm.tui.screens.base import PlanScreen
from tpm.tui.widgets.text import clean, plain

BUILDING_STATUS = "building the report: status analysis…"
BUILDING_FORECAST = "building the report: forecasting… (keys keep working)"
BUILDING_PREVIOUS = "building the report: comparing with the previous report…"


class ReportScreen(PlanScreen):
    """The report a lead reads, exactly as ``tpm report`` writes it."""

    SHOWS_REPORT = True  # the App re-shows it when the previous report has been read
    BINDINGS = [
        Binding("w", "write", "Write to file"),
        Binding("R", "app.record_snapshot", "Record snapshot"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._text: str | None = None  # the Markdown on screen

    def body(self) -> ComposeResult:
        yield Static("", id="report-progress")
        with VerticalScroll(id="report-scroll"):
            yield Static("", id="report")

    def on_mount(self) -> None:
        self.query_one("#report-scroll").focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        self.tpm.request_full()
        progress = self.query_one("#report-progress", Static)
        building = self.tpm.report_pending() and "report" not in analysis.problems
        if building:
            if analysis.report_current:
                step = BUILDING_PREVIOUS
            elif analysis.status_current:
                step = BUILDING_FORECAST
            else:
                step = BUILDING_STATUS
            progress.update(plain(step))
        progress.display = building
        if building and self._text is not None:
            return  # keep the last report on screen until the new one is ready
        text = clean(self.tpm.report_markdown())
        if text != self._text:
            self._text = text
            self.query_one("#report", Static).update(Markdown(text, hyperlinks=False))

    def action_write(self) -> None:
        """Ask where to write the report (once it is built)."""
        if self.tpm.report_pending():
            self.tpm.notify("the report is still being built: write it when it is shown")
            return
        self.request(WriteReportRequested())
