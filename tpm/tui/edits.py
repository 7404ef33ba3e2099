"""Quick edits: pure functions that return a new item with one thing changed.

Each returns a freshly validated copy (the plan models are strict), never mutating the
original, so the App can record the old and new item for undo. The status date passed in
is the day the TUI calls "today": the plan's status date (``--as-of``, ``as_of`` or today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from tpm.plan.model import Kpi, Measurement, Milestone, Risk

M = TypeVar("M", bound=BaseModel)

# Status cycle of the quick key; blocked needs a reason (its own key), cancelled the form.
STATUS_CYCLE = {"planned": "in_progress", "in_progress": "done", "done": "planned"}


def replace(item: M, **changes: object) -> M:
    """A validated copy of ``item`` with fields changed (extra keys kept)."""
    data = item.model_dump()
    data.update(changes)
    return type(item).model_validate(data)


@dataclass(frozen=True)
class Edited:
    """A quick edit's new item, and what the user should be told about it (or "")."""

    item: Milestone
    notice: str = ""


def cycle_status(m: Milestone, today: dt.date, origin: Milestone | None = None) -> Edited:
    """planned -> in_progress -> done -> planned; blocked and cancelled go to in_progress.

    ``origin`` is the milestone before the first press of this run of presses (``m`` itself
    when None). Arriving back at the origin's status restores the origin exactly, so a full
    round trip never loses a date or progress. Starting stamps actual_start (when missing);
    done stamps actual_finish and 100 %. Without an origin to restore, going back to planned
    keeps the dates and progress and says so.
    """
    origin = origin or m
    nxt = STATUS_CYCLE.get(m.status, "in_progress")
    if nxt == origin.status and origin is not m:
        return Edited(origin, "restored as it was before the status key")
    if nxt == "in_progress":
        started = replace(
            origin,
            status="in_progress",
            actual_start=origin.actual_start or today,
            blocked_reason="",
            blocked_since=None,
        )
        notes = [f"unblocked (was: {m.blocked_reason})"] if m.status == "blocked" else []
        if started.actual_finish:
            notes.append(f"kept actual_finish {started.actual_finish} (e edits it, u undoes)")
        return Edited(started, "; ".join(notes))
    if nxt == "done":
        return Edited(mark_done(m, today))
    planned = replace(origin, status="planned", blocked_reason="", blocked_since=None)
    kept = _kept(planned)
    note = f"kept {kept} (e edits them, u undoes)" if kept else ""
    return Edited(planned, note)


def _kept(m: Milestone) -> str:
    parts = []
    if m.actual_start:
        parts.append(f"actual_start {m.actual_start}")
    if m.actual_finish:
        parts.append(f"actual_finish {m.actual_finish}")
    if m.percent_complete:
        parts.append(f"{m.percent_complete:g}% complete")
    return ", ".join(parts)


def mark_done(m: Milestone, today: dt.date) -> Milestone:
    """Done today: status done, 100 %, actual_finish today (and actual_start if missing)."""
    start = m.actual_start or (today if m.duration == 0 else None)
    if start is not None and start > today:
        start = today
    return replace(
        m,
        status="done",
        percent_complete=100,
        actual_start=start,
        actual_finish=today,
        blocked_reason="",
        blocked_since=None,
    )


def set_percent(m: Milestone, percent: float, today: dt.date) -> Edited:
    """Set percent complete; progress on planned work starts it today, and less than 100 %
    on done work reopens it (in progress, without its actual_finish; the notice says so)."""
    value: float | int = int(percent) if float(percent).is_integer() else percent
    if m.status == "planned" and value > 0:
        started = replace(
            m, percent_complete=value, status="in_progress", actual_start=m.actual_start or today
        )
        return Edited(started, "started: now in progress")
    if m.status == "done" and value < 100:
        finish = f"; actual_finish {m.actual_finish} cleared" if m.actual_finish else ""
        reopened = replace(
            m,
            percent_complete=value,
            status="in_progress",
            actual_start=m.actual_start or m.actual_finish or today,
            actual_finish=None,
        )
        return Edited(reopened, f"done → in progress at {value:g}%{finish} (u undoes)")
    return Edited(replace(m, percent_complete=value))


def set_blocked(m: Milestone, reason: str, today: dt.date) -> Milestone:
    """Blocked with a reason, since today (kept when it was already blocked)."""
    since = m.blocked_since if m.status == "blocked" and m.blocked_since else today
    return replace(m, status="blocked", blocked_reason=reason.strip(), blocked_since=since)


def reviewed(r: Risk, today: dt.date) -> Risk:
    """Risk reviewed today."""
    return replace(r, last_reviewed=today)


def rescore(r: Risk, probability: int | None = None, impact: int | None = None) -> Risk:
    """New probability and/or impact (1..5)."""
    return replace(
        r,
        probability=r.probability if probability is None else probability,
        impact=r.impact if impact is None else impact,
    )


def record_measurement(
    k: Kpi, value: float, day: dt.date, note: str = "", replace_day: bool = False
) -> Kpi:
    """Add a measurement, kept in date order (after those of the same day). With
    ``replace_day`` the day's earlier measurements are dropped."""
    number: float | int = int(value) if float(value).is_integer() else value
    kept = [x for x in k.measurements if not (replace_day and x.date == day)]
    kept.append(Measurement(date=day, value=number, note=note))
    kept.sort(key=lambda x: x.date)
    return replace(k, measurements=[x.model_dump() for x in kept])


def parse_number(text: str) -> float | None:
    """A finite number from user text, or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
