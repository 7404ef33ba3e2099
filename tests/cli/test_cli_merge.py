"""``tpm merge`` and ``tpm git-setup``: the git merge driver, in process and through git."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from git_helpers import GIT_ENV, git

from tpm.check.load import load_plan

Run = Callable[..., tuple[int, str, str]]

BASE = """\
# Checkout programme: milestones are owned by the team leads.
[program]
name = "Checkout"
start = 2026-03-02

[[milestones]]
id = "a"
title = "Design"
duration = 5

[[milestones]]
id = "b"
title = "Build"  # the big one
duration = 10
depends_on = ["a"]
"""


def write(folder: Path, **texts: str) -> list[Path]:
    paths = []
    for name, text in texts.items():
        path = folder / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_clean_merge_writes_out_and_exits_0(run_cli: Run, tmp_path: Path) -> None:
    ours = BASE.replace("duration = 5", "duration = 6")
    theirs = BASE.replace('title = "Build"', 'title = "Build v2"')
    base, mine, other = write(tmp_path, base=BASE, ours=ours, theirs=theirs)
    code, out, err = run_cli("merge", base, mine, other, "-o", mine)
    assert (code, out) == (0, "") and "merged 1 change(s) from THEIRS" in err
    assert mine.read_text() == ours.replace('title = "Build"', 'title = "Build v2"')


def test_conflict_is_reported_per_field_and_exits_1(run_cli: Run, tmp_path: Path) -> None:
    ours = BASE.replace("duration = 10", "duration = 12")
    theirs = BASE.replace("duration = 10", "duration = 15")
    paths = write(tmp_path, base=BASE, ours=ours, theirs=theirs)
    code, out, err = run_cli("merge", *paths)
    assert code == 1 and "conflict: b.duration: ours 12, theirs 15" in err
    assert "<<<<<<< ours\nduration = 12\n=======\nduration = 15\n>>>>>>> theirs\n" in out


def test_a_merge_that_breaks_tpm_check_exits_1(run_cli: Run, tmp_path: Path) -> None:
    # Ours removes milestone a; theirs makes a new milestone depend on it.
    start, end = BASE.index('[[milestones]]\nid = "a"'), BASE.index('[[milestones]]\nid = "b"')
    ours = (BASE[:start] + BASE[end:]).replace('depends_on = ["a"]\n', "")
    theirs = BASE + '\n[[milestones]]\nid = "c"\ntitle = "Ship"\nduration = 1\ndepends_on = ["a"]\n'
    paths = write(tmp_path, base=BASE, ours=ours, theirs=theirs)
    code, _out, err = run_cli("merge", *paths)
    assert code == 1 and "does not pass tpm check" in err and "'a'" in err


def test_git_setup_is_idempotent_and_says_what_it_wrote(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitattributes").write_text("*.png binary")
    monkeypatch.chdir(tmp_path)
    code, out, _err = run_cli("git-setup")
    assert code == 0 and "added 'plans/*.toml merge=tpm'" in out and "merge.tpm.driver" in out
    assert (tmp_path / ".gitattributes").read_text() == "*.png binary\nplans/*.toml merge=tpm\n"
    code, out, _err = run_cli("git-setup")
    assert code == 0 and out.startswith("already set up")
    assert (tmp_path / ".gitattributes").read_text().count("merge=tpm") == 1


def test_git_setup_outside_a_repository_says_so(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _out, err = run_cli("git-setup")
    assert code == 1 and "inside a git repository" in err


def _git_merge(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "merge", "--no-edit", branch],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )


def _commit_edit(repo: Path, branch: str, old: str, new: str) -> None:
    git(repo, "checkout", "-q", branch)
    plan = repo / "plans" / "p.toml"
    plan.write_text(plan.read_text().replace(old, new))
    git(repo, "commit", "-qam", f"edit on {branch}")


def test_git_merge_through_the_driver(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    (repo / "plans").mkdir()
    (repo / "plans" / "p.toml").write_text(BASE)
    monkeypatch.chdir(repo)
    assert run_cli("git-setup")[0] == 0
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "branch", "disjoint")
    git(repo, "branch", "overlap")
    # Adjacent lines: git's line merge would conflict; by field they are independent.
    _commit_edit(repo, "disjoint", "duration = 10", "duration = 11")
    _commit_edit(repo, "main", 'title = "Build"', 'title = "Build v2"')
    done = _git_merge(repo, "disjoint")
    assert done.returncode == 0, done.stdout + done.stderr
    text = (repo / "plans" / "p.toml").read_text()
    assert 'title = "Build v2"  # the big one\nduration = 11\n' in text
    assert text.startswith("# Checkout programme") and load_plan(repo / "plans" / "p.toml").ok
    _commit_edit(repo, "overlap", "duration = 5", "duration = 8")
    _commit_edit(repo, "main", "duration = 5", "duration = 9")
    done = _git_merge(repo, "overlap")
    assert done.returncode != 0
    assert "conflict: a.duration: ours 9, theirs 8" in done.stdout + done.stderr
    # git's %A is a temporary file (.merge_file_XXXXXX): the message names the plan.
    assert "1 conflict(s) marked in plans/p.toml;" in done.stdout + done.stderr
    text = (repo / "plans" / "p.toml").read_text()
    assert "<<<<<<< ours\nduration = 9\n=======\nduration = 8\n>>>>>>> theirs\n" in text
    assert text.count("<<<<<<<") == 1
