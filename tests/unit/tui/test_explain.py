"""The Milestones screen's "why these dates" pane says what `tpm why` says
(tpm/tui/screens/explain.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from schedule_helpers import MONDAY, ms, plan_of

from tpm.check.load import load_plan
from tpm.plan.model import Plan
from tpm.tui.analysis import Engine
from tpm.tui.screens.explain import explain_text


def test_a_done_milestone_has_no_chain_and_no_float(example_plan: Path) -> None:
    """Convention 3: done work sits at its actual dates and has no float. The pane said
    "from kickoff, which has started" and "kickoff  float 206d" for the done kickoff."""
    plan = load_plan(example_plan).plan
    assert isinstance(plan, Plan)
    analysis = Engine().quick(plan, dt.date(2026, 11, 16), 0)
    for key in ("kickoff", "refunds-api"):
        assert explain_text(analysis, key).plain == "It is done: it sits at its actual dates.\n"


def test_a_done_step_of_a_chain_shows_done_not_a_float() -> None:
    """b waits 10 working days after done a: the chain starts at a, which has no float."""
    finished = MONDAY + dt.timedelta(days=4)
    plan = plan_of(
        ms("a", 5, status="done", actual_start=MONDAY, actual_finish=finished),
        ms("b", 3, ("a", "FS", 10)),
    )
    analysis = Engine().quick(plan, MONDAY + dt.timedelta(days=7), 0)
    lines = explain_text(analysis, "b").plain.splitlines()
    head = next(line for line in lines if line.startswith("  a "))
    assert "float" not in head and "done" in head, lines
    assert any(line.startswith("  b ") and "float" in line for line in lines), lines
