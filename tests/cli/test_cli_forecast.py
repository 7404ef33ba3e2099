"""``tpm forecast``: text and JSON output, determinism, options and errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from forecast_helpers import MONDAY, ms, plan_of

from tpm.plan.model import Estimate, Plan, Risk
from tpm.plan.storage import dumps


def _plan() -> Plan:
    plan = plan_of(
        ms("design", 5, estimate=Estimate(optimistic=3, likely=5, pessimistic=10)),
        ms("build", 10, "design", estimate=Estimate(optimistic=8, likely=10, pessimistic=20)),
        ms("docs", 3, "design"),
        ms("launch", 0, "build", "docs", due=dt.date(2026, 3, 27)),
        ms("dropped", 4, "design", status="cancelled"),
        target=dt.date(2026, 4, 3),
        as_of=MONDAY,
    )
    risks = [
        Risk(
            id="vendor",
            title="Vendor late",
            probability=2,
            impact=4,
            affects=["build"],
            schedule_impact=5,
        ),
        Risk(id="orphan", title="Nothing", probability=3, impact=2, schedule_impact=2),
    ]
    return plan.model_copy(update={"risks": risks})


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(dumps(_plan()), encoding="utf-8")
    return path


def test_text_states_assumptions_and_results(run_cli, plan_file: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("forecast", plan_file, "--runs", "500")
    assert code == 0, err
    for text in (
        "Forecast: t (as of 2026-03-02)",
        "500 runs, seed 0 (the default; --seed S), PERT-beta durations",
        "PERT-beta durations",
        "risk chance by probability 1..5: 10/30/50/70/90 %",
        "4 milestones scheduled, 4 not done\n",
        "2 of the 4 not done have a three-point estimate; the others keep their fixed duration",
        "cancelled, left out: dropped",
        "1 risk modelled as an event, 1 ignored",
        "Program finish",
        "chance of meeting the target 2026-04-03:",
        "Milestones with a due date",
        "launch  2026-03-27",
        "Criticality index",
        "vendor  30% (p2)  +5d",
        "orphan: affects no milestone",
    ):
        assert text in out, text


def test_default_runs_is_2000_and_triangular_is_named(run_cli, plan_file: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("forecast", plan_file, "--method", "triangular", "--seed", "4")
    assert code == 0
    assert "2,000 runs (the default; --runs N), seed 4, triangular durations" in out


def test_json_shape(run_cli, plan_file: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("forecast", plan_file, "--runs", "300", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "program",
        "as_of",
        "assumptions",
        "finish",
        "target",
        "on_target",
        "milestones",
        "risks",
    ]
    assert data["assumptions"] == {
        "runs": 300,
        "seed": 0,
        "method": "pert",
        "probability_percent": [10, 30, 50, 70, 90],
        "milestones": 4,
        "not_done": 4,
        "estimated": 2,
        "cancelled": ["dropped"],
        "ignored_risks": [
            {
                "id": "orphan",
                "title": "Nothing",
                "reason": "affects no milestone (set affects to apply its schedule_impact)",
            }
        ],
    }
    assert set(data["finish"]) == {"p50", "p80", "p95"}
    assert data["finish"]["p50"] <= data["finish"]["p80"] <= data["finish"]["p95"]
    assert data["target"] == "2026-04-03" and 0.0 <= data["on_target"] <= 1.0
    launch = data["milestones"][-1]
    assert list(launch) == [
        "id",
        "title",
        "status",
        "estimated",
        "due",
        "finish",
        "on_time",
        "criticality",
    ]
    assert launch["id"] == "launch" and launch["due"] == "2026-03-27"
    assert launch["criticality"] == 1.0
    assert data["milestones"][0]["finish"] is None  # no due date: no percentiles
    assert data["risks"] == [
        {
            "id": "vendor",
            "title": "Vendor late",
            "probability": 2,
            "percent": 30,
            "schedule_impact": 5,
            "affects": ["build"],
            "applied_to": ["build"],
            "occurred": data["risks"][0]["occurred"],
        }
    ]


@pytest.mark.parametrize("fmt", [[], ["--json"]], ids=["text", "json"])
def test_same_seed_same_bytes_different_seed_differs(
    run_cli, plan_file: Path, fmt: list[str]
) -> None:  # type: ignore[no-untyped-def]
    first = run_cli("forecast", plan_file, "--runs", "400", "--seed", "3", *fmt)[1]
    again = run_cli("forecast", plan_file, "--runs", "400", "--seed", "3", *fmt)[1]
    other = run_cli("forecast", plan_file, "--runs", "400", "--seed", "4", *fmt)[1]
    assert first == again
    assert first != other


def test_as_of_moves_the_forecast(run_cli, plan_file: Path) -> None:  # type: ignore[no-untyped-def]
    late = run_cli("forecast", plan_file, "--runs", "50", "--as-of", "2026-06-01", "--json")[1]
    data = json.loads(late)
    assert data["as_of"] == "2026-06-01"
    assert data["finish"]["p50"] > "2026-06-01" and data["on_target"] == 0.0


def test_plan_with_errors_prints_diagnostics_and_exits_1(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[program]\nname = "x"\nstart = 2026-03-02\n\n'
        '[[milestones]]\nid = "a"\ntitle = "A"\nduration = 1\ndepends_on = ["nope"]\n',
        encoding="utf-8",
    )
    code, out, err = run_cli("forecast", bad)
    assert code == 1 and out == ""
    assert "error[unknown-reference]" in err
    code, out, _ = run_cli("forecast", bad, "--json")
    assert code == 1
    assert json.loads(out)["errors"][0]["code"] == "unknown-reference"


def test_missing_file_exits_1(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("forecast", tmp_path / "none.toml")
    assert code == 1 and "no such file" in err


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--runs", "0"], id="zero-runs"),
        pytest.param(["--runs", "-5"], id="negative-runs"),
        pytest.param(["--runs", "many"], id="word-runs"),
        pytest.param(["--seed", "-1"], id="negative-seed"),
        pytest.param(["--method", "normal"], id="unknown-method"),
        pytest.param(["--as-of", "tomorrow"], id="bad-date"),
    ],
)
def test_usage_errors_exit_2(run_cli, plan_file: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        run_cli("forecast", plan_file, *args)
    assert exc.value.code == 2


def test_dates_beyond_the_calendar_are_an_error_not_a_traceback(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 30 x 100,000 working days run far past the year 9999.
    chain = [ms("m0", 100_000)] + [ms(f"m{k}", 100_000, f"m{k - 1}") for k in range(1, 30)]
    path = tmp_path / "huge.toml"
    path.write_text(dumps(plan_of(*chain)), encoding="utf-8")
    code, out, err = run_cli("forecast", path, "--runs", "5")
    assert code == 1 and out == ""
    assert "cannot forecast" in err and "9999" in err


def test_a_risk_on_a_chain_says_which_milestones_inherit_its_slip(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = _plan()
    chained = plan.risks[0].model_copy(update={"affects": ["launch", "design", "build"]})
    path = tmp_path / "chain.toml"
    path.write_text(dumps(plan.model_copy(update={"risks": [chained]})), encoding="utf-8")
    code, out, err = run_cli("forecast", path, "--runs", "200")
    assert code == 0, err
    assert "design (launch, build inherit it through links)" in out
    code, out, err = run_cli("forecast", path, "--runs", "200", "--json")
    [risk] = json.loads(out)["risks"]
    assert (risk["affects"], risk["applied_to"]) == (["launch", "design", "build"], ["design"])
