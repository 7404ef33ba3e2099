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
    assert (e.origin, e.origin_id) == ("done predecessor", "d")
    assert [s.id for s in e.chain] == ["d", "s"]
    assert explain(plan, sched, "p").origin == "actual start"


def test_unknown_or_cancelled_ids_are_not_scheduled() -> None:
    plan = plan_of(ms("a", 1), ms("x", 1, status="cancelled"))
    sched = schedule(plan, MONDAY)
    for ident in ("nope", "x"):
        with pytest.raises(NotScheduled):
            explain(plan, sched, ident)


def _why_text(plan, as_of: dt.date, ident: str) -> str:  # type: ignore[no-untyped-def]
    from tpm.render.text.schedule import render_why

    return render_why(explain(plan, schedule(plan, as_of), ident))


def test_a_done_predecessor_with_no_lag_promises_no_gain() -> None:
    # d finished on Wednesday, after the status date (Tuesday): s waits for it through a
    # link with no lag. Nothing on that link can move, so why promises no gain.
    wed = dt.date(2026, 3, 4)
    plan = plan_of(
        ms("d", 3, status="done", actual_start=MONDAY, actual_finish=wed),
        ms("s", 2, "d"),
    )
    e = explain(plan, schedule(plan, dt.date(2026, 3, 3)), "s")
    assert e.pull_in is not None
    assert e.pull_in.stuck == ("d",) and e.pull_in.gain_days == 0
    assert e.pull_in.finish_gain_days == 0
    text = _why_text(plan, dt.date(2026, 3, 3), "s")
    assert "d is done and the link has no lag" in text
    assert "earlier" not in text and "comes in by" not in text
    assert "Driving chain, from d, which is done:" in text


def test_a_done_predecessor_with_a_lag_offers_only_the_lag() -> None:
    wed = dt.date(2026, 3, 4)
    plan = plan_of(
        ms("d", 3, status="done", actual_start=MONDAY, actual_finish=wed),
        ms("s", 2, ("d", "FS", 2)),
    )
    e = explain(plan, schedule(plan, dt.date(2026, 3, 3)), "s")
    assert e.pull_in is not None
    [move] = e.pull_in.moves
    assert move.action == "shorten the lag"
    # s starts on day 3 + lag 2 = 5 and the status date is day 1, but only the lag can go:
    # it gains 2 days, not 4.
    assert e.pull_in.gain_days == 2 and e.pull_in.then_driven_by == "d"
    text = _why_text(plan, dt.date(2026, 3, 3), "s")
    assert "To pull it in, shorten the lag (d -> s, FS +2; d is done)." in text
    assert "finish d sooner" not in text
    assert "It can start up to 2 working days earlier; then d holds it." in text


@pytest.mark.parametrize(
    ("extra", "finish_gain"),
    [
        pytest.param({}, 3, id="critical-finish-comes-in"),
        pytest.param({"long": 20}, 0, id="off-the-path-finish-does-not-move"),
    ],
)
def test_the_finish_gain_is_what_the_program_finish_really_gains(
    extra: dict[str, int], finish_gain: float
) -> None:
    items = [ms("a", 5), ms("b", 2), ms("s", 4, "a", "b")]
    items += [ms(k, v) for k, v in extra.items()]
    plan = plan_of(*items)
    e = explain(plan, schedule(plan, MONDAY), "s")
    assert e.pull_in is not None and e.pull_in.gain_days == 3
    assert e.pull_in.finish_gain_days == finish_gain
    text = _why_text(plan, MONDAY, "s")
    if finish_gain:
        assert "The program finish then comes in by up to 3 working days." in text
    else:
        assert "The program finish does not move: it is not on the critical path." in text


def test_started_work_is_said_to_resume_not_to_start() -> None:
    # As of Wednesday 4 March, b (4 d, half done, started Monday) waits for a (5 d, not
    # started) under retained logic: its remaining work resumes after a, on day 8.
    wed = dt.date(2026, 3, 4)
    plan = plan_of(
        ms("a", 5),
        ms("b", 4, "a", status="in_progress", actual_start=MONDAY, percent_complete=50),
    )
    text = _why_text(plan, wed, "b")
    assert "in_progress, started 2026-03-02, finishes" in text
    assert "It has started; these links hold its remaining work." in text
    assert "Its remaining work can resume up to 5 working days earlier" in text
    assert "can start" not in text and "starts 2026" not in text
    alone = _why_text(plan_of(ms("p", 4, status="in_progress", actual_start=MONDAY)), wed, "p")
    assert "no link holds its remaining work" in alone and "starts 2026" not in alone


def test_a_start_that_happened_cannot_come_sooner() -> None:
    # s waits 3 days after p's actual start (SS +3): p cannot start sooner, only the lag
    # can shorten, and the status date (day 2) is 1 day before s's start (day 3).
    wed = dt.date(2026, 3, 4)
    plan = plan_of(
        ms("p", 5, status="in_progress", actual_start=MONDAY),
        ms("s", 2, ("p", "SS", 3)),
    )
    e = explain(plan, schedule(plan, wed), "s")
    assert e.pull_in is not None
    [move] = e.pull_in.moves
    assert (move.action, move.fixed) == ("shorten the lag", "started")
    assert e.pull_in.gain_days == 1
    text = _why_text(plan, wed, "s")
    assert "start p sooner" not in text
    assert "shorten the lag (p -> s, SS +3; p has started)" in text


def test_an_event_after_the_last_work_brings_the_finish_in_with_that_work() -> None:
    """`tpm why program-complete`: the closing event sits on the finish of the work it follows.
    Finishing that work sooner brings the event and the program finish in together; the
    advice must not say the finish stays because that same work "finishes just as late"."""
    plan = plan_of(ms("a", 5), ms("b", 4, "a"), ms("other", 6), ms("done", 0, "b", "other"))
    e = explain(plan, schedule(plan, MONDAY), "done")
    assert e.pull_in is not None
    assert e.pull_in.gain_days == 3 and e.pull_in.then_driven_by == "other"
    assert e.pull_in.finish_gain_days == 3
    text = _why_text(plan, MONDAY, "done")
    assert "The program finish then comes in by up to 3 working days." in text
