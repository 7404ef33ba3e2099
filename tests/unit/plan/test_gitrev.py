"""Reading an old plan from git: the right bytes, and hostile revisions refused before git."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from git_helpers import FIXED_DATES
from git_helpers import git as git_in

from tpm.plan.gitrev import GitRevError, check_rev, read_at


def git(repo: Path, *args: str) -> None:
    git_in(repo, *args, **FIXED_DATES)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with plans/p.toml committed twice: 'one' then 'two'."""
    git(tmp_path, "init", "-q", "-b", "main")
    plan = tmp_path / "plans" / "p.toml"
    plan.parent.mkdir()
    plan.write_text("one\n")
    git(tmp_path, "add", "plans/p.toml")
    git(tmp_path, "commit", "-q", "-m", "first")
    plan.write_text("two\n")
    git(tmp_path, "commit", "-q", "-am", "second")
    return tmp_path


def test_reads_the_plan_at_a_revision(repo: Path) -> None:
    old = read_at(repo / "plans" / "p.toml", "HEAD~1")
    assert old.raw == b"one\n"
    assert old.committed == dt.date(2026, 5, 4)
    assert len(old.commit) == 40
    assert read_at(repo / "plans" / "p.toml", "main").raw == b"two\n"


def test_path_is_resolved_from_a_subfolder_and_relative_path(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "plans")
    assert read_at(Path("p.toml"), "HEAD~1").raw == b"one\n"
    assert read_at(Path("../plans/p.toml"), "HEAD").raw == b"two\n"


@pytest.mark.parametrize(
    ("rev", "words"),
    [
        pytest.param("--output=OUT", "starts with '-'", id="option"),
        pytest.param("-p", "starts with '-'", id="short-option"),
        pytest.param("HEAD; rm -rf ~", "whitespace", id="shell-command"),
        pytest.param("HEAD;ls", "';'", id="semicolon"),
        pytest.param("HEAD\x1b[2J", "control", id="control-char"),
        pytest.param("HEAD~3..HEAD", "range", id="range"),
        pytest.param("HEAD...main", "range", id="symmetric-range"),
        pytest.param("HEAD:plans/p.toml", "':'", id="rev-path"),
        pytest.param("$(id)", "characters", id="substitution"),
        pytest.param("", "empty", id="empty"),
    ],
)
def test_hostile_revisions_are_refused(rev: str, words: str, repo: Path) -> None:
    out = repo.parent / "written-by-git"
    rev = rev.replace("OUT", str(out))
    with pytest.raises(GitRevError, match=words.replace("'", ".")):
        check_rev(rev)
    with pytest.raises(GitRevError):
        read_at(repo / "plans" / "p.toml", rev)
    assert not out.exists()


@pytest.mark.parametrize("rev", ["HEAD~1", "main", "v1.0", "HEAD@{1}", "main^2", "a1b2c3d"])
def test_ordinary_revisions_pass_the_check(rev: str) -> None:
    assert check_rev(rev) == rev


def test_unknown_revision(repo: Path) -> None:
    with pytest.raises(GitRevError, match="not a commit"):
        read_at(repo / "plans" / "p.toml", "HEAD~5")


def test_file_missing_at_revision(repo: Path) -> None:
    other = repo / "plans" / "new.toml"
    other.write_text("x")
    with pytest.raises(GitRevError, match="does not exist at revision HEAD"):
        read_at(other, "HEAD")


def test_not_a_repository(tmp_path: Path) -> None:
    plan = tmp_path / "p.toml"
    plan.write_text("x")
    with pytest.raises(GitRevError, match="not inside a git repository"):
        read_at(plan, "HEAD")


def test_a_revision_over_the_size_limit_is_refused_before_it_is_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpm.plan import storage

    plan = repo / "plans" / "p.toml"
    plan.write_text("x" * 5000)
    git(repo, "commit", "-q", "-am", "big")
    monkeypatch.setattr(storage, "MAX_BYTES", 4000)
    with pytest.raises(GitRevError, match=r"too large for a plan \(0\.0 MB; the limit is 0 MB\)"):
        read_at(plan, "HEAD")
    assert read_at(plan, "HEAD~1").raw == b"two\n"  # under the limit: read as before


def test_show_and_show_many_refuse_a_blob_over_the_size_limit_without_reading_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpm.plan import gitrev, storage

    plan = repo / "plans" / "p.toml"
    plan.write_text("x" * 5000)
    git(repo, "commit", "-q", "-am", "big")
    monkeypatch.setattr(storage, "MAX_BYTES", 4000)
    root = repo.resolve()
    big, small = (gitrev.resolve(root, rev) for rev in ("HEAD", "HEAD~1"))
    assert big is not None and small is not None
    with pytest.raises(GitRevError, match=rf"p\.toml at {big[:7]} is too large for a plan"):
        gitrev.show(root, big, "plans/p.toml")
    assert gitrev.show(root, small, "plans/p.toml") == b"two\n"

    modes: list[str] = []
    real = gitrev._cat_file

    def spy(root: Path, mode: str, objects: list[str], timeout: float) -> bytes:
        modes.append(mode)
        return real(root, mode, objects, timeout)

    monkeypatch.setattr(gitrev, "_cat_file", spy)
    got = gitrev.show_many(root, [f"{big}:plans/p.toml", f"{small}:plans/p.toml", "0" * 40])
    assert isinstance(got[0], GitRevError)
    assert f"plans/p.toml at {big[:7]} is too large" in str(got[0])
    assert got[1:] == [b"two\n", None]
    # Only sizes are asked when every blob is over the limit: its bytes never leave git.
    modes.clear()
    only_big = gitrev.show_many(root, [f"{big}:plans/p.toml"])
    assert isinstance(only_big[0], GitRevError)
    assert modes == ["--batch-check=%(objectname) %(objecttype) %(objectsize)"]
