"""CSV export: one row per milestone with its schedule dates, safe to open in a spreadsheet.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection). Every text cell that comes from the plan and
starts with one of those gets a leading single quote, which spreadsheets show as text.
Numbers tpm computes (float, variance, which may be negative) are written as plain numbers.
Quoting is the csv module's (minimal quoting, ``\\r\\n`` line ends as RFC 4180 asks).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

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
    """A text cell that a spreadsheet will not evaluate as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


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
                _num(m.total_float),
                "true" if m.critical else "false",
                "true" if m.near_critical else "false",
            ]
        )
    return out.getvalue()
