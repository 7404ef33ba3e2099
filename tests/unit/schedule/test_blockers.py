"""Blockers: blocked and waiting milestones, ranked by finish slip, downstream reach, age."""

from __future__ import annotations

import datetime as dt

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.plan.model import Plan, Team
from tpm.schedule.blockers import blocker_ages, blockers
from tpm.schedule.scheduler import schedule

WED = dt.date(2026, 3, 4)  # offset 2


def _found(plan: Plan, as_of: dt.date = WED, hold: float = 5) -> dict[str, object]:
    sched = schedule(plan, as_of)
    return {b.id: b for b in blockers(plan, sched, as_of, hold_days=hold)}


def test_blocked_milestone_with_reason_age_and_slip() -> None:
    plan = plan_of(
        ms("a", 3, status="blocked", blocked_reason="vendor API down", blocked_since=MONDAY),
        ms("b", 2, "a"),
        ms("c", 1),
    )
    sched = schedule(plan, WED)
    [b] = blockers(plan, sched, WED)
    assert (b.id, b.kind, b.reason) == ("a", "blocked", "vendor API down")
    assert b.age_days == 2 and b.since == MONDAY
    # Critical chain a -> b: stuck 5 more working days moves the finish by 5.
    assert b.critical and b.slip_days == 5
    assert b.downstream == ("b",)


@pytest.mark.parametrize(
    ("hold", "slip"),
    [pytest.param(1, 0, id="float-absorbs-one-day"), pytest.param(5, 2, id="week-costs-two")],
)
def test_slip_is_what_the_hold_costs_after_float(hold: float, slip: float) -> None:
    # The blocked milestone has 3 days of float: the hold costs max(0, hold - 3).
    plan = plan_of(ms("long", 6), ms("x", 3, status="blocked", blocked_reason="r"))
    [b] = blockers(plan, schedule(plan, WED), WED, hold_days=hold)
    assert b.total_float == 3 and not b.critical
    assert b.slip_days == slip


def test_waiting_milestone_due_now_on_an_unfinished_predecessor_of_another_team() -> None:
    plan = plan_of(
        ms("p", 5, status="in_progress", actual_start=MONDAY, team="api"),
        ms("w", 2, "p", team="web", due=dt.date(2026, 3, 5)),
        ms("free", 1, "p", team="web"),
        ms("z", 12),
    )
    plan.teams = [Team(id="api"), Team(id="web")]
    found = _found(plan)
    assert set(found) == {"w"}  # "free" has float left, so it need not start yet
    w = found["w"]
    # p started on Monday with no progress: two days in, it runs two days over its plan.
    assert w.kind == "waiting"  # type: ignore[attr-defined]
    assert w.reason == "waiting on p (running 2 working days over its duration)"  # type: ignore[attr-defined]
    assert w.cross_team  # type: ignore[attr-defined]
    [holder] = w.waiting_on  # type: ignore[attr-defined]
    assert (holder.id, holder.team, holder.status, holder.type) == ("p", "api", "in_progress", "FS")


def test_started_predecessor_does_not_hold_a_start_to_start_successor() -> None:
    plan = plan_of(
        ms("p", 10, status="in_progress", actual_start=MONDAY),
        ms("s", 10, ("p", "SS", 0)),
    )
    assert _found(plan) == {}


def test_ranking_slip_then_downstream_then_age() -> None:
    plan = plan_of(
        ms("old", 1, status="blocked", blocked_reason="r", blocked_since=dt.date(2026, 1, 1)),
        ms("big", 1, status="blocked", blocked_reason="r", blocked_since=MONDAY),
        ms("d1", 1, "big"),
        ms("d2", 1, "big"),
        ms("crit", 3, status="blocked", blocked_reason="r"),
        ms("tail", 10, "crit"),
    )
    sched = schedule(plan, WED)
    order = [b.id for b in blockers(plan, sched, WED)]
    assert order == ["crit", "big", "old"]
    ages = {b.id: b.age_days for b in blockers(plan, sched, WED)}
    assert ages == {"crit": None, "big": 2, "old": 62}


def test_a_blocker_that_costs_nothing_never_outranks_one_that_costs_days() -> None:
    # "due" is blocked with negative float against its own due date, but the program
    # finish does not wait on it: 0 days of slip. "slow" has 1 day of float: stuck 5 more
    # days, it moves the finish by 4. It ranks first even though "due" has negative float.
    plan = plan_of(
        ms("due", 1, status="blocked", blocked_reason="r", due=dt.date(2026, 3, 3)),
        ms("slow", 11, status="blocked", blocked_reason="r"),
        ms("long", 12),
    )
    found = blockers(plan, schedule(plan, WED), WED)
    assert [(b.id, b.slip_days, b.critical) for b in found] == [
        ("slow", 4, False),
        ("due", 0, False),
    ]
    assert found[1].total_float < 0


