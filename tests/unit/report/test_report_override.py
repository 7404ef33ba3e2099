"""A status override sets the colour no area's rule gave: the report says why, and never crashes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

RunCli = Callable[..., tuple[int, str, str]]

# Every area is green by its rules; the override alone makes the program red.
PLAN = """
[program]
name = "P"
start = 2026-03-02
target = 2026-06-01
as_of = 2026-03-04

[status.override]
rag = "red"
reason = "exec escalation"
expires = 2099-01-01

[[milestones]]
id = "a"
title = "A"
duration = 5
"""


def test_the_worst_problem_of_an_overridden_status_is_the_override(
    run_cli: RunCli, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    code, out, err = run_cli("report", plan)
    assert code == 0, err
    worst = next(line for line in out.splitlines() if "**Worst problem" in line)
    assert "exec escalation" in worst
