"""Sections 4 to 8 of the status report: blockers, risks, KPIs, decisions and changes.

Split from :mod:`tpm.render.markdown.report` to keep modules small; the same escaping rules apply:
every plan string goes through ``md_cell`` (table cells) or ``md_text`` (prose).
"""

from __future__ import annotations

from tpm.plan.model import Rag
from tpm.register.kpis import KpiStatus
from tpm.register.risks import MitigationView
from tpm.render.days import exact_days, fmt_days, whole_days
from tpm.render.escape import md_cell, md_cells, md_text
from tpm.render.text.kpis import trend_label
from tpm.report.data import BlockerRow, ReportData
from tpm.report.diff import Changes, DateMove, period_start
from tpm.status.rules import working_days

MAX_BLOCKERS = 10
MAX_RISKS = 5
MAX_CHANGES = 10
_BADGE: dict[Rag, str] = {"green": "🟢 GREEN", "amber": "🟠 AMBER", "red": "🔴 RED"}


def _badge(rag: Rag | str | None) -> str:
    return _BADGE.get(rag, "⚪ NO DATA") if rag else "⚪ NO DATA"  # type: ignore[call-overload]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [md_cells(header), md_cells(["---"] * len(header)), *(md_cells(r) for r in rows)]


def _more(total: int, shown: int, what: str) -> list[str]:
    return ["", f"… and {total - shown} more {what}."] if total > shown else []


# ---------------------------------------------------------------- 4. blockers


def if_stuck(slip_days: float, hold_days: float) -> str:
    """``finish +3 d if stuck 5 more days``: the slip in whole days, rounded up."""
    slip = fmt_days(slip_days, more_is_worse=True)
    return f"finish +{slip} d if stuck {exact_days(hold_days)} more days"


def blockers_section(data: ReportData) -> list[str]:
    """Blockers ranked by impact, and cross-team dependencies at risk."""
    lines = ["## Blockers", ""]
    if not data.blockers:
        return [*lines, "Nothing is blocked or waiting past its latest start."]
    rows = []
    for b in data.blockers[:MAX_BLOCKERS]:
        impact = [if_stuck(b.slip_days, b.hold_days) if b.slip_days > 0 else "no finish slip"]
        if b.critical:
            impact.insert(0, "critical")
        held = f"holds {b.downstream} milestone{'s' if b.downstream != 1 else ''}"
        if b.teams_held:
            teams = len(b.teams_held)
            held += f" of {teams} team{'s' if teams != 1 else ''}"
        impact.append(held)
        why = (
            md_cell(b.reason)
            if b.kind == "blocked"
            else "waiting on " + ", ".join(md_cell(w) for w in b.waiting_on)
        )
        rows.append(
            [
                md_cell(b.id),
                md_cell(b.title),
                b.kind,
                "; ".join(impact),
                md_cell(b.owner),
                "—" if b.age_days is None else f"{b.age_days} d",
                why,
            ]
        )
    lines += _table(["ID", "Milestone", "Kind", "Impact", "Owner", "Age", "Why"], rows)
    lines += _more(len(data.blockers), MAX_BLOCKERS, "blockers")
    cross = [b for b in data.blockers if b.cross_team]
    lines += ["", "**Cross-team dependencies at risk:** " + _cross(cross, data.team_names)]
    return lines


def _cross(items: list[BlockerRow], names: dict[str, str]) -> str:
    if not items:
        return "none."
    parts = [
        f"{md_text(b.id)} ({md_text(names.get(b.team, b.team)) or 'no team'}) waits on "
        + ", ".join(md_text(p) for p in b.cross_team)
        for b in items[:MAX_BLOCKERS]
    ]
    return "; ".join(parts) + "."


# ---------------------------------------------------------------- 5. risks


