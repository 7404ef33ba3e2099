"""The standup risk review as Markdown: what changed first, then a register that fits a
projector.

Order: changes since the last report (new, rescored, closed, occurred), the actions each
owner owes this week, overdue mitigations (each listed exactly once, here), risks that
occurred (issues, apart from live risks), the live register in seven columns (risk, score,
status, owner, next action with its due date, last reviewed, flags), the heat map and the
hygiene findings. Every plan string goes through :func:`tpm.render.escape.md_cell`.
"""

from __future__ import annotations

import datetime as dt

from tpm.plan.calendar import add_days
from tpm.register.risks import MitigationView, RiskView
from tpm.render.escape import md_cell, md_cells, md_text
from tpm.render.markdown.risks import BAND_MARK, heat_map_md, summary_line
from tpm.report.risk_review import RiskReview

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def week_end(as_of: dt.date) -> dt.date:
    """The Friday of the status date's week (the status date itself on a weekend)."""
    return as_of if as_of.weekday() > 4 else add_days(as_of, 4 - as_of.weekday())


def _ids(views: tuple[RiskView, ...]) -> str:
    return "; ".join(f"{md_text(r.id)} ({r.score} {r.band}): {md_text(r.title)}" for r in views)


def _changes(rv: RiskReview) -> list[str]:
    if rv.since is None:
        why = f": {md_text(rv.note)}" if rv.note else ""
        return ["## Since the last report", "", f"No previous report to compare with{why}."]
    lines = [f"## Since the last report ({rv.since}, {md_text(rv.label)})", ""]
    lines.append(f"- **New:** {_ids(rv.new) or 'none'}")
    if rv.exact:
        rescored = "; ".join(
            f"{md_text(r.id)} {old} → {r.score} {'↑' if r.score > old else '↓'}"
            for r, old in rv.rescored
        )
        lines.append(f"- **Rescored:** {rescored or 'none'}")
        lines.append(f"- **Closed:** {'; '.join(md_text(c) for c in rv.closed) or 'none'}")
        lines.append(f"- **Occurred:** {_ids(rv.occurred) or 'none'}")
    else:
        lines.append(
            "- **Rescored, closed, occurred:** not known: the previous report is a snapshot "
            "(compare with an older plan: --since REV|FILE)"
        )
    return lines


def _actions(rv: RiskReview) -> list[str]:
    reg = rv.register
    end = week_end(reg.as_of)
    owed: dict[str, list[MitigationView]] = {}
    for m in (*reg.overdue, *reg.due_this_week):
        if m.due is not None and m.due <= end:
            owed.setdefault(m.owner.strip() or "no owner", []).append(m)
    lines = ["## Actions by owner", ""]
    if not owed:
        return [*lines, f"No mitigation is due by {WEEKDAY_NAMES[end.weekday()]} {end}."]
    day = f"{WEEKDAY_NAMES[end.weekday()]} {end}"
    for owner in sorted(owed, key=lambda o: (-len(owed[o]), o)):
        items = owed[owner]
        late = sum(1 for m in items if m.overdue)
        soon = [m for m in items if not m.overdue]
        parts = []
        if soon:  # an overdue one is listed once, under "Overdue mitigations"
            listed = "; ".join(
                f"{md_text(m.action or m.id)} ({md_text(m.risk_id)}, {m.due})" for m in soon
            )
            parts.append(f"{_count(len(soon), 'action')} due by {day}: {listed}")
        if late:
            parts.append(f"{_count(late, 'overdue action')} (see Overdue mitigations)")
        lines.append(f"- **{md_text(owner)}**: " + "; and ".join(parts))
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _overdue(rv: RiskReview) -> list[str]:
    reg = rv.register
    lines = ["## Overdue mitigations", ""]
    if not reg.overdue:
        return [*lines, "None."]
    lines += [md_cells(["Due", "Late", "Risk", "Action", "Owner"]), md_cells(["---"] * 5)]
    for m in reg.overdue:
        late = (reg.as_of - m.due).days if m.due else 0
        lines.append(
            md_cells(
                [
                    str(m.due),
                    f"{late} d",
                    md_cell(m.risk_id),
                    md_cell(m.action or m.id),
                    md_cell(m.owner) or "**none**",
                ]
            )
        )
    return lines


def _next(r: RiskView) -> str:
    m = r.next_action
    if m is None:
        return "**none**" if r.band in ("high", "critical") else "—"
    if m.overdue:
        return "overdue: see above"
    due = f" (due {m.due})" if m.due else ""
    return md_cell(m.action or m.id) + due


def _score(r: RiskView, old: dict[str, int]) -> str:
    text = f"{BAND_MARK[r.band]} {r.score} {r.band}"
    if r.id in old:
        text += f" ({'↑' if r.score > old[r.id] else '↓'} from {old[r.id]})"
    return text


def _flags(r: RiskView) -> str:
    codes = [f.code for f in r.findings if f.code != "mitigation-overdue"]
    return ", ".join(dict.fromkeys(codes))


def _table(views: list[RiskView], rv: RiskReview, first: str) -> list[str]:
    old = {r.id: s for r, s in rv.rescored}
    header = [first, "Score", "Status", "Owner", "Next action", "Reviewed", "Flags"]
    lines = [md_cells(header), md_cells(["---"] * len(header))]
    for r in views:
        status = r.status + (f" / {r.response}" if r.response else "")
        lines.append(
            md_cells(
                [
                    f"**{md_cell(r.id)}**: {md_cell(r.title)}",
                    _score(r, old),
                    status,
                    md_cell(r.owner) or "**none**",
                    _next(r),
                    str(r.reviewed) if r.reviewed else "never",
                    _flags(r),
                ]
            )
        )
    return lines


def render_risk_review(rv: RiskReview, program: str) -> str:
    """The whole review as one Markdown document (ends with a newline)."""
    reg = rv.register
    out = [
        f"# Risk review: {md_text(program)}",
        "",
        f"As of {reg.as_of} · {summary_line(reg)}",
        "",
        *_changes(rv),
        "",
        *_actions(rv),
        "",
        *_overdue(rv),
        "",
        "## Issues (risks that occurred)",
        "",
    ]
    issues = [r for r in reg.risks if r.status == "occurred"]
    if issues:
        out += _table(issues, rv, "Issue")
    else:
        out.append("None.")
    out += ["", "## Live risks", ""]
    live = [r for r in reg.risks if r.status != "occurred"]
    out += _table(live, rv, "Risk") if live else ["No live risks."]
    out += ["", "## Heat map", "", *heat_map_md(reg), ""]
    hygiene = [f for f in reg.findings if f.code != "mitigation-overdue"]
    out += ["## Hygiene", ""]
    if hygiene:
        out += [md_cells(["Risk", "Finding", "Detail"]), md_cells(["---"] * 3)]
        out += [md_cells([md_cell(f.risk_id), f.code, md_cell(f.message)]) for f in hygiene]
    else:
        out.append("No findings.")
    if reg.closed:
        out += ["", "Closed: " + ", ".join(md_text(c) for c in reg.closed) + "."]
    return "\n".join(out) + "\n"
