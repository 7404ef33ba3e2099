"""``tpm trend``: slip trends from git history and recorded snapshots, with known slips.

The history is generated: each weekly commit moves the status date a week (five working days)
and adds five working days to the only task, so the forecast finish moves exactly 14 calendar
days per week. Nothing in the assertions is copied from tpm's output.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from git_helpers import git

RunCli = Callable[..., tuple[int, str, str]]
START = dt.date(2026, 1, 5)  # a Monday
WEEKS = 6


def plan_text(week: int, snapshot: str = "") -> str:
    as_of = START + dt.timedelta(days=7 * week)
    return f"""
[program]
name = "Trend"
start = {START}
as_of = {as_of}
target = 2026-06-01

[[milestones]]
id = "build"
title = "Build"
duration = {20 + 5 * week}
due = 2026-04-01

[[milestones]]
id = "ship"
title = "Ship"
duration = 0
depends_on = ["build"]
due = 2026-05-01
{snapshot}"""


def expected_finish(week: int) -> dt.date:
    """20 working days from Monday 2026-01-05 end on Friday 2026-01-30; +14 days a week."""
    return dt.date(2026, 1, 30) + dt.timedelta(days=14 * week)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """plans/t.toml committed once a week for six weeks, the last week twice."""
    git(tmp_path, "init", "-q", "-b", "main")
    plan = tmp_path / "plans" / "t.toml"
    plan.parent.mkdir()
    for week in range(WEEKS):
        plan.write_text(plan_text(week), encoding="utf-8")
        stamp = f"{START + dt.timedelta(days=7 * week)}T12:00:00+00:00"
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", f"w{week}", GIT_COMMITTER_DATE=stamp)
    # The same status date committed again with a different number: the newest one counts.
    plan.write_text(plan_text(WEEKS - 1).replace('title = "Ship"', 'title = "Ship it"'))
    git(tmp_path, "commit", "-qam", "retitle")
    return plan


def test_trend_from_git_history_shows_the_known_slips(run_cli: RunCli, history: Path) -> None:
    code, out, err = run_cli("trend", history, "--json")
    assert code == 0, err
    data = json.loads(out)
    points = data["points"]
    assert [p["date"] for p in points] == [
        str(START + dt.timedelta(days=7 * w)) for w in range(WEEKS)
    ]
    assert [p["finish"] for p in points] == [str(expected_finish(w)) for w in range(WEEKS)]
    assert [p["milestones"]["ship"] for p in points] == [p["finish"] for p in points]
    assert [p["source"] for p in points] == ["git"] * (WEEKS - 1) + ["now"]
    assert data["milestones"] == ["build", "ship"]


def test_text_table_marks_each_slip(run_cli: RunCli, history: Path) -> None:
    code, out, err = run_cli("trend", history, "--milestones", "ship")
    assert code == 0, err
    rows = [line for line in out.splitlines() if line[:4] == "2026"]
    assert len(rows) == WEEKS
    assert all(f"{expected_finish(w)} +14" in rows[w] for w in range(1, WEEKS))


def test_mermaid_chart_has_one_line_per_series(run_cli: RunCli, history: Path) -> None:
    code, out, err = run_cli("trend", history, "--mermaid")
    assert code == 0, err
    assert out.startswith("```mermaid\n") and "xychart-beta" in out
    lines = [line for line in out.splitlines() if line.strip().startswith("line [")]
    assert len(lines) == 1  # finish, build and ship end together: one line, three names
    target = dt.date(2026, 6, 1)
    finish = [(expected_finish(w) - target).days for w in range(WEEKS)]
    assert lines == [f"    line [{', '.join(map(str, finish))}]"]
    assert "finish = build = ship (blue)" in out


def test_snapshots_work_without_git(run_cli: RunCli, tmp_path: Path) -> None:
    snap = '\n[[snapshots]]\ndate = 2026-01-05\nrag = "green"\nfinish = 2026-01-30\n'
    plan = tmp_path / "t.toml"
    plan.write_text(plan_text(1, snap), encoding="utf-8")
    code, out, err = run_cli("trend", plan, "--json")
    assert code == 0, err
    points = json.loads(out)["points"]
    assert [(p["date"], p["source"], p["finish"]) for p in points] == [
        ("2026-01-05", "snapshot", "2026-01-30"),
        ("2026-01-12", "now", str(expected_finish(1))),
    ]


def test_snapshot_with_an_unknown_milestone_is_a_clear_error(
    run_cli: RunCli, tmp_path: Path
) -> None:
    snap = (
        '\n[[snapshots]]\ndate = 2026-01-05\nrag = "green"\n'
        'milestones = [{ id = "shipp", finish = 2026-01-30 }]\n'
    )
    plan = tmp_path / "t.toml"
    plan.write_text(plan_text(1, snap), encoding="utf-8")
    code, out, err = run_cli("trend", plan)
    assert (code, out) == (1, "")
    line = (
        plan.read_text().splitlines().index('milestones = [{ id = "shipp", finish = 2026-01-30 }]')
    )
    assert f"{plan}:{line + 1}: error[unknown-reference]" in err
    assert "unknown milestone 'shipp'" in err
    assert "did you mean 'ship'?" in err and "Traceback" not in err
    code, out, err = run_cli("check", plan)
    assert code == 0 and "warning[unknown-reference]" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(["--milestones", "shp"], "no milestone 'shp' (did you mean 'ship'?)", id="id"),
    ],
)
def test_unknown_milestone_option(
    run_cli: RunCli, tmp_path: Path, args: list[str], words: str
) -> None:
    plan = tmp_path / "t.toml"
    plan.write_text(plan_text(0), encoding="utf-8")
    code, out, err = run_cli("trend", plan, *args)
    assert (code, out) == (1, "")
    assert words in err


def test_a_file_that_is_not_a_plan(run_cli: RunCli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n- not a plan\n", encoding="utf-8")
    code, out, err = run_cli("trend", notes)
    assert (code, out) == (1, "")
    assert str(notes) in err and "Traceback" not in err


def test_a_broken_commit_falls_back_to_the_older_commit_of_its_date(
    run_cli: RunCli, tmp_path: Path
) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    plan = tmp_path / "t.toml"
    versions = [
        plan_text(0),
        plan_text(1),
        plan_text(1).replace('depends_on = ["build"]', 'depends_on = ["biuld"]'),  # an error
        plan_text(1).replace("[[milestones]]", "[[milestones]", 1),  # not TOML
        plan_text(2),
    ]
    for k, text in enumerate(versions):
        plan.write_text(text, encoding="utf-8")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", f"v{k}")
    code, out, err = run_cli("trend", plan, "--json")
    assert code == 0, err
    points = json.loads(out)["points"]
    assert [(p["date"], p["source"], p["finish"]) for p in points] == [
        (str(START), "git", str(expected_finish(0))),
        (str(START + dt.timedelta(days=7)), "git", str(expected_finish(1))),
        (str(START + dt.timedelta(days=14)), "now", str(expected_finish(2))),
    ]
    notes = [line for line in err.splitlines() if "skipped" in line]
    assert len(notes) == 2 and "unknown" in notes[1] and "Traceback" not in err


def test_without_git_history_one_line_says_so(run_cli: RunCli, tmp_path: Path) -> None:
    plan = tmp_path / "t.toml"
    plan.write_text(plan_text(1), encoding="utf-8")
    code, out, err = run_cli("trend", plan, "--json")
    assert code == 0
    assert [p["source"] for p in json.loads(out)["points"]] == ["now"]
    assert "no git history" in err and len(err.splitlines()) == 1
    git(tmp_path, "init", "-q", "-b", "main")
    code, out, err = run_cli("trend", plan, "--json")
    assert code == 0 and "has never been committed" in err


def test_revisions_analysed_in_parallel_give_the_same_trend(history: Path) -> None:
    from tpm.check.load import load_plan
    from tpm.report.trend import collect

    plan = load_plan(history).plan
    assert plan is not None and plan.program.as_of is not None
    one = collect(plan, history, plan.program.as_of, workers=1, cache=False)
    two = collect(plan, history, plan.program.as_of, workers=2, cache=False)
    assert len(one.trend.points) == WEEKS
    assert two == one
