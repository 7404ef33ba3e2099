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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from tpm.tui.overview import MOST_POINTS, SlipRow, slip_rows
from tpm.tui.widgets.palette import themed

if TYPE_CHECKING:
    from tpm.report.snapshot import Trend

BLOCKS = "▁▂▃▄▅▆▇█"
MISSING = "·"
NAME_MAX = 20
SUMMARY = 10 + 3 + 10 + 9  # "first → last  +NN d"


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
    dates = tuple(p.date for p in trend.points[-MOST_POINTS:])
    return slip_lines(slip_rows(trend), dates, len(trend.points), trend.target, width)


def slip_lines(
    rows: Sequence[SlipRow],
    dates: Sequence[dt.date],
    points: int,
    target: dt.date | None,
    width: int,
) -> Text:
    """The trend panel's text from its rows: ``dates`` are the reporting dates shown (the
    latest ones), ``points`` how many there are in all, ``target`` the program target."""
    if points < 2 or not rows:
        return Text(
            "no earlier report recorded: R records today's headline in the plan (tpm trend "
            "also reads the plan's git history)",
            style="dim",
        )
    name_w = min(max(len(r.name) for r in rows), NAME_MAX)
    strip_w = len(dates)
    full = name_w + 1 + strip_w + 2 + SUMMARY <= width
    out = Text(
        f"{len(dates)} reports, {dates[0]} to {dates[-1]} (today); slip since the first one",
        style="dim",
    )
    out.append("\n")
    for row, strip in zip(rows, strips(list(rows)), strict=True):
        name = row.name if len(row.name) <= name_w else row.name[: name_w - 1] + "…"
        out.append(f"{name:<{name_w}} ", style="bold" if row.name in ("finish", "P80") else "")
        out.append(f"{strip:<{strip_w}}  ", style=themed("$blue"))
        if full:
            out.append(f"{row.first} → ", style="dim")
        out.append(str(row.last))
        slip = row.slip_days or 0
        style = themed("bold $red") if slip >= 7 else themed("$amber") if slip > 0 else ""
        out.append(f"  {slip:+d} d" if slip else "  no slip", style=style or "dim")
        late = target is not None and row.last is not None and row.last > target
        if row.name in ("finish", "P80") and late:
            out.append("  after target", style=themed("bold $red"))
        out.append("\n")
    out.rstrip()
    return out
