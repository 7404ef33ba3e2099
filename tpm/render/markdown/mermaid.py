"""Mermaid gantt chart of the milestones, which GitHub renders inside Markdown.

One ``gantt`` block: a section per team (in the order teams are declared, then milestones
without a team), a bar per scheduled milestone from its forecast start to its forecast finish,
``crit`` on critical ones, ``done`` on done ones, ``active`` on those in progress and
``milestone`` for zero-duration events. Cancelled milestones are left out.

Titles come from the plan, so they are sanitised: Mermaid reads ``:`` as the start of the
task's data, ``#`` and ``;`` as entity/statement syntax, ``%%`` as a comment, a backtick
could close the surrounding Markdown fence and a newline would start a new statement. Only
letters, digits, spaces and harmless punctuation are kept; everything else becomes a space,
and a title that would read as a Mermaid keyword is prefixed so it stays a task.
"""

from __future__ import annotations

import re

from tpm.plan.calendar import add_days
from tpm.report.data import MilestoneRow, ReportData

_KEEP = frozenset(" -_.,()/+'?!%")
_KEYWORDS = frozenset(
    {
        "gantt",
        "title",
        "section",
        "dateformat",
        "axisformat",
        "tickinterval",
        "excludes",
        "includes",
        "todaymarker",
        "inclusiveenddates",
        "topaxis",
        "weekday",
        "weekend",
        "click",
        "accdescr",
        "acctitle",
        "displaymode",
    }
)
MAX_TITLE = 80


def sanitize(text: str, fallback: str = "untitled") -> str:
    """A label Mermaid reads as plain text: safe characters only, one line, not a keyword."""
    text = text.replace("&", " and ")
    kept = "".join(ch if ch.isalnum() or ch in _KEEP else " " for ch in text)
    kept = re.sub("%+", "%", kept)
    label = re.sub(r" {2,}", " ", kept).strip(" -")
    if len(label) > MAX_TITLE:
        label = label[: MAX_TITLE - 3].rstrip() + "..."
    if not label:
        label = sanitize(fallback, "") if fallback else "untitled"
    first = label.split(" ", 1)[0].lower()
    if first in _KEYWORDS or first.startswith("acc"):
        label = "task " + label
    return label


def _task(m: MilestoneRow, index: int) -> str | None:
    if m.start is None or m.finish is None:
        return None
    tags = []
    if m.critical:
        tags.append("crit")
    if m.status == "done":
        tags.append("done")
    elif m.status == "in_progress":
        tags.append("active")
    name = sanitize(m.title, m.id)
    if m.duration == 0:
        tags.append("milestone")
        when = f"{m.start.isoformat()}, 0d"
    else:
        # Mermaid's end date is exclusive: the bar ends at the start of that day.
        when = f"{m.start.isoformat()}, {add_days(m.finish, 1).isoformat()}"
    return f"    {name} :{', '.join([*tags, f'm{index}', when])}"


def render_mermaid(data: ReportData, fenced: bool = False) -> str:
    """The gantt block; ``fenced`` wraps it in a ```mermaid fence for Markdown."""
    lines = [
        "gantt",
        f"    title {sanitize(data.program)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %d %b",
    ]
    sections: dict[str, list[str]] = {}
    for index, m in enumerate(data.milestones_in_plan_order):
        if m.status == "cancelled":
            continue
        task = _task(m, index)
        if task is not None:
            sections.setdefault(m.team, []).append(task)
    order = [t for t in data.team_order if t in sections]
    order += sorted(t for t in sections if t not in order)
    for team in order:
        label = data.team_names.get(team, team) if team else "Other"
        lines.append(f"    section {sanitize(label, 'team')}")
        lines += sections[team]
    body = "\n".join(lines) + "\n"
    return f"```mermaid\n{body}```\n" if fenced else body
