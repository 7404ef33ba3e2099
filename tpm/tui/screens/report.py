"""Screen 6: the Markdown status report rendered in the app, and a key to write it out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from tpm.tui.analysis import Analysis
from tpm.tui.messages import WriteReportRequested
from tpm.tui.screens.base import PlanScreen
from tpm.tui.widgets.text import clean


class ReportScreen(PlanScreen):
    """The report a lead reads, exactly as ``tpm report`` writes it."""

    BINDINGS = [Binding("w", "write", "Write to file")]

    def body(self) -> ComposeResult:
        with VerticalScroll(id="report-scroll"):
            yield Markdown("", id="report")

    def on_mount(self) -> None:
        self.query_one("#report-scroll").focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        self.tpm.request_full()
        text = self.tpm.report_markdown()
        self.query_one(Markdown).update(clean(text))

    def action_write(self) -> None:
        """Ask where to write the report."""
        self.request(WriteReportRequested())
