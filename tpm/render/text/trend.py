"""The slip trend as a plain-text table: one row per reporting date, a column per line.

Each cell is the forecast date; when it moved since the row above, the change in calendar
days follows it (``+7``), so a slip shows as a run of plus signs down a column.
"""

from __future__ import annotations

import datetime as dt

from tpm.report.trend import Trend

LETTER = {"green": "G", "amber": "A", "red": "R"}


def _cell(value: dt.date | None, before: dt.date | None) -> str:
    if value is None:
        return "—"
    if before is None or before == value:
        return value.isoformat()
    return f"{value.isoformat()} {(value - before).days:+d}"


def render_trend_text(trend: Trend, program: str) -> str:
    """The table, a header line naming the program, and a line on where points came from."""
    series = trend.series()
    header = ["Date", "Source", "RAG", *(name for name, _ in series)]
    rows: list[list[str]] = []
    for i, p in enumerate(trend.points):
        rag = LETTER[p.rag] + " " + "".join(LETTER.get(v or "", "·") for v in p.areas.values())
        cells = [p.date.isoformat(), p.source, rag]
        for _, values in series:
            before = next((v for v in reversed(values[:i]) if v is not None), None)
            cells.append(_cell(values[i], before))
        rows.append(cells)
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    out = [f"Slip trend: {program}" + (f" (target {trend.target})" if trend.target else ""), ""]
    for r in [header, ["-" * w for w in widths], *rows]:
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    out += ["", "RAG: overall, then schedule risks KPIs blockers (G/A/R, · = not recorded)."]
    return "\n".join(out) + "\n"
