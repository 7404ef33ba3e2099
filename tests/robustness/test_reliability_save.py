"""Nothing lost: saves killed at random moments, and many writers at once.

Real processes (forked, so that each trial costs milliseconds rather than an interpreter
start) save plans while the test kills them with SIGKILL or races them against each other.
The file on disk must always parse and be exactly the old or the new plan, and no update
may be lost silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.cli import main
from tpm.plan.model import Kpi, Milestone, Plan, Program
from tpm.plan.storage import TEMP_MARK, ChangedOnDisk, current_digest, dumps, save, write_atomic

TRIALS = int(os.environ.get("TPM_KILL_TRIALS", "200"))
CLI_TRIALS = 100


def _plan(name: str, milestones: int) -> Plan:
    return Plan(
        program=Program(name=name, start=dt.date(2026, 3, 2)),
        milestones=[
            Milestone(id=f"m{i}", title=f"{name} milestone {i} " + "x" * 200, duration=i % 7)
            for i in range(milestones)
        ],
        kpis=[Kpi(id="k", name="K", target=1)],
    )


def _saver(path: Path, texts: list[str], ready_w: int) -> None:
    """Child: save the old and the new plan's canonical text in turn until killed."""
    os.write(ready_w, b"1")
    digest = current_digest(path)
    i = 0
    while True:
        digest = write_atomic(path, texts[i % 2], digest)
        i += 1


def _kill_at_random(child: Callable[[int], None], delay: float, exit_code: int = 0) -> int:
    """Fork a child running ``child(ready_fd)``, SIGKILL it ``delay`` s after it is ready.

    Returns the child's wait status.
    """
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(ready_r)
            child(ready_w)
        finally:
            os._exit(exit_code)
    os.close(ready_w)
    os.read(ready_r, 1)
    os.close(ready_r)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
def test_sigkill_during_save_never_corrupts_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.toml"
    # Large enough that a write takes a while, so kills land mid-write too.
    plans = [_plan("old", 600), _plan("new", 700)]
    order = [dumps(p) for p in plans]
    texts = set(order)
    path.write_text(dumps(plans[0]), encoding="utf-8")
    # The kill window scales with this machine's speed: about four saves long.
    started = time.perf_counter()
    digest = current_digest(path)
    for text in (order[0], order[0], order[0]):
        digest = write_atomic(path, text, digest)
    window = 4 * (time.perf_counter() - started) / 3
    rng = random.Random(1234)
    outcomes = {"old": 0, "new": 0}
    mid_write = 0
    for _trial in range(TRIALS):
        _kill_at_random(functools.partial(_saver, path, order), rng.uniform(0, window))
        text = path.read_text(encoding="utf-8")
        assert text in texts, "the plan on disk is neither the old nor the new version"
        outcomes["old" if text == order[0] else "new"] += 1
        mid_write += any(TEMP_MARK in p.name for p in tmp_path.iterdir())
    # Temp files of killed saves are cleaned up by the next save and never read by tpm.
    save(path, plans[0], current_digest(path))
    leftovers = [p.name for p in tmp_path.iterdir() if TEMP_MARK in p.name]
    assert leftovers == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]
    assert outcomes["old"] + outcomes["new"] == TRIALS
    assert outcomes["old"] and outcomes["new"], "kills must land on both sides of a save"
    with capsys.disabled():
        print(f"\nkill-during-save: {TRIALS} trials, {mid_write} killed mid-write, 0 corrupt")
    assert load_plan(path).plan is not None


def test_a_save_against_a_stale_digest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    first = save(path, _plan("one", 3), None)
    save(path, _plan("two", 3), first)  # another writer got there first
    with pytest.raises(ChangedOnDisk):
        save(path, _plan("three", 3), first)
    assert load_plan(path).plan.program.name == "two"  # type: ignore[union-attr]


def _recorder(path: Path, start: int, ready_w: int) -> None:
    """Child: run ``tpm kpi record`` (load, validate, append, save) in a loop until killed."""
    os.write(ready_w, b"1")
    sink = io.StringIO()
    n = start
    while True:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = main(["kpi", "record", str(path), "k", str(n), "--date", "2026-03-02"])
        if code != 0:
            os._exit(1)
        n += 1
        sink.seek(0)
        sink.truncate()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
def test_sigkill_during_tpm_kpi_record_never_corrupts_or_tears_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole command killed at random moments: the file is always a whole plan whose
    measurements are 0..n-1 with none missing or doubled (each save is all or nothing)."""
    path = tmp_path / "plan.toml"
    save(path, _plan("cli", 40), None)
    # Import the command's modules once here, so a child spends its time recording, and time
    # a few records: the kill window scales with this machine's speed (on a busy 2-core
    # machine a record can take several times longer than on a quiet one).
    timings = []
    for n in range(3):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["kpi", "record", str(path), "k", str(n), "--date", "2026-03-02"]) == 0
        timings.append(time.perf_counter() - started)
    window = 3 * sorted(timings)[1]  # kills land anywhere in about three records
    rng = random.Random(99)
    recorded = 3
    empty = 0  # trials in a row killed before their first record completed
    for _trial in range(CLI_TRIALS):
        status = _kill_at_random(
            functools.partial(_recorder, path, recorded), rng.uniform(0, window), exit_code=2
        )
        assert os.WIFSIGNALED(status), "the recorder stopped by itself (a record failed)"
        loaded = load_plan(path)
        assert loaded.plan is not None, loaded.diagnostics[:3]
        values = [int(m.value) for m in loaded.plan.kpis[0].measurements]
        assert values == list(range(len(values))), "a measurement was lost or doubled"
        # The window follows the record time the children really see: when the machine
        # gets busier than during the timing above, kills keep landing before the first
        # record completes (a third of trials do by chance), so five in a row widen it.
        empty = empty + 1 if len(values) == recorded else 0
        if empty == 5:
            window, empty = window * 1.5, 0
        recorded = len(values)
    assert recorded - 3 > CLI_TRIALS // 4, "few records completed: the kills came too early"
    assert sorted(p.name for p in tmp_path.iterdir() if TEMP_MARK not in p.name) == ["plan.toml"]
    with capsys.disabled():
        print(f"\nkill-during-kpi-record: {CLI_TRIALS} trials, {recorded} records kept, 0 corrupt")


def test_stale_temp_files_are_removed_only_when_their_writer_is_dead(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan("t", 2), None)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a pid that certainly no longer runs
    dead = tmp_path / f".plan.toml{TEMP_MARK}{pid}"
    live = tmp_path / f".plan.toml{TEMP_MARK}{os.getppid()}"
    dead.write_text("half a plan")
    live.write_text("a save in progress")
    assert load_plan(path).plan is not None  # tpm never reads temp files
    save(path, _plan("t2", 2), digest)
    assert not dead.exists() and live.read_text() == "a save in progress"
