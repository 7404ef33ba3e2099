"""The 5x5 probability x impact heat map; a cell can be chosen to filter the risk table."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tpm.tui.widgets.palette import themed

BAND_STYLE = {
    "low": "$on-green on $green",
    "medium": "$on-amber on $amber",
    "high": "$on-orange on $orange",
    "critical": "$on-red on $red",
}
CELL_W = 7


class HeatMap(Widget, can_focus=True):
    """Rows are probability 5..1, columns impact 1..5; each cell shows how many risks."""

    BINDINGS = [
        Binding("up", "move(1, 0)", show=False),
        Binding("down", "move(-1, 0)", show=False),
        Binding("left", "move(0, -1)", show=False),
        Binding("right", "move(0, 1)", show=False),
        Binding("enter,space", "choose", "Filter by cell"),
        Binding("escape", "clear", "Clear filter", show=False),
    ]
    DEFAULT_CSS = "HeatMap { width: 100%; max-width: 45; height: 7; }"

    cursor: reactive[tuple[int, int]] = reactive((3, 3))
    chosen: reactive[tuple[int, int] | None] = reactive(None)

    class CellChosen(Message):
        """A cell was chosen (None clears the filter)."""

        def __init__(self, cell: tuple[int, int] | None) -> None:
            super().__init__()
            self.cell = cell

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # (probability, impact) -> (band, risk ids)
        self.cells: dict[tuple[int, int], tuple[str, Sequence[str]]] = {}

    def show(self, cells: dict[tuple[int, int], tuple[str, Sequence[str]]]) -> None:
        """Display cells: (probability, impact) -> (band, ids)."""
        self.cells = cells
        self.refresh()

    @property
    def cell_width(self) -> int:
        """Cells shrink to fit narrow terminals (3..7 columns each)."""
        return max(3, min(CELL_W, (self.size.width - 4) // 5))

    def render(self) -> Text:
        cw = self.cell_width
        out = Text()
        out.append("P\\I ", style="bold")
        for i in range(1, 6):
            out.append(f"{i:^{cw}}", style="bold")
        out.append("\n")
        for p in range(5, 0, -1):
            out.append(f" {p}  ", style="bold")
            for i in range(1, 6):
                band, ids = self.cells.get((p, i), ("low", ()))
                label = f"{len(ids)}" if ids else "·"
                style = themed(BAND_STYLE.get(band, ""))
                if (p, i) == self.chosen:
                    label = f"[{label}]"
                if (p, i) == self.cursor and self.has_focus:
                    style += " reverse"
                out.append(f"{label:^{cw}}", style=style)
            out.append("\n")
        out.append("probability ↑  impact →", style="dim")
        if self.chosen:
            out.append(f"  filter {self.chosen[0]}x{self.chosen[1]}", style="bold")
        return out

    def action_move(self, dp: int, di: int) -> None:
        """Move the cell cursor."""
        p, i = self.cursor
        self.cursor = (max(1, min(5, p + dp)), max(1, min(5, i + di)))

    def action_choose(self) -> None:
        """Filter by the cell under the cursor (choosing it again clears the filter)."""
        self.chosen = None if self.chosen == self.cursor else self.cursor
        self.post_message(self.CellChosen(self.chosen))

    def action_clear(self) -> None:
        """Clear the cell filter."""
        self.chosen = None
        self.post_message(self.CellChosen(None))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or offset.y > 5 or offset.x < 4:
            return
        impact = (offset.x - 4) // self.cell_width + 1
        if 1 <= impact <= 5:
            self.cursor = (6 - offset.y, impact)
            self.action_choose()

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_chosen(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
