"""Both the file on disk and I changed the same fields: pick base/theirs/mine per field.

Nothing is written until every field has a pick and the user confirms; Cancel (or escape)
writes nothing and keeps the unsaved edits.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from tpm.plan.blocks import Path as ItemPath
from tpm.plan.changes import label
from tpm.plan.merge import Conflict, show_value
from tpm.tui.widgets.text import plain


class FieldConflictScreen(ModalScreen[dict[ItemPath, str] | None]):
    """One row per conflicting field: its base, theirs (on disk) and mine, and a pick."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__()
        self.conflicts = conflicts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Both changed the same fields", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(
                    "The file changed on disk and some of its changes touch fields you "
                    "edited. Pick a value for each; nothing is written until you save."
                )
                for n, c in enumerate(self.conflicts):
                    # In the session's merge, "ours" is the file on disk and "theirs" is mine.
                    yield Static(
                        plain(
                            f"{label(c.path)}: base {_value(c.base)} · theirs (on disk) "
                            f"{_value(c.ours)} · mine {_value(c.theirs)}"
                            + (f" ({c.detail})" if c.detail else "")
                        ),
                        classes="conflict-field",
                    )
                    options = [("theirs (on disk)", "theirs"), ("mine", "mine")]
                    yield Select(options, prompt="pick …", id=f"pick-{n}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save with these picks", id="apply", disabled=True)
                yield Button("Cancel", id="cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#apply", Button).disabled = self.picks() is None

    def picks(self) -> dict[ItemPath, str] | None:
        """The pick of every field, or None while one is missing."""
        out: dict[ItemPath, str] = {}
        for n, conflict in enumerate(self.conflicts):
            value = self.query_one(f"#pick-{n}", Select).value
            if not isinstance(value, str):
                return None
            out[conflict.path] = value
        return out

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.picks() if event.button.id == "apply" else None)


def _value(value: Any) -> str:
    return show_value(value)
