"""The previous report: found in git at the start of the reporting period, or a clear line.

Each case builds a small repository whose commit dates are set, so "the plan as committed
report_period_days before the status date" is known in advance.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from git_helpers import git
from report_plans import OLD, SMALL

RunCli = Callable[..., tuple[int, str, str]]


def commit_at(repo: Path, day: str, message: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """plans/small.toml: OLD committed on 2026-03-12, SMALL on 2026-03-19 (as_of 03-20)."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "plans" / "small.toml").write_text(OLD, encoding="utf-8")
    commit_at(root, "2026-03-12", "week 11")
    (root / "plans" / "small.toml").write_text(SMALL, encoding="utf-8")
    commit_at(root, "2026-03-19", "week 12")
    return root


def test_previous_report_is_the_plan_committed_a_period_ago(run_cli: RunCli, repo: Path) -> None:
    code, out, err = run_cli("report", repo / "plans" / "small.toml")
    assert code == 0, err
    assert "## Since the last report (2026-03-13, commit " in out
    assert "of 2026-03-12)" in out
    assert "- **Slipped:** api +7 working days (critical)" in out
    assert "was 🟢 GREEN on 2026-03-13" in out.splitlines()[0]


def test_report_period_days_moves_the_start(run_cli: RunCli, repo: Path) -> None:
    """With a 3-day period the start is 03-17: the 03-12 commit is still the newest before."""
    plan = repo / "plans" / "small.toml"
    text = SMALL.replace("[status]", "[settings]\nreport_period_days = 3\n\n[status]")
    plan.write_text(text, encoding="utf-8")
    commit_at(repo, "2026-03-19", "3-day period")
    out = run_cli("report", plan)[1]
    assert "of 2026-03-12)" in out
    out = run_cli("report", plan, "--as-of", "2026-03-23")[1]  # start 03-20: the 03-19 commit
    assert "of 2026-03-19)" in out


def test_no_commit_that_old_says_so(run_cli: RunCli, repo: Path) -> None:
    code, out, err = run_cli("report", repo / "plans" / "small.toml", "--as-of", "2026-03-15")
    assert code == 0, err
    line = "plans/small.toml was first committed on 2026-03-12, after the period start 2026-03-08"
    assert line in err and len(err.strip().splitlines()) == 1
    assert "--since REV|FILE" in err
    assert "No previous report to compare with: " in out


def test_not_in_git_says_so(run_cli: RunCli, tmp_path: Path) -> None:
    plan = tmp_path / "small.toml"
    plan.write_text(SMALL, encoding="utf-8")
    code, out, err = run_cli("report", plan)
    assert code == 0
    assert "small.toml is not in a git repository" in err
    assert len(err.strip().splitlines()) == 1


