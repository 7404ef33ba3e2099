"""Shown instead of the six screens when the plan has errors: the `tpm check` diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tpm.tui.widgets.palette import themed
from tpm.tui.widgets.text import clean_text, plain

if TYPE_CHECKING:
    from tpm.check.diagnostics import Diagnostic


class ProblemsScreen(Screen[None]):
    """The plan cannot be opened: say exactly why, and reload when the file is fixed."""

    BINDINGS = [Binding("ctrl+l", "app.reload", "Reload")]

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__()
        self.diagnostics = diagnostics

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="problems"):
            yield Static(clean_text(self._text()), id="problems-text")
        yield Footer()

    def _text(self) -> Text:
        errors = [d for d in self.diagnostics if d.severity == "error"]
        out = Text()
        out.append(
            f"This plan has {len(errors)} error(s); fix them in your editor.\n", themed("bold $red")
        )
        out.append("tpm reloads the file when it changes (or press ctrl+l).\n\n", style="dim")
        for d in self.diagnostics:
            style = themed("$red" if d.severity == "error" else "$amber")
            out.append(d.render() + "\n", style=style)
        return out


class LoadingScreen(Screen[None]):
    """The first frame while a big plan loads."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(f"loading {self.path} …"), id="loading")
        yield Footer()
