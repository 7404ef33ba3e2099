"""``tpm blockers`` as a user runs it: a fresh plan is clean, wide columns stay bounded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from schedule_helpers import ms, plan_of

from tpm.plan.storage import dumps

RunCli = Any


def test_a_fresh_tpm_init_plan_has_no_blocker_and_is_not_amber_on_its_first_day(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "demo")[0] == 0
    plan = Path("plans/demo.toml")
    code, out, _err = run_cli("blockers", plan)
    assert code == 0 and "Nothing is blocked" in out
    code, out, _err = run_cli("report", plan, "--full")
    assert code == 0
    assert out.startswith("# demo: 🟢 GREEN")
    assert "AMBER" not in out and "RED" not in out
    assert "| Blockers | 🟢 GREEN | Nothing is blocked." in out
    # Nothing measured yet is green, but under a rule that says so, not "on target".
    assert "1 KPI, not measured yet (still within the cadence). `kpis.not-measured-yet`" in out


def test_the_on_column_lists_three_predecessors_then_how_many_more(
    run_cli: RunCli, tmp_path: Path
) -> None:
    # w must start now (due Wednesday) and waits on six blocked predecessors.
    preds = [ms(f"p{k}", 1, status="blocked", blocked_reason="r") for k in range(6)]
    w = ms("w", 3, *[p.id for p in preds], due=dt.date(2026, 3, 4))
    path = tmp_path / "p.toml"
    path.write_text(dumps(plan_of(*preds, w, as_of=dt.date(2026, 3, 2))), encoding="utf-8")
    code, out, _err = run_cli("blockers", path)
    assert code == 0
    row = next(line for line in out.splitlines() if " w " in line and "waiting" in line)
    assert row.endswith("p0, p1, p2 +3 more")
    assert "p3" not in row
