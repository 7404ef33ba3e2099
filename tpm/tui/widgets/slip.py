"""The slip trend as a few text lines: one per line of ``tpm trend``'s chart.

A milestone trend chart plots, for each reporting date, where the finish was forecast. In a
terminal panel each line becomes one row: its name, a strip of blocks (one per reporting
date, all rows on one scale, so a taller block is a bigger slip), where it was first
forecast, where it is now, and the slip between the two. The finish and the P80 say when
they are past the program target. Nothing is drawn over a label: names are cut to their
column and the strip has its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from tpm.tui.widgets.palette import themed

if TYPE_CHECKING:
    from tpm.report.trend import Trend

BLOCKS = "▁▂▃▄▅▆▇█"
MISSING = "·"
NAME_MAX = 20
MOST_POINTS = 12  # the strip shows the latest reporting dates
SUMMARY = 10 + 3 + 10 + 9  # "first → last  +NN d"


@dataclass(frozen=True)
class SlipRow:
    """One line of the trend: its forecast on each reporting date, oldest first."""

    name: str
    dates: tuple[dt.date | None, ...]

    @property
    def first(self) -> dt.date | None:
        """The oldest forecast on record."""
        return next((d for d in self.dates if d is not None), None)

    @property
    def last(self) -> dt.date | None:
        """Today's forecast (or the newest one on record)."""
        return next((d for d in reversed(self.dates) if d is not None), None)

    @property
    def slip_days(self) -> int | None:
        """Calendar days between the oldest and today's forecast (negative: pulled in)."""
        first, last = self.first, self.last
        return (last - first).days if first and last else None


def slip_rows(trend: Trend, most: int = MOST_POINTS) -> list[SlipRow]:
    """The rows of a trend (finish, P80, then each key milestone), over its latest ``most``
    reporting dates; rows with no forecast at all are left out."""
    rows = [SlipRow(name, tuple(dates[-most:])) for name, dates in trend.series()]
    return [r for r in rows if r.first is not None]


def strips(rows: list[SlipRow]) -> list[str]:
    """One block per reporting date and row, on one scale for all rows: the slip since the
    row's first forecast (``·`` where a date has none)."""
    offsets = [[(d - r.first).days if d and r.first else None for d in r.dates] for r in rows]
    values = [v for row in offsets for v in row if v is not None]
    low, high = min([0, *values]), max([0, *values])
    top = len(BLOCKS) - 1
    out = []
    for row in offsets:
        cells = []
        for v in row:
            if v is None:
                cells.append(MISSING)
            elif high == low:
                cells.append(BLOCKS[0])
            else:
                cells.append(BLOCKS[round((v - low) / (high - low) * top)])
        out.append("".join(cells))
    return out


def slip_text(trend: Trend, width: int) -> Text:
    """The trend panel's text for ``width`` cells: a header, then one row per line."""
    rows = slip_rows(trend)
    points = trend.points[-MOST_POINTS:]
    if len(trend.points) < 2 or not rows:
        return Text(
            "no earlier report recorded: R records today's headline in the plan (tpm trend "
            "also reads the plan's git history)",
            style="dim",
        )
    name_w = min(max(len(r.name) for r in rows), NAME_MAX)
    strip_w = len(points)
    full = name_w + 1 + strip_w + 2 + SUMMARY <= width
    out = Text(
        f"{len(points)} reports, {points[0].date} to {points[-1].date} (today); "
        "slip since the first one",
        style="dim",
    )
    out.append("\n")
    for row, strip in zip(rows, strips(rows), strict=True):
        name = row.name if len(row.name) <= name_w else row.name[: name_w - 1] + "…"
        out.append(f"{name:<{name_w}} ", style="bold" if row.name in ("finish", "P80") else "")
        out.append(f"{strip:<{strip_w}}  ", style=themed("$blue"))
        if full:
            out.append(f"{row.first} → ", style="dim")
        out.append(str(row.last))
        slip = row.slip_days or 0
        style = themed("bold $red") if slip >= 7 else themed("$amber") if slip > 0 else ""
        out.append(f"  {slip:+d} d" if slip else "  no slip", style=style or "dim")
        late = trend.target is not None and row.last is not None and row.last > trend.target
        if row.name in ("finish", "P80") and late:
            out.append("  after target", style=themed("bold $red"))
        out.append("\n")
    out.rstrip()
    return out