def risks_section(data: ReportData, changes: Changes | None = None) -> list[str]:
    """Top risks by score with trend and next action; mitigations due or overdue."""
    reg = data.risks
    lines = ["## Risks", ""]
    counts = reg.band_counts()
    lines.append(
        f"{len(reg.risks)} live risks: {counts['critical']} critical, {counts['high']} high, "
        f"{counts['medium']} medium, {counts['low']} low."
    )
    if not reg.risks:
        return lines
    old = _old_scores(data, changes)
    rows = []
    for r in reg.risks[:MAX_RISKS]:
        action = "—"
        if r.next_action is not None:
            due = f" (due {r.next_action.due})" if r.next_action.due else ""
            action = md_cell(r.next_action.action or r.next_action.id) + due
        rows.append(
            [
                md_cell(r.id),
                md_cell(r.title),
                f"{r.score} {r.band}",
                _trend(r.id, r.score, old),
                md_cell(r.owner),
                r.status,
                action,
            ]
        )
    lines += [""]
    lines += _table(["ID", "Risk", "Score", "Trend", "Owner", "Status", "Next action"], rows)
    lines += _more(len(reg.risks), MAX_RISKS, "live risks (`tpm risks` lists all)")
    lines += ["", "**Mitigations overdue:** " + _mitigations(reg.overdue)]
    lines += ["", "**Mitigations due this week:** " + _mitigations(reg.due_this_week)]
    return lines


def _old_scores(data: ReportData, changes: Changes | None) -> dict[str, int] | None:
    if changes is None:
        return None
    scores = {
        c.id: c.old_score for c in changes.risks if c.kind == "rescored" and c.old_score is not None
    }
    opened = {c.id for c in changes.risks if c.kind == "opened"}
    return {r.id: scores.get(r.id, r.score) if r.id not in opened else -1 for r in data.risks.risks}


def _trend(risk_id: str, score: int, old: dict[str, int] | None) -> str:
    if old is None:
        return "—"
    before = old.get(risk_id, -1)
    if before is None or before < 0:
        return "new"
    if score > before:
        return f"↑ from {before}"
    if score < before:
        return f"↓ from {before}"
    return "→"


def _mitigations(views: tuple[MitigationView, ...]) -> str:
    if not views:
        return "none."
    parts = [
        f"{md_text(m.action or m.id)} ({md_text(m.risk_id)}, {md_text(m.owner) or 'no owner'}, "
        f"due {m.due})"
        for m in views[:MAX_CHANGES]
    ]
    more = f" and {len(views) - MAX_CHANGES} more" if len(views) > MAX_CHANGES else ""
    return "; ".join(parts) + more + "."


# ---------------------------------------------------------------- 6. KPIs


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:g}" + (f" {md_cell(unit)}" if unit else "")


def _kpi_row(k: KpiStatus) -> list[str]:
    latest = _value(k.latest.value if k.latest else None, k.unit)
    if k.latest is not None:
        latest += f" ({k.latest.date})"
    if k.stale:
        latest += " stale"
    trend = trend_label(k) or "—"
    return [
        md_cell(k.name),
        ("≥ " if k.direction == "higher_is_better" else "≤ ") + _value(k.target, k.unit),
        latest,
        _badge(k.rag),
        trend,
        k.sparkline or "—",
    ]


def kpis_section(data: ReportData) -> list[str]:
    """KPIs with target, latest, RAG, trend arrow and sparkline."""
    lines = ["## KPIs", ""]
    if not data.kpis:
        return [*lines, "No KPIs defined."]
    rows = [_kpi_row(k) for k in data.kpis]
    return lines + _table(["KPI", "Target", "Latest", "RAG", "Trend", "History"], rows)


# ---------------------------------------------------------------- 7. decisions


