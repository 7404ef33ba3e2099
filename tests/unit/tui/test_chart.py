"""The KPI chart never draws its measurements over the target and amber labels."""

from __future__ import annotations

import datetime as dt

import pytest

from tpm.tui.widgets.chart import Series, _plot, draw, fmt_value, nice_ticks

DAY = dt.date(2026, 3, 2)


def _braille(text: str) -> int:
    return sum(1 for ch in text if 0x2800 < ord(ch) <= 0x28FF)


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_labels_stay_whole_and_every_measurement_shows(width: int) -> None:
    # Latency falling onto its target at the right end, where the target's label goes, and
    # crossing the amber line at the left end.
    values = [1400, 1100, 950, 900, 860, 830, 810, 800]
    points = tuple((DAY + dt.timedelta(days=7 * i), float(v)) for i, v in enumerate(values))
    series = Series("p95 latency", points, target=800, amber=900, unit="ms")
    out = draw(series, width, 14).plain
    assert " target 800ms " in out and " amber 900ms " in out
    rows = 14 - 3  # the chart's own layout: title, x axis and its labels
    ticks, decimals = nice_ticks(800, 1400, rows // 3)
    cols = width - max(len(fmt_value(t, decimals, "ms")) for t in ticks) - 3
    grid = [[(" ", "")] * cols for _ in range(rows)]
    _plot(grid, points, ticks[0], ticks[-1], rows, cols)
    plotted = sum(1 for row in grid for ch, _style in row if ch != " ")
    assert _braille(out.split("\n", 1)[1]) == plotted  # none hidden under a label