@pytest.mark.parametrize(
    ("predecessor", "why"),
    [
        pytest.param({}, None, id="on-plan-not-a-blocker"),
        pytest.param({"status": "blocked", "blocked_reason": "vendor"}, "blocked", id="blocked"),
        pytest.param({"due": dt.date(2026, 3, 3)}, "overdue: due 2026-03-03", id="overdue"),
        pytest.param(
            {"due": dt.date(2026, 3, 5)},
            "will miss its due date 2026-03-05",
            id="will-miss-its-due-date",
        ),
        pytest.param(
            {"status": "in_progress", "actual_start": dt.date(2026, 2, 23)},
            "running 7 working days over its duration",
            id="running-over",
        ),
    ],
)
def test_waiting_only_when_the_predecessor_is_off_its_own_plan(
    predecessor: dict[str, object], why: str | None
) -> None:
    # w must start now (its due date leaves it no float) and waits on p (3 days of work).
    plan = plan_of(
        ms("p", 3, **predecessor),  # type: ignore[arg-type]
        ms("w", 2, "p", due=dt.date(2026, 3, 5)),
        start=dt.date(2026, 2, 23),
    )
    found = {b.id: b for b in blockers(plan, schedule(plan, WED), WED)}
    waiting = found.get("w")
    if why is None:
        assert waiting is None
        return
    assert waiting is not None and waiting.kind == "waiting"
    assert waiting.reason == f"waiting on p ({why})"
    assert waiting.waiting_on[0].off_plan == why


def test_a_predecessor_behind_its_baseline_makes_the_wait_abnormal() -> None:
    from tpm.plan.model import Baseline, BaselineEntry

    plan = plan_of(ms("p", 3), ms("w", 2, "p", due=dt.date(2026, 3, 5)))
    on_plan = blockers(plan, schedule(plan, WED), WED)
    assert on_plan == []
    entry = BaselineEntry(id="p", start=MONDAY, finish=MONDAY)
    base = Baseline(name="b", recorded=MONDAY, finish=MONDAY, milestones=[entry])
    late = plan.model_copy(update={"baselines": [base]})
    [w] = blockers(late, schedule(late, WED), WED)
    assert w.reason.startswith("waiting on p (") and "behind its baseline" in w.reason


def test_a_fresh_starter_plan_has_no_blocker() -> None:
    from tpm.commands.init import starter_plan

    plan = starter_plan("demo", MONDAY)
    assert blockers(plan, schedule(plan, MONDAY), MONDAY) == []


def test_nothing_blocked_gives_an_empty_list() -> None:
    plan = plan_of(ms("a", 1), ms("b", 1, "a"))
    assert blockers(plan, schedule(plan, MONDAY), MONDAY) == []


def test_teams_held_are_the_teams_downstream_and_done_work_is_not_held() -> None:
    plan = plan_of(
        ms("x", 2, status="blocked", blocked_reason="r", team="a"),
        ms("y", 1, "x", team="b"),
        ms("z", 1, "y", team="c"),
    )
    [b] = blockers(plan, schedule(plan, WED), WED)
    assert b.downstream == ("y", "z") and b.teams_held == ("b", "c")


@pytest.mark.parametrize("seed", range(5))
def test_downstream_equals_networkx_descendants_that_are_not_done(seed: int) -> None:
    import random

    import networkx as nx

    from tpm.schedule.graph import build_graph, to_networkx

    rng = random.Random(seed)
    items = []
    for k in range(40):
        preds = sorted({f"m{rng.randrange(k)}" for _ in range(rng.randint(0, 3))} if k else set())
        extra: dict[str, object] = {"status": "blocked", "blocked_reason": "r"}
        if rng.random() < 0.2:
            extra = {"status": "done"}
        items.append(ms(f"m{k}", 1, *preds, **extra))
    plan = plan_of(*items)
    graph = build_graph(plan)
    g = to_networkx(graph)
    done = {m.id for m in items if m.status == "done"}
    found = blockers(plan, schedule(plan, WED), WED)
    assert {b.id for b in found} == {m.id for m in items} - done
    for b in found:
        assert set(b.downstream) == nx.descendants(g, b.id) - done
        assert list(b.downstream) == sorted(b.downstream, key=graph.index.__getitem__)


def test_json_lists_the_first_fifty_held_up_milestones_and_counts_them_all() -> None:
    from tpm.render.json_out import blockers_data

    chain = [ms("a", 1, status="blocked", blocked_reason="vendor")]
    chain += [ms(f"n{i:02}", 1, "a" if i == 0 else f"n{i - 1:02}") for i in range(60)]
    plan = plan_of(*chain)
    sched = schedule(plan, WED)
    [row] = blockers_data(sched, blockers(plan, sched, WED))["blockers"]
    assert row["downstream_count"] == 60
    assert row["downstream"] == [f"n{i:02}" for i in range(50)]
    assert row["downstream_capped"] is True


def test_blocker_ages_are_the_blockers_the_status_rules_read() -> None:
    # The trend's lean path: the same blocked and waiting milestones, flags and ages.
    plan = plan_of(
        ms("p", 5, status="in_progress", actual_start=MONDAY),
        ms("w", 2, "p", due=dt.date(2026, 3, 5)),
        ms("b", 3, status="blocked", blocked_reason="vendor", blocked_since=MONDAY),
        ms("z", 12),
    )
    sched = schedule(plan, WED)
    full = sorted((b.id, b.critical, b.age_days) for b in blockers(plan, sched, WED))
    assert {i for i, _c, _a in full} == {"w", "b"}
    assert sorted(blocker_ages(plan, sched, WED)) == full
