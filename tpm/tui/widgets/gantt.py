"""A Gantt chart drawn in the terminal, one line per milestone, rendering only what is visible.

Bars are placed on a calendar-day scale that the zoom turns into one cell per day, week or
month. The label column stays put while the timeline scrolls sideways. Critical work is red,
done work dim, baseline dates show as a ghost line under the bar's cells (``╌``), and the
status date is a vertical line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

ZOOMS = {"day": 1, "week": 7, "month": 30}
LABEL_W = 26


@dataclass(frozen=True)
class GanttRow:
    """One line: a milestone bar, or a group heading when ``key`` is empty."""

    key: str
    label: str
    start: dt.date | None = None
    finish: dt.date | None = None
    critical: bool = False
    done: bool = False
    baseline: tuple[dt.date, dt.date] | None = None


Fill = Callable[[GanttRow], GanttRow]
"""Completes a row's dates and flags; called only for rows on screen."""


class Gantt(ScrollView, can_focus=True):
    """Gantt chart over rows given by the screen."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("left,h", "pan(-1)", "Scroll ←", show=False),
        Binding("right,l", "pan(1)", "Scroll →", show=False),
        Binding("pageup", "cursor(-20)", show=False),
        Binding("pagedown", "cursor(20)", show=False),
    ]
    DEFAULT_CSS = "Gantt { height: 1fr; }"

    zoom: reactive[str] = reactive("week")
    cursor_row: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        """The cursor moved to a milestone (key) or a heading (empty key)."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[GanttRow] = []
        self.origin = dt.date(2000, 1, 3)
        self.end = self.origin
        self.as_of: dt.date | None = None
        self.fill: Fill | None = None
        self._filled: dict[int, GanttRow] = {}

    def show(
        self,
        rows: Sequence[GanttRow],
        as_of: dt.date | None,
        span: tuple[dt.date, dt.date] | None = None,
        fill: Fill | None = None,
    ) -> None:
        """Display rows over ``span`` (default: every date in the rows). With ``fill``, the
        rows carry only keys and labels and are completed when drawn."""
        self.rows = list(rows)
        self.as_of = as_of
        self.fill = fill
        self._filled = {}
        if span is not None:
            dates = list(span)
        else:
            dates = [d for r in self.rows for d in (r.start, r.finish) if d is not None]
            dates += [d for r in self.rows if r.baseline for d in r.baseline]
        if as_of:
            dates.append(as_of)
        if dates:
            first = min(dates)
            self.origin = first - dt.timedelta(days=first.weekday() + 7)
            self.end = max(dates) + dt.timedelta(days=14)
        self._resize()
        self.cursor_row = min(self.cursor_row, max(len(self.rows) - 1, 0))
        self.refresh()

    @property
    def step(self) -> int:
        """Calendar days per cell."""
        return ZOOMS[self.zoom]

    def _cells(self) -> int:
        return (self.end - self.origin).days // self.step + 2

    def _resize(self) -> None:
        self.virtual_size = Size(LABEL_W + self._cells(), len(self.rows) + 1)

    def watch_zoom(self) -> None:
        self._resize()
        self.scroll_to_date(self.as_of)
        self.refresh()

    def scroll_to_date(self, date: dt.date | None) -> None:
        """Scroll so that a date is near the left of the timeline."""
        if date is not None:
            self.scroll_to(x=max(self._col(date) - 8, 0), animate=False)

    def _col(self, date: dt.date) -> int:
        return (date - self.origin).days // self.step

    def action_pan(self, direction: int) -> None:
        """Scroll the timeline sideways by a quarter of the view."""
        width = max(self.scrollable_content_region.width - LABEL_W, 8)
        self.scroll_to(x=self.scroll_x + direction * max(width // 4, 1), animate=False)

    def action_cursor(self, delta: int) -> None:
        """Move the row cursor."""
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + delta))

    def watch_cursor_row(self, row: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=False)
        elif row >= self.scroll_y + height:
            self.scroll_to(y=row - height + 1, animate=False)
        self.refresh()
        if 0 <= row < len(self.rows):
            self.post_message(self.Highlighted(self.rows[row].key))

    @property
    def current_key(self) -> str | None:
        """Milestone under the cursor."""
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row].key or None
        return None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        span = max(width - LABEL_W, 0)
        x0 = int(self.scroll_x)
        if y == 0:
            label = Segment(f"{self.zoom} view".ljust(LABEL_W), base + Style(bold=True))
            return Strip([label, *self._scale(x0, span, base)]).adjust_cell_length(width, base)
        row = y - 1 + int(self.scroll_y)
        if row >= len(self.rows):
            return Strip.blank(width, base)
        r = self.rows[row]
        if self.fill is not None and r.key:
            if row not in self._filled:
                self._filled[row] = self.fill(r)
            r = self._filled[row]
        cursor = row == self.cursor_row
        lstyle = base + Style(bold=not r.key, reverse=cursor and self.has_focus, dim=r.done)
        if cursor and not self.has_focus:
            lstyle += Style(underline=True)
        text = r.label[: LABEL_W - 1].ljust(LABEL_W)
        cells = self._bar(r, x0, span, base)
        return Strip([Segment(text, lstyle), *cells]).adjust_cell_length(width, base)

    def _scale(self, x0: int, span: int, base: Style) -> list[Segment]:
        chars = [" "] * span
        free = 0
        for k in range(min(span, self._cells() - x0)):
            day = self.origin + dt.timedelta(days=(x0 + k) * self.step)
            prev = self.origin + dt.timedelta(days=(x0 + k - 1) * self.step)
            if self.zoom == "month":
                mark = day.year != prev.year or k == 0
                label = str(day.year) if mark else ""
            elif self.zoom == "week":
                mark = day.month != prev.month
                label = day.strftime("%b") if mark else ""
            else:
                mark = day.weekday() == 0
                label = day.strftime("%d%b") if mark else ""
            if label and k >= free:
                for j, ch in enumerate(label):
                    if k + j < span:
                        chars[k + j] = ch
                free = k + len(label) + 1
        return [Segment("".join(chars), base + Style(dim=True, bold=True))]

    def _bar(self, r: GanttRow, x0: int, span: int, base: Style) -> list[Segment]:
        out: list[Segment] = []
        if not r.key or r.start is None or r.finish is None:
            return [Segment(" " * span, base)]
        a, b = self._col(r.start), self._col(r.finish)
        ba = bb = -1
        if r.baseline:
            ba, bb = self._col(r.baseline[0]), self._col(r.baseline[1])
        now = self._col(self.as_of) if self.as_of else -1
        colour = "#da3633" if r.critical else "#388bfd"
        bar_style = base + Style(color="#6e7681" if r.done else colour)
        for k in range(span):
            c = x0 + k
            if a <= c <= b:
                ch = "◆" if a == b else "█"
                out.append(Segment(ch, bar_style))
            elif c == now:
                out.append(Segment("│", base + Style(color="#e3b341")))
            elif ba <= c <= bb:
                out.append(Segment("╌", base + Style(color="#6e7681")))
            else:
                out.append(Segment(" ", base))
        return out