def test_shallow_clone_says_how_to_get_the_history(
    run_cli: RunCli, repo: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    code, out, err = run_cli("report", clone / "plans" / "small.toml")
    assert code == 0, err
    assert "this clone is shallow" in err and "git fetch --unshallow" in err


def test_renamed_plan_is_followed(run_cli: RunCli, repo: Path) -> None:
    git(repo, "mv", "plans/small.toml", "plans/login.toml")
    commit_at(repo, "2026-03-19", "rename")
    code, out, err = run_cli("report", repo / "plans" / "login.toml")
    assert code == 0, err
    assert "as plans/small.toml)" in out
    assert "- **Slipped:** api +7 working days (critical)" in out


def test_since_revision_of_a_renamed_plan(run_cli: RunCli, repo: Path) -> None:
    git(repo, "mv", "plans/small.toml", "plans/login.toml")
    commit_at(repo, "2026-03-19", "rename")
    code, out, err = run_cli("report", repo / "plans" / "login.toml", "--since", "HEAD~2")
    assert code == 0, err
    assert "- **Slipped:** api +7 working days (critical)" in out


def test_plan_absent_at_that_revision(run_cli: RunCli, repo: Path) -> None:
    (repo / "plans" / "other.toml").write_text(SMALL, encoding="utf-8")
    commit_at(repo, "2026-03-19", "another plan")
    code, out, err = run_cli("report", repo / "plans" / "other.toml", "--since", "HEAD~1")
    assert (code, out) == (2, "")
    assert "plans/other.toml does not exist at revision HEAD~1" in err
    code, out, err = run_cli("report", repo / "plans" / "other.toml", "--as-of", "2026-03-22")
    assert code == 0
    assert "plans/other.toml was first committed on 2026-03-19, after the period start" in err


@pytest.mark.parametrize(
    ("since", "code", "words"),
    [
        pytest.param("HEAD~9", 2, "is not a commit", id="not-a-revision"),
        pytest.param("plans", 2, "that is a folder", id="folder"),
        pytest.param("notes.txt", 1, "that file is not a valid plan", id="not-a-plan"),
    ],
)
def test_bad_since_is_a_clear_error(
    run_cli: RunCli, repo: Path, monkeypatch: pytest.MonkeyPatch, since: str, code: int, words: str
) -> None:
    (repo / "notes.txt").write_text("just some notes\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    got, out, err = run_cli("report", "plans/small.toml", "--since", since)
    assert (got, out) == (code, "")
    assert words in err and "Traceback" not in err


def test_snapshot_is_the_fallback_and_record_adds_one(run_cli: RunCli, tmp_path: Path) -> None:
    plan = tmp_path / "small.toml"
    plan.write_text(SMALL, encoding="utf-8")
    code, _, err = run_cli("report", plan, "--as-of", "2026-03-13", "--record")
    assert code == 0, err
    assert "recorded a snapshot for 2026-03-13" in err
    assert "[[snapshots]]\ndate = 2026-03-13\n" in plan.read_text(encoding="utf-8")
    code, out, err = run_cli("report", plan)
    assert "## Since the last report (2026-03-13, recorded snapshot)" in out
    assert "not in a git repository" not in err
    # A second report on the same status date replaces the snapshot instead of adding one.
    run_cli("report", plan, "--as-of", "2026-03-13", "--record")
    assert plan.read_text(encoding="utf-8").count("[[snapshots]]") == 1


def test_a_snapshot_naming_an_unknown_milestone_is_a_located_warning(
    run_cli: RunCli, tmp_path: Path
) -> None:
    plan = tmp_path / "small.toml"
    plan.write_text(SMALL, encoding="utf-8")
    run_cli("report", plan, "--as-of", "2026-03-13", "--record")
    text = plan.read_text(encoding="utf-8")
    head, snap = text.split("[[snapshots]]")
    assert '{ id = "api",' in snap  # the recorded key milestone, renamed by hand below
    plan.write_text(head + "[[snapshots]]" + snap.replace('"api"', '"apii"'), encoding="utf-8")
    line = next(n for n, x in enumerate(plan.read_text().splitlines(), 1) if '"apii"' in x)
    code, out, err = run_cli("report", plan)
    assert code == 0 and out.startswith("# ")
    assert f"{plan}:{line}: warning[unknown-reference]: snapshot 2026-03-13" in err
    assert "unknown milestone 'apii' (did you mean 'api'?)" in err


def test_a_previous_plan_with_the_same_as_of_is_named_by_its_commit(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The TPM forgot to move `as_of` on: last week's commit carries today's status date. The
    report names it by its commit instead of calling it "the report of" today's date, and a
    finish that moved is never "none: dates held"."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    plan = root / "plans" / "small.toml"
    plan.write_text(SMALL.replace("duration = 10\n", "duration = 8\n"), encoding="utf-8")
    commit_at(root, "2026-03-12", "week 11, as_of not moved on")
    plan.write_text(SMALL, encoding="utf-8")
    commit_at(root, "2026-03-19", "week 12")
    code, out, err = run_cli("report", plan)
    assert code == 0, err
    title = out.splitlines()[0]
    assert "RED in commit " in title and "of 2026-03-12" in title, title
    assert "on 2026-03-20" not in out and "since 2026-03-20" not in out
    assert "; since commit " in out
    assert "colours and dates held" not in out
