"""The appendix of ``tpm report --full``: today's detail behind the two-minute read.

The RAG rule table (every colour names the rule that fired), the schedule, the slip trend
chart, the milestone table, blockers, risks, KPIs, decisions, the changes since the last
report and a Mermaid gantt chart at the end. Every string that comes from the plan goes through
:func:`tpm.render.escape.md_cell` or :func:`~tpm.render.escape.md_text`, so no title can
break a table or inject HTML or links. No clock is read: the same snapshot gives the same
bytes.

Long plans stay readable: the milestones table and the chart show every milestone of a plan
with up to :data:`MAX_ROWS` of them; beyond that they show the open milestones that matter
most (critical, then near-critical, then soonest due or finishing), and say how many they
left out.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import replace

from tpm.plan.calendar import add_days
from tpm.plan.model import Rag
from tpm.render.days import fmt_days
from tpm.render.escape import md_cell, md_cells, md_text
from tpm.render.markdown.mermaid import render_mermaid
from tpm.render.markdown.sections import (
    blockers_section,
    changes_section,
    decisions_section,
    kpis_section,
    risks_section,
)
from tpm.render.text.forecast import chance
from tpm.report.data import RECENT_DAYS, MilestoneRow, ReportData
from tpm.report.diff import Changes

MAX_ROWS = 40
MAX_PATH = 12
RAG_BADGE: dict[Rag, str] = {"green": "🟢 GREEN", "amber": "🟠 AMBER", "red": "🔴 RED"}


def badge(rag: Rag | None) -> str:
    """A colour as a word with a coloured circle (never colour alone)."""
    return RAG_BADGE[rag] if rag else "⚪ NO DATA"


def date(value: dt.date | None) -> str:
    """A date for a cell, or ``—``."""
    return value.isoformat() if value else "—"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table from already escaped cells (header cells are tpm's own words)."""
    return [md_cells(header), md_cells(["---"] * len(header)), *(md_cells(r) for r in rows)]


def render_appendix(
    data: ReportData, changes: Changes | None = None, trend: list[str] | None = None
) -> list[str]:
    """Today's detail, after the two-minute part: rules, schedule, slip trend, milestones,
    blockers, risks, KPIs, decisions, changes and the Gantt chart (``tpm report --full``)."""
    shown = shown_milestones(data)
    parts = [
        _rules(data),
        _schedule(data),
        *([["## Slip trend", "", *trend]] if trend else []),
        _milestones(data, shown),
        blockers_section(data),
        risks_section(data, changes),
        kpis_section(data),
        decisions_section(data, changes),
    ]
    if changes is not None:
        parts.append(changes_section(changes))
    parts.append(_timeline(data, shown))
    out = [f"## Appendix: detail as of {data.as_of}", ""]
    for part in parts:
        out += [("#" + line if line.startswith("## ") else line) for line in part]
        out.append("")
    return out


def _rules(data: ReportData) -> list[str]:
    status = data.status
    lines = ["## RAG by area", "", md_text(status.reason), ""]
    rows = [
        [a.name, badge(a.rag), " · ".join(_explain(f.message, f.rule) for f in a.findings)]
        for a in status.areas
    ]
    lines += table(["Area", "RAG", "Why (rule)"], rows)
    for note in status.notes:
        lines += ["", f"> **Note:** {md_text(note)}"]
    return lines


def _explain(message: str, rule: str) -> str:
    return f"{md_cell(message)} `{rule}`"


# ---------------------------------------------------------------- 2. schedule


def _schedule(data: ReportData) -> list[str]:
    lines = ["## Schedule", ""]
    lines.append(f"- Forecast finish: **{date(data.finish)}** · target: {date(data.target)}")
    if data.margin_days is not None:
        lines.append(f"- Margin to target: {fmt_days(data.margin_days, signed=True)} working days")
    if data.baseline_name is not None:
        lines.append(
            f"- Baseline {md_text(data.baseline_name)}: finish {date(data.baseline_finish)}, "
            f"variance {fmt_days(data.variance_days, more_is_worse=True, signed=True)} working days"
        )
    f = data.forecast
    if f is not None and (f.milestones_estimated or f.risks):
        odds = "" if f.on_target is None else f"; {chance(f.on_target)} chance to meet target"
        lines.append(
            f"- Monte Carlo ({f.runs} runs, {f.milestones_estimated} estimated milestones, "
            f"{len(f.risks)} risk events): P50 {f.finish.p50} · P80 {f.finish.p80} · "
            f"P95 {f.finish.p95}{odds}"
        )
    else:
        lines.append("- Monte Carlo: no three-point estimates or risk events, so no P50/P80/P95")
    path = [md_text(i) for i in data.critical_path]
    more = f" … and {len(path) - MAX_PATH} more" if len(path) > MAX_PATH else ""
    lines.append(f"- Critical path: {' → '.join(path[:MAX_PATH]) + more if path else '—'}")
    lines.append(
        f"- Progress: {data.done_count} / {data.total_count} milestones done, "
        f"{data.progress_weighted * 100:.0f} % weighted by duration"
    )
    return lines


