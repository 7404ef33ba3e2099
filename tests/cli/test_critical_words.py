"""Every word "critical" tpm prints agrees with ``tpm schedule``'s critical paths.

On the example plan mobile-release, wave1-ramp and android-sdk have negative float against
due dates but are not on the critical path: no rule, label or renderer may call them
critical (they are "late").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tpm.check.load import load_plan
from tpm.report.data import build
from tpm.status.facts import AREAS

RunCli = Any


def _on_paths(run_cli: RunCli, plan: Path) -> set[str]:
    code, out, _err = run_cli("schedule", plan, "--json")
    assert code == 0
    data = json.loads(out)
    assert not data["paths_capped"]
    on_paths = {i for path in data["critical_paths"] for i in path}
    assert on_paths == {m["id"] for m in data["milestones"] if m["critical"]}
    return on_paths


def test_schedule_blockers_risks_and_rules_call_the_same_milestones_critical(
    run_cli: RunCli, example_plan: Path
) -> None:
    critical = _on_paths(run_cli, example_plan)
    assert "mobile-release" not in critical and "wave1-ramp" not in critical

    _code, out, _err = run_cli("blockers", example_plan, "--json")
    blockers = json.loads(out)["blockers"]
    assert blockers and all(b["critical"] == (b["id"] in critical) for b in blockers)

    _code, out, _err = run_cli("risks", example_plan, "--json")
    for risk in json.loads(out)["risks"]:
        assert set(risk["on_critical_path"]) <= critical
        assert not set(risk["late_milestones"]) & critical
        assert not set(risk["near_critical_milestones"]) & critical
        assert (risk["exposure"] == "critical") == bool(risk["on_critical_path"])

    _code, text, _err = run_cli("risks", example_plan)
    peak = text[text.index("4. peak-freeze") :]
    assert peak.splitlines()[2] == "    affects late milestone wave1-ramp"

    loaded = load_plan(example_plan).plan
    assert loaded is not None and loaded.program.as_of is not None
    data = build(loaded, loaded.program.as_of, with_forecast=False)
    for area in AREAS:
        for finding in data.status.area(area).findings:
            if "critical path" in finding.message:
                assert set(finding.items) <= critical, finding
    flagged = {m.id for m in data.milestones if m.critical}
    assert flagged <= critical


def test_no_rule_calls_an_occurred_risk_mitigating_or_accepted(
    run_cli: RunCli, example_plan: Path
) -> None:
    code, out, _err = run_cli("report", example_plan, "--full")
    assert code == 0
    line = next(x for x in out.splitlines() if "`risks.critical-open`" in x)
    assert "seller-kyc-rejects (occurred)" in line
    assert "mitigating or accepted" not in line
