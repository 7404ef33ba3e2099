"""A trend point of an old plan says what a report of that plan on that day would say.

The trend analyses dozens of old plans through a lean path (:func:`tpm.report.data.headline`,
no milestone tables); these tests hold it to the report's own pipeline (``build``) on the
example plan at several status dates, with and without the Monte Carlo P80.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.report.data import build
from tpm.report.snapshot import point_of
from tpm.report.trend import analyse_point


@pytest.mark.parametrize("runs", [0, 200], ids=["no-forecast", "p80"])
@pytest.mark.parametrize("weeks", [-8, -3, 0, 6], ids=lambda w: f"week{w:+d}")
def test_trend_point_equals_the_report_of_that_day(
    example_plan: Path, weeks: int, runs: int
) -> None:
    plan = load_plan(example_plan).plan
    assert plan is not None and plan.program.as_of is not None
    day = plan.program.as_of + dt.timedelta(weeks=weeks)
    keys = tuple(m.id for m in plan.milestones)  # every milestone, done ones too
    report = point_of(build(plan, day, runs=runs or None, with_forecast=runs > 0), keys, "git")
    point = analyse_point(plan, day, keys, runs, "git", "")
    assert (point.rag, point.areas) == (report.rag, report.areas)
    assert (point.finish, point.p80) == (report.finish, report.p80)
    assert point.milestones == report.milestones
    assert (point.p80 is not None) == (runs > 0)
