"""tpm why: the driving chain back to its origin, ties, and the link to move."""

from __future__ import annotations

import datetime as dt

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.schedule.scheduler import schedule
from tpm.schedule.why import NotScheduled, explain


def test_chain_follows_driving_links_back_to_the_program_start() -> None:
    plan = plan_of(ms("a", 2), ms("b", 3, ("a", "FS", 1)), ms("c", 1), ms("d", 1, "b", "c"))
    e = explain(plan, schedule(plan, MONDAY), "d")
    assert [s.id for s in e.chain] == ["a", "b", "d"]
    assert [(s.link_type, s.lag) for s in e.chain] == [(None, None), ("FS", 1), ("FS", 0)]
    assert [s.total_float for s in e.chain] == [0, 0, 0]
    assert e.origin == "program start" and e.critical
    assert e.pull_in is not None
    assert e.pull_in.links == (("b", "FS", 0),)
    # d starts at 6; without b it could start after c, at 1: it gains up to 5 days.
    assert e.pull_in.gain_days == 5 and e.pull_in.then_driven_by == "c"


def test_ties_are_reported_and_every_tied_link_must_move() -> None:
    plan = plan_of(ms("a", 2), ms("b", 2), ms("c", 1, "a", "b"))
    e = explain(plan, schedule(plan, MONDAY), "c")
    assert [s.id for s in e.chain] == ["a", "c"]
    assert e.chain[-1].tied_with == ("b",)
    assert e.pull_in is not None
    assert [p for p, _t, _l in e.pull_in.links] == ["a", "b"]
    assert e.pull_in.then_driven_by == "program start" and e.pull_in.gain_days == 2


@pytest.mark.parametrize(
    ("as_of", "origin"),
    [
        pytest.param(dt.date(2026, 3, 4), "status date", id="not-started-waits-for-as-of"),
        pytest.param(MONDAY, "program start", id="starts-at-program-start"),
    ],
)
def test_origin_without_links(as_of: dt.date, origin: str) -> None:
    plan = plan_of(ms("a", 2))
    e = explain(plan, schedule(plan, as_of), "a")
    assert e.origin == origin and e.pull_in is None and len(e.chain) == 1


def test_chain_stops_at_a_done_predecessor_and_at_an_actual_start() -> None:
    plan = plan_of(
        ms("d", 2, status="done", actual_start=MONDAY, actual_finish=dt.date(2026, 3, 3)),
        ms("s", 3, "d"),
        ms("p", 4, status="in_progress", actual_start=MONDAY),
    )
    sched = schedule(plan, dt.date(2026, 3, 3))
    e = explain(plan, sched, "s")
    assert e.origin == "after d (done)" and [s.id for s in e.chain] == ["d", "s"]
    assert explain(plan, sched, "p").origin == "actual start"


def test_unknown_or_cancelled_ids_are_not_scheduled() -> None:
    plan = plan_of(ms("a", 1), ms("x", 1, status="cancelled"))
    sched = schedule(plan, MONDAY)
    for ident in ("nope", "x"):
        with pytest.raises(NotScheduled):
            explain(plan, sched, ident)
