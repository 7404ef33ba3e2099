"""A virtualised table: renders only the rows on screen (Line API), so 10,000 rows are cheap.

Textual's DataTable builds every row up front; with 10,000 milestones that alone takes
seconds. This widget is given plain cells (text or Rich ``Text``) and draws the visible
lines on demand. It displays only: sorting and filtering are done by the screen, which
hands over the rows in the order to show.

Like DataTable, it keeps the lines it drew in an LRU cache and a cursor move repaints only
the two rows it changes (the whole view only when it scrolls, from the cache), so moving
the cursor costs the same at 10 rows as at 10,000.

Columns are laid out to the width on screen (:func:`layout`): when they do not all fit,
the least important ones (highest ``drop``) are left out, flexible columns (titles) take
what is left, and header and cells are drawn through the same code so they always line up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tpm.tui.widgets.palette import generation
from tpm.tui.widgets.text import clean_text, plain

Cell = str | Text
RowFn = Callable[[str], tuple[Sequence[Cell], str]]
"""Cells and row style of a key, asked for only when the row is on screen."""


@dataclass(frozen=True)
class Column:
    """A column: its key (for sorting), header label, width in cells and alignment.

    ``flex`` columns take the width left over (at least ``width``, at most ``max_width``
    when set). ``drop`` > 0 marks a column that may be left out when the table is too
    narrow; the highest ``drop`` goes first. 0 means always shown. When the columns that
    are always shown still do not fit, those with a ``min_width`` narrow down to it.
    ``from_width`` > 0 shows the column only when the table has at least that many cells
    (a column that repeats what another shows, so titles get the room first).
    """

    key: str
    label: str
    width: int
    right: bool = False
    flex: bool = False
    drop: int = 0
    max_width: int = 0
    min_width: int = 0
    from_width: int = 0


GAP = 1  # blank cells between two columns


def layout(columns: Sequence[Column], available: int) -> list[tuple[int, int]]:
    """(column index, width) of the columns shown in ``available`` cells, left to right.

    Droppable columns go (highest ``drop`` first) until the rest fit; the spare width is
    shared by the flexible columns (up to their ``max_width``), then by the last column.
    """
    shown = [i for i, c in enumerate(columns) if c.from_width <= available]

    def needed(indexes: list[int]) -> int:
        return sum(columns[i].width for i in indexes) + GAP * max(len(indexes) - 1, 0)

    while needed(shown) > available:
        droppable = [i for i in shown if columns[i].drop]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    widths = {i: columns[i].width for i in shown}
    excess = needed(shown) - available
    for i in reversed(shown):
        if excess <= 0:
            break
        cut = min(max(widths[i] - (columns[i].min_width or widths[i]), 0), excess)
        widths[i] -= cut
        excess -= cut
    spare = available - sum(widths.values()) - GAP * max(len(shown) - 1, 0)
    growing = [i for i in shown if columns[i].flex]
    while spare > 0 and growing:
        share = max(spare // len(growing), 1)
        for i in list(growing):
            cap = columns[i].max_width
            room = cap - widths[i] if cap else share
            add = min(share, room, spare)
            widths[i] += add
            spare -= add
            if cap and widths[i] >= cap:
                growing.remove(i)
            if spare <= 0:
                break
    return [(i, widths[i]) for i in shown]


class VTable(ScrollView, can_focus=True):
    """A table of rows keyed by id, with a header, a cursor and a sort marker."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    DEFAULT_CSS = """
    VTable { height: 1fr; }
    VTable > .vtable--cursor { background: $accent; color: $text; text-style: bold; }
    VTable > .vtable--cursor-blurred { background: $accent 40%; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, table: VTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class Selected(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: VTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class HeaderClicked(Message):
        """A column header was clicked: the screen may sort by it."""

        def __init__(self, table: VTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

    def __init__(self, columns: Sequence[Column] = (), **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns: list[Column] = list(columns)
        self.keys: list[str] = []
        self.cells: list[Sequence[Cell]] = []
        self.styles_by_row: list[str] = []
        self.row_fn: RowFn | None = None
        self._lazy: dict[int, tuple[Sequence[Cell], str]] = {}
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.empty_text = "nothing to show"
        self._columns_cache: tuple[int, list[tuple[int, int]]] | None = None
        # Drawn rows: (row, cursor style or "") -> line; cleared when rows, columns,
        # width or theme change.
        self._lines: LRUCache[tuple[int, str], Strip] = LRUCache(1000)
        self._lines_for: tuple[int, int] = (0, -1)  # (width, palette generation) of the cache

    # ------------------------------------------------------------ data

    def set_rows(
        self,
        keys: Sequence[str],
        cells: Sequence[Sequence[Cell]] | RowFn,
        row_styles: Sequence[str] | None = None,
        keep: str | None = None,
    ) -> None:
        """Replace the rows; keep the cursor on ``keep`` (or the current key) when present.

        ``cells`` is either every row's cells, or a function giving one row's cells and
        style, called only for the rows on screen (so 10,000 rows cost nothing up front).
        """
        current = keep if keep is not None else self.current_key
        self.keys = list(keys)
        self._lazy = {}
        if callable(cells):
            self.row_fn, self.cells = cells, []
        else:
            self.row_fn, self.cells = None, list(cells)
        self.styles_by_row = list(row_styles) if row_styles is not None else []
        self._index = {k: i for i, k in enumerate(self.keys)}
        self._lines.clear()
        self._set_virtual_size()
        row = self._index.get(current, 0) if current is not None else 0
        self.cursor_row = min(row, max(len(self.keys) - 1, 0))
        self.refresh()

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (rows must be set again)."""
        self.columns = list(columns)
        self._columns_cache = None
        self._lines.clear()

    def _available(self) -> int:
        # The width without a vertical scrollbar is what the layout may use: the bar
        # appears only with more rows than fit, and then the region is already narrower.
        return max(self.scrollable_content_region.width, 1)

    def column_layout(self) -> list[tuple[int, int]]:
        """(column index, width) of the columns shown at the current size."""
        available = self._available()
        cache = self._columns_cache
        if cache is None or cache[0] != available:
            cache = (available, layout(self.columns, available))
            self._columns_cache = cache
        return cache[1]

    def shown_columns(self) -> list[str]:
        """Keys of the columns on screen at the current size."""
        return [self.columns[i].key for i, _w in self.column_layout()]

    def _set_virtual_size(self) -> None:
        cols = self.column_layout()
        total = sum(w for _i, w in cols) + GAP * max(len(cols) - 1, 0)
        self.virtual_size = Size(total, len(self.keys) + 1)

    def on_resize(self) -> None:
        self._set_virtual_size()
        self.refresh()

    @property
    def current_key(self) -> str | None:
        """Key of the row under the cursor, or None when empty."""
        if 0 <= self.cursor_row < len(self.keys):
            return self.keys[self.cursor_row]
        return None

    def move_to(self, key: str) -> None:
        """Put the cursor on the row with this key, if shown."""
        index = getattr(self, "_index", {}).get(key)
        if index is not None:
            self.cursor_row = index

    # ------------------------------------------------------------ cursor

    def watch_cursor_row(self, old: int, row: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=False)  # repaints the view (lines from the cache)
        elif row >= self.scroll_y + height:
            self.scroll_to(y=row - height + 1, animate=False)
        else:  # only the rows that lose and gain the cursor change
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        self.post_message(self.Highlighted(self, self.current_key))

    def action_cursor(self, delta: int) -> None:
        """Move the cursor up or down."""
        if self.keys:
            self.cursor_row = max(0, min(len(self.keys) - 1, self.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        """Move the cursor a page."""
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_jump(self, row: int) -> None:
        """First or last row."""
        if self.keys:
            self.cursor_row = row if row >= 0 else len(self.keys) - 1

    def action_select(self) -> None:
        """Post Selected for the row under the cursor."""
        if self.current_key is not None:
            self.post_message(self.Selected(self, self.current_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + int(self.scroll_x)
            for index, width in self.column_layout():
                if x < width + GAP:
                    self.post_message(self.HeaderClicked(self, self.columns[index].key))
                    return
                x -= width + GAP
            return
        row = offset.y - 1 + int(self.scroll_y)
        if 0 <= row < len(self.keys):
            self.cursor_row = row
            if event.chain >= 2:
                self.action_select()

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_x)
        base = self.rich_style
        if y == 0:
            strip = self._header(base)
        else:
            row = y - 1 + int(self.scroll_y)
            if row >= len(self.keys):
                if row == 0:
                    return Strip([Segment(f" {self.empty_text}".ljust(width), base)])
                return Strip.blank(width, base)
            strip = self._row(row, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header(self, base: Style) -> Strip:
        labels: list[Cell] = []
        for col in self.columns:
            label = col.label
            if col.key == self.sort_column:
                label += " ▼" if self.sort_reverse else " ▲"
            labels.append(label)
        return self._line(labels, base + Style(bold=True, underline=True))

    def _line(self, cells: Sequence[Cell], style: Style) -> Strip:
        """One line of cells in the columns shown: header and rows share this, so they align."""
        segments: list[Segment] = []
        console = self.app.console
        for n, (index, width) in enumerate(self.column_layout()):
            col = self.columns[index]
            cell = cells[index] if index < len(cells) else ""
            text = clean_text(cell, True).copy() if isinstance(cell, Text) else plain(str(cell))
            text.truncate(width, overflow="ellipsis")
            text.align("right" if col.right else "left", width)
            if n:
                segments.append(Segment(" " * GAP))
            segments.extend(s for s in text.render(console) if s.text != "\n")
        strip = Strip(segments)
        # Pad to the width on screen so a row's style (the cursor bar) spans the table.
        strip = strip.extend_cell_length(self._available())
        return strip.apply_style(style)

    def row_cells(self, row: int) -> tuple[Sequence[Cell], str]:
        """Cells and style of a row (computed once per set_rows for lazy tables)."""
        if self.row_fn is None:
            styles = self.styles_by_row
            return self.cells[row], styles[row] if styles else ""
        if row not in self._lazy:
            self._lazy[row] = self.row_fn(self.keys[row])
        return self._lazy[row]

    def _row(self, row: int, base: Style) -> Strip:
        cursor = ""
        if row == self.cursor_row:
            cursor = "vtable--cursor" if self.has_focus else "vtable--cursor-blurred"
        state = (self._available(), generation())
        if state != self._lines_for:
            self._lines.clear()
            self._lines_for = state
        cached = self._lines.get((row, cursor))
        if cached is not None:
            return cached
        style = base
        cells, row_style = self.row_cells(row)
        if row_style:
            style = base + Style.parse(row_style)
        if cursor:
            style = style + self.get_component_rich_style(cursor, partial=True)
        line = self._line(cells, style)
        self._lines[(row, cursor)] = line
        return line

    COMPONENT_CLASSES = {"vtable--cursor", "vtable--cursor-blurred"}

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
