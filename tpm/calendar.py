"""Working-day arithmetic: offsets from the program start <-> calendar dates.

Conventions (used by the schedule, the forecast, every output and the TaskJuggler export):

- Offsets are working days counted from the *beginning* of the program's first working day
  (the first working day on or after ``program.start``), so offset 0 is that morning.
- Working day ``k`` (0-based) is the k-th working day; ``day(k)`` is its date.
- A milestone with early start ``es`` and early finish ``ef`` starts on ``day(floor(es))``
  and finishes at the end of ``day(ceil(ef) - 1)``: a 5-day task at offset 0 runs on days
  0..4. Fractional offsets fall inside a day and show as that day.
- An event (duration 0) finishes on its start date: ``finish_date(ef)`` with ``ef == es``
  is ``start_date(es)``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable

from tpm.model import WEEKDAYS, Plan

_ONE = dt.timedelta(days=1)


class CalendarError(ValueError):
    """An offset or date falls outside the range of dates Python can represent."""


class WorkCalendar:
    """Working days of a plan: weekdays from ``[calendar]`` minus holidays."""

    def __init__(self, start: dt.date, workdays: Iterable[str], holidays: Iterable[dt.date]):
        mask = {WEEKDAYS.index(w) for w in workdays}
        if not mask:
            raise CalendarError("a calendar needs at least one working weekday")
        self._mask = [i in mask for i in range(7)]
        self._holidays = frozenset(holidays)
        self._days: list[dt.date] = []  # working days in order, extended on demand
        self._next = start
        self.origin = self.day(0)

    @classmethod
    def of(cls, plan: Plan) -> WorkCalendar:
        """The calendar of a plan."""
        return cls(plan.program.start, plan.calendar.workdays, plan.calendar.holidays)

    def is_workday(self, date: dt.date) -> bool:
        """True when ``date`` is a working day."""
        return self._mask[date.weekday()] and date not in self._holidays

    def _extend_to_index(self, k: int) -> None:
        while len(self._days) <= k:
            self._step()

    def _extend_to_date(self, date: dt.date) -> None:
        while self._next <= date:
            self._step()

    def _step(self) -> None:
        date = self._next
        # Holidays can only remove days; a week always has a working weekday, and holidays
        # are finite, so this loop ends.
        while not self.is_workday(date):
            date = _add(date)
        self._days.append(date)
        self._next = _add(date)

    def day(self, k: int) -> dt.date:
        """Date of working day ``k`` (k >= 0); negative k counts back before the start."""
        if k < 0:
            date = self._days[0] if self._days else self._first()
            for _ in range(-k):
                date = _sub(date)
                while not self.is_workday(date):
                    date = _sub(date)
            return date
        self._extend_to_index(k)
        return self._days[k]

    def _first(self) -> dt.date:
        self._extend_to_index(0)
        return self._days[0]

    def offset(self, date: dt.date) -> int:
        """Working days from the origin to the beginning of ``date``.

        A non-working date maps to the next working day's offset. Dates before the origin
        give negative offsets.
        """
        if date < self.origin:
            count, d = 0, self.origin
            while d > date:
                d = _sub(d)
                if self.is_workday(d) and d >= date:
                    count -= 1
            return count
        self._extend_to_date(date)
        return bisect.bisect_left(self._days, date)

    def start_date(self, es: float) -> dt.date:
        """The calendar date on which work starting at offset ``es`` starts."""
        return self.day(math.floor(es))

    def finish_date(self, ef: float, es: float | None = None) -> dt.date:
        """The date on which work finishing at offset ``ef`` finishes (end of that day).

        Pass ``es`` for events: zero-length work finishes on its start date.
        """
        if es is None:
            return self.day(math.ceil(ef) - 1)
        if ef <= es:
            return self.start_date(es)
        return self.day(max(math.ceil(ef) - 1, math.floor(es)))

    def finish_offset(self, date: dt.date) -> int:
        """Offset at the end of ``date`` (the ``ef`` of work that finishes that day)."""
        if not self.is_workday(date):
            # Work cannot finish on a day off; it finished at the end of the previous one.
            return self.offset(date)
        return self.offset(date) + 1

    def span(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last`` (positive when last is later)."""
        return self.offset(last) - self.offset(first)


def _add(date: dt.date) -> dt.date:
    try:
        return date + _ONE
    except OverflowError:
        raise CalendarError("the schedule runs past the year 9999") from None


def _sub(date: dt.date) -> dt.date:
    try:
        return date - _ONE
    except OverflowError:
        raise CalendarError("the schedule runs before the year 1") from None
