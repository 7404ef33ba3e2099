"""Whole working days for people: the one rounding rule behind every number of days shown.

The engine and ``--json`` keep exact offsets (whole microdays, convention 9). The terminal,
the TUI and the Markdown report show whole working days, rounded towards the worse side so
that nothing late ever reads as on time (convention 10, docs/explanation/scheduling-model.md):

- where less is worse (total and free float, the margin to a target, a gain): rounded down,
  so a float of -3.75 reads -4 and a margin of 0.5 reads 0;
- where more is worse (lateness, slip, variance against a baseline): rounded up, so 3.75
  days late reads 4 and a slip of 0.25 reads 1;
- a whole number stays itself, and exactly 0 stays 0.

"Working day N" counts the program's working days from 1, the first working day of the
program; a date is on the working day whose number is the count of working days up to and
including it (:func:`day_number`). Work and events use the same count, because each is
counted by the date it is shown on: a task that finishes at the end of day 5 and an event
that follows it are both on day 5.
"""

from __future__ import annotations

import datetime as dt
import math

from tpm.plan.calendar import WorkCalendar

HALF_MICRODAY = 5e-7
"""Offsets are whole microdays (convention 9): closer than this to an integer is that integer."""


def whole_days(value: float, *, more_is_worse: bool = False) -> int:
    """Working days rounded to a whole number towards the worse side.

    ``more_is_worse=False`` (float, margin, gains) rounds down; ``True`` (lateness, slip,
    variance) rounds up. Whole numbers, within half a microday, stay as they are.
    """
    near = round(value)
    if abs(value - near) < HALF_MICRODAY:
        return int(near)
    return math.ceil(value) if more_is_worse else math.floor(value)


def day_number(cal: WorkCalendar, date: dt.date) -> int:
    """The working day a date is on, counting the program's first working day as 1.

    A day off (done work recorded on a Saturday) counts as the working day before it.
    """
    return cal.finish_offset(date)
