"""Quick edits: pure functions that return a new item with one thing changed.

Each returns a freshly validated copy (the plan models are strict), never mutating the
original, so the App can record the old and new item for undo. The status date passed in
is the day the TUI calls "today": the plan's status date (``--as-of``, ``as_of`` or today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel

from tpm.plan.model import Kpi, Measurement, Milestone, Risk

M = TypeVar("M", bound=BaseModel)

# Status cycle of the quick key; blocked needs a reason (its own key), cancelled the form.
STATUS_CYCLE = {"planned": "in_progress", "in_progress": "done", "done": "planned"}


def replace(item: M, **changes: Any) -> M:
    """A validated copy of ``item`` with fields changed (extra keys kept)."""
    data = item.model_dump()
    data.update(changes)
    return type(item).model_validate(data)


def cycle_status(m: Milestone, today: dt.date) -> Milestone:
    """planned -> in_progress -> done -> planned; blocked and cancelled go to in_progress.

    Starting stamps actual_start (when missing); done stamps actual_finish and 100 %;
    going back to planned clears what the cycle set.
    """
    nxt = STATUS_CYCLE.get(m.status, "in_progress")
    if nxt == "in_progress":
        return replace(
            m,
            status="in_progress",
            actual_start=m.actual_start or today,
            actual_finish=None,
            blocked_reason="",
            blocked_since=None,
        )
    if nxt == "done":
        return mark_done(m, today)
    return replace(m, status="planned", percent_complete=0, actual_start=None, actual_finish=None)


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


def set_percent(m: Milestone, percent: float, today: dt.date) -> Milestone:
    """Set percent complete; progress on planned work starts it today."""
    value: float | int = int(percent) if float(percent).is_integer() else percent
    if m.status == "planned" and value > 0:
        return replace(
            m, percent_complete=value, status="in_progress", actual_start=m.actual_start or today
        )
    return replace(m, percent_complete=value)


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


def record_measurement(k: Kpi, value: float, day: dt.date, note: str = "") -> Kpi:
    """Add a measurement; one on the same day is replaced. Kept sorted by date."""
    number: float | int = int(value) if float(value).is_integer() else value
    kept = [x for x in k.measurements if x.date != day]
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
