"""After a crash the TUI exits non-zero and keeps the unsaved plan for the next start."""

from __future__ import annotations

import asyncio
import contextlib
import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tuihelp import AS_OF, drive, ready, settle

from tpm.plan.model import Milestone
from tpm.tui import recovery
from tpm.tui.app import TpmApp, build_app, finish
from tpm.tui.screens.modals import ConfirmScreen
from tpm.tui.widgets.vtable import VTable


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


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
    kept = recovery.path_for(plan_file)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert recovery.find(plan_file) is not None

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
    assert recovery.find(plan_file) is None  # restored: the recovery file is gone


def test_a_normal_quit_keeps_no_recovery(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("q")
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    assert finish(app) == 0
    assert recovery.find(plan_file) is None
