"""The scheduling conventions tpm shares with MS Project, P6 and TaskJuggler, one by one.

See docs/explanation/scheduling-model.md for each rule and the tools that share it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.schedule_helpers import MONDAY, ms, plan_of
from tpm.forecast.run import forecast
from tpm.plan.model import Plan
from tpm.plan.storage import dumps
from tpm.schedule.scheduler import schedule

FRIDAY = dt.date(2026, 3, 6)
NEXT_MONDAY = dt.date(2026, 3, 9)


def day(n: int) -> dt.date:
    """The n-th working day (0-based) of the Mon-Fri plans below."""
    weeks, rest = divmod(n, 5)
    return MONDAY + dt.timedelta(days=7 * weeks + rest)


# ---------------------------------------------------------------- 1. events


@pytest.mark.parametrize(
    ("plan", "event", "date"),
    [
        pytest.param(plan_of(ms("a", 5), ms("e", 0, "a")), "e", FRIDAY, id="after-a-finish"),
        pytest.param(
            plan_of(ms("a", 5), ms("e", 0, ("a", "FF", 0))), "e", FRIDAY, id="finish-to-finish"
        ),
        pytest.param(
            plan_of(ms("a", 5), ms("e", 0, ("a", "FS", 2))), "e", day(6), id="lag-ends-a-day"
        ),
        pytest.param(plan_of(ms("e", 0)), "e", MONDAY, id="at-the-program-start"),
        pytest.param(
            plan_of(ms("a", 5), ms("b", 2, "a"), ms("e", 0, ("b", "SS", 0))),
            "e",
            NEXT_MONDAY,
            id="driven-by-a-start",
        ),
        pytest.param(
            plan_of(ms("a", 5), ms("b", 2, "a"), ms("e", 0, "a", ("b", "SS", 0))),
            "e",
            NEXT_MONDAY,
            id="tie-the-start-of-the-day-is-later",
        ),
        pytest.param(
            plan_of(ms("a", 5), ms("e1", 0, "a"), ms("e2", 0, "e1")),
            "e2",
            FRIDAY,
            id="event-after-event",
        ),
        pytest.param(
            plan_of(ms("a", 2.5), ms("e", 0, "a")), "e", day(2), id="fraction-inside-a-day"
        ),
    ],
)
def test_an_event_is_dated_on_the_day_of_the_instant_it_sits_at(
    plan: Plan, event: str, date: dt.date
) -> None:
    sched = schedule(plan, MONDAY)
    e = sched.milestone(event)
    assert (e.start, e.finish) == (date, date)


def test_an_event_due_on_the_friday_its_work_ends_is_on_time_everywhere() -> None:
    plan = plan_of(ms("a", 5), ms("e", 0, "a", due=FRIDAY), target=FRIDAY)
    sched = schedule(plan, MONDAY)
    e = sched.milestone("e")
    assert (sched.finish, sched.margin_days) == (FRIDAY, 0)
    assert (e.finish, e.total_float) == (FRIDAY, 0)
    fc = forecast(plan, MONDAY, runs=20)
    assert fc.on_target == 1.0
    assert fc.finish.p95 == FRIDAY
    (fe,) = (m for m in fc.milestones if m.id == "e")
    assert fe.on_time == 1.0


def test_the_program_finish_is_the_last_finish_instant_and_the_margin_counts_from_it() -> None:
    plan = plan_of(ms("a", 5), ms("b", 3), ms("done", 0, "a", "b"), target=dt.date(2026, 3, 12))
    sched = schedule(plan, MONDAY)
    assert (sched.finish, sched.finish_offset, sched.margin_days) == (FRIDAY, 5, 4)


def test_an_event_at_the_start_of_a_day_after_the_target_reads_late() -> None:
    # Open at the status date (Monday), while the target was the Friday before.
    a = ms("a", 5, status="done", actual_start=MONDAY, actual_finish=FRIDAY)
    plan = plan_of(a, ms("e", 0, "a"), target=FRIDAY)
    sched = schedule(plan, NEXT_MONDAY)
    assert sched.finish == NEXT_MONDAY
    assert sched.margin_days == -1


# ---------------------------------------------------------------- 2. progress on events


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            plan_of(ms("a", 5), ms("e", 0, "a"), ms("b", 2, "e")),
            plan_of(
                ms("a", 5, status="done", actual_start=MONDAY, actual_finish=FRIDAY),
                ms("e", 0, "a", status="done", actual_finish=FRIDAY),
                ms("b", 2, "e"),
            ),
            id="event-after-work",
        ),
        pytest.param(
            plan_of(ms("kickoff", 0), ms("b", 2, "kickoff")),
            plan_of(ms("kickoff", 0, status="done", actual_finish=MONDAY), ms("b", 2, "kickoff")),
            id="kickoff-at-the-program-start",
        ),
        pytest.param(
            plan_of(ms("a", 3), ms("e", 0, ("a", "SS", 0)), ms("b", 1, "e")),
            plan_of(
                ms("a", 3, status="in_progress", actual_start=MONDAY),
                ms("e", 0, ("a", "SS", 0), status="done", actual_finish=MONDAY),
                ms("b", 1, "e"),
            ),
            id="event-on-a-start",
        ),
    ],
)
def test_recording_an_event_done_on_its_scheduled_day_moves_nothing(
    before: Plan, after: Plan
) -> None:
    old, new = schedule(before, MONDAY), schedule(after, MONDAY)
    assert {i: (m.start, m.finish) for i, m in new.milestones.items()} == {
        i: (m.start, m.finish) for i, m in old.milestones.items()
    }
    assert new.finish == old.finish


# ---------------------------------------------------------------- 3. done work


def test_done_work_shows_its_recorded_dates_even_on_a_day_off() -> None:
    saturday = dt.date(2026, 3, 7)
    plan = plan_of(
        ms("a", 5, status="done", actual_start=MONDAY, actual_finish=saturday),
        ms("e", 0, "a", status="done", actual_finish=saturday),
        ms("b", 2, "e"),
    )
    sched = schedule(plan, dt.date(2026, 3, 10))
    assert (sched.milestone("a").start, sched.milestone("a").finish) == (MONDAY, saturday)
    assert sched.milestone("e").finish == saturday
    assert sched.milestone("b").start == dt.date(2026, 3, 10)  # the status date


def test_done_with_only_actual_finish_starts_its_duration_before() -> None:
    plan = plan_of(ms("a", 3, status="done", actual_finish=FRIDAY), ms("b", 1, "a"))
    a = schedule(plan, NEXT_MONDAY).milestone("a")
    assert (a.early_start, a.early_finish, a.start, a.finish) == (2, 5, day(2), FRIDAY)


def test_a_missed_due_date_on_done_work_is_history() -> None:
    # b finished late against its due date; a, still open, is not made late by it.
    plan = plan_of(
        ms("a", 2),
        ms("b", 1, "a", status="done", actual_finish=FRIDAY, due=MONDAY),
        ms("c", 3, "a"),
    )
    sched = schedule(plan, MONDAY)
    assert sched.milestone("a").total_float >= 0
    assert "a" not in sched.critical or sched.milestone("a").total_float == 0


def test_done_milestones_show_no_float(run_cli: Any, tmp_path: Path) -> None:
    plan = plan_of(
        ms("a", 5, status="done", actual_start=MONDAY, actual_finish=FRIDAY, due=MONDAY),
        ms("b", 2, "a"),
    )
    path = tmp_path / "p.toml"
    path.write_text(dumps(plan), encoding="utf-8")
    _code, out, _err = run_cli("schedule", path, "--json", "--as-of", "2026-03-09")
    rows = {m["id"]: m for m in json.loads(out)["milestones"]}
    assert (rows["a"]["total_float"], rows["a"]["free_float"]) == (None, None)
    assert rows["b"]["total_float"] == 0
    _code, out, _err = run_cli("schedule", path, "--as-of", "2026-03-09")
    (line,) = [x for x in out.splitlines() if x.startswith("a ")]
    assert "-" not in line.split("2026-03-06", 1)[1]  # no negative float after the dates


# ---------------------------------------------------------------- 5. cancelled milestones


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        pytest.param(("FS", "FS"), (7, 9), id="fs-fs-is-fs"),
        pytest.param(("SS", "FS"), (2, 4), id="ss-fs-is-ss"),
        pytest.param(("FS", "FF"), (5, 7), id="fs-ff-is-ff"),
        pytest.param(("SS", "SF"), (0, 2), id="ss-sf-is-sf"),
    ],
)
def test_a_cancelled_milestone_dissolves_and_its_predecessors_drive_its_successors(
    links: tuple[str, str], expected: tuple[float, float]
) -> None:
    into, out = links
    plan = plan_of(
        ms("a", 5),
        ms("x", 4, ("a", into, 1), status="cancelled"),
        ms("s", 2, ("x", out, 1)),
    )
    s = schedule(plan, MONDAY).milestone("s")
    assert (s.early_start, s.early_finish) == expected


def test_a_chain_of_cancelled_milestones_dissolves_and_the_forecast_agrees() -> None:
    plan = plan_of(
        ms("a", 5),
        ms("x", 4, "a", status="cancelled"),
        ms("y", 1, "x", status="cancelled"),
        ms("s", 2, ("y", "FS", 2)),
    )
    sched = schedule(plan, MONDAY)
    assert sched.milestone("s").early_start == 7
    assert forecast(plan, MONDAY, runs=5).finish.p50 == sched.finish


# ---------------------------------------------------------------- 4. actuals after the status date


@pytest.mark.parametrize(
    ("plan", "path", "finish"),
    [
        pytest.param(
            plan_of(
                ms("a", 2),
                ms("b", 3, "a"),
                ms("c", 1, status="done", actual_start=MONDAY, actual_finish=dt.date(2026, 3, 20)),
            ),
            ("a", "b"),
            FRIDAY,
            id="done-after-the-status-date",
        ),
        pytest.param(
            plan_of(
                ms("c", 1, status="done", actual_start=MONDAY, actual_finish=MONDAY), ms("e", 0)
            ),
            ("e",),
            MONDAY,
            id="done-at-the-end-of-the-status-day",
        ),
    ],
)
def test_done_work_finishing_after_open_work_never_empties_the_critical_path(
    plan: Plan, path: tuple[str, ...], finish: dt.date
) -> None:
    sched = schedule(plan, MONDAY)
    assert sched.critical_path == path
    assert sched.finish == finish  # the finish of the remaining work; done work is history
    assert all(sched.milestone(i).total_float == 0 for i in path)
    assert forecast(plan, MONDAY, runs=5).finish.p95 == finish


def test_check_warns_about_actual_dates_after_the_status_date_and_out_of_sequence_work(
    run_cli: Any, tmp_path: Path
) -> None:
    plan = plan_of(
        ms("a", 5),
        ms("b", 2, "a", status="in_progress", actual_start=MONDAY),
        ms("c", 1, status="done", actual_start=MONDAY, actual_finish=dt.date(2026, 3, 20)),
    )
    path = tmp_path / "p.toml"
    path.write_text(dumps(plan), encoding="utf-8")
    code, out, _err = run_cli("check", path, "--json", "--as-of", "2026-03-04")
    assert code == 0
    found = {(w["code"], w["item"], w["field"]) for w in json.loads(out)["warnings"]}
    assert ("actual-after-status-date", "milestone c", "actual_finish") in found
    assert ("out-of-sequence", "milestone b", "depends_on") in found
    assert all(w["line"] for w in json.loads(out)["warnings"])


# ---------------------------------------------------------------- 6. out-of-sequence progress

WEDNESDAY = dt.date(2026, 3, 4)  # offset 2


def _out_of_sequence(logic: str | None) -> Plan:
    """b started Monday before its FS predecessor a (5 d, not started) even began."""
    plan = plan_of(
        ms("a", 5),
        ms("b", 4, "a", status="in_progress", actual_start=MONDAY, percent_complete=50),
    )
    if logic is not None:
        plan.settings.progress_logic = logic  # type: ignore[assignment]
    return plan


@pytest.mark.parametrize(
    ("logic", "finish", "path"),
    [
        # a runs Wed-Tue (offsets 2-7); b's remaining 2 days wait for it: offsets 7-9.
        pytest.param(None, 9, ("a", "b"), id="retained-by-default"),
        pytest.param("retained", 9, ("a", "b"), id="retained"),
        # progress override: b's remaining 2 days run from the status date.
        pytest.param("override", 4, ("a",), id="override"),
    ],
)
def test_out_of_sequence_work_follows_the_progress_logic_setting(
    logic: str | None, finish: float, path: tuple[str, ...]
) -> None:
    plan = _out_of_sequence(logic)
    sched = schedule(plan, WEDNESDAY)
    b = sched.milestone("b")
    assert b.start == MONDAY  # the actual start stays
    assert b.early_finish == finish
    assert sched.critical_path == path
    # The forecast follows the same rule: no uncertainty gives exactly the same dates.
    assert forecast(plan, WEDNESDAY, runs=5).finish.p95 == sched.finish


def test_check_warns_about_out_of_sequence_work_naming_the_rule_it_applies(
    run_cli: Any, tmp_path: Path
) -> None:
    for logic, words in (("retained", "waits for"), ("override", "no longer waits")):
        path = tmp_path / f"{logic}.toml"
        path.write_text(dumps(_out_of_sequence(logic)), encoding="utf-8")
        code, out, _err = run_cli("check", path, "--json", "--as-of", "2026-03-04")
        assert code == 0
        (found,) = [w for w in json.loads(out)["warnings"] if w["code"] == "out-of-sequence"]
        assert found["item"] == "milestone b" and found["line"]
        assert words in found["hint"] and logic in found["hint"]


# ---------------------------------------------------------------- 7. finish links into started work


@pytest.mark.parametrize("logic", ["retained", "override"])
@pytest.mark.parametrize(
    ("link", "finish", "critical"),
    [
        # b (4 d, half done) cannot finish before a (Wed-Tue, EF 7) finishes, plus the lag.
        pytest.param(("a", "FF", 0), 7, True, id="FF"),
        pytest.param(("a", "FF", 1), 8, True, id="FF-lag"),
        # nor before a starts (ES 2) plus the lag.
        pytest.param(("a", "SF", 3), 5, False, id="SF"),
    ],
)
def test_finish_links_into_started_work_hold_its_remaining_work(
    logic: str, link: tuple[str, str, float], finish: float, critical: bool
) -> None:
    plan = plan_of(
        ms("a", 5),
        ms("b", 4, link, status="in_progress", actual_start=MONDAY, percent_complete=50),
    )
    plan.settings.progress_logic = logic  # type: ignore[assignment]
    sched = schedule(plan, WEDNESDAY)
    assert sched.milestone("b").early_finish == finish
    assert ("b" in sched.critical_path) == critical
    assert forecast(plan, WEDNESDAY, runs=5).finish.p95 == sched.finish


def test_a_finish_link_into_started_work_without_an_actual_start_holds_its_finish() -> None:
    # b is in progress (75 %) with no recorded start: 1 day remains, and b cannot finish
    # before a does (offset 5).
    plan = plan_of(
        ms("a", 5), ms("b", 4, ("a", "FF", 0), status="in_progress", percent_complete=75)
    )
    sched = schedule(plan, MONDAY)
    assert sched.milestone("b").early_finish == 5
    assert forecast(plan, MONDAY, runs=5).finish.p95 == sched.finish


def test_a_start_that_has_happened_limits_no_float() -> None:
    # a started Monday (10 d, 10 % done: 9 d remain from Wednesday, EF 11); b (15 d) starts
    # a day after a's start. a's start cannot slip any more, so only the program finish
    # (c, EF 22) limits a: float 11, not the 6 its SS link to b would give.
    plan = plan_of(
        ms("a", 10, status="in_progress", actual_start=MONDAY, percent_complete=10),
        ms("b", 15, ("a", "SS", 1)),
        ms("c", 20),
    )
    sched = schedule(plan, WEDNESDAY)
    assert sched.milestone("a").early_finish == 11
    assert sched.milestone("a").total_float == 11
    assert sched.milestone("a").free_float == 11


# ---------------------------------------------------------------- 9. exact arithmetic


def test_fractional_durations_do_not_drift() -> None:
    # 13,530 steps of 0.3 days are exactly 4,059 working days: the last ends on day 4,058.
    n = 13_530
    plan = plan_of(ms("m0", 0.3), *(ms(f"m{i}", 0.3, f"m{i - 1}") for i in range(1, n)))
    sched = schedule(plan, MONDAY)
    assert sched.milestone(f"m{n - 1}").early_finish == 4059
    assert sched.finish == sched.calendar.day(4058)
    assert forecast(plan, MONDAY, runs=2).finish.p95 == sched.finish


def test_tied_paths_stay_exactly_tied() -> None:
    # Ten steps of 0.1 days tie with one day: both chains are critical with float exactly 0.
    tenths = [ms(f"a{i}", 0.1, *([f"a{i - 1}"] if i else [])) for i in range(10)]
    plan = plan_of(*tenths, ms("b", 1), ms("e", 0, "a9", "b"), ms("late", 0.3, "a6"))
    sched = schedule(plan, MONDAY)
    assert sched.milestone("a0").total_float == 0 and sched.milestone("b").total_float == 0
    assert {p[0] for p in sched.critical_paths} == {"a0", "b"}
    assert sched.milestone("late").total_float == 0  # a6 ends at 0.7: 0.3 more ties too
