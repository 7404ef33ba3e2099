"""The Milestones detail pane's successors: read from the schedule's graph when it holds
them (the first selection on a 10,000-milestone plan no longer scans every milestone),
and from the plan when a cancelled milestone is left out of the graph."""

from __future__ import annotations

import datetime as dt

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.plan.model import Plan
from tpm.tui.analysis import Engine
from tpm.tui.screens.milestones import detail_text, successors_of


def _successors_pane(plan: Plan, key: str) -> list[str]:
    analysis = Engine().quick(plan, MONDAY + dt.timedelta(days=7), 0)
    lines = [line.plain for line, _indent in detail_text(analysis, key).lines]
    start = lines.index("successors") + 1
    return [line.strip() for line in lines[start : start + 4] if line.startswith("  ")]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param("planned", ["→ d", "→ b", "→ c"], id="all-in-the-graph"),
        # c is cancelled: the graph carries a's link through it to e; the pane lists the
        # milestones that name a in their depends_on, c included, e not.
        pytest.param("cancelled", ["→ d", "→ b", "→ c"], id="a-cancelled-dependent"),
    ],
)
def test_successors_are_the_direct_dependents_in_plan_order(
    status: str, expected: list[str]
) -> None:
    plan = plan_of(
        ms("a", 2),
        ms("d", 1, "a"),
        ms("b", 3, "a", ("a", "SS", 1)),  # two links to a: listed once
        ms("c", 1, "a", status=status),
        ms("e", 1, "c"),
    )
    assert _successors_pane(plan, "a") == expected
    analysis = Engine().quick(plan, MONDAY, 0)
    assert successors_of(analysis, "e") == []
    assert successors_of(analysis, "c") == ["e"]
