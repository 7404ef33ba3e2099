"""The child process of a cold start (tpm.tui.early): it hands the App, through a pipe, the
very overview the App computes itself (and the analysis cache would give), no overview for a
plan with errors or a broken answer, and it never outlives the App as a zombie or orphan."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.tui import cache, early
from tpm.tui.analysis import Engine
from tpm.tui.overview import Overview

ROOT = Path(__file__).resolve().parents[3]
AS_OF = dt.date(2026, 4, 15)
WAIT = 120.0  # seconds: a generous bound for a busy machine; the child answers in < 1 s


def in_process(path: Path, as_of: dt.date | None) -> Overview | None:
    """The overview the App's own loading worker paints first (LoadingMixin._load_worker)."""
    plan = load_plan(path, locate_warnings=False).plan
    if plan is None:
        return None
    when = as_of or plan.program.as_of or dt.date.today()
    quick = Engine().quick(plan, when, 0)
    return Engine.status(quick.plan, when, quick.schedule).overview


def gone(pid: int) -> bool:
    """The process no longer exists, not even as a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("as_of", [None, AS_OF])
def test_the_child_hands_over_the_overview_the_app_computes_itself(
    as_of: dt.date | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ROOT / "plans" / "example.toml"
    mine = in_process(path, as_of)  # also imports the engine before the fork
    assert mine is not None and mine.areas and mine.blockers
    child = early.fork(path, as_of)
    assert child is not None
    assert child.wait(WAIT) == mine
    assert gone(child.pid)
    # A warm start paints the same overview from the cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("TPM_NO_CACHE")
    plan = load_plan(path).plan
    assert plan is not None
    cache.store(path, cache.file_digest(path), as_of, plan.program.as_of, mine)
    assert early.start(path, as_of) == early.Start(mine, None)


def test_a_plan_with_errors_gets_no_overview_and_the_app_reads_it_itself(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.toml"
    text = (ROOT / "plans" / "example.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace('depends_on = ["', 'depends_on = ["nowhere", "', 1))
    assert load_plan(broken).plan is None
    child = early.fork(broken)
    assert child is not None
    assert child.wait(WAIT) is None
    assert gone(child.pid)


def test_a_child_stopped_early_is_killed_and_reaped() -> None:
    path = ROOT / "plans" / "example.toml"
    in_process(path, AS_OF)
    child = early.fork(path, AS_OF)
    assert child is not None
    child.stop()  # the App quit before the child answered
    assert gone(child.pid)
    child.stop()  # idempotent
    assert child.result() is None


def test_a_broken_answer_is_no_overview() -> None:
    assert early.decode(b"") is None
    assert early.decode(b'{"program": "half an overv') is None
    assert early.decode(b'{"program": "not an overview"}') is None
    assert early.decode(b"[1, 2]") is None


def test_a_child_that_dies_is_no_overview() -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child that writes half an answer and is killed
        os.write(write_end, b'{"program": ')
        os.kill(os.getpid(), signal.SIGKILL)
    os.close(write_end)
    child = early.Child(pid, read_end)
    assert child.wait(WAIT) is None
    assert gone(pid)
