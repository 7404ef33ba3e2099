"""The weekly status report as Markdown that GitHub and GitLab render: a two-minute read.

The order is the one leads expect of a weekly program status: the colour and its trend in the
title, at most three bullets (the forecast and what moved it, the worst problem, the biggest
change), the decisions needed from whom by when, the escalations with owners and next actions,
what happened since the last report, what is due in the next two weeks (late items first) and
the KPIs off target. No rule ids, milestone table or chart here: ``--full`` appends them
(:func:`tpm.render.markdown.appendix.render_appendix`). Every plan string goes through
:func:`tpm.render.escape.md_text`; no clock is read, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tpm.plan.calendar import add_days
from tpm.plan.model import Rag
from tpm.render.escape import md_cell, md_text
from tpm.render.markdown.appendix import badge, render_appendix, table
from tpm.render.markdown.sections import if_stuck
from tpm.render.markdown.trend import trend_chart
from tpm.render.text.forecast import chance
from tpm.render.text.kpis import trend_label
from tpm.report.context import ReportParts
from tpm.report.data import RECENT_DAYS, ReportData, due_soon, is_late
from tpm.report.diff import Changes, Since
from tpm.report.escalations import Escalation
from tpm.report.snapshot import Point
from tpm.status.rules import working_days

MAX_ESCALATIONS = 5
MAX_DUE = 8
MAX_KPIS = 8
MAX_LIST = 4
MAX_HISTORY = 6
LETTER: dict[str, str] = {"green": "G", "amber": "A", "red": "R"}


@dataclass(frozen=True)
class ReportContext:
    """What a report knows beyond today's snapshot: the previous report and the history."""

    since: Since | None = None
    no_previous: str = ""  # why there is no previous report, when there is none
    history: tuple[Point, ...] = ()  # earlier reports, oldest first (today's not included)
    period_start: dt.date | None = None
    trend: tuple[str, ...] = ()  # the slip-trend chart lines for the appendix


def render_parts(parts: ReportParts, full: bool = False) -> str:
    """The report of :func:`tpm.report.context.gather`'s parts: what ``tpm report`` writes
    and the TUI's Report screen shows."""
    chart = tuple(trend_chart(parts.trend, parts.data.program)) if parts.trend else ()
    ctx = ReportContext(
        since=parts.since,
        no_previous=parts.no_previous,
        history=parts.history,
        period_start=parts.period_start,
        trend=chart,
    )
    return render_report(parts.data, context=ctx, full=full)


def render_report(
    data: ReportData,
    changes: Changes | None = None,
    context: ReportContext | None = None,
    full: bool = False,
) -> str:
    """The report; ``full`` appends today's detail. Identical bytes for identical inputs."""
    ctx = context or ReportContext()
    parts = [
        _title(data, ctx),
        _summary(data, ctx),
        _decisions(data),
        _escalations(data),
        _since(data, ctx),
        _next(data),
        _kpis(data),
    ]
    out: list[str] = []
    for part in parts:
        out += [*part, ""]
    if full:
        chg = changes if changes is not None else (ctx.since.changes if ctx.since else None)
        out += render_appendix(data, chg, list(ctx.trend) or None)
    else:
        out.append("*Detail (rules, milestones, risks, KPIs, timeline): `tpm report --full`.*")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- 1. title


def _title(data: ReportData, ctx: ReportContext) -> list[str]:
    rag = badge(data.status.rag)
    was = ""
    if ctx.since is not None:
        old = ctx.since.previous.rag
        word = "was" if old != data.status.rag else "also"
        was = f", {word} {badge(old)} {_when(ctx.since, data, 'on', 'in')}"
    facts = [f"**Status date:** {data.as_of}"]
    if data.owner:
        facts.append(f"**Owner:** {md_text(data.owner)}")
    if ctx.period_start is not None:
        facts.append(f"**Period:** {add_days(ctx.period_start, 1)} to {data.as_of}")
    facts.append(f"**Target:** {data.target or '—'}")
    lines = [f"# {md_text(data.program)}: {rag}{was}", "", " · ".join(facts)]
    history = [p for p in ctx.history if p.date < data.as_of][-(MAX_HISTORY - 1) :]
    if history:
        dates = " ".join(p.date.strftime("%m-%d") for p in history) + " " + "now"
        rows = []
        for a in data.status.areas:
            seq = [LETTER.get(p.areas.get(a.area) or "", "·") for p in history]
            rows.append(f"{a.name} {' '.join(seq)} {LETTER[a.rag]}")
        lines += ["", f"**RAG over the last reports ({dates}):** " + " · ".join(rows)]
    return lines


def _when(s: Since, data: ReportData, on: str = "", in_: str = "") -> str:
    """When the previous report was: its status date, or, when it has today's status date
    (a plan whose ``as_of`` was not moved on), where it comes from ("commit abc of DATE")."""
    if s.date < data.as_of:
        return f"{on} {s.date}".strip()
    return f"{in_} {md_text(s.label)}".strip()


# ---------------------------------------------------------------- 2. three bullets


