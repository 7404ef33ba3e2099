"""More Pilot flows: other forms, deletes, timeline, report, and an engine failure."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tuihelp import checked, drive, screen_text, settle

from tpm.register import kpis
from tpm.tui.app import TpmApp
from tpm.tui.screens.form import FormScreen
from tpm.tui.screens.modals import PickScreen, PromptScreen
from tpm.tui.widgets.gantt import Gantt
from tpm.tui.widgets.vtable import VTable


def on_disk(path: Path) -> dict:  # type: ignore[type-arg]
    return tomllib.loads(path.read_text(encoding="utf-8"))


async def fill(app: TpmApp, pilot: Pilot[None], **values: str) -> None:
    form = app.screen
    assert isinstance(form, FormScreen)
    for name, value in values.items():
        form.query_one(f"#f-{name}", Input).value = value
    await checked(app, pilot, form)


async def pick(app: TpmApp, pilot: Pilot[None], key: str) -> None:
    assert isinstance(app.screen, PickScreen)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(key)
    await pilot.press("enter")
    await settle(app, pilot)


def test_add_decision_and_mitigation_then_save(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        await pick(app, pilot, "new")
        await fill(app, pilot, id="go-live", title="Go live in NL first", date="2026-04-15")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        table = app.screen.query_one("#risk-table", VTable)
        table.move_to("fraud-gap")
        await pilot.press("m")
        await settle(app, pilot)
        await pick(app, pilot, "new")
        await fill(app, pilot, id="velocity-poc", action="Velocity check prototype", due="x")
        assert "expected a TOML date" in screen_text(app)
        await fill(app, pilot, due="2026-04-30")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "2026-04-30 Velocity check" in screen_text(app)  # its next action
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    data = on_disk(plan_file)
    assert data["decisions"][-1] == {
        "id": "go-live",
        "date": dt.date(2026, 4, 15),
        "title": "Go live in NL first",
    }
    fraud = next(r for r in data["risks"] if r["id"] == "fraud-gap")
    assert fraud["mitigations"] == [
        {"id": "velocity-poc", "action": "Velocity check prototype", "due": dt.date(2026, 4, 30)}
    ]


def test_edit_and_delete_measurement_and_kpi(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("5")
        await settle(app, pilot)
        app.screen.query_one("#kpi-table", VTable).move_to("conversion")
        await pilot.press("v")
        await settle(app, pilot)
        await pick(app, pilot, "0")
        await fill(app, pilot, value="3.05", note="holiday dip")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        app.screen.query_one("#kpi-table", VTable).move_to("p95-latency")
        await pilot.press("delete")
        await settle(app, pilot)
        assert "p95 checkout latency" not in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    kpis = {k["id"]: k for k in on_disk(plan_file)["kpis"]}
    assert "p95-latency" not in kpis
    assert kpis["conversion"]["measurements"][0] == {
        "date": dt.date(2026, 3, 16),
        "value": 3.05,
        "note": "holiday dip",
    }


def test_deleting_a_referenced_milestone_is_refused(plan_file: Path) -> None:
    before = plan_file.read_bytes()

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one("#ms-table", VTable).move_to("qa-e2e")
        await pilot.press("delete")
        await settle(app, pilot)
        await pilot.pause(0.2)
        assert "cannot delete qa-e2e" in screen_text(app)
        shown = [n.message for n in app._notifications]
        assert any("pilot-nl" in m and "unknown milestone 'qa-e2e'" in m for m in shown)
        assert not app.history.dirty
        app.screen.query_one("#ms-table", VTable).move_to("legacy-off")
        await pilot.press("delete")
        await settle(app, pilot)
        assert app.plan is not None and app.plan.milestone("legacy-off") is None
        await pilot.press("u")
        await settle(app, pilot)
        assert app.plan.milestone("legacy-off") is not None

    drive(plan_file, scenario)
    assert plan_file.read_bytes() == before


def test_add_milestone_form(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await fill(app, pilot, id="docs", title="Merchant docs", depends_on="rollout:SS+2")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Milestones: 12 of 12" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    docs = on_disk(plan_file)["milestones"][-1]
    assert docs["depends_on"] == [{"id": "rollout", "type": "SS", "lag": 2}]


def test_timeline_zoom_group_and_quick_key(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await settle(app, pilot)
        gantt = app.screen.query_one(Gantt)
        assert gantt.zoom == "fit" and "▸ Backend (8)" in screen_text(app)
        await pilot.press("z", "z", "z")
        await pilot.pause()
        assert gantt.zoom == "month" and "zoom: month" in screen_text(app)
        await pilot.press("f")
        await pilot.pause()
        assert gantt.zoom == "fit" and "fit · 1 " in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert "▸ Backend" not in screen_text(app)
        assert gantt.rows[0].key == "kickoff"
        gantt.cursor_row = [r.key for r in gantt.rows].index("fraud-rules")
        await pilot.press("x")
        await settle(app, pilot)
        assert app.plan and app.plan.milestone("fraud-rules").status == "done"  # type: ignore[union-attr]

    drive(plan_file, scenario)


def test_report_is_rendered_and_written(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("6")
        await settle(app, pilot)
        assert "Checkout PSP migration" in screen_text(app)
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await settle(app, pilot)

    app = drive(plan_file, scenario)
    written = tmp_path / "plan-status-2026-04-15.md"
    assert written.read_text(encoding="utf-8") == app.report_markdown()
    assert written.read_text(encoding="utf-8").startswith("#")


def test_engine_failure_shows_placeholder_and_the_rest_works(
    plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ArithmeticError("overflow in the KPI slope")

    monkeypatch.setattr(kpis, "analyse_kpis", broken)

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("5")
        await settle(app, pilot)
        assert "the KPI analysis failed: ArithmeticError: overflow" in screen_text(app)
        await pilot.press("2")
        await settle(app, pilot)
        assert "fraud-rules" in screen_text(app)  # the schedule still works

    drive(plan_file, scenario)


def test_invalid_plan_reloads_when_fixed(tmp_path: Path) -> None:
    bad = tmp_path / "plan.toml"
    good_text = (Path(__file__).parent / "data" / "fixture.toml").read_text()
    bad.write_text(good_text.replace("duration = 10\n", 'duration = "ten"\n', 1))

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        assert "expected a number" in screen_text(app)
        bad.write_text(good_text)
        app.poll_disk()
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert "Critical path" in screen_text(app)

    drive(bad, scenario)
