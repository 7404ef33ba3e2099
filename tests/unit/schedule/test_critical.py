"""One meaning for critical: on a chain of driving links to the program finish.

A milestone whose float is negative only because it misses its own due date is late, not
critical; near-critical milestones have float 0 to near_critical_days and are off the path.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.render.text.schedule import render_schedule
from tpm.schedule.scheduler import schedule

FRIDAY = dt.date(2026, 3, 6)


def _late_side_branch():  # type: ignore[no-untyped-def]
    # a -> b -> end is the longest chain (15 days); side (3 days) is due on Monday of day 1,
    # so it misses its own due date by two days but the program finish does not wait on it.
    return plan_of(
        ms("a", 5),
        ms("b", 10, "a"),
        ms("side", 3, due=dt.date(2026, 3, 2)),
        ms("end", 0, "b", "side"),
    )


def test_a_milestone_late_only_against_its_own_due_date_is_late_not_critical() -> None:
    sched = schedule(_late_side_branch(), MONDAY)
    side = sched.milestone("side")
    assert side.total_float < 0
    assert not side.critical and "side" not in sched.critical
    assert "side" in sched.late and "side" not in sched.near_critical
    assert sched.critical == {"a", "b", "end"} == set(sched.critical_path)
    text = render_schedule(sched)
    row = next(line for line in text.splitlines() if line.startswith("side "))
    assert row.rstrip().endswith(" late") and "critical" not in row
    assert "late (negative float: a due date is missed): side" in text


def test_near_critical_is_off_the_path_with_float_from_zero_to_the_setting() -> None:
    plan = plan_of(ms("a", 10), ms("b", 7), ms("c", 2), ms("d", 3, due=FRIDAY))
    sched = schedule(plan, MONDAY)
    # b has 3 days of float, c 8 (more than 5), d 2 against its due date.
    assert sched.critical == {"a"}
    assert sched.near_critical == {"b", "d"}
    assert sched.late == frozenset()


def _random_plan(seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    items = []
    for k in range(60):
        preds = sorted({f"m{rng.randrange(k)}" for _ in range(rng.randint(0, 3))} if k else set())
        extra: dict[str, object] = {}
        if rng.random() < 0.15:
            extra["due"] = MONDAY + dt.timedelta(days=rng.randint(5, 60))
        if k < 6 and rng.random() < 0.5:
            extra.update(status="done", actual_start=MONDAY, actual_finish=MONDAY)
        items.append(ms(f"m{k}", rng.choice([0, 1, 2, 3, 5, 8]), *preds, **extra))
    return plan_of(*items)


@pytest.mark.parametrize("seed", range(8))
def test_critical_is_exactly_the_milestones_of_the_critical_paths(seed: int) -> None:
    sched = schedule(_random_plan(seed), MONDAY + dt.timedelta(days=7), max_paths=10_000)
    assert not sched.paths_capped
    on_paths = {i for path in sched.critical_paths for i in path}
    assert sched.critical == on_paths
    for ident, m in sched.milestones.items():
        assert m.critical == (ident in on_paths)
        if m.critical:
            assert m.total_float <= 1e-9  # total float at or below zero along the chain
        assert not (m.critical and m.near_critical)
        assert (ident in sched.late) == (m.status != "done" and m.total_float < -1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_critical_chains_are_networkx_paths_of_the_driving_links(seed: int) -> None:
    import networkx as nx

    from tpm.schedule.network import driving_links

    sched = schedule(_random_plan(seed), MONDAY, max_paths=10_000)
    ends, tight = driving_links(sched.cpm())
    g: nx.DiGraph[int] = nx.DiGraph()
    g.add_nodes_from(tight)
    g.add_edges_from((p, s) for s, preds in tight.items() for p in preds)
    heads = [n for n in g if g.in_degree(n) == 0]
    expected = {
        tuple(sched.graph.ids[i] for i in path)
        for h in heads
        for path in ([[h]] if h in ends else nx.all_simple_paths(g, h, ends))
    }
    assert set(sched.critical_paths) == expected
    assert len(sched.critical_paths) == len(expected)
    for path in sched.critical_paths:
        assert sched.milestone(path[-1]).early_finish == sched.finish_offset


@pytest.mark.parametrize("seed", range(4))
def test_critical_chains_come_in_networkx_order_and_are_capped(seed: int) -> None:
    import networkx as nx

    from tpm.schedule.network import critical_chains, driving_graph

    cpm = schedule(_random_plan(seed), MONDAY, max_paths=10_000).cpm()
    ends, back = driving_graph(cpm)
    heads = {n for n in back if back.out_degree(n) == 0}
    expected = [
        path[::-1]
        for end in ends
        for path in ([[end]] if end in heads else nx.all_simple_paths(back, end, heads))
    ]
    assert critical_chains(cpm, 10_000) == (expected, False)
    if len(expected) > 1:
        assert critical_chains(cpm, len(expected) - 1) == (expected[:-1], True)
