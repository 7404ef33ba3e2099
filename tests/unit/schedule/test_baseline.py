"""Baselines: recording forecast dates, replacing by name, and the variance they give."""

from __future__ import annotations

import datetime as dt

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.schedule.baseline import BaselineExists, record_baseline
from tpm.schedule.scheduler import schedule


def test_record_then_variance_after_a_slip() -> None:
    plan = plan_of(ms("a", 5), ms("b", 2, "a"), ms("x", 1, status="cancelled"))
    recorded = record_baseline(plan, schedule(plan, MONDAY), "kickoff", MONDAY)
    [base] = recorded.baselines
    assert (base.name, base.recorded, base.finish) == ("kickoff", MONDAY, dt.date(2026, 3, 10))
    assert [(e.id, e.start, e.finish) for e in base.milestones] == [
        ("a", MONDAY, dt.date(2026, 3, 6)),
        ("b", dt.date(2026, 3, 9), dt.date(2026, 3, 10)),
    ]
    assert plan.baselines == []  # the input plan is not changed
    slipped = recorded.model_copy(deep=True)
    slipped.milestones[0].duration = 8
    sched = schedule(slipped, MONDAY)
    assert sched.baseline is not None and sched.baseline.variance_days == 3
    assert sched.milestone("a").variance_days == 3 and sched.milestone("b").variance_days == 3
    # the light accessor blockers use gives the same finish and variance, with or without
    # the full rows computed
    fresh = schedule(slipped, MONDAY)
    assert fresh.finish_and_variance("b") == (dt.date(2026, 3, 13), 3)
    assert fresh.finish_and_variance("a") == (sched.milestone("a").finish, 3)
    assert sched.finish_and_variance("b") == (dt.date(2026, 3, 13), 3)


def test_same_name_needs_replace_and_replaces_in_place() -> None:
    plan = plan_of(ms("a", 5))
    one = record_baseline(plan, schedule(plan, MONDAY), "q1", MONDAY)
    two = record_baseline(one, schedule(one, MONDAY), "q2", MONDAY)
    with pytest.raises(BaselineExists):
        record_baseline(two, schedule(two, MONDAY), "q1", MONDAY)
    later = dt.date(2026, 3, 4)
    three = record_baseline(two, schedule(two, later), "q1", later, replace=True)
    assert [b.name for b in three.baselines] == ["q1", "q2"]
    assert three.baselines[0].recorded == later
    assert three.baselines[0].finish == dt.date(2026, 3, 10)