def _summary(data: ReportData, ctx: ReportContext) -> list[str]:
    bullets = [_forecast(data, ctx), _worst(data)]
    change = _biggest_change(data, ctx)
    if change:
        bullets.append(change)
    return [f"- {b}" for b in bullets]


def _forecast(data: ReportData, ctx: ReportContext) -> str:
    if data.finish is None:
        return f"**Forecast:** all {data.done_count} milestones are done."
    text = f"**Forecast:** finish {data.finish}"
    f = data.forecast
    if f is not None and f.milestones_estimated:
        text += f", P80 {f.finish.p80}"
        if f.on_target is not None and data.target is not None:
            text += f", {chance(f.on_target)} chance to meet the target {data.target}"
    elif data.target is not None and data.margin_days is not None:
        m = data.margin_days
        text += f", {working_days(abs(m))} {'before' if m >= 0 else 'after'} the target"
    s = ctx.since
    if s is not None:
        moved = []
        if s.finish is not None:
            moved.append(f"finish {_signed(s.finish.days)}")
        if s.p80_days:
            moved.append(f"P80 {_signed(s.p80_days)}")
        if moved:
            text += f"; since {_when(s, data)}: {', '.join(moved)}"
            top = next((m for m in s.slipped if m.critical), None)
            if top is not None:
                text += f", driven by {md_text(top.id)} ({_signed(top.days)})"
        else:
            text += f"; unchanged since {_when(s, data)}"
    return text + "."


def _signed(days: int) -> str:
    return f"{days:+d} working day{'s' if abs(days) != 1 else ''}"


def _worst(data: ReportData) -> str:
    status = data.status
    if status.rag == "green":
        return "**Worst problem:** none; every area is green."
    area = next((a for a in status.areas if a.rag == status.rag and a.findings), None)
    if area is None:  # the colour comes from an override, not from an area's rule
        return f"**Worst problem:** {md_text(status.reason)}"
    return f"**Worst problem ({area.name}):** {md_text(area.findings[0].message)}"


def _biggest_change(data: ReportData, ctx: ReportContext) -> str:
    s = ctx.since
    if s is None:
        return ""
    parts = []
    if s.previous.rag != data.status.rag:
        parts.append(f"overall {s.previous.rag.upper()} → {data.status.rag.upper()}")
    parts += _changed_areas(data, s.previous)
    if s.slipped:
        m = s.slipped[0]
        crit = ", critical path" if m.critical else ""
        parts.append(f"{md_text(m.id)} slipped {working_days(m.days)} ({m.old} → {m.new}{crit})")
    elif s.opened:
        parts.append(f"new risk {md_text(s.opened[0])}")
    if not parts and s.finish is not None:  # the forecast bullet above gives the move
        return "**Biggest change:** the finish move above; no colour changed."
    if not parts:
        return "**Biggest change:** none: colours and dates held."
    return f"**Biggest change:** {'; '.join(parts[:3])}."


def _changed_areas(data: ReportData, previous: Point) -> list[str]:
    parts = []
    for a in data.status.areas:
        old = previous.areas.get(a.area)
        if old is not None and old != a.rag:
            parts.append(f"{a.name} {old.upper()} → {a.rag.upper()}")
    return parts


# ---------------------------------------------------------------- 3. decisions needed


def _decisions(data: ReportData) -> list[str]:
    lines = ["## Decisions needed", ""]
    if not data.asks:
        return [*lines, "None this week."]
    for d in data.asks[:MAX_ESCALATIONS]:
        who = md_text(d.decided_by) or "**no one named**"
        by = f"by **{d.needed_by}**" if d.needed_by else "no date set"
        lines.append(f"- {md_text(d.title or d.id)}: from {who}, {by}")
    if len(data.asks) > MAX_ESCALATIONS:
        lines.append(f"- and {len(data.asks) - MAX_ESCALATIONS} more (`--full`)")
    return lines


# ---------------------------------------------------------------- 4. escalations


def _escalations(data: ReportData) -> list[str]:
    lines = ["## Escalations", ""]
    found = data.escalations
    if not found:
        return [*lines, "Nothing to escalate: no blockers and no high or critical risks."]
    rows = []
    for e in found[:MAX_ESCALATIONS]:
        item = f"**{md_cell(e.id)}**: {md_cell(e.title)}"
        rows.append([item, _why(e), _owner(e), _action(e)])
    lines += table(["What", "Why", "Owner", "Next action"], rows)
    if len(found) > MAX_ESCALATIONS:
        lines += ["", f"{len(found) - MAX_ESCALATIONS} more in the appendix (`--full`)."]
    return lines


def _why(e: Escalation) -> str:
    if e.kind == "risk":
        return md_cell(e.detail)
    detail = md_cell(e.detail.strip().rstrip("."))
    why = f"{e.kind}: {detail}" if e.kind == "blocked" else detail
    if e.critical:
        why += "; critical path"
    if e.slip_days > 0:
        why += f"; {if_stuck(e.slip_days, e.hold_days)}"
    return why


def _owner(e: Escalation) -> str:
    if not e.owner:
        return "**none named**"
    return md_cell(e.owner) + (f" ({e.owner_role})" if e.owner_role else "")


