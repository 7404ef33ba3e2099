"""Working-day arithmetic: offsets <-> dates, events, fractions, holidays, range errors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm.plan.calendar import CalendarError, WorkCalendar
from tpm.plan.model import WEEKDAYS

MON = dt.date(2026, 3, 2)
WEEK = ["mon", "tue", "wed", "thu", "fri"]


def _naive_days(cal_start: dt.date, workdays: list[str], holidays: set[dt.date], n: int) -> list:
    """The first n working days on or after the start, stepping one day at a time."""
    out, d = [], cal_start
    while len(out) < n:
        if WEEKDAYS[d.weekday()] in workdays and d not in holidays:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True),
    st.integers(0, 30),
    st.sets(st.integers(-10, 120), max_size=25),
)
def test_arithmetic_matches_day_by_day_stepping(
    workdays: list[str], shift: int, holiday_offsets: set[int]
) -> None:
    start = MON + dt.timedelta(days=shift)
    holidays = {start + dt.timedelta(days=k) for k in holiday_offsets}
    cal = WorkCalendar(start, workdays, holidays)
    days = _naive_days(start, workdays, holidays, 60)
    assert cal.origin == days[0]
    for k, date in enumerate(days):
        assert cal.day(k) == date
        assert cal.offset(date) == k
        assert cal.finish_offset(date) == k + 1
    # A day off maps to the next working day's offset.
    for k in range(len(days) - 1):
        gap = days[k] + dt.timedelta(days=1)
        while gap < days[k + 1]:
            assert cal.offset(gap) == k + 1
            assert cal.finish_offset(gap) == k + 1
            gap += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("es", "ef", "start", "finish"),
    [
        pytest.param(0, 5, MON, dt.date(2026, 3, 6), id="five-days-mon-to-fri"),
        pytest.param(5, 5, dt.date(2026, 3, 9), dt.date(2026, 3, 9), id="event-on-start-date"),
        pytest.param(0, 0.5, MON, MON, id="half-day"),
        pytest.param(1.5, 2.25, dt.date(2026, 3, 3), dt.date(2026, 3, 4), id="fractions"),
        pytest.param(2.9999999999999996, 3.0000000000000004, dt.date(2026, 3, 5), None, id="eps"),
    ],
)
def test_start_and_finish_dates(
    es: float, ef: float, start: dt.date, finish: dt.date | None
) -> None:
    cal = WorkCalendar(MON, WEEK, [])
    assert cal.start_date(es) == start
    assert cal.finish_date(ef, es) == (finish or start)


def test_holidays_and_weekends_are_skipped_and_start_on_a_day_off_moves_to_monday() -> None:
    cal = WorkCalendar(dt.date(2026, 2, 28), WEEK, [dt.date(2026, 3, 3)])  # a Saturday start
    assert cal.origin == MON
    assert [cal.day(k) for k in range(4)] == [
        MON,
        dt.date(2026, 3, 4),
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
    ]
    assert cal.offset(dt.date(2026, 2, 27)) == -1  # the Friday before
    assert cal.day(-1) == dt.date(2026, 2, 27)
    assert cal.span(MON, dt.date(2026, 3, 9)) == 4


def test_plan_calendar_is_read_from_the_plan() -> None:
    from schedule_helpers import plan_of

    plan = plan_of()
    plan.calendar.workdays = ["sat", "sun"]
    assert WorkCalendar.of(plan).origin == dt.date(2026, 3, 7)


@pytest.mark.parametrize(
    "k",
    [pytest.param(10**7, id="huge"), pytest.param(3 * 10**6, id="just-past-9999")],
)
def test_days_beyond_year_9999_raise_a_clear_error(k: int) -> None:
    cal = WorkCalendar(MON, WEEK, [])
    with pytest.raises(CalendarError, match="past the year 9999"):
        cal.day(k)
    with pytest.raises(CalendarError, match="before the year 1"):
        cal.day(-k)
    with pytest.raises(CalendarError):
        cal.finish_date(float("inf"))


def test_far_dates_are_fast_and_exact() -> None:
    cal = WorkCalendar(MON, WEEK, [])
    last = dt.date(9999, 12, 31)  # a Friday
    k = cal.offset(last)
    assert cal.day(k) == last
    assert cal.offset(dt.date(9999, 12, 24)) == k - 5  # the Friday before
