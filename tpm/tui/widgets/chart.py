"""A line chart of a KPI's history against its target and amber lines.

The measurements are a connected braille line (2x4 dots per cell) placed by date, so
irregular measurement days keep their spacing. The y axis has round ticks (1, 2, 2.5 or
5 x 10^n apart) with the unit; the target (``─``, green) and amber (``┄``) lines are
labelled at their right end; the x axis has dates at a regular interval that fits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from tpm.tui.widgets.palette import themed
from tpm.tui.widgets.text import clean_text

LINE = "$blue"
TARGET = "$green"
AMBER = "$amber"
AXIS = "dim"

# Braille dot bits for (x, y) inside one cell, x 0..1, y 0..3.
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


@dataclass(frozen=True)
class Series:
    """What the chart draws: points (date, value), target, amber and a unit."""

    title: str
    points: tuple[tuple[dt.date, float], ...]
    target: float
    amber: float | None
    unit: str = ""


def nice_ticks(low: float, high: float, most: int) -> tuple[list[float], int]:
    """Round tick values covering ``low..high`` (at most ``most`` of them) and the number
    of decimals that shows them all distinctly. Steps are 1, 2, 2.5 or 5 x 10^n."""
    if high < low:
        low, high = high, low
    if high == low:
        spread = abs(high) * 0.1 or 1.0
        low, high = low - spread, high + spread
    most = max(most, 2)
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = power * 10
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw * (1 - 1e-9):
            step = m * power
            break
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    while round((last - first) / step) + 1 > most:  # rounding outward added one too many
        step = _next_step(step)
        first = math.floor(low / step + 1e-9) * step
        last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step) + 1
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if abs(step / 10 ** math.floor(math.log10(step) + 1e-9) - 2.5) < 1e-9:
        decimals += 1
    ticks = [round(first + k * step, decimals + 6) for k in range(count)]
    return ticks, decimals


def _next_step(step: float) -> float:
    power = 10.0 ** math.floor(math.log10(step) + 1e-9)
    for m in (1, 2, 2.5, 5, 10):
        if m * power > step * (1 + 1e-9):
            return float(m * power)
    return float(10 * power)


def date_ticks(first: dt.date, last: dt.date, width: int, label_len: int = 6) -> list[dt.date]:
    """Dates for x-axis labels between ``first`` and ``last``: the smallest regular
    interval (days, weeks on Mondays, months, quarters, years) whose labels fit ``width``."""
    span = max((last - first).days, 1)
    fits = max(width // (label_len + 2), 2)
    steps: list[Callable[[dt.date], dt.date]] = [
        lambda d: d + dt.timedelta(days=1),
        lambda d: d + dt.timedelta(days=2),
        lambda d: d + dt.timedelta(days=7),
        lambda d: d + dt.timedelta(days=14),
        lambda d: _add_months(d, 1),
        lambda d: _add_months(d, 2),
        lambda d: _add_months(d, 3),
        lambda d: _add_months(d, 6),
        lambda d: _add_months(d, 12),
    ]
    starts: list[Callable[[dt.date], dt.date]] = [
        lambda d: d,
        lambda d: d,
        lambda d: d + dt.timedelta(days=(7 - d.weekday()) % 7),
        lambda d: d + dt.timedelta(days=(7 - d.weekday()) % 7),
        lambda d: d if d.day == 1 else _add_months(d.replace(day=1), 1),
        lambda d: d if d.day == 1 else _add_months(d.replace(day=1), 1),
        lambda d: _quarter(d),
        lambda d: _quarter(d),
        lambda d: d if (d.month, d.day) == (1, 1) else dt.date(d.year + 1, 1, 1),
    ]
    approx = (1, 2, 7, 14, 30, 61, 91, 182, 365)
    for step, start, days in zip(steps, starts, approx, strict=True):
        if span / days + 1 > fits:
            continue
        out: list[dt.date] = []
        try:
            d = start(first)
            while d <= last:
                out.append(d)
                d = step(d)
        except (OverflowError, ValueError):
            pass  # the next tick would be after 9999-12-31
        if out:
            return out
    return [first, last] if first != last else [first]


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _quarter(d: dt.date) -> dt.date:
    start = d.replace(day=1)
    while start.month % 3 != 1 or start < d:
        start = _add_months(start, 1)
    return start


def fmt_value(value: float, decimals: int, unit: str) -> str:
    """A tick value with its unit: ``3.25%``, ``800ms``, ``2 incidents``."""
    gap = " " if len(unit) > 2 and unit[:1].isalpha() else ""  # as tpm.tui.screens.base
    return f"{value:.{decimals}f}{gap}{unit}"


class KpiChart(Widget):
    """Draws the series in the widget's size."""

    DEFAULT_CSS = "KpiChart { height: 1fr; min-height: 8; }"

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.series: Series | None = None

    def show(self, series: Series | None) -> None:
        """Display a series (None shows a hint)."""
        self.series = series
        self.refresh()

    def render(self) -> Text:
        s = self.series
        if s is None or not s.points:
            return Text("no measurements yet — press m to record one", style="dim")
        return clean_text(draw(s, self.size.width, self.size.height))


