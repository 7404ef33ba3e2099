"""The risk register as GitHub-flavoured Markdown: heat map on top, then the register.

Every string from the plan goes through :func:`tpm.render.escape.md_cell`, so a title with a
``|`` or ``<script>`` cannot break a table. The pieces (heat map, register table, due and
overdue tables) are public so that the status report can reuse them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from tpm.plan.calendar import add_days
from tpm.register.risks import (
    BANDS,
    HYGIENE_CODES,
    Band,
    MitigationView,
    RiskRegister,
    RiskView,
)
from tpm.render.escape import md_cell, md_cells, md_text

BAND_MARK: dict[Band, str] = {"low": "🟩", "medium": "🟨", "high": "🟧", "critical": "🟥"}
PROBABILITY_WORDS = {5: "almost certain", 4: "likely", 3: "possible", 2: "unlikely", 1: "rare"}
IMPACT_WORDS = {1: "minor", 2: "moderate", 3: "significant", 4: "major", 5: "severe"}


def band_legend(register: RiskRegister) -> str:
    """One line naming each band's colour and score range."""
    low, medium, high = register.edges
    ranges = [(1, low), (low + 1, medium), (medium + 1, high), (high + 1, 25)]
    parts = [
        f"{BAND_MARK[b]} {b} {lo}–{hi}"
        for b, (lo, hi) in zip(BAND_MARK, ranges, strict=True)
        if lo <= hi
    ]
    return " · ".join(parts)


def heat_map_md(register: RiskRegister) -> list[str]:
    """The 5x5 heat map as a table: probability 5..1 down, impact 1..5 across."""
    header = ["Probability ↓ · impact →"] + [f"{i} {IMPACT_WORDS[i]}" for i in range(1, 6)]
    lines = [md_cells(header), md_cells(["---"] + [":---:"] * 5)]
    for row in register.heat_map:
        p = row[0].probability
        cells = [f"**{p}** {PROBABILITY_WORDS[p]}"]
        for cell in row:
            ids = ", ".join(md_cell(r) for r in cell.risk_ids)
            cells.append(f"{BAND_MARK[cell.band]} {ids}".rstrip())
        lines.append(md_cells(cells))
    lines += ["", band_legend(register)]
    return lines


def _due(m: MitigationView | None, as_of: dt.date) -> str:
    if m is None or m.due is None:
        return ""
    text = m.due.isoformat()
    if m.overdue:
        return f"{text} **overdue {(as_of - m.due).days}d**"
    if m.due_this_week:
        return f"{text} (this week)"
    return text


def _action(m: MitigationView | None) -> str:
    if m is None:
        return "—"
    what = md_cell(m.action) or md_cell(m.id)
    owner = f" ({md_cell(m.owner)})" if m.owner.strip() else ""
    return what + owner


def _exposure(r: RiskView) -> str:
    if r.exposure == "none":
        return ""
    parts = [
        f"{word}: " + ", ".join(md_cell(m) for m in ids)
        for word, ids in (
            ("critical path", r.on_critical_path),
            ("late", r.late_milestones),
            ("near-critical", r.near_critical_milestones),
        )
        if ids
    ]
    return "; ".join(parts)


def _status(r: RiskView) -> str:
    return r.status + (f" / {r.response}" if r.response else "")


def register_table_md(register: RiskRegister, limit: int | None = None) -> list[str]:
    """The register table, worst first (all live risks, or the first ``limit``)."""
    header = ["#", "Risk", "Score", "Residual", "Owner", "Status / response", "Next action"]
    header += ["Due", "Critical path", "Flags"]
    lines = [md_cells(header), md_cells(["--:", "---", "--:", "--:"] + ["---"] * 6)]
    risks = register.risks if limit is None else register.risks[:limit]
    for n, r in enumerate(risks, 1):
        codes = sorted({f.code for f in r.findings}, key=_code_rank)
        lines.append(
            md_cells(
                [
                    str(n),
                    f"{md_cell(r.id)}: {md_cell(r.title)}",
                    f"{BAND_MARK[r.band]} {r.score} {r.band}",
                    f"{r.residual_score} {r.residual_band}",
                    md_cell(r.owner) or "**none**",
                    _status(r),
                    _action(r.next_action),
                    _due(r.next_action, register.as_of),
                    _exposure(r),
                    ", ".join(codes),
                ]
            )
        )
    return lines


def _code_rank(code: str) -> int:
    return HYGIENE_CODES.index(code)


def mitigations_table_md(items: tuple[MitigationView, ...], as_of: dt.date) -> list[str]:
    """A table of mitigations (due this week, or overdue), by due date."""
    lines = [
        md_cells(["Due", "Risk", "Mitigation", "Action", "Owner", "Status"]),
        md_cells(["---"] * 6),
    ]
    for m in items:
        lines.append(
            md_cells(
                [
                    _due(m, as_of),
                    md_cell(m.risk_id),
                    md_cell(m.id),
                    md_cell(m.action),
                    md_cell(m.owner),
                    m.status,
                ]
            )
        )
    return lines


def summary_line(register: RiskRegister) -> str:
    """Counts: live risks by band, stale reviews, overdue and this week's mitigations."""
    live_risks = [r for r in register.risks if r.status != "occurred"]
    counts = Counter(r.band for r in live_risks)
    by_band = ", ".join(f"{counts[b]} {b}" for b in reversed(BANDS) if counts[b])
    live = len(live_risks)
    parts = [f"{live} live risk{'s' if live != 1 else ''}" + (f" ({by_band})" if by_band else "")]
    occurred = len(register.risks) - live
    if occurred:  # listed as issues, apart from the live risks
        parts.append(f"{occurred} occurred")
    parts.append(f"{len(register.stale)} stale")
    parts.append(
        f"{len(register.overdue)} mitigation{'s' if len(register.overdue) != 1 else ''} overdue"
    )
    parts.append(f"{len(register.due_this_week)} due this week")
    return " · ".join(parts)


def render_risks_md(register: RiskRegister, program: str) -> str:
    """The whole standup register as one Markdown document (ends with a newline)."""
    out = [
        f"# Risk register: {md_text(program)}",
        "",
        f"As of {register.as_of.isoformat()} · {summary_line(register)}",
        "",
        "## Heat map",
        "",
        *heat_map_md(register),
        "",
        "Open, mitigating and accepted risks; occurred and closed ones are not mapped.",
        "",
        "## Register",
        "",
    ]
    if register.risks:
        out += register_table_md(register)
    else:
        out.append("No live risks.")
    out += ["", "## Due this week", ""]
    week_end = add_days(register.as_of, 6)
    if register.due_this_week:
        out += mitigations_table_md(register.due_this_week, register.as_of)
    else:
        out.append(f"No mitigations due {register.as_of.isoformat()} – {week_end.isoformat()}.")
    if register.overdue:
        out += ["", "## Overdue mitigations", ""]
        out += mitigations_table_md(register.overdue, register.as_of)
    out += ["", "## Hygiene", ""]
    if register.findings:
        out += [md_cells(["Risk", "Finding", "Detail"]), md_cells(["---"] * 3)]
        for f in register.findings:
            out.append(md_cells([md_cell(f.risk_id), f.code, md_cell(f.message)]))
    else:
        out.append(
            "No findings: every live risk has an owner, a trigger, a milestone, a recent "
            "review and active mitigations where needed."
        )
    if register.closed:
        out += ["", "Closed: " + ", ".join(md_text(c) for c in register.closed) + "."]
    return "\n".join(out) + "\n"
