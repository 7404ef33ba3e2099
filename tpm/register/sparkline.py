"""Unicode sparklines: a row of block characters showing the shape of a few numbers."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
FLAT = "▄"


def sparkline(values: Sequence[float]) -> str:
    """One block per value, scaled between the smallest (▁) and largest (█) of them.

    All-equal values draw a flat middle line (▄); no values give an empty string. The
    scale is the values' own range, not zero-based: the line shows the shape, not the size.
    """
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return FLAT * len(values)
    top = len(BLOCKS) - 1
    span = high - low
    return "".join(BLOCKS[min(top, int(round((v - low) / span * top)))] for v in values)
