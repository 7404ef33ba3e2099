"""Pilot tests of every TUI flow: what is on screen and what is written to disk."""

from __future__ import annotations

import datetime as dt
import difflib
import time
import tomllib
from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input
from tuihelp import FIXTURE, checked, drive, screen_text, settle

from tpm.check.load import load_plan
from tpm.plan.storage import dumps
from tpm.tui.app import TpmApp
from tpm.tui.screens.form import FormScreen
from tpm.tui.screens.modals import ConfirmScreen, PromptScreen
from tpm.tui.widgets.vtable import VTable


def on_disk(path: Path) -> dict:  # type: ignore[type-arg]
    return tomllib.loads(path.read_text(encoding="utf-8"))


def milestone_on_disk(path: Path, ident: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in on_disk(path)["milestones"] if m["id"] == ident)


async def select_row(app: TpmApp, pilot: Pilot[None], table_id: str, key: str) -> None:
    table = app.screen.query_one(f"#{table_id}", VTable)
    table.move_to(key)
    table.focus()
    await pilot.pause()
    assert table.current_key == key


async def press_on_row(
    app: TpmApp, pilot: Pilot[None], screen: str, table_id: str, row: str, *keys: str
) -> None:
    """Show screen ``screen``, select ``row`` in its table ``table_id``, press ``keys``."""
    await pilot.press(screen)
    await settle(app, pilot)
    await select_row(app, pilot, table_id, row)
    await pilot.press(*keys)
    await settle(app, pilot)


async def edit_milestone(app: TpmApp, pilot: Pilot[None], ident: str) -> FormScreen:
    """Go to the milestones screen, select ``ident`` and open its edit form."""
    await press_on_row(app, pilot, "2", "ms-table", ident, "e")
    form = app.screen
    assert isinstance(form, FormScreen)
    return form


