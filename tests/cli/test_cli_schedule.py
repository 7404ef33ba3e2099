"""The schedule commands end to end: schedule, why, blockers, baseline (text, JSON, errors)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.plan.model import Plan
from tpm.plan.storage import dumps

CONTRACT_TOP = [
    "program",
    "as_of",
    "start",
    "finish",
    "finish_offset",
    "target",
    "margin_days",
    "critical_path",
    "critical_paths",
    "milestones",
]
CONTRACT_MILESTONE = [
    "id",
    "duration",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
    "start",
    "finish",
]


def _plan() -> Plan:
    return plan_of(
        ms("a", 2),
        ms("b", 3, "a", team="web"),
        ms("c", 1, "a", status="blocked", blocked_reason="waiting for legal", team="legal"),
        ms("d", 0, "b", "c"),
        target=dt.date(2026, 3, 13),
        as_of=MONDAY,
    )


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(dumps(_plan()), encoding="utf-8")
    return path


def test_schedule_json_has_the_contract_shape(run_cli: Any, plan_file: Path) -> None:
    code, out, _err = run_cli("schedule", plan_file, "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data)[: len(CONTRACT_TOP) - 1] == CONTRACT_TOP[:-1]
    assert "milestones" in data
    assert data["program"] == "t" and data["as_of"] == "2026-03-02"
    assert (data["start"], data["finish"], data["finish_offset"]) == ("2026-03-02", "2026-03-06", 5)
    assert (data["target"], data["margin_days"]) == ("2026-03-13", 5)
    assert data["critical_path"] == ["a", "b", "d"] and data["critical_paths"] == [["a", "b", "d"]]
    first = data["milestones"][0]
    assert list(first)[: len(CONTRACT_MILESTONE)] == CONTRACT_MILESTONE
    assert {k: first[k] for k in CONTRACT_MILESTONE} == {
        "id": "a",
        "duration": 2,
        "early_start": 0,
        "early_finish": 2,
        "late_start": 0,
        "late_finish": 2,
        "total_float": 0,
        "free_float": 0,
        "critical": True,
        "start": "2026-03-02",
        "finish": "2026-03-03",
    }
    assert [m["id"] for m in data["milestones"]] == ["a", "b", "c", "d"]


def test_schedule_output_is_deterministic(run_cli: Any, plan_file: Path) -> None:
    assert run_cli("schedule", plan_file, "--json") == run_cli("schedule", plan_file, "--json")
    assert run_cli("schedule", plan_file) == run_cli("schedule", plan_file)


def test_schedule_text_names_finish_margin_path_and_flags(run_cli: Any, plan_file: Path) -> None:
    code, out, _err = run_cli("schedule", plan_file, "--as-of", "2026-03-02")
    assert code == 0
    assert "finish   2026-03-06" in out
    assert "margin +5 days (early)" in out
    assert "critical path: a -> b -> d" in out
    assert "near-critical (float 0 to 5): c" in out
    assert "baseline none" in out


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["schedule"], id="schedule"),
        pytest.param(["why", "_", "a"], id="why"),
        pytest.param(["blockers"], id="blockers"),
        pytest.param(["baseline"], id="baseline"),
    ],
)
def test_plan_with_errors_prints_check_diagnostics_and_exits_1(
    run_cli: Any, tmp_path: Path, command: list[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[program]\nname = "x"\nstart = 2026-03-02\n\n'
        '[[milestones]]\nid = "a"\ntitle = "A"\nduration = 1\ndepends_on = ["nope"]\n',
        encoding="utf-8",
    )
    args = [command[0], bad, *command[2:]] if command[0] == "why" else [*command, bad]
    code, _out, err = run_cli(*args)
    assert code == 1
    assert "error[unknown-reference]" in err and "'nope'" in err


def test_dates_past_year_9999_are_a_clear_error(run_cli: Any, tmp_path: Path) -> None:
    items = [ms("m0", 100_000)] + [ms(f"m{k}", 100_000, f"m{k - 1}") for k in range(1, 40)]
    path = tmp_path / "huge.toml"
    path.write_text(dumps(plan_of(*items)), encoding="utf-8")
    for command in ("schedule", "blockers", "baseline"):
        code, out, err = run_cli(command, path)
        assert code == 1, command
        assert "past the year 9999" in err and "Traceback" not in err + out


def test_why_explains_and_suggests_for_unknown_ids(run_cli: Any, plan_file: Path) -> None:
    code, out, _err = run_cli("why", plan_file, "d")
    assert code == 0
    assert "Driving chain, from the program start:" in out
    assert "To pull it in, finish b sooner (b -> d, FS)." in out
    assert "It can start up to 2 working days earlier; then c holds it." in out
    # b ends with d (an event right after it): b finishing sooner brings both in, until c
    # holds d.
    assert "The program finish then comes in by up to 2 working days." in out
    assert "drives it" not in out and "from the after" not in out
    # d is an event (no duration): one date, not "starts X, finishes X".
    assert re.search(r"^  planned, an event on \d{4}-\d\d-\d\d \(", out, re.M), out
    code, out, _err = run_cli("why", plan_file, "d", "--json")
    data = json.loads(out)
    assert data["event"] is True and data["start"] == data["finish"]
    assert json.loads(run_cli("why", plan_file, "b", "--json")[1])["event"] is False
    assert [s["id"] for s in data["chain"]] == ["a", "b", "d"]
    assert data["pull_in"]["links"] == [{"id": "b", "type": "FS", "lag": 0}]
    code, _out, err = run_cli("why", plan_file, "B")
    assert code == 1 and "unknown milestone 'B' (did you mean 'b'?)" in err


def test_blockers_text_and_json(run_cli: Any, plan_file: Path) -> None:
    code, out, _err = run_cli("blockers", plan_file)
    assert code == 0
    assert "1. c (legal): waiting for legal" in out
    code, out, _err = run_cli("blockers", plan_file, "--json", "--hold", "6")
    [b] = json.loads(out)["blockers"]
    # c has 2 days of float: stuck 6 working days from as_of, it ends at 7 instead of 5.
    assert (b["id"], b["kind"], b["slip_days"], b["hold_days"]) == ("c", "blocked", 2, 6)
    assert b["downstream"] == ["d"]


def test_baseline_records_replaces_and_feeds_variance(run_cli: Any, plan_file: Path) -> None:
    code, out, _err = run_cli("baseline", plan_file, "--name", "kickoff")
    assert code == 0 and "recorded baseline 'kickoff': finish 2026-03-06" in out
    text = plan_file.read_text(encoding="utf-8")
    assert '[[baselines]]\nname = "kickoff"\nrecorded = 2026-03-02\nfinish = 2026-03-06' in text
    code, _out, err = run_cli("baseline", plan_file, "--name", "kickoff")
    assert code == 1 and "--replace" in err
    assert plan_file.read_text(encoding="utf-8") == text
    assert run_cli("baseline", plan_file, "--name", "kickoff", "--replace")[0] == 0
    # Slip b by two days: the schedule shows the variance against the baseline.
    plan_file.write_text(text.replace("duration = 3", "duration = 5"), encoding="utf-8")
    data = json.loads(run_cli("schedule", plan_file, "--json")[1])
    assert data["baseline"]["name"] == "kickoff" and data["baseline"]["variance_days"] == 2
    assert {m["id"]: m["variance_days"] for m in data["milestones"]} == {
        "a": 0,
        "b": 2,
        "c": 0,
        "d": 2,
    }
    code, _out, err = run_cli("schedule", plan_file, "--baseline", "kickof")
    assert code == 1 and "did you mean 'kickoff'?" in err


def test_baseline_default_name_is_the_status_date(run_cli: Any, plan_file: Path) -> None:
    code, out, _err = run_cli("baseline", plan_file, "--as-of", "2026-03-04")
    assert code == 0 and "'2026-03-04'" in out
    assert 'name = "2026-03-04"\nrecorded = 2026-03-04' in plan_file.read_text(encoding="utf-8")


def test_baseline_keeps_comments_and_needs_force_only_for_unpatchable_layouts(
    run_cli: Any, plan_file: Path
) -> None:
    text = "# keep me\n" + plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text, encoding="utf-8")
    code, _out, err = run_cli("baseline", plan_file, "--name", "kickoff")
    assert code == 0 and err == ""
    after = plan_file.read_text(encoding="utf-8")
    assert after.startswith(text) and after[len(text) :].startswith("\n[[baselines]]\n")
    # Baselines written as an inline array (not tpm's layout) cannot take an entry surgically.
    old = 'baselines = [{ name = "old", recorded = 2026-03-01, finish = 2026-03-09 }]\n'
    plan_file.write_text(old + text, encoding="utf-8")
    code, _out, err = run_cli("baseline", plan_file, "--name", "kickoff")
    assert code == 1 and "cannot save this change" in err and "--force" in err
    assert plan_file.read_text(encoding="utf-8") == old + text
    assert run_cli("baseline", plan_file, "--name", "kickoff", "--force")[0] == 0
    assert plan_file.read_text(encoding="utf-8").count("[[baselines]]") == 2


def test_baseline_refuses_when_the_file_changed_on_disk(
    run_cli: Any, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tpm.schedule.baseline

    real = tpm.schedule.baseline.record_baseline

    def edit_meanwhile(*args: Any, **kw: Any) -> Plan:
        plan_file.write_text(plan_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return real(*args, **kw)

    monkeypatch.setattr(tpm.schedule.baseline, "record_baseline", edit_meanwhile)
    code, _out, err = run_cli("baseline", plan_file)
    assert code == 1 and "changed on disk" in err
    assert "[[baselines]]" not in plan_file.read_text(encoding="utf-8")


def test_fractional_offsets_are_rounded_numbers_and_gc_is_restored(
    run_cli: Any, tmp_path: Path
) -> None:
    import gc

    path = tmp_path / "f.toml"
    path.write_text(dumps(plan_of(ms("a", 1.5), ms("b", 0.25, "a"))), encoding="utf-8")
    assert gc.isenabled()
    data = json.loads(run_cli("schedule", path, "--json", "--as-of", "2026-03-02")[1])
    assert gc.isenabled()
    assert [(m["early_start"], m["early_finish"]) for m in data["milestones"]] == [
        (0, 1.5),
        (1.5, 1.75),
    ]
    assert data["finish_offset"] == 1.75 and data["finish"] == "2026-03-03"


def test_fast_json_text_equals_the_data_dict() -> None:
    from schedule_helpers import MONDAY as START

    from tpm.plan.model import Baseline, BaselineEntry
    from tpm.render.json_out import schedule_data, schedule_json
    from tpm.schedule.scheduler import schedule

    plan = plan_of(
        ms("a", 1.5, title='Quote " and \\ back\\slash', team="ü-team", due=START),
        ms("b", 0.1 + 0.2, "a", status="in_progress", actual_start=START, percent_complete=33),
        ms("c", 0, ("b", "SF", -1.25)),
        ms("x", 1, status="cancelled"),
    )
    plan.baselines = [
        Baseline(
            name="k",
            recorded=START,
            finish=START,
            milestones=[BaselineEntry(id="a", start=START, finish=START)],
        )
    ]
    sched = schedule(plan, dt.date(2026, 3, 3))
    assert json.loads(schedule_json(sched)) == json.loads(json.dumps(schedule_data(sched)))
    empty = schedule(plan_of(), START)
    assert json.loads(schedule_json(empty)) == json.loads(json.dumps(schedule_data(empty)))


def test_long_chains_are_shortened_in_text_but_complete_in_json(
    run_cli: Any, tmp_path: Path
) -> None:
    items = [ms("m0", 1)] + [ms(f"m{k}", 1, f"m{k - 1}") for k in range(1, 60)]
    path = tmp_path / "long.toml"
    path.write_text(dumps(plan_of(*items)), encoding="utf-8")
    out = run_cli("schedule", path, "--as-of", "2026-03-02")[1]
    assert "critical path: m0 -> m1 -> m2 -> m3 -> m4 -> m5 -> ... 48 more ... -> m54" in out
    out = run_cli("why", path, "m59", "--as-of", "2026-03-02")[1]
    assert "... 30 steps" in out and "m31 " in out and "m30 " not in out
    data = json.loads(run_cli("why", path, "m59", "--json", "--as-of", "2026-03-02")[1])
    assert len(data["chain"]) == 60


def test_why_on_a_done_milestone_says_it_is_done(run_cli: Any, tmp_path: Path) -> None:
    done = ms("d", 2, status="done", actual_start=MONDAY, actual_finish=dt.date(2026, 3, 3))
    path = tmp_path / "d.toml"
    path.write_text(dumps(plan_of(done)), encoding="utf-8")
    code, out, _err = run_cli("why", path, "d", "--as-of", "2026-03-04")
    assert code == 0 and out.rstrip().endswith("It is done: it sits at its actual dates.")