# ---------------------------------------------------------------- 3. milestones


def shown_milestones(data: ReportData) -> tuple[list[MilestoneRow], int]:
    """The rows the table and chart show (schedule order), and how many were left out."""
    rows = [m for m in data.milestones if m.status != "cancelled"]
    if len(rows) <= MAX_ROWS:
        return rows, 0
    far = dt.date.max
    ranked = heapq.nsmallest(
        MAX_ROWS,
        (m for m in rows if m.status != "done"),
        key=lambda m: (not m.critical, not m.near_critical, m.due or far, m.finish or far, m.id),
    )
    keep = {m.id for m in ranked}
    return [m for m in rows if m.id in keep], len(rows) - len(keep)


def _status_cell(m: MilestoneRow) -> str:
    text = m.status.replace("_", " ")
    if m.status == "in_progress":
        text += f" {m.percent_complete:g} %"
    return text


def _milestones(data: ReportData, shown: tuple[list[MilestoneRow], int]) -> list[str]:
    lines = ["## Milestones", ""]
    since = add_days(data.as_of, -RECENT_DAYS)
    soon = add_days(data.as_of, RECENT_DAYS)
    done = [
        m
        for m in data.milestones
        if m.status == "done" and m.actual_finish and since < m.actual_finish <= data.as_of
    ]
    due = [
        m
        for m in data.milestones
        if m.status not in ("done", "cancelled") and m.due and data.as_of <= m.due <= soon
    ]
    overdue = [
        m
        for m in data.milestones
        if m.status not in ("done", "cancelled") and m.due and m.due < data.as_of
    ]
    lines.append(f"- **Done in the last two weeks:** {_mentions(done, 'actual_finish')}")
    lines.append(f"- **Due in the next two weeks:** {_mentions(due, 'due')}")
    if overdue:
        lines.append(f"- **Overdue:** {_mentions(overdue, 'due')}")
    rows, left_out = shown
    lines.append("")
    if not rows:
        return [*lines, "No milestones in the plan yet."]
    header = ["ID", "Milestone", "Team", "Owner", "Status", "Baseline", "Forecast", "Var.", "Float"]
    lines += table(header, [_row(data, m) for m in rows])
    if left_out:
        lines += [
            "",
            f"{left_out} more milestones are not shown (done, or neither critical nor due "
            "soon); `tpm export --format csv` lists all of them.",
        ]
    lines += [
        "",
        "Var. = forecast minus baseline finish, Float = total float; both in whole working "
        "days, rounded towards late. "
        "⚑ = critical.",
    ]
    return lines


def _mentions(rows: list[MilestoneRow], field: str) -> str:
    if not rows:
        return "none"
    ordered = sorted(rows, key=lambda m: (getattr(m, field), m.id))
    shown = [f"{md_text(m.title)} ({getattr(m, field)})" for m in ordered[:8]]
    more = f" and {len(rows) - 8} more" if len(rows) > 8 else ""
    return "; ".join(shown) + more


def _row(data: ReportData, m: MilestoneRow) -> list[str]:
    team = data.team_names.get(m.team, m.team) if m.team else ""
    flag = "⚑ " if m.critical else ""
    return [
        md_cell(m.id),
        flag + md_cell(m.title),
        md_cell(team),
        md_cell(m.owner),
        _status_cell(m),
        date(m.baseline_finish),
        date(m.finish),
        fmt_days(m.variance_days, more_is_worse=True, signed=True),
        fmt_days(m.total_float),
    ]


# ---------------------------------------------------------------- 9. timeline


def _timeline(data: ReportData, shown: tuple[list[MilestoneRow], int]) -> list[str]:
    rows, left_out = shown
    if not any(m.start is not None for m in rows):
        return ["## Timeline", "", "No scheduled milestones to chart."]
    chart = render_mermaid(replace(data, milestones_in_plan_order=_plan_order(data, rows)), True)
    lines = ["## Timeline", ""]
    if left_out:
        lines += [f"The chart shows the {len(rows)} milestones of the table above.", ""]
    return lines + chart.rstrip("\n").split("\n")


def _plan_order(data: ReportData, rows: list[MilestoneRow]) -> tuple[MilestoneRow, ...]:
    keep = {m.id for m in rows}
    return tuple(m for m in data.milestones_in_plan_order if m.id in keep)
