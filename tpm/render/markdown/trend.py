"""The slip trend as a Mermaid ``xychart-beta`` line chart, which GitHub and GitLab render.

The x axis is the reporting date; the y axis is each forecast in calendar days after the
program target (positive = late; after the program start when there is no target), so a line
that climbs is a slip. Mermaid's XY chart has no legend and no gaps, so the palette is fixed
(an ``init`` directive) and a legend line names each line's colour; a milestone missing from
a point carries its previous value (or its first known one).
"""

from __future__ import annotations

import datetime as dt

from tpm.render.markdown.mermaid import sanitize
from tpm.render.text.trend import p80_note
from tpm.report.snapshot import Trend

PALETTE = (
    ("#1f77b4", "blue"),
    ("#d62728", "red"),
    ("#2ca02c", "green"),
    ("#ff7f0e", "orange"),
    ("#9467bd", "purple"),
    ("#8c564b", "brown"),
    ("#e377c2", "pink"),
    ("#7f7f7f", "grey"),
    ("#bcbd22", "olive"),
    ("#17becf", "cyan"),
)


def filled(values: list[dt.date | None]) -> list[dt.date] | None:
    """Gaps filled with the previous value (leading gaps with the first); None if all empty."""
    first = next((v for v in values if v is not None), None)
    if first is None:
        return None
    out, last = [], first
    for v in values:
        last = v if v is not None else last
        out.append(last)
    return out


def trend_chart(trend: Trend, title: str) -> list[str]:
    """The fenced chart and its legend; a one-line note when there are too few points."""
    if len(trend.points) < 2:
        return ["Fewer than two reporting dates: no trend yet (`tpm report --record` adds one)."]
    origin = trend.target or trend.start
    word = "after the target" if trend.target else "after the start"
    lines_out: list[tuple[str, list[int]]] = []
    for name, values in trend.series():
        dates = filled(values)
        if dates is None:
            continue
        days = [(d - origin).days for d in dates]
        same = next((k for k, (_, v) in enumerate(lines_out) if v == days), None)
        if same is None:
            lines_out.append((name, days))
        else:  # the same line twice (the end milestone is the finish): one line, two names
            lines_out[same] = (f"{lines_out[same][0]} = {name}", days)
    lines_out = lines_out[: len(PALETTE)]
    low = min(min(v) for _, v in lines_out)
    high = max(max(v) for _, v in lines_out)
    pad = max(5, (high - low) // 10)
    colours = ", ".join(c for c, _ in PALETTE[: len(lines_out)])
    xs = ", ".join(f'"{p.date.strftime("%m-%d")}"' for p in trend.points)
    chart = [
        "```mermaid",
        '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "' + colours + '"}}}}%%',
        "xychart-beta",
        f'    title "{sanitize(title)}: forecasts by reporting date"',
        f"    x-axis [{xs}]",
        f'    y-axis "Days {word} {origin}" {low - pad} --> {high + pad}',
    ]
    chart += [f"    line [{', '.join(str(v) for v in values)}]" for _, values in lines_out]
    chart.append("```")
    legend = " · ".join(
        f"{name} ({word_})" for (name, _), (_, word_) in zip(lines_out, PALETTE, strict=False)
    )
    out = [*chart, "", f"Lines: {legend}. Up = later; flat = a stable forecast."]
    note = p80_note(trend, gap=" (the P80 line starts flat there)")
    return [*out, "", note] if note else out
