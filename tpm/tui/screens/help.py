"""The help dialog (``?``): every key of every screen, and how editing and saving work.

The keys are data, one key per row, so a row that wraps on a narrow terminal hangs under its
description instead of starting at the left edge, and a test can check that every binding of
every screen is listed here.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

# (section, [(keys, what they do)]); keys "" is a legend line of the section.
KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Screens",
        [
            ("1-6", "Dashboard, Milestones, Timeline, Risks, KPIs, Report"),
            ("ctrl+p", "command palette (every action is there)"),
            ("?", "this help"),
        ],
    ),
    (
        "Everywhere",
        [
            ("ctrl+s", "save"),
            ("u / ctrl+z", "undo"),
            ("ctrl+r / ctrl+y", "redo"),
            ("ctrl+l", "reload from disk"),
            ("tab", "move between panels"),
            ("q / ctrl+q", "quit (asks first when edits are unsaved)"),
        ],
    ),
    (
        "Dashboard",
        [("R", "record a snapshot of today's headline in the plan (also on the Report)")],
    ),
    (
        "Milestones",
        [
            ("/", "search id, title, owner"),
            ("c", "critical only"),
            ("o / O", "sort by the next column / reverse the order"),
            ("escape", "clear the search and filters"),
            ("e / a", "edit / add a milestone"),
            ("delete", "remove the milestone (refused while others depend on it)"),
            ("s", "cycle the status; a full round restores what was there"),
            ("p", "percent complete (below 100 reopens done work)"),
            ("x", "done today (sets actual_finish)"),
            ("b", "blocked, with a reason"),
            ("v", "show or hide the detail pane (hidden below 110 columns)"),
        ],
    ),
    (
        "Timeline",
        [
            ("f", "fit the whole program to the width (the default; again on resize)"),
            ("z", "zoom: fit → day → week → month"),
            ("g", "group by team / schedule order"),
            ("← / →", "scroll"),
            ("t", "jump to the status date"),
            ("s x b p", "as on Milestones"),
            ("", "bars: █ critical  ▓ other  ░ done  ╳ blocked  ◆/◇ zero-length event"),
            ("", "├──┤ baseline where it differs  ▼ and │ the status date  ┃ the target"),
            ("", "labels: ● critical  ✖ blocked  ✓ done"),
        ],
    ),
    (
        "Risks",
        [
            ("r", "reviewed today"),
            ("p / i", "probability / impact"),
            ("e / a", "edit / add a risk"),
            ("delete", "remove the risk"),
            ("m", "mitigations"),
            ("D", "decisions and asks"),
            ("h", "heat map (enter filters the register by a cell)"),
            (
                "v",
                "show or hide the heat map and details (beside the register from 160 columns)",
            ),
        ],
    ),
    (
        "KPIs",
        [
            ("m", "record a measurement (a second one on the same day asks first)"),
            ("e / a", "edit / add a KPI"),
            ("delete", "remove the KPI"),
            ("v", "the measurements: edit or delete one"),
        ],
    ),
    (
        "Report",
        [
            ("w", "write the report to a file"),
            ("R", "record a snapshot of today's headline in the plan"),
        ],
    ),
]

NOTES = """\
Editing: forms check as you type with the same messages as tpm check; Save stays disabled
while there are errors. A change that would create a dependency cycle is refused and the loop
is shown. Escape on a form you changed asks before discarding. Every edit can be undone.

Saving: ctrl+s writes only what you changed into the file's text, so its comments and layout
stay. When the file changed on disk since it was loaded, tpm merges: the others' changes to
other fields are kept and listed; when both of you changed the same field, a dialog shows the
three values and nothing is written until you pick. A plan that fails tpm check is never
saved."""


def help_table() -> Group:
    """The keys as a grid: section, keys, what they do (wrapping under the description)."""
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    for n, (section, rows) in enumerate(KEYS):
        if n:
            grid.add_row("", "", "")
        for i, (keys, what) in enumerate(rows):
            label = Text(section, style="bold") if i == 0 else ""
            grid.add_row(label, keys, Text(what, style="dim" if not keys else ""))
    return Group(grid, Text(""), Text(NOTES))


class HelpScreen(ModalScreen[None]):
    """Keys and how editing and saving work."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Label("tpm — keys", classes="dialog-title")
            yield Static(help_table(), id="help-text")
            yield Static("escape: close", classes="dim")