def _action(e: Escalation) -> str:
    """The next action; a generated one says so, a plan's one says where it comes from."""
    text = md_cell(e.action)
    if e.source == "generated":
        return f"*Suggested:* {text}" + (f" by {e.action_due}" if e.action_due else "")
    extra = []
    if e.action_owner and e.action_owner != e.owner:
        extra.append(("from " if e.source == "decision" else "") + md_cell(e.action_owner))
    if e.action_due:
        extra.append(f"{'by' if e.source == 'decision' else 'due'} {e.action_due}")
    if e.source == "mitigation" and e.source_id != e.id:
        extra.append(f"mitigation of risk {md_cell(e.source_id)}")
    out = text + (f" ({'; '.join(extra)})" if extra else "")
    return out + (" **overdue**" if e.overdue else "")


# ---------------------------------------------------------------- 5. since the last report


def _since(data: ReportData, ctx: ReportContext) -> list[str]:
    s = ctx.since
    if s is None:
        lines = ["## Since the last report", ""]
        why = f": {md_text(ctx.no_previous)}" if ctx.no_previous else ""
        return [*lines, f"No previous report to compare with{why}."]
    lines = [f"## Since the last report ({s.date}, {md_text(s.label)})", ""]
    done = [f"{md_text(m.id)} ({m.actual_finish})" for m in s.done]
    lines.append(f"- **Done:** {_list(done)}")
    slipped = [
        f"{md_text(m.id)} {_signed(m.days)}{' (critical)' if m.critical else ''}" for m in s.slipped
    ]
    lines.append(f"- **Slipped:** {_list(slipped)}")
    risks = [f"new {md_text(r)}" for r in s.opened]
    risks += [f"{md_text(c.id)} {c.old_score} → {c.new_score}" for c in s.rescored]
    risks += [f"closed {md_text(r)}" for r in s.closed]
    unknown = "" if s.changes is not None else " (rescores need an older plan: --since)"
    lines.append(f"- **Risks:** {_list(risks)}{unknown if not risks else ''}")
    kpis = [f"{md_text(k.id)} {(k.old or 'no data').upper()} → {k.new.upper()}" for k in s.kpis]
    lines.append(f"- **KPIs crossing a threshold:** {_list(kpis)}")
    return lines


def _list(items: list[str]) -> str:
    if not items:
        return "none"
    more = f" and {len(items) - MAX_LIST} more" if len(items) > MAX_LIST else ""
    return "; ".join(items[:MAX_LIST]) + more


# ---------------------------------------------------------------- 6. next two weeks


def _next(data: ReportData) -> list[str]:
    lines = ["## Next two weeks", ""]
    rows = due_soon(data)
    if not rows:
        return [*lines, f"Nothing is due by {add_days(data.as_of, RECENT_DAYS)}."]
    for m in rows[:MAX_DUE]:
        if m.due is not None and m.due < data.as_of:
            state = f"**overdue since {m.due}**"
        elif is_late(m, data.as_of):
            state = f"**late**: forecast {m.finish}"
        else:
            state = f"on track: forecast {m.finish or '—'}"
        owner = f" ({md_text(m.owner)})" if m.owner else ""
        lines.append(f"- {m.due} **{md_text(m.id)}** {md_text(m.title)}{owner}: {state}")
    if len(rows) > MAX_DUE:
        lines.append(f"- and {len(rows) - MAX_DUE} more (`--full`)")
    return lines


# ---------------------------------------------------------------- 7. KPIs off target


def _kpis(data: ReportData) -> list[str]:
    lines = ["## KPIs off target", ""]
    if not data.kpis:
        return [*lines, "No KPIs defined."]
    off = [k for k in data.kpis if k.rag != "green"]
    if not off:
        return [*lines, f"All {len(data.kpis)} KPIs are on target."]
    order: dict[Rag | None, int] = {"red": 0, None: 1, "amber": 2}
    off.sort(key=lambda k: (order[k.rag], k.id))
    for k in off[:MAX_KPIS]:
        unit = f" {md_text(k.unit)}" if k.unit else ""
        sign = "≥" if k.direction == "higher_is_better" else "≤"
        if k.latest is None:
            target = f"{sign} {k.target:g}{unit}"
            lines.append(f"- {badge(None)} {md_text(k.name)}: never measured (target {target})")
            continue
        extra = []
        if k.red_streak >= 2:
            extra.append(f"red {k.red_streak} in a row")
        if k.trend is not None:
            extra.append(trend_label(k))
        if k.stale:
            extra.append(f"stale: last measured {k.latest.date}")
        tail = f" ({', '.join(extra)})" if extra else ""
        lines.append(
            f"- {badge(k.rag)} {md_text(k.name)}: {k.latest.value:g}{unit} vs target "
            f"{sign} {k.target:g}{unit}{tail}"
        )
    if len(off) > MAX_KPIS:
        lines.append(f"- and {len(off) - MAX_KPIS} more (`--full`)")
    on = len(data.kpis) - len(off)
    lines += ["", f"{on} of {len(data.kpis)} KPIs on target; a KPI never measured is not."]
    return lines
