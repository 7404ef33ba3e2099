"""The slip trend as a plain-text table: one row per reporting date, a column per line.

Each cell is the forecast date; when it moved since the row above, the change in calendar
days follows it (``+7``), so a slip shows as a run of plus signs down a column.
"""

from __future__ import annotations

import datetime as dt

from tpm.forecast.defaults import DEFAULT_SEED
from tpm.report.snapshot import Trend

LETTER = {"green": "G", "amber": "A", "red": "R"}


def _cell(value: dt.date | None, before: dt.date | None) -> str:
    if value is None:
        return "—"
    if before is None or before == value:
        return value.isoformat()
    return f"{value.isoformat()} {(value - before).days:+d}"


def p80_note(trend: Trend, gap: str = " (—)") -> str | None:
    """How each point's P80 was computed (a forecast states its assumptions); None when the
    trend shows no P80. ``gap`` says how a point without a P80 is shown."""
    if not any(p.p80 for p in trend.points):
        return None
    parts = []
    for source, name in (("now", "today"), ("file", "the older file")):
        runs = next((p.runs for p in trend.points if p.source == source and p.runs), None)
        if runs:
            parts.append(f"{name} {runs:,} runs")
    git = [p for p in trend.points if p.source == "git"]
    forecast = [p for p in git if p.runs]
    if forecast:
        sizes = sorted({p.runs or 0 for p in forecast})
        each = " or ".join(f"{n:,}" for n in sizes)
        noun = "newest git point" if len(forecast) < len(git) else "git point"
        parts.append(f"{_count(len(forecast), noun)} {each} runs each")
    if len(forecast) < len(git):
        rest = len(git) - len(forecast)
        parts.append(f"{_count(rest, 'older git point')} not forecast{gap}")
    if any(p.source == "snapshot" for p in trend.points):
        parts.append("snapshots as recorded")
    return f"P80: Monte Carlo, seed {DEFAULT_SEED}; " + "; ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


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
    note = p80_note(trend)
    if note:
        out.append(note)
    return "\n".join(out) + "\n"