def draw(s: Series, width: int, height: int) -> Text:
    """The chart of a series in ``width`` x ``height`` cells."""
    rows = max(height - 3, 3)  # title, x axis, x labels
    values = [v for _d, v in s.points]
    lines = [s.target] + ([s.amber] if s.amber is not None else [])
    ticks, decimals = nice_ticks(
        min(values + lines), max(values + lines), min(max(rows // 3, 2), 8)
    )
    low, high = ticks[0], ticks[-1]
    labels = {t: fmt_value(t, decimals, s.unit) for t in ticks}
    axis_w = max(len(v) for v in labels.values()) + 1
    cols = max(width - axis_w - 2, 10)

    def row_of(v: float) -> int:
        return round((high - v) / (high - low) * (rows - 1))

    grid: list[list[tuple[str, str]]] = [[(" ", "")] * cols for _ in range(rows)]
    marks = (
        (s.target, "─", TARGET, "target"),
        (s.amber, "┄", AMBER, "amber"),
    )
    for value, char, style, _word in marks:
        if value is not None:
            grid[row_of(value)] = [(char, themed(style))] * cols
    _plot(grid, s.points, low, high, rows, cols)
    taken: set[tuple[int, int]] = set()
    for value, _char, style, word in marks:
        if value is None:
            continue
        tag = f" {word} {fmt_value(value, _decimals(value), s.unit)} "
        spot = tag_spot(grid, taken, row_of(value), len(tag))
        if spot is not None:
            r, c = spot
            for j, ch in enumerate(tag):
                grid[r][c + j] = (ch, themed(f"bold {style}"))
                taken.add((r, c + j))

    out = Text()
    out.append(s.title, style="bold")
    latest_day, latest = s.points[-1]
    out.append(f"  latest {fmt_value(latest, _decimals(latest), s.unit)}", style="bold")
    out.append(f" on {latest_day:%d %b}   ", style="dim")
    out.append("⣀⡠", style=themed(LINE))
    out.append(" measured  ", style="dim")
    out.append("─", style=themed(TARGET))
    out.append(" target  ", style="dim")
    if s.amber is not None:
        out.append("┄", style=themed(AMBER))
        out.append(" amber", style="dim")
    out.append("\n")
    tick_rows: dict[int, str] = {}
    for t in ticks:
        tick_rows.setdefault(row_of(t), labels[t])
    for r in range(rows):
        label = tick_rows.get(r)
        out.append(f"{label or '':>{axis_w - 1}} ", style=AXIS)
        out.append("┤" if label else "│", style=AXIS)
        for char, style in grid[r]:
            out.append(char, style=style)
        out.append("\n")
    out.append_text(_x_axis(s, axis_w, cols))
    return out


def tag_spot(
    grid: list[list[tuple[str, str]]], taken: set[tuple[int, int]], row: int, length: int
) -> tuple[int, int] | None:
    """Where a line's label goes: on its row at the right end, else at the left end, else
    just above or below; never over the measurements or another label (None: nowhere)."""
    rows, cols = len(grid), len(grid[0]) if grid else 0
    if length >= cols // 2:
        return None
    for r in (row, row - 1, row + 1):
        if not 0 <= r < rows:
            continue
        for c in (cols - length, 0):
            cells = [(r, c + j) for j in range(length)]
            if not any(
                cell in taken or _plotted(grid[r][c + j][0]) for j, cell in enumerate(cells)
            ):
                return r, c
    return None


def _plotted(char: str) -> bool:
    return 0x2800 <= ord(char) <= 0x28FF


def _decimals(value: float) -> int:
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _plot(
    grid: list[list[tuple[str, str]]],
    points: tuple[tuple[dt.date, float], ...],
    low: float,
    high: float,
    rows: int,
    cols: int,
) -> None:
    """Draw the measurements as a connected braille line onto the grid."""
    first, last = points[0][0], points[-1][0]
    days = max((last - first).days, 1)
    dots_x, dots_y = cols * 2, rows * 4
    bits = [[0] * cols for _ in range(rows)]

    def dot(x: int, y: int) -> None:
        if 0 <= x < dots_x and 0 <= y < dots_y:
            bits[y // 4][x // 2] |= _DOTS[y % 4][x % 2]

    def place(d: dt.date, v: float) -> tuple[int, int]:
        x = (d - first).days / days * (dots_x - 1) if len(points) > 1 else (dots_x - 1) / 2
        y = (high - v) / (high - low) * (dots_y - 1)
        return round(x), round(y)

    coords = [place(d, v) for d, v in points]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for k in range(steps + 1):
            dot(round(x0 + (x1 - x0) * k / steps), round(y0 + (y1 - y0) * k / steps))
    for x, y in coords:  # a measurement is a small block of dots, so single points show
        dot(x, y)
        dot(x + 1 if x % 2 == 0 else x - 1, y)
    for r in range(rows):
        for c in range(cols):
            if bits[r][c]:
                grid[r][c] = (chr(0x2800 + bits[r][c]), themed(f"bold {LINE}"))


def _x_axis(s: Series, axis_w: int, cols: int) -> Text:
    first, last = s.points[0][0], s.points[-1][0]
    days = max((last - first).days, 1)
    years = first.year != last.year
    fmt = "%d %b %y" if years and days < 400 else "%b %Y" if days >= 400 else "%d %b"
    label_len = len(first.strftime(fmt))
    dates = date_ticks(first, last, cols, label_len)
    if len(s.points) == 1:
        dates = [first]
    axis = ["─"] * cols
    under = [" "] * (cols + label_len)
    free = 0
    for d in dates:
        x = round((d - first).days / days * (cols - 1)) if len(s.points) > 1 else cols // 2
        label = d.strftime(fmt)
        start = max(x - label_len // 2, 0)
        if start >= free and start + label_len <= cols + 1:
            axis[x] = "┬"
            under[start : start + label_len] = list(label)
            free = start + label_len + 2
    out = Text(" " * (axis_w) + "└" + "".join(axis) + "\n", style=AXIS)
    out.append(" " * (axis_w + 1) + "".join(under).rstrip(), style=AXIS)
    return out
