"""A small line chart of a KPI's history against its target and amber lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget


@dataclass(frozen=True)
class Series:
    """What the chart draws: points (date, value), target, amber and a unit."""

    title: str
    points: tuple[tuple[dt.date, float], ...]
    target: float
    amber: float | None
    unit: str = ""


class KpiChart(Widget):
    """Draws the series in the widget's size: ● points, ─ target (green), ┄ amber."""

    DEFAULT_CSS = "KpiChart { height: 1fr; min-height: 6; }"

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
        width = max(self.size.width - 10, 10)
        height = max(self.size.height - 2, 3)
        values = [v for _d, v in s.points]
        lines = [s.target] + ([s.amber] if s.amber is not None else [])
        low, high = min(values + lines), max(values + lines)
        if high == low:
            high, low = high + 1, low - 1
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad

        def row_of(v: float) -> int:
            return round((high - v) / (high - low) * (height - 1))

        grid = [[(" ", "")] * width for _ in range(height)]
        for value, char, style in ((s.target, "─", "#3fb950"), (s.amber, "┄", "#e3b341")):
            if value is not None:
                r = row_of(value)
                grid[r] = [(char, style)] * width
        n = len(values)
        for k, v in enumerate(values):
            x = 0 if n == 1 else round(k * (width - 1) / (n - 1))
            grid[row_of(v)][x] = ("●", "bold")
        out = Text(f"{s.title}  ", style="bold")
        out.append("─ target ", style="#3fb950")
        if s.amber is not None:
            out.append("┄ amber", style="#e3b341")
        out.append("\n")
        for r in range(height):
            label = high - (high - low) * r / (height - 1)
            out.append(f"{label:>8.4g}│", style="dim")
            for char, style in grid[r]:
                out.append(char, style=style)
            out.append("\n")
        first, last = s.points[0][0], s.points[-1][0]
        out.append(" " * 9 + str(first), style="dim")
        gap = width - 20
        if gap > 0 and n > 1:
            out.append(" " * gap + str(last), style="dim")
        return out