def decisions_section(data: ReportData, changes: Changes | None = None) -> list[str]:
    """Decisions taken in the report period, and asks (decisions needed)."""
    start = period_start(data.as_of, changes)
    lines = ["## Decisions and asks", "", "**Decisions since the last report:**", ""]
    recent = [d for d in data.decisions if d.date is not None and start <= d.date <= data.as_of]
    if not recent:
        lines.append("- none")
    for d in recent:
        who = f" — {md_text(d.decided_by)}" if d.decided_by else ""
        lines.append(f"- {d.date}: {md_text(d.title or d.id)}{who}")
    lines += ["", "**Asks (decisions needed):**", ""]
    if not data.asks:
        lines.append("- none")
    for d in data.asks:
        by = f" by {d.needed_by}" if d.needed_by else ""
        who = f" — {md_text(d.decided_by)}" if d.decided_by else ""
        lines.append(f"- {md_text(d.title or d.id)}: needed{by}{who}")
    return lines


# ---------------------------------------------------------------- 8. changes


def _moves(moves: tuple[DateMove, ...]) -> str:
    parts = [
        f"{md_text(m.id)} {m.days:+d} d ({m.old} → {m.new}{', critical' if m.critical else ''})"
        for m in moves[:MAX_CHANGES]
    ]
    more = f" and {len(moves) - MAX_CHANGES} more" if len(moves) > MAX_CHANGES else ""
    return "; ".join(parts) + more if parts else "none"


def changes_section(c: Changes) -> list[str]:
    """Changes since the last report (only with ``--since``)."""
    lines = [f"## Changes since {md_text(c.since)}", ""]
    lines.append(f"Compared with the plan as of {c.old_as_of}.")
    lines.append("")
    if c.empty:
        return [*lines, "No changes to dates, statuses, risks or KPIs."]
    if c.finish is not None:
        verb = "slipped" if c.finish.days > 0 else "pulled in"
        lines.append(
            f"- **Program finish {verb} {working_days(abs(c.finish.days))}:** "
            f"{c.finish.old} → {c.finish.new}"
        )
    lines.append(f"- **Slipped:** {_moves(c.slipped)}")
    lines.append(f"- **Pulled in:** {_moves(c.pulled_in)}")
    if c.added or c.removed:
        lines.append(f"- **Milestones added:** {_ids(c.added)} · **removed:** {_ids(c.removed)}")
    statuses = [f"{md_text(s.id)} {s.old} → {s.new}" for s in c.statuses]
    lines.append(f"- **Status changes:** {_joined(statuses)}")
    if c.rags:
        rags = [f"{r.area} {r.old.upper()} → {r.new.upper()}" for r in c.rags]
        lines.append(f"- **RAG changes:** {_joined(rags)}")
    for kind, label in (("opened", "opened"), ("closed", "closed"), ("rescored", "rescored")):
        items = [r for r in c.risks if r.kind == kind]
        text = [
            md_text(r.id)
            + (f" {r.old_score} → {r.new_score}" if kind == "rescored" else f" ({r.band})")
            for r in items
        ]
        lines.append(f"- **Risks {label}:** {_joined(text)}")
    kpis = [f"{md_text(k.id)} {(k.old or 'no data').upper()} → {k.new.upper()}" for k in c.kpis]
    lines.append(f"- **KPIs crossing a threshold:** {_joined(kpis)}")
    used = [f"{md_text(f.id)} {_consumed(f.old, f.new)}" for f in c.float_consumed]
    lines.append(f"- **Float consumed:** {_joined(used)}")
    return lines


def _consumed(old: float, new: float) -> str:
    """``2 d (5 → 3)``: the change of the float column, in the whole days it shows."""
    before, after = whole_days(old), whole_days(new)
    used = f"{before - after} d" if before != after else "less than 1 d"
    return f"{used} ({before} → {after})"


def _ids(ids: tuple[str, ...]) -> str:
    return _joined([md_text(i) for i in ids])


def _joined(parts: list[str]) -> str:
    if not parts:
        return "none"
    more = f" and {len(parts) - MAX_CHANGES} more" if len(parts) > MAX_CHANGES else ""
    return "; ".join(parts[:MAX_CHANGES]) + more
