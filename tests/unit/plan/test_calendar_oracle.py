"""The working-day calendar agrees with numpy's business-day arithmetic (busday_offset/count)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import WEEKDAYS

START = dt.date(2026, 1, 5)
DATES = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))
WEEKDAY_SETS = st.sets(st.sampled_from(WEEKDAYS), min_size=1)


def _mask(workdays: set[str]) -> list[int]:
    return [1 if day in workdays else 0 for day in WEEKDAYS]


@settings(max_examples=200)
@given(WEEKDAY_SETS, st.lists(DATES, max_size=25), st.integers(-600, 600))
def test_working_day_k_is_numpys_business_day_k(
    workdays: set[str], holidays: list[dt.date], k: int
) -> None:
    cal = WorkCalendar(START, workdays, holidays)
    mask, days = _mask(workdays), np.array(holidays, dtype="datetime64[D]")
    origin = np.busday_offset(START, 0, roll="forward", weekmask=mask, holidays=days)
    assert cal.origin == origin.astype(dt.date)
    expected = np.busday_offset(origin, k, roll="forward", weekmask=mask, holidays=days)
    assert cal.day(k) == expected.astype(dt.date)


@settings(max_examples=200)
@given(WEEKDAY_SETS, st.lists(DATES, max_size=25), DATES)
def test_offset_of_a_date_is_numpys_business_day_count(
    workdays: set[str], holidays: list[dt.date], date: dt.date
) -> None:
    cal = WorkCalendar(START, workdays, holidays)
    mask, days = _mask(workdays), np.array(holidays, dtype="datetime64[D]")
    origin = np.datetime64(cal.origin, "D")
    # Working days in [origin, date), negative for the days in [date, origin) when earlier
    # (numpy counts (date, origin] for a reversed range, so it is asked the forward way).
    if date >= cal.origin:
        expected = int(np.busday_count(origin, date, weekmask=mask, holidays=days))
    else:
        expected = -int(np.busday_count(date, origin, weekmask=mask, holidays=days))
    assert cal.offset(date) == expected
    assert cal.is_workday(date) == bool(np.is_busday(date, weekmask=mask, holidays=days))
