"""How a milestone's recorded progress pins it in the CPM passes, and the grid they share.

The deterministic passes (:mod:`tpm.schedule.cpm`) and the Monte Carlo passes
(:mod:`tpm.forecast.passes`) both read progress through :func:`progress`, so that they never
disagree on what is started or done, nor on where a done event sits (the conventions are in
the :mod:`tpm.schedule.cpm` docstring and docs/explanation/scheduling-model.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Milestone
from tpm.schedule.graph import FF, FS, UNIT

NOT_STARTED, STARTED, DONE = 0, 1, 2
EPS = 1e-9
"""Tolerance for float comparisons (critical = total float <= EPS, tight links)."""


def snap(x: float) -> float:
    """``x`` on the grid of exact offsets (see UNIT)."""
    return round(x * UNIT) / UNIT


def progress(
    m: Milestone, cal: WorkCalendar, preds: Sequence[tuple[int, int, float]]
) -> tuple[int, float | None, float | None, int]:
    """How milestone ``m``'s progress pins it: (kind, fixed ES, fixed EF, side).

    ``preds`` are its links in the graph (a done event's side depends on their types).
    """
    start = None if m.actual_start is None else float(cal.offset(m.actual_start))
    event = m.duration == 0
    if m.status == "done":
        if event:
            day = m.actual_finish or m.actual_start
            if day is None:
                return DONE, None, None, 0
            at_start = not any(code == FS or code == FF for _p, code, _lag in preds)
            x = float(cal.offset(day) if at_start else cal.finish_offset(day))
            return DONE, x, x, int(at_start)
        finish = None if m.actual_finish is None else float(cal.finish_offset(m.actual_finish))
        if start is None and finish is not None:
            start = snap(finish - float(m.duration))
        return DONE, start, finish, 0
    if m.status == "in_progress" or (m.status == "blocked" and start is not None):
        return STARTED, start, None, int(event)
    return NOT_STARTED, None, None, 0
