"""CSV export: one row per milestone with its schedule dates, safe to open in a spreadsheet.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection). Every text cell that comes from the plan and
starts with one of those, also after invisible leading characters (NUL, line feed, no-break
space, zero-width space, ...), gets a leading single quote, which spreadsheets show as text.
Numbers tpm computes (float, variance, which may be negative) are written as plain numbers.
Quoting is the csv module's (minimal quoting, ``\\r\\n`` line ends as RFC 4180 asks).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

from tpm.report.data import ReportData

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HEADER = (
    "id",
    "title",
    "team",
    "owner",
    "status",
    "percent_complete",
    "duration",
    "start",
    "finish",
    "due",
    "baseline_finish",
    "variance_days",
    "total_float",
    "critical",
    "near_critical",
)


def safe_cell(text: str) -> str:
    """A text cell that a spreadsheet will not evaluate as a formula.

    Leading characters a spreadsheet may skip before reading a formula (whitespace such as
    line feeds and no-break spaces, controls such as NUL, zero-width and other invisible
    format characters) do not hide a ``=``, ``+``, ``-`` or ``@`` behind them.
    """
    if text.startswith(_FORMULA_START):
        return "'" + text
    start = 0
    while start < len(text) and _invisible(text[start]):
        start += 1
    return "'" + text if start and text.startswith(_FORMULA_START, start) else text


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _date(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def render_csv(data: ReportData) -> str:
    """All milestones (plan order) with forecast dates, baseline variance and float."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for m in data.milestones_in_plan_order:
        writer.writerow(
            [
                safe_cell(m.id),
                safe_cell(m.title),
                safe_cell(m.team),
                safe_cell(m.owner),
                m.status,
                _num(m.percent_complete),
                _num(m.duration),
                _date(m.start),
                _date(m.finish),
                _date(m.due),
                _date(m.baseline_finish),
                _num(m.variance_days),
                "" if m.status == "done" else _num(m.total_float),
                "true" if m.critical else "false",
                "true" if m.near_critical else "false",
            ]
        )
    return out.getvalue()
