"""Saving when the file changed on disk: edits merge by field, conflicts are picked per field."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select
from tuihelp import drive, screen_text, settle

from tpm.tui.app import TpmApp
from tpm.tui.screens.fields import FieldConflictScreen
from tpm.tui.screens.modals import ConfirmScreen


def milestones(path: Path) -> dict[str, dict[str, Any]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {m["id"]: m for m in data["milestones"]}


def test_others_changes_to_other_fields_merge_and_are_listed(plan_file: Path) -> None:
    base = milestones(plan_file)
    external = "# edited in vim\n" + plan_file.read_text().replace(
        '"Kickoff"', '"Kickoff (edited in vim)"'
    )
    seen: dict[str, Any] = {}

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")  # my edit: the status of the selected milestone
        await settle(app, pilot)
        seen["mine"] = {e.item_id for e in app.session.edits()}
        plan_file.write_text(external)
        app.poll_disk()  # what the 2-second timer does
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen | FieldConflictScreen)
        seen["notices"] = [n.message for n in app._notifications]
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    assert any("others changed: kickoff.title" in n for n in seen["notices"]), seen["notices"]
    text = plan_file.read_text()
    assert text.startswith("# edited in vim\n") and "Kickoff (edited in vim)" in text
    [mine] = seen["mine"]
    assert milestones(plan_file)[mine]["status"] != base[mine]["status"]  # mine is kept too
    assert not app.session.dirty


def test_same_field_conflict_shows_three_values_and_writes_only_after_the_pick(
    plan_file: Path,
) -> None:
    base = milestones(plan_file)
    seen: dict[str, Any] = {}

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        [edit] = [e for e in app.session.edits() if e.field == "status"]
        seen["id"], seen["mine"] = edit.item_id, edit.new
        text = plan_file.read_text()
        block = text.index(f'id = "{edit.item_id}"')
        status = text.index("status = ", block)
        end = text.index("\n", status)
        external = text[:status] + 'status = "cancelled"' + text[end:]
        external = external.replace('"Kickoff"', '"Kickoff (edited in vim)"')
        plan_file.write_text(external)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FieldConflictScreen)
        shown = screen_text(app)
        assert f"{edit.item_id}.status" in shown and '"cancelled"' in shown
        assert f'mine "{edit.new}"' in shown and f'base "{edit.old}"' in shown
        assert plan_file.read_text() == external  # nothing written before the pick
        app.screen.query_one("#pick-0", Select).value = "mine"
        await settle(app, pilot)
        await pilot.click("#apply")
        await settle(app, pilot)
        seen["after"] = plan_file.read_text()

    app = drive(plan_file, scenario)
    saved = milestones(plan_file)
    assert saved[seen["id"]]["status"] == seen["mine"] != base[seen["id"]]["status"]
    assert "Kickoff (edited in vim)" in seen["after"]  # the others' other change is kept
    assert not app.session.dirty


def test_cancelling_the_pick_writes_nothing_and_keeps_my_edit(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        [edit] = [e for e in app.session.edits() if e.field == "status"]
        text = plan_file.read_text()
        status = text.index("status = ", text.index(f'id = "{edit.item_id}"'))
        external = text[:status] + 'status = "cancelled"' + text[text.index("\n", status) :]
        plan_file.write_text(external)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FieldConflictScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert plan_file.read_text() == external and app.session.dirty

    drive(plan_file, scenario)
