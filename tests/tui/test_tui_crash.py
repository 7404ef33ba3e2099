"""After a crash the TUI exits non-zero and keeps the unsaved plan for the next start."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import select
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tuihelp import AS_OF, drive, ready, settle

from tpm.cli import main
from tpm.plan.model import Kpi, Milestone
from tpm.tui import recovery
from tpm.tui.app import TpmApp, build_app, finish
from tpm.tui.screens.modals import ConfirmScreen
from tpm.tui.widgets.vtable import VTable


def crash_after_an_edit(path: Path) -> TpmApp:
    """Mark fraud-rules done, then fail inside the app as a bug would."""
    app = build_app(path, as_of=AS_OF, watch=False)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            await pilot.press("2")
            await settle(app, pilot)
            table = app.screen.query_one("#ms-table", VTable)
            table.move_to("fraud-rules")
            table.focus()
            await pilot.press("x")
            await settle(app, pilot)
            assert app.history.dirty

            def bug() -> None:
                raise RuntimeError("a bug in a screen")

            app.call_later(bug)
            await pilot.pause(0.2)

    with contextlib.suppress(RuntimeError):  # run_test re-raises what crashed the app
        asyncio.run(main())
    return app


def test_a_crash_exits_non_zero_and_keeps_the_unsaved_plan(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = plan_file.read_bytes()
    app = crash_after_an_edit(plan_file)
    assert app.return_code == 1
    assert finish(app) == 1
    assert "your unsaved edits are kept in" in capsys.readouterr().err
    assert plan_file.read_bytes() == before  # the file itself is untouched
    kept = recovery.find(plan_file)
    assert kept is not None
    assert stat.S_IMODE(kept.file.stat().st_mode) == 0o600

    async def next_start(app: TpmApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "restore"
        await pilot.press("enter")
        await settle(app, pilot)
        m = app.session.find("milestones", "fraud-rules")
        assert isinstance(m, Milestone) and m.status == "done"
        assert app.history.dirty
        await pilot.press("u")  # the restored edit is an ordinary, undoable edit
        await settle(app, pilot)
        m = app.session.find("milestones", "fraud-rules")
        assert isinstance(m, Milestone) and m.status == "planned"

    drive(plan_file, next_start)
    assert not kept.file.exists()  # restored: that recovery file is gone


async def mark_fraud_rules(app: TpmApp, pilot: Pilot[None], key: str = "s") -> None:
    table = app.screen.query_one("#ms-table", VTable)
    table.move_to("fraud-rules")
    table.focus()
    await pilot.press(key)
    await settle(app, pilot)


async def autosaved(app: TpmApp, pilot: Pilot[None]) -> Path:
    """Write this session's recovery file now (the kill -9 test below waits for the timer)
    and wait for the worker."""
    app.autosave_now()
    for _ in range(500):
        if app.autosave.written and app.autosave.file.exists():
            return app.autosave.file
        await pilot.pause(0.02)
    raise AssertionError("the autosave never wrote the recovery file")


def test_the_autosave_file_goes_on_save_on_undo_back_to_the_file_and_at_quit(
    plan_file: Path,
) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await mark_fraud_rules(app, pilot)
        kept = await autosaved(app, pilot)
        assert recovery.find(plan_file) is None  # this session is alive: not offered to others
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not app.session.dirty and not kept.exists()
        await mark_fraud_rules(app, pilot)
        kept = await autosaved(app, pilot)
        await pilot.press("u")  # back to the file as saved: nothing to keep
        await settle(app, pilot)
        assert not kept.exists()
        await mark_fraud_rules(app, pilot)
        kept = await autosaved(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#discard")
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    assert finish(app) == 0
    assert recovery.find_all(plan_file) == [] and not app.autosave.file.exists()


# ------------------------------------------------------------------ a real process in a terminal


class Terminal:
    """``tpm PLAN`` in a pseudo-terminal that is its controlling terminal, as in a real one:
    closing it sends SIGHUP."""

    def __init__(self, plan: Path, state: Path) -> None:
        size = {"COLUMNS": "120", "LINES": "40"}  # these win over the terminal's own size
        env = dict(os.environ, XDG_STATE_HOME=str(state), TERM="xterm-256color", **size)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tpm", str(plan)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=plan.parent,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # the pty becomes its terminal
        )
        os.close(slave)
        self.out = b""
        self.folder = state / "tpm" / "recovery"

    def wait_for(self, what: bytes, since: int = 0, timeout: float = 120) -> int:
        """Read the screen until ``what`` appears after byte ``since``; where it ended."""
        if not self.seen(what, since, timeout):
            tail = self.out[-2000:].decode("utf-8", "replace")
            raise AssertionError(f"{what!r} never appeared on the screen; last output:\n{tail}")
        return len(self.out)

    def seen(self, what: bytes, since: int, timeout: float) -> bool:
        """Read the screen for at most ``timeout`` seconds or until ``what`` appears."""
        end = time.monotonic() + timeout
        while what not in self.out[since:]:
            if time.monotonic() > end:
                return False
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                self.out += os.read(self.master, 65536)
        return True

    def press(self, keys: bytes) -> int:
        at = len(self.out)
        os.write(self.master, keys)
        return at

    def wait_for_autosave(self, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while not list(self.folder.glob("*.json")):
            assert time.monotonic() < end, "the autosave never wrote the recovery file"
            with contextlib.suppress(OSError):
                if select.select([self.master], [], [], 0.05)[0]:
                    self.out += os.read(self.master, 65536)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.master)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture
def terminal(plan_file: Path, private_state: Path) -> Iterator[Terminal]:
    term = Terminal(plan_file, private_state)
    try:
        term.wait_for(b"Checkout PSP migration")  # the program name is in the header
        # The Milestones screen: it opens once the plan is read, when the key came before.
        term.wait_for(b"Done today", term.press(b"2"))
        yield term
    finally:
        term.close()


def test_kill_9_after_an_edit_keeps_it_and_the_next_start_merges_it_with_the_file(
    plan_file: Path, terminal: Terminal
) -> None:
    """The first row (kickoff, done) goes back to planned; two seconds later the autosave has
    it; kill -9; then tpm kpi record changes the file; the next start offers the edit and
    merges it with the file, keeping the new measurement."""
    terminal.press(b"s")
    terminal.wait_for_autosave()
    terminal.proc.send_signal(signal.SIGKILL)
    assert terminal.proc.wait(timeout=30) == -signal.SIGKILL
    assert plan_file.read_text(encoding="utf-8").count('status = "done"') == 3  # not saved
    assert (
        main(["kpi", "record", str(plan_file), "payment-success", "77.5", "--date", "2026-04-14"])
        == 0
    )

    async def next_start(app: TpmApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, ConfirmScreen)
        assert "The file has changed since" in str(app.screen.body)
        await pilot.press("enter")  # "Restore my edits" has the focus
        await settle(app, pilot)
        m = app.session.find("milestones", "kickoff")
        assert isinstance(m, Milestone) and m.status == "planned"
        kpi = app.session.find("kpis", "payment-success")
        assert isinstance(kpi, Kpi) and any(x.value == 77.5 for x in kpi.measurements)
        assert app.history.dirty
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, next_start)
    saved = plan_file.read_text(encoding="utf-8")
    assert "77.5" in saved and saved.count('status = "done"') == 2


def test_a_lost_terminal_keeps_the_edit_at_once(plan_file: Path, terminal: Terminal) -> None:
    """Closing the terminal right after an edit (before the autosave's two seconds) sends
    SIGHUP: the edit is written, the app exits 129, the next start offers it."""
    terminal.wait_for(b"modified", terminal.press(b"s"))
    os.close(terminal.master)
    assert terminal.proc.wait(timeout=30) == 128 + signal.SIGHUP
    kept = recovery.find(plan_file)
    assert kept is not None and kept.text.count('status = "done"') == 2
