"""A Gantt chart drawn in the terminal, one line per milestone, rendering only what is visible.

Bars are placed on a calendar-day scale. The default zoom, ``fit``, chooses the days per
cell so that the whole program (and its baseline) fills the width on screen, and chooses
it again when the terminal is resized; ``day``, ``week`` and ``month`` use one cell per
day, week or 30 days and scroll sideways. The label column stays put while the timeline
scrolls.

Nothing depends on colour alone: critical bars are solid (``█``), other work shaded
(``▓``), done work light (``░``), blocked work hatched (``╳``), zero-length events are
diamonds (``◆`` critical, ``◇`` other). The baseline is a ghost ``├──┤`` where it lies
outside today's bar, and the status date is marked ``▼`` on the scale and ``│`` in rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tpm.tui.widgets.palette import generation, themed
from tpm.tui.widgets.text import clean

ZOOMS: dict[str, float] = {"fit": 0.0, "day": 1.0, "week": 7.0, "month": 30.0}
MIN_STEP = 1 / 6  # at most six cells per day, however short the program

CRITICAL = "$red"
OTHER = "$blue"
DONE = "$grey"
BLOCKED = "$amber"
GHOST = "$grey"
NOW = "$amber"
TARGET = "$red"

FILL = {"critical": "█", "other": "▓", "done": "░", "blocked": "╳"}
EVENT = {"critical": "◆", "other": "◇", "done": "◇", "blocked": "◆"}
COLOUR = {"critical": CRITICAL, "other": OTHER, "done": DONE, "blocked": BLOCKED}


class GanttRow(NamedTuple):
    """One line: a milestone bar, or a group heading when ``key`` is empty.

    A named tuple, not a dataclass: the timeline makes one per milestone each time it
    shows a plan (10,000 at a time), and a tuple of plain values costs a tenth of a frozen
    dataclass to build and drops out of the cyclic collector's generations at once.
    """

    key: str
    label: str
    start: dt.date | None = None
    finish: dt.date | None = None
    critical: bool = False
    done: bool = False
    baseline: tuple[dt.date, dt.date] | None = None
    blocked: bool = False
    title: str = ""
    event: bool = False  # zero duration: drawn as a diamond

    @property
    def kind(self) -> str:
        """How the bar is drawn: done, blocked, critical or other."""
        if self.done:
            return "done"
        if self.blocked:
            return "blocked"
        return "critical" if self.critical else "other"


Fill = Callable[[GanttRow], GanttRow]
"""Completes a row's dates and flags; called only for rows on screen."""


def ticks(origin: dt.date, end: dt.date, step: float) -> tuple[list[dt.date], Callable[..., str]]:
    """Dates where the scale has a labelled tick, and how to label them, for days per cell.

    Weeks (Mondays) when a week is wide enough for ``06 Apr``; months when a month has room
    for at least its short name; quarters, then years, when the cells get coarser.
    """
    per_month = 30.4 / step
    if 7 / step >= 8:
        first = _shift(origin, (7 - origin.weekday()) % 7)
        dates = _every(first, end, lambda d: d + dt.timedelta(days=7))
        return dates, lambda d, _first: d.strftime("%d %b")
    if per_month >= 4:
        wide = per_month >= 9

        def month_label(d: dt.date, first: bool) -> str:
            if wide and d.month == 1:
                return d.strftime("%b %Y")
            return d.strftime("%b")

        return _every(_month_start(origin), end, _next_month), month_label
    if 91 / step >= 4:
        start = _month_start(origin)
        while start.month % 3 != 1:
            start = _next_month(start)

        def quarter_label(d: dt.date, first: bool) -> str:
            q = f"Q{(d.month - 1) // 3 + 1}"
            return f"{q} {d.year}" if (first or d.month == 1) and 91 / step >= 8 else q

        return _every(start, end, lambda d: _next_month(_next_month(_next_month(d)))), quarter_label
    year = dt.date(origin.year, 1, 1)
    return _every(year, end, lambda d: dt.date(d.year + 1, 1, 1)), lambda d, _f: str(d.year)


