"""Reading tj3's answer in the cross-check tests: its CSV report and its timestamps."""

from __future__ import annotations

import csv
import datetime as dt

from tpm.plan.calendar import WorkCalendar
from tpm.render.export.tjp import Clock


def read_dates_csv(text: str) -> dict[str, tuple[str, str]]:
    """Parse the ``tpm-dates.csv`` tj3 writes: full task id -> (start, end) timestamps."""
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    return {row[0]: (row[1], row[2]) for row in rows[1:] if len(row) >= 3}


def stamp_offset(cal: WorkCalendar, stamp: str, clock: Clock | None = None) -> float:
    """The working-day offset of a tj3 timestamp ``YYYY-MM-DD HH:MM`` of an export.

    With the default clock 9:00 of working day k is offset k and 17:00 is k + 1; a moment on
    a day off is the start of the next working day. So tj3's "Friday 17:00" and tpm's
    "Monday" are the same offset.
    """
    clock = clock or Clock()
    day = dt.date.fromisoformat(stamp[:10])
    minutes = int(stamp[11:13]) * 60 + int(stamp[14:16])
    base = cal.offset(day)
    if not cal.is_workday(day):
        return float(base)
    return base + min(max(minutes - clock.start, 0), clock.minutes) / clock.minutes
