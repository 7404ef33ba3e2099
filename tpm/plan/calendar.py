"""Working-day arithmetic: offsets from the program start <-> calendar dates.

Conventions (used by the schedule, the forecast, every output and the TaskJuggler export):

- Offsets are working days counted from the *beginning* of the program's first working day
  (the first working day on or after ``program.start``), so offset 0 is that morning.
- Working day ``k`` (0-based) is the k-th working day; ``day(k)`` is its date.
- A milestone with early start ``es`` and early finish ``ef`` starts on ``day(floor(es))``
  and finishes at the end of ``day(ceil(ef) - 1)``: a 5-day task at offset 0 runs on days
  0..4. Fractional offsets fall inside a day and show as that day.
- An event (duration 0) is an instant. One that follows a finish is dated on the day that
  finish falls on (``finish_date(ef)``: offset 5 is the end of day 4); one at the start of a
  day (the program start, the status date, after a start) on that day (``start_date``):
  ``event_date(x, at_start)``.

Both directions are computed arithmetically (whole weeks, then a bisect over the sorted
holidays), so a date far in the future costs the same as tomorrow, and a date beyond the
year 9999 raises :class:`CalendarError` at once instead of overflowing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable

from tpm.plan.model import WEEKDAYS, Plan

# date(1, 1, 1) is a Monday: ordinals count from there, so ``(ordinal - 1) % 7`` is weekday().
_MAX_ORDINAL = dt.date.max.toordinal()


class CalendarError(ValueError):
    """An offset or date falls outside the range of dates Python can represent."""


class WorkCalendar:
    """Working days of a plan: weekdays from ``[calendar]`` minus holidays."""

    def __init__(self, start: dt.date, workdays: Iterable[str], holidays: Iterable[dt.date]):
        mask = {WEEKDAYS.index(w) for w in workdays}
        if not mask:
            raise CalendarError("a calendar needs at least one working weekday")
        self._mask = tuple(i in mask for i in range(7))
        self._per_week = len(mask)
        # _before[i]: working weekdays among weekdays 0..i-1; _position[r]: weekday of the
        # r-th working weekday of a week.
        self._before = [sum(self._mask[:i]) for i in range(8)]
        self._position = [i for i in range(7) if self._mask[i]]
        # Only holidays on working weekdays remove a day.
        self._holidays = sorted({h for h in holidays if self._mask[h.weekday()]})
        self._holiday_set = frozenset(self._holidays)
        self._base = self._count(start)
        self._day_cache: dict[int, dt.date] = {}
        self.origin = self.day(0)

    @classmethod
    def of(cls, plan: Plan) -> WorkCalendar:
        """The calendar of a plan."""
        return cls(plan.program.start, plan.calendar.workdays, plan.calendar.holidays)

    def is_workday(self, date: dt.date) -> bool:
        """True when ``date`` is a working day."""
        return self._mask[date.weekday()] and date not in self._holiday_set

    def _count(self, date: dt.date) -> int:
        """Working days from 0001-01-01 up to (not including) ``date``."""
        weeks, rest = divmod(date.toordinal() - 1, 7)
        weekdays = weeks * self._per_week + self._before[rest]
        return weekdays - bisect.bisect_left(self._holidays, date)

    def _nth_weekday(self, n: int) -> int:
        """Ordinal of the n-th working weekday (0-based) counted from 0001-01-01."""
        weeks, rank = divmod(n, self._per_week)
        return 1 + weeks * 7 + self._position[rank]

    def day(self, k: int) -> dt.date:
        """Date of working day ``k``; negative k counts back before the start.

        Raises CalendarError when that day is outside the years 1..9999.
        """
        cached = self._day_cache.get(k)
        if cached is not None:
            return cached
        target = self._base + k
        # Skip the holidays up to the candidate until the count settles; the holiday count
        # only grows, so this ends (see tests for the equivalence with day-by-day stepping).
        skipped = 0
        while True:
            ordinal = self._nth_weekday(target + skipped)
            if ordinal < 1 or ordinal > _MAX_ORDINAL:
                raise CalendarError(_range_message(ordinal))
            date = dt.date.fromordinal(ordinal)
            now = bisect.bisect_right(self._holidays, date)
            if now == skipped:
                break
            skipped = now
        if len(self._day_cache) < 1_000_000:
            self._day_cache[k] = date
        return date

    def offset(self, date: dt.date) -> int:
        """Working days from the origin to the beginning of ``date``.

        A non-working date maps to the next working day's offset. Dates before the origin
        give negative offsets.
        """
        return self._count(date) - self._base

    def start_date(self, es: float) -> dt.date:
        """The calendar date on which work starting at offset ``es`` starts."""
        return self.day(_floor(es))

    def finish_date(self, ef: float, es: float | None = None) -> dt.date:
        """The date on which work finishing at offset ``ef`` finishes (end of that day).

        Pass ``es`` for events: zero-length work finishes on its start date.
        """
        if es is None:
            return self.day(_ceil(ef) - 1)
        if ef <= es + _EPS:
            return self.start_date(es)
        return self.day(max(_ceil(ef) - 1, _floor(es)))

    def event_date(self, x: float, at_start: bool) -> dt.date:
        """The date of an event at offset ``x``: the start of its day, or the end of one."""
        return self.start_date(x) if at_start else self.day(_ceil(x) - 1)

    def finish_offset(self, date: dt.date) -> int:
        """Offset at the end of ``date`` (the ``ef`` of work that finishes that day)."""
        if not self.is_workday(date):
            # Work cannot finish on a day off; it finished at the end of the previous one.
            return self.offset(date)
        return self.offset(date) + 1

    def span(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last`` (positive when last is later)."""
        return self.offset(last) - self.offset(first)


# Offsets are sums of float durations; a tiny epsilon keeps 2.9999999999999996 on day 3.
_EPS = 1e-9


def _floor(value: float) -> int:
    try:
        return math.floor(value + _EPS)
    except (OverflowError, ValueError):
        raise CalendarError("the schedule runs past the year 9999") from None


def _ceil(value: float) -> int:
    try:
        return math.ceil(value - _EPS)
    except (OverflowError, ValueError):
        raise CalendarError("the schedule runs past the year 9999") from None


def _range_message(ordinal: int) -> str:
    if ordinal < 1:
        return "the schedule runs before the year 1"
    return "the schedule runs past the year 9999 (are some durations or lags far too long?)"


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days`` calendar days, held at the first or last representable date.

    For display bounds (a week ahead, a review due date) near the years 1 and 9999, where
    plain ``date + timedelta`` would raise OverflowError.
    """
    ordinal = min(max(day.toordinal() + days, 1), _MAX_ORDINAL)
    return dt.date.fromordinal(ordinal)


def today() -> dt.date:
    """Today's date: the one place tpm reads the clock (the default status date)."""
    return dt.date.today()
