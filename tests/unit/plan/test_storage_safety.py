"""Saving in hostile folders: planted symlinks, odd targets, read-only files, a held lock.

The attacker is a real second user (``nobody``, in a forked child that drops root) when the
tests run as root, else a simulated one (the same user planting the same files). Every test
here failed on the save code before tpm.plan.atomic existed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tpm.plan import atomic, storage
from tpm.plan.model import Milestone, Plan, Program
from tpm.plan.storage import (
    TEMP_MARK,
    ChangedOnDisk,
    FolderLocked,
    StorageError,
    current_digest,
    dumps,
    save,
    write_atomic,
)

ROOT = os.geteuid() == 0
NOBODY = 65534


def _plan(title: str = "Build") -> Plan:
    return Plan(
        program=Program(name="p", start=dt.date(2026, 3, 2)),
        milestones=[Milestone(id="m", title=title, duration=3)],
    )


def _as_attacker(action: Callable[[], None]) -> None:
    """Run ``action`` as another user (nobody) when root, else as this user; it must succeed."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            if ROOT:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            action()
            code = 0
        except BaseException as exc:
            os.write(2, f"attacker: {exc!r}\n".encode())
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the attacker's setup failed"


@pytest.fixture
def shared() -> Iterator[Path]:
    """A shared plans folder anyone may reach and write to, without the sticky bit."""
    folder = Path(tempfile.mkdtemp(prefix="tpm-shared-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Turn a hang into a test failure (the old code blocked forever on FIFOs and locks)."""

    def fail(signum: int, frame: object) -> None:
        raise AssertionError(f"still blocked after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- planted symlinks


def test_a_symlink_planted_at_the_temp_name_cannot_redirect_a_save(
    shared: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim-secret"
    victim.write_text("the victim's data\n")
    victim.chmod(0o600)
    path = shared / "plan.toml"
    digest = save(path, _plan(), None)
    # The attacker plants links at every name the old code used (this pid, and many others).
    names = [f".plan.toml{TEMP_MARK}{pid}" for pid in (os.getpid(), *range(2, 200))]
    _as_attacker(lambda: [os.symlink(victim, shared / n) for n in names] and None)

    save(path, _plan("Edited"), digest)

    assert victim.read_text() == "the victim's data\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert not path.is_symlink() and 'title = "Edited"' in path.read_text()


def test_temp_files_are_random_exclusive_and_private_until_renamed(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shared / "plan.toml"
    seen: list[tuple[str, int]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append((Path(src).name, stat.S_IMODE(os.lstat(src).st_mode)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    digest = save(path, _plan(), None)
    save(path, _plan("Two"), digest)
    plan_temps = [name for name, _ in seen if name.startswith(".plan.toml")]
    assert len(plan_temps) == 2 and len(set(plan_temps)) == 2
    assert all(name != f".plan.toml{TEMP_MARK}{os.getpid()}" for name in plan_temps)


def test_a_symlinked_plan_is_saved_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real" / "plan.toml"
    real.parent.mkdir()
    digest = save(real, _plan(), None)
    link = tmp_path / "plan.toml"
    link.symlink_to(real)

    save(link, _plan("Through the link"), digest)

    assert link.is_symlink() and os.readlink(link) == str(real)
    assert 'title = "Through the link"' in real.read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["plan.toml"]


def test_a_chain_of_relative_symlinks_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "a" / "plan.toml"
    real.parent.mkdir()
    digest = save(real, _plan(), None)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "one.toml").symlink_to(Path("..") / "a" / "plan.toml")
    (tmp_path / "two.toml").symlink_to(Path("b") / "one.toml")

    save(tmp_path / "two.toml", _plan("Chained"), digest)

    assert 'title = "Chained"' in real.read_text()
    assert (tmp_path / "two.toml").is_symlink() and (tmp_path / "b" / "one.toml").is_symlink()


@pytest.mark.skipif(not ROOT, reason="planting a link owned by another user needs root")
def test_a_plan_symlink_owned_by_another_user_is_not_followed(shared: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.toml"
    victim.write_text(dumps(_plan()))
    digest = current_digest(victim)
    link = shared / "plan.toml"
    _as_attacker(lambda: os.symlink(victim, link))

    with pytest.raises(StorageError, match="symbolic link owned by another user"):
        save(link, _plan("Hijacked"), digest)
    assert victim.read_text() == dumps(_plan())


def test_a_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    with pytest.raises(StorageError, match="symlink loop"):
        save(tmp_path / "a.toml", _plan(), None)


# ---------------------------------------------------------------- what the file was


def test_a_read_only_plan_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    path.chmod(0o444)
    with pytest.raises(StorageError, match="is read-only; not saving"):
        save(path, _plan("Edited"), digest)
    assert path.read_text() == dumps(_plan())
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.skipif(not ROOT, reason="giving a file to another user needs root")
def test_a_save_keeps_the_owner_group_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o664)
    save(path, _plan("Edited by root"), digest)
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o664)


def test_a_new_file_gets_the_usual_mode_for_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        save(tmp_path / "plan.toml", _plan(), None)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plan.toml").stat().st_mode) == 0o640


def test_hard_links_are_split_and_the_other_name_keeps_the_old_text(tmp_path: Path) -> None:
    """Documented: a save replaces the name it was given; other hard links keep the old file."""
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    other = tmp_path / "other.toml"
    os.link(path, other)
    save(path, _plan("New"), digest)
    assert 'title = "New"' in path.read_text()
    assert other.read_text() == dumps(_plan())


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_plan_path_that_is_not_a_regular_file_is_refused_without_blocking(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "plan.toml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with _deadline(5), pytest.raises(StorageError, match="not replacing it"):
        write_atomic(path, "x = 1\n", None)
    assert stat.S_ISFIFO(path.lstat().st_mode) if kind == "fifo" else path.is_dir()


def test_current_digest_of_a_fifo_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with _deadline(5):
        assert current_digest(tmp_path / "pipe") == "not a regular file"


# ---------------------------------------------------------------- odd names


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a**b.toml", id="double-star"),
        pytest.param("[x]*?.toml", id="glob-characters"),
        pytest.param("p" * 250 + ".toml", id="255-bytes"),
        pytest.param("é" * 125 + ".toml", id="255-bytes-utf8"),
    ],
)
def test_odd_but_valid_file_names_save_and_save_again(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    digest = save(path, _plan(), None)
    save(path, _plan("Again"), digest)
    assert 'title = "Again"' in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_name_over_255_bytes_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="File name too long"):
        save(tmp_path / ("p" * 300 + ".toml"), _plan(), None)


def test_stale_temps_with_glob_characters_in_the_name_are_still_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "a**b.toml"
    digest = save(path, _plan(), None)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0)
    os.waitpid(pid, 0)
    stale = tmp_path / f".a**b.toml{TEMP_MARK}{pid}-x1y2z3"
    stale.write_text("half a plan")
    save(path, _plan("Again"), digest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a**b.toml"]


# ---------------------------------------------------------------- the lock


def _hold_lock(folder: Path, ready_w: int) -> None:  # pragma: no cover - the child
    with storage.locked(folder / "plan.toml"):
        os.write(ready_w, b"1")
        time.sleep(60)


def test_a_held_lock_times_out_naming_the_holder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            _hold_lock(tmp_path, ready_w)
        finally:
            os._exit(0)
    try:
        os.read(ready_r, 1)
        monkeypatch.setattr(atomic, "LOCK_TIMEOUT_S", 0.3)
        started = time.monotonic()
        with _deadline(10), pytest.raises(FolderLocked) as caught:
            save(path, _plan("Blocked"), digest)
        waited = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready_r)
        os.close(ready_w)
    message = str(caught.value)
    assert f"pid {pid} on {os.uname().nodename} (" in message and "running since 20" in message
    assert "gave up after 0.3 s" in message
    assert 0.3 <= waited < 5
    assert path.read_text() == dumps(_plan())
    # The killed holder's lock died with it: the next save goes through.
    save(path, _plan("After"), digest)
    assert 'title = "After"' in path.read_text()


def test_a_lock_held_by_this_process_is_named_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older tpm or another tool holding the folder: no cooperation needed to name it."""
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        monkeypatch.setattr(atomic, "LOCK_TIMEOUT_S", 0.2)
        with _deadline(10), pytest.raises(FolderLocked, match=f"pid {os.getpid()} on "):
            save(path, _plan("Blocked"), digest)
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_changed_on_disk_is_still_checked_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    digest = save(real, _plan(), None)
    link = tmp_path / "plan.toml"
    link.symlink_to(real)
    real.write_text(dumps(_plan("Theirs")))
    with pytest.raises(ChangedOnDisk):
        save(link, _plan("Mine"), digest)
    assert 'title = "Theirs"' in real.read_text()
