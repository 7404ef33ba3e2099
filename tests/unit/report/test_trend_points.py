"""A trend point of an old plan says what a report of that plan on that day would say.

The trend analyses dozens of old plans through a lean path (:func:`tpm.report.data.headline`,
no milestone tables); these tests hold it to the report's own pipeline (``build``) on the
example plan at several status dates, with and without the Monte Carlo P80. Git points get a
smaller Monte Carlo than today's: the output says how many runs each.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.render.text.trend import p80_note, render_trend_text
from tpm.report.data import build
from tpm.report.snapshot import Point, point_of
from tpm.report.trend import Trend, analyse_point

START = dt.date(2026, 1, 5)


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


def _point(day: int, source: str, runs: int | None, p80: bool) -> Point:
    date = START + dt.timedelta(weeks=day)
    return Point(date, source, "green", finish=date, p80=date if p80 else None, runs=runs)


def test_the_trend_states_how_each_p80_was_computed() -> None:
    points = [
        _point(0, "snapshot", None, True),
        *(_point(k, "git", 0, False) for k in (1, 2, 3)),
        *(_point(k, "git", 200, True) for k in (4, 5)),
        _point(6, "now", 2000, True),
    ]
    trend = Trend.of(points, (), None, START)
    note = p80_note(trend)
    assert note == (
        "P80: Monte Carlo, seed 0; today 2,000 runs; 2 newest git points 200 runs each; "
        "3 older git points not forecast (—); snapshots as recorded."
    )
    assert [p["p80_runs"] for p in trend.to_json()["points"]] == [None, 0, 0, 0, 200, 200, 2000]
    assert note in render_trend_text(trend, "P").splitlines()
    no_p80 = Trend.of([_point(0, "git", 0, False), _point(1, "now", 0, False)], (), None, START)
    assert p80_note(no_p80) is None and "P80" not in render_trend_text(no_p80, "P")