def test_keys_1_to_6_switch_screens(plan_file: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        for key in "123456":
            await pilot.press(key)
            await settle(app, pilot)
            seen[key] = type(app.screen).__name__
        text = screen_text(app)
        assert "Status report" in text or "Checkout PSP migration" in text

    drive(plan_file, scenario)
    assert seen == {
        "1": "DashboardScreen",
        "2": "MilestonesScreen",
        "3": "TimelineScreen",
        "4": "RisksScreen",
        "5": "KpisScreen",
        "6": "ReportScreen",
    }


def test_dashboard_shows_rag_by_word_and_rules(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        text = screen_text(app)
        assert "Overall" in text and any(w in text for w in ("GREEN", "AMBER", "RED"))
        assert "kpis.red-streak" in text  # the rule that fired is named
        assert "Critical path" in text and "qa-e2e" in text
        assert "P80" in text  # the fixture has estimates

    drive(plan_file, scenario)


def test_milestones_sort_and_filter(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one("#ms-table", VTable)
        assert len(table.keys) == 11
        await pilot.press("c")  # critical only
        await pilot.pause()
        assert set(table.keys) == {"web-checkout", "qa-e2e", "pilot-nl", "rollout", "legacy-off"}
        assert "Milestones: 5 of 11" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("slash", *"pilot", "enter")
        await pilot.pause()
        assert table.keys == ["pilot-nl"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.keys) == 11
        app.screen.sort_key = "float"  # type: ignore[attr-defined]
        await pilot.press("o")  # next column after float: critical first
        await pilot.pause()
        assert table.keys[0] in {"web-checkout", "qa-e2e", "pilot-nl", "rollout", "legacy-off"}
        await pilot.press("O")
        await pilot.pause()
        assert table.keys[-1] in {"web-checkout", "qa-e2e", "pilot-nl", "rollout", "legacy-off"}

    drive(plan_file, scenario)


def test_edit_form_shows_errors_while_invalid_and_saves(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        form = await edit_milestone(app, pilot, "fraud-rules")
        form.query_one("#f-duration", Input).value = "ten"
        await checked(app, pilot, form)
        text = screen_text(app)
        assert "expected a number (got 'ten')" in text
        assert form.has_errors
        await pilot.press("ctrl+s")  # refused while invalid
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        form.query_one("#f-duration", Input).value = "12"
        form.query_one("#f-title", Input).value = "Fraud rules port v2"
        await checked(app, pilot, form)
        assert "valid — no problems" in screen_text(app)
        await pilot.press("ctrl+s")  # form save
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        assert "● modified" in screen_text(app)
        await pilot.press("ctrl+s")  # app save
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    saved = milestone_on_disk(plan_file, "fraud-rules")
    assert saved["duration"] == 12 and saved["title"] == "Fraud rules port v2"
    assert not app.history.dirty


def test_cycle_is_refused_with_the_loop_shown(plan_file: Path) -> None:
    before = plan_file.read_bytes()

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        form = await edit_milestone(app, pilot, "api-design")
        form.query_one("#f-depends_on", Input).value = "psp-contract, qa-e2e"
        await checked(app, pilot, form)
        text = screen_text(app)
        assert "dependency cycle:" in text and "api-design" in text and "qa-e2e" in text
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)  # refused
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.history.dirty

    drive(plan_file, scenario)
    assert plan_file.read_bytes() == before


def test_milestone_quick_keys(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await press_on_row(
            app, pilot, "2", "ms-table", "fraud-rules", "s"
        )  # planned -> in_progress
        assert "in_progress" in screen_text(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "150"
        await pilot.pause()
        assert "must be between 0 and 100" in screen_text(app)
        await pilot.press("enter")  # refused
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "60"
        await pilot.press("enter")
        await settle(app, pilot)
        await select_row(app, pilot, "ms-table", "pilot-nl")
        await pilot.press("b", *"vendor", "enter")
        await settle(app, pilot)
        await select_row(app, pilot, "ms-table", "qa-e2e")
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    fraud = milestone_on_disk(plan_file, "fraud-rules")
    assert fraud["status"] == "in_progress" and fraud["percent_complete"] == 60
    assert fraud["actual_start"] == dt.date(2026, 4, 15)
    pilot_nl = milestone_on_disk(plan_file, "pilot-nl")
    assert pilot_nl["status"] == "blocked" and pilot_nl["blocked_reason"] == "vendor"
    qa = milestone_on_disk(plan_file, "qa-e2e")
    assert qa["status"] == "done" and qa["actual_finish"] == dt.date(2026, 4, 15)


def test_risk_reviewed_today_and_rescore(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await press_on_row(app, pilot, "4", "risk-table", "peak-season", "r")
        await pilot.press("i")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "5"
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "2026-04-15" in text and "15" in text
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    risk = next(r for r in on_disk(plan_file)["risks"] if r["id"] == "peak-season")
    assert risk["last_reviewed"] == dt.date(2026, 4, 15) and risk["impact"] == 5


def test_heat_map_cell_filters_the_register(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("h")  # focus the heat map; cursor starts at P3 x I3
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#risk-table", VTable)
        assert table.keys == ["peak-season"]
        assert "cell P3 x I3" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.keys) == 3

    drive(plan_file, scenario)


def test_kpi_measurement_recorded(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await press_on_row(
            app, pilot, "5", "kpi-table", "p95-latency", "m", *"780 after cache", "enter"
        )
        assert "780ms" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    kpi = next(k for k in on_disk(plan_file)["kpis"] if k["id"] == "p95-latency")
    assert kpi["measurements"][-1] == {
        "date": dt.date(2026, 4, 15),
        "value": 780,
        "note": "after cache",
    }


def test_undo_and_redo(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await press_on_row(app, pilot, "2", "ms-table", "fraud-rules", "x")
        assert app.plan and app.plan.milestone("fraud-rules").status == "done"  # type: ignore[union-attr]
        await pilot.press("u")
        await settle(app, pilot)
        assert app.plan.milestone("fraud-rules").status == "planned"  # type: ignore[union-attr]
        assert not app.history.dirty and "● modified" not in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.plan.milestone("fraud-rules").status == "done"  # type: ignore[union-attr]
        assert "● modified" in screen_text(app)

    drive(plan_file, scenario)


def test_save_writes_canonical_bytes(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await press_on_row(app, pilot, "2", "ms-table", "rollout", "s", "ctrl+s")

    app = drive(plan_file, scenario)
    loaded = load_plan(plan_file)
    assert loaded.plan is not None
    assert plan_file.read_text(encoding="utf-8") == dumps(loaded.plan) == dumps(app.plan)  # type: ignore[arg-type]
    # Only the edited milestone's lines changed: status, and actual_start added.
    old, new = FIXTURE.read_text().splitlines(), plan_file.read_text().splitlines()
    changed = [
        line
        for line in difflib.unified_diff(old, new, lineterm="")
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == [
        '-status = "planned"',
        '+status = "in_progress"',
        "+actual_start = 2026-04-15",
    ]


def test_quit_with_unsaved_changes_asks(plan_file: Path) -> None:
    before = plan_file.read_bytes()

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "unsaved changes" in screen_text(app)
        await pilot.click("#cancel")
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, ConfirmScreen)
        await pilot.press("q")
        await settle(app, pilot)
        await pilot.click("#discard")
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    assert app.return_code == 0 or app.return_code is None
    assert plan_file.read_bytes() == before


def test_external_change_is_never_overwritten(plan_file: Path) -> None:
    external = plan_file.read_text().replace('"Kickoff"', '"Kickoff (edited in vim)"')

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")  # an unsaved edit of mine, of another field
        await settle(app, pilot)
        plan_file.write_text(external)
        await pilot.press("ctrl+s")  # merged: both changes are written
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    assert "Kickoff (edited in vim)" in plan_file.read_text() and not app.history.dirty


def test_unmergeable_external_change_keep_mine_overwrites_after_asking(plan_file: Path) -> None:
    # A file that no longer parses cannot be merged by field: the diff dialog asks.
    external = plan_file.read_text().replace('"Kickoff"', '"Kickoff (edited in vim)', 1)

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        plan_file.write_text(external)
        app.poll_disk()  # what the 2-second timer does
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#keep")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    assert "edited in vim" not in plan_file.read_text() and load_plan(plan_file).ok
    assert not app.history.dirty


def test_unmergeable_external_change_reload(plan_file: Path) -> None:
    external = plan_file.read_text().replace('"Kickoff"', '"Kickoff (edited in vim)', 1)

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        plan_file.write_text(external)
        app.poll_disk()
        await settle(app, pilot)
        await pilot.click("#reload")
        await settle(app, pilot)
        assert app.plan is None  # the file as it is now: its problems are shown

    app = drive(plan_file, scenario)
    assert plan_file.read_text() == external and not app.history.dirty


def test_unchanged_app_reloads_quietly_when_the_file_changes(plan_file: Path) -> None:
    external = plan_file.read_text().replace('"Kickoff"', '"Kick-off"')

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        plan_file.write_text(external)
        app.poll_disk()
        await settle(app, pilot)
        assert app.plan and app.plan.milestone("kickoff").title == "Kick-off"  # type: ignore[union-attr]

    drive(plan_file, scenario)


def test_saving_keeps_comments_without_asking(plan_file: Path) -> None:
    before = "# owned by the payments TPM\n" + plan_file.read_text().replace(
        "[[milestones]]", "[[milestones]]  # schedule", 1
    )
    plan_file.write_text(before)

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s", "ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)

    app = drive(plan_file, scenario)
    after = plan_file.read_text()
    assert (
        after.startswith("# owned by the payments TPM\n") and "[[milestones]]  # schedule" in after
    )
    changed = [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"
    ]
    assert changed and all("status" in c or "actual_" in c or "percent" in c for c in changed), (
        changed
    )
    assert not app.history.dirty


def test_invalid_plan_shows_diagnostics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[program]\nname = "x"\nstart = 2026-01-05\n\n[[milestones]]\nid = "a"\n'
        'title = "A"\nduration = "five"\ndepends_on = ["zz"]\n'
    )

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        text = screen_text(app)
        assert "error(s)" in text
        assert "expected a number" in text and "unknown milestone 'zz'" in text
        await pilot.press("2", "ctrl+s")
        await settle(app, pilot)
        assert app.is_running

    drive(bad, scenario)
    assert "five" in bad.read_text()


def test_help_and_command_palette(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert "Milestones" in screen_text(
            app
        ) and "done today (sets actual_finish)" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"show timeline")
        # The palette searches in the background: wait until its top hit is the timeline.
        hits = app.screen.query_one(CommandList)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            hits.option_count
            and hits.highlighted is not None
            and "timeline" in str(hits.get_option_at_index(hits.highlighted).prompt).lower()
        ):
            await pilot.pause(0.02)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TimelineScreen"

    drive(plan_file, scenario)


def test_readable_at_80x24(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        assert "Overall" in screen_text(app)
        await pilot.press("2")
        await settle(app, pilot)
        text = screen_text(app)
        assert "fraud-rules" in text and "Edit" in text
        footer = text.splitlines()[-1]
        assert footer.split()[:8] == ["1-6", "Screens", "?", "Help", "^s", "Save", "u", "Undo"]

    drive(plan_file, scenario, size=(80, 24))


def test_header_keeps_the_modified_marker_and_status_date_at_80_columns(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await press_on_row(app, pilot, "2", "ms-table", "fraud-rules", "x")
        header = screen_text(app).splitlines()[0]
        assert f"● modified · plan.toml · as of {app.as_of}" in header
        assert "Checkout PSP" in header and "…" in header  # the program name gave way
        await pilot.resize_terminal(160, 24)
        await settle(app, pilot)
        header = screen_text(app).splitlines()[0]
        assert "tpm · Checkout PSP migration — " in header
        assert f"done on {app.as_of}: fraud-rules (u undoes)" in header

    drive(plan_file, scenario, size=(80, 24))
