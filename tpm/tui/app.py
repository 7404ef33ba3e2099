"""The tpm Textual application (placeholder until the TUI lands)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from tpm.load import load_plan


class TpmApp(App[None]):
    """Shows the plan's name and its diagnostics."""

    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        loaded = load_plan(self.path)
        yield Header()
        if loaded.plan is not None:
            yield Static(f"{loaded.plan.program.name}: {len(loaded.plan.milestones)} milestones")
        for diag in loaded.diagnostics:
            yield Static(diag.render(), markup=False)
        yield Footer()


def build_app(path: Path) -> TpmApp:
    """The factory used by the CLI and by tests."""
    return TpmApp(path)


def run_app(path: Path) -> int:
    """Run the app until the user quits."""
    build_app(path).run()
    return 0