def _shift(d: dt.date, days: int) -> dt.date:
    """``d`` moved by ``days``, kept between 0001-01-01 and 9999-12-31."""
    ordinal = min(max(d.toordinal() + days, 1), dt.date.max.toordinal())
    return dt.date.fromordinal(ordinal)


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _every(first: dt.date, end: dt.date, step: Callable[[dt.date], dt.date]) -> list[dt.date]:
    out: list[dt.date] = []
    d = first
    while d <= end and len(out) < 10_000:
        out.append(d)
        try:
            d = step(d)
        except (OverflowError, ValueError):
            break
    return out


class Gantt(ScrollView, can_focus=True):
    """Gantt chart over rows given by the screen."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("left,h", "pan(-1)", "Scroll ←", show=False),
        Binding("right,l", "pan(1)", "Scroll →", show=False),
        Binding("pageup", "cursor(-20)", show=False),
        Binding("pagedown", "cursor(20)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]
    DEFAULT_CSS = "Gantt { height: 1fr; }"

    zoom: reactive[str] = reactive("fit")
    cursor_row: reactive[int] = reactive(0, init=False, repaint=False)

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
        self.target: dt.date | None = None
        self.fill: Fill | None = None
        self.id_width = 12
        self._filled: dict[int, GanttRow] = {}
        self._scale_cache: tuple[tuple[float, int, int], list[Segment], frozenset[int]] | None
        self._scale_cache = None
        # Drawn rows: (row, cursor, focus) -> line, for the view state in _lines_for (a
        # cursor move repaints two rows; scrolling redraws the view from here).
        self._lines: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(1000)
        self._lines_for: tuple[object, ...] = ()

    def show(
        self,
        rows: Sequence[GanttRow],
        as_of: dt.date | None,
        span: tuple[dt.date, dt.date] | None = None,
        fill: Fill | None = None,
        target: dt.date | None = None,
    ) -> None:
        """Display rows over ``span`` (default: every date in the rows). With ``fill``, the
        rows carry only keys and labels and are completed when drawn. ``target`` (the
        program's target date) is marked ``┃`` in every row, where no bar covers it."""
        self.rows = list(rows)
        self.as_of = as_of
        self.target = target
        self.fill = fill
        self._filled = {}
        self._scale_cache = None
        self._lines.clear()
        if span is not None:
            dates = list(span)
        else:
            dates = [d for r in self.rows for d in (r.start, r.finish) if d is not None]
            dates += [d for r in self.rows if r.baseline for d in r.baseline]
        if as_of:
            dates.append(as_of)
        if target:
            dates.append(target)
        if dates:
            first, last = min(dates), max(dates)
            pad = max((last - first).days // 40, 2)
            self.origin = _shift(first, -pad)
            self.end = _shift(last, pad)
        keys = [len(r.key) for r in self.rows if r.key]
        self.id_width = max(8, min(max(keys, default=8), 20))
        self._resize()
        self.cursor_row = min(self.cursor_row, max(len(self.rows) - 1, 0))
        self.refresh()

    # ------------------------------------------------------------ geometry

    @property
    def label_width(self) -> int:
        """The label column: marker and id; titles too when the terminal is wide."""
        base = self.id_width + 3
        width = self.scrollable_content_region.width
        if width >= 150:
            return base + min(30, width // 6)
        return base

    @property
    def view_cells(self) -> int:
        """Timeline cells on screen."""
        return max(self.scrollable_content_region.width - self.label_width, 8)

    @property
    def step(self) -> float:
        """Calendar days per cell (``fit``: the program span fills the view)."""
        fixed = ZOOMS.get(self.zoom, 0.0)
        if fixed:
            return fixed
        days = max((self.end - self.origin).days + 1, 1)
        return max(days / self.view_cells, MIN_STEP)

    def _cells(self) -> int:
        return self._col(self.end) + 1

    def _col(self, date: dt.date, after: int = 0) -> int:
        """The cell of a date (``after`` days later: may be past 9999-12-31)."""
        return int((date.toordinal() + after - self.origin.toordinal()) / self.step)

    def _resize(self) -> None:
        self._scale_cache = None
        self.virtual_size = Size(self.label_width + self._cells(), len(self.rows) + 1)

    def on_resize(self) -> None:
        self._resize()
        self.refresh()

    def watch_zoom(self) -> None:
        self._resize()
        self.scroll_to_date(self.as_of)
        self.refresh()

    def scroll_to_date(self, date: dt.date | None) -> None:
        """Scroll so that a date is in view, a little from the left of the timeline."""
        if date is not None:
            self.scroll_to(x=max(self._col(date) - self.view_cells // 6, 0), animate=False)

    def covers(self, date: dt.date) -> bool:
        """True when ``date`` is inside the part of the timeline on screen."""
        col = self._col(date) - int(self.scroll_x)
        return 0 <= col < self.view_cells

    # ------------------------------------------------------------ keys

    def action_pan(self, direction: int) -> None:
        """Scroll the timeline sideways by a quarter of the view."""
        self.scroll_to(x=self.scroll_x + direction * max(self.view_cells // 4, 1), animate=False)

    def action_cursor(self, delta: int) -> None:
        """Move the row cursor."""
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + delta))

    def action_jump(self, row: int) -> None:
        """First or last row."""
        if self.rows:
            self.cursor_row = row if row >= 0 else len(self.rows) - 1

    def watch_cursor_row(self, old: int, row: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=False)  # repaints the view (rows from the cache)
        elif row >= self.scroll_y + height:
            self.scroll_to(y=row - height + 1, animate=False)
        else:  # only the rows that lose and gain the cursor change
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        if 0 <= row < len(self.rows):
            self.post_message(self.Highlighted(self.rows[row].key))

    @property
    def current_key(self) -> str | None:
        """Milestone under the cursor."""
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row].key or None
        return None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        label_w = self.label_width
        span = max(width - label_w, 0)
        x0 = int(self.scroll_x)
        scale, grid = self._scale(x0, span, base)
        if y == 0:
            years = sorted({self.origin.year, self.end.year})
            name = " → ".join(str(y) for y in years)
            head = Segment(f" {name}".ljust(label_w), base + Style(bold=True, dim=True))
            return Strip([head, *scale]).adjust_cell_length(width, base)
        row = y - 1 + int(self.scroll_y)
        if row >= len(self.rows):
            return Strip.blank(width, base)
        state = (width, x0, self.step, label_w, generation(), self.as_of, self.target)
        if state != self._lines_for:
            self._lines.clear()
            self._lines_for = state
        key = (row, row == self.cursor_row, self.has_focus)
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = self._draw_row(row, width, base, label_w, span, x0, grid)
        return line

    def _draw_row(
        self,
        row: int,
        width: int,
        base: Style,
        label_w: int,
        span: int,
        x0: int,
        grid: frozenset[int],
    ) -> Strip:
        r = self.rows[row]
        if self.fill is not None and r.key:
            if row not in self._filled:
                self._filled[row] = self.fill(r)
            r = self._filled[row]
        cursor = row == self.cursor_row
        if not r.key:  # a heading runs on into the timeline, which is empty on its row
            cells = self._bar(r, x0, span, base, grid, cursor)
            style = base + Style(bold=True)
            if cursor:
                style += Style(reverse=True) if self.has_focus else Style(underline=True)
            text = f" {clean(r.label, True)} "[:width]
            skip = max(len(text) - label_w, 0)
            tail = list(Strip(cells).crop(skip, span))
            return Strip([Segment(text.ljust(label_w), style), *tail]).adjust_cell_length(
                width, base
            )
        label = list(self._label(r, label_w, base, cursor))
        cells = self._bar(r, x0, span, base, grid, cursor)
        return Strip([*label, *cells]).adjust_cell_length(width, base)

    def _label(self, r: GanttRow, width: int, base: Style, cursor: bool) -> Iterator[Segment]:
        style = base + Style(dim=r.done)
        if cursor:
            style += Style(reverse=True) if self.has_focus else Style(underline=True)
        if not r.key:
            label = clean(r.label, True)
            yield Segment(f" {label}"[: width - 1].ljust(width), style + Style(bold=True))
            return
        mark = {"critical": "●", "blocked": "✖", "done": "✓"}.get(r.kind, " ")
        mark_style = style + Style(color=themed(COLOUR[r.kind]), bold=True)
        yield Segment(f" {mark} ", mark_style)
        text = clean(r.label, True)[: self.id_width].ljust(self.id_width)
        room = width - 3 - self.id_width
        if room > 3:
            full = clean(r.title, True)
            title = full[: room - 2]
            title = title + "…" if len(full) > room - 2 else title
            yield Segment(text, style + Style(bold=r.critical and not r.done))
            yield Segment(f" {title}".ljust(room), style + Style(dim=True))
        else:
            yield Segment(text.ljust(width - 3), style + Style(bold=r.critical and not r.done))

    def _scale(self, x0: int, span: int, base: Style) -> tuple[list[Segment], frozenset[int]]:
        """The scale line and the columns (on screen) of its ticks, cached per scroll."""
        key = (self.step, x0, span)
        if self._scale_cache is not None and self._scale_cache[0] == key:
            return self._scale_cache[1], self._scale_cache[2]
        chars = [" "] * span
        dates, label_of = ticks(self.origin, self.end, self.step)
        now = self._col(self.as_of) - x0 if self.as_of is not None else -1
        grid: set[int] = set()
        free = 0
        first = True
        for d in dates:
            k = self._col(d) - x0
            if k < 0 or k >= span:
                continue
            grid.add(k)
            label = label_of(d, first)
            fits = k + len(label) <= span  # never a cut label ("Ap" for April at the edge)
            if fits and k >= free and not k - 1 <= now <= k + len(label):  # a gap around ▼
                chars[k : k + len(label)] = label
                free = k + len(label) + 1
                first = False
        style = base + Style(dim=True, bold=True)
        segments = [Segment("".join(chars), style)]
        if self.as_of is not None:
            if 0 <= now < span:
                segments = [
                    Segment("".join(chars[:now]), style),
                    Segment("▼", base + Style(color=themed(NOW), bold=True)),
                    Segment("".join(chars[now + 1 :]), style),
                ]
        frozen = frozenset(grid)
        self._scale_cache = (key, segments, frozen)
        return segments, frozen

    def _bar(
        self, r: GanttRow, x0: int, span: int, base: Style, grid: frozenset[int], cursor: bool
    ) -> list[Segment]:
        now = self._col(self.as_of) - x0 if self.as_of else -1
        goal = self._col(self.target) - x0 if self.target else -1
        goal_style = base + Style(color=themed(TARGET), bold=True)
        grid_style = base + Style(color=themed(GHOST), dim=True)
        now_style = base + Style(color=themed(NOW))
        cells: list[tuple[str, Style]] = []
        a = b = ba = bb = -(10**9)
        kind = r.kind
        if r.key and r.start is not None and r.finish is not None:
            a = self._col(r.start) - x0
            b = max(a, self._col(r.finish, 1) - 1 - x0)
            if r.baseline:
                ba = self._col(r.baseline[0]) - x0
                bb = max(ba, self._col(r.baseline[1], 1) - 1 - x0)
        bar_style = base + Style(color=themed(COLOUR[kind]))
        ghost_style = base + Style(color=themed(GHOST))
        for k in range(span):
            if a <= k <= b:
                ch = EVENT[kind] if r.event else FILL[kind]
                cells.append((ch, bar_style))
            elif k == now:
                cells.append(("│", now_style))
            elif k == goal:
                cells.append(("┃", goal_style))
            elif ba <= k <= bb:
                ch = "◇" if r.event else "├" if k == ba else "┤" if k == bb else "─"
                cells.append((ch, ghost_style))
            elif k in grid and r.key:
                cells.append(("┊", grid_style))
            elif cursor and self.has_focus and r.key:
                cells.append(("·", grid_style))
            else:
                cells.append((" ", base))
        return _runs(cells)


def _runs(cells: list[tuple[str, Style]]) -> list[Segment]:
    """Merge neighbouring cells of one style into one segment."""
    out: list[Segment] = []
    text: list[str] = []
    style: Style | None = None
    for ch, st in cells:
        if st is not style and st != style:
            if text:
                out.append(Segment("".join(text), style))
            text, style = [], st
        text.append(ch)
    if text:
        out.append(Segment("".join(text), style))
    return out
