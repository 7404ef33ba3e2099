"""An edit in the TUI is never lost to, and never corrupts, a change made on disk meanwhile.

The app is built without its 2-second timer; ``app.poll_disk()`` is the timer's tick.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input
from tuihelp import checked, drive, settle

from tpm.check.load import load_plan
from tpm.cli import main as tpm
from tpm.tui.app import TpmApp
from tpm.tui.screens.form import FormScreen
from tpm.tui.screens.modals import ConfirmScreen, PromptScreen
from tpm.tui.widgets.vtable import VTable


def kpi_on_disk(path: Path, ident: str) -> dict[str, object]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kpi: dict[str, object] = next(k for k in data["kpis"] if k["id"] == ident)
    return kpi


def teammate_inserts_a_milestone(path: Path) -> None:
    """Another writer adds a milestone at the top of the file (a git pull, an editor)."""
    text = path.read_text(encoding="utf-8")
    block = '[[milestones]]\nid = "teammate-new"\ntitle = "Inserted by Bo"\nduration = 3\n\n'
    at = text.index("[[milestones]]")
    path.write_text(text[:at] + block + text[at:], encoding="utf-8")


async def on_row(app: TpmApp, pilot: Pilot[None], screen: str, table: str, key: str) -> None:
    await pilot.press(screen)
    await settle(app, pilot)
    widget = app.screen.query_one(f"#{table}", VTable)
    widget.move_to(key)
    widget.focus()
    await pilot.pause()


async def edit_row(
    app: TpmApp, pilot: Pilot[None], screen: str, table: str, key: str
) -> FormScreen:
    """Open the edit form (``e``) on the row ``key`` of a screen's table."""
    await on_row(app, pilot, screen, table, key)
    await pilot.press("e")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, FormScreen)
    return form


async def poll(app: TpmApp, pilot: Pilot[None]) -> None:
    app.poll_disk()
    await settle(app, pilot)


def recorded_elsewhere(path: Path) -> None:
    code = tpm(["kpi", "record", str(path), "p95-latency", "790", "--date", "2026-04-14"])
    assert code == 0


def test_a_measurement_recorded_while_the_prompt_is_open_is_kept(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await on_row(app, pilot, "5", "kpi-table", "p95-latency")
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        recorded_elsewhere(plan_file)
        await poll(app, pilot)
        assert isinstance(app.screen, PromptScreen)  # the question is still there
        await pilot.press(*"780", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    values = {
        (m["date"], m["value"]) for m in kpi_on_disk(plan_file, "p95-latency")["measurements"]
    }  # type: ignore[attr-defined]
    assert (dt.date(2026, 4, 14), 790) in values  # `tpm kpi record`'s
    assert (dt.date(2026, 4, 15), 780) in values  # the TUI's


def test_a_measurement_recorded_while_the_kpi_form_is_open_is_kept(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        form = await edit_row(app, pilot, "5", "kpi-table", "p95-latency")
        recorded_elsewhere(plan_file)
        await poll(app, pilot)
        form.query_one("#f-target", Input).value = "750"
        await checked(app, pilot, form)
        await pilot.press("ctrl+s")  # the form
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")  # the plan
        await settle(app, pilot)

    drive(plan_file, scenario)
    kpi = kpi_on_disk(plan_file, "p95-latency")
    assert kpi["target"] == 750
    assert {"date": dt.date(2026, 4, 14), "value": 790} in kpi["measurements"]  # type: ignore[operator]


def test_a_teammates_inserted_milestone_survives_an_open_form(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        form = await edit_row(app, pilot, "2", "ms-table", "fraud-rules")
        teammate_inserts_a_milestone(plan_file)
        await poll(app, pilot)
        assert app.screen is form  # never reloaded under the open form
        assert app.plan is not None and app.plan.milestone("teammate-new") is None
        form.query_one("#f-title", Input).value = "Fraud rules port v2"
        await checked(app, pilot, form)
        await pilot.press("ctrl+s")  # the form
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # the plan
        await settle(app, pilot)

    drive(plan_file, scenario)
    loaded = load_plan(plan_file)
    assert loaded.plan is not None, [d.render() for d in loaded.diagnostics]  # passes tpm check
    ids = [m.id for m in loaded.plan.milestones]
    assert len(ids) == len(set(ids))
    assert loaded.plan.milestone("teammate-new") is not None
    fraud = loaded.plan.milestone("fraud-rules")
    assert fraud is not None and fraud.title == "Fraud rules port v2"
    assert fraud.duration == 8 and fraud.depends_on  # fields the form did not change


def test_a_quick_edit_after_a_prompt_lands_on_its_own_milestone(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await on_row(app, pilot, "2", "ms-table", "fraud-rules")
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        teammate_inserts_a_milestone(plan_file)
        await poll(app, pilot)
        await pilot.press("backspace", *"40", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    loaded = load_plan(plan_file)
    assert loaded.plan is not None, [d.render() for d in loaded.diagnostics]
    fraud, new = loaded.plan.milestone("fraud-rules"), loaded.plan.milestone("teammate-new")
    assert fraud is not None and fraud.percent_complete == 40
    assert new is not None and new.title == "Inserted by Bo" and new.percent_complete == 0


def test_a_plan_that_fails_check_is_never_saved(plan_file: Path) -> None:
    before = plan_file.read_text(encoding="utf-8")

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        session = app.session
        twin = session.find("milestones", "fraud-rules")
        assert twin is not None
        session.add("a twin", "milestones", twin)  # a duplicate id: tpm check refuses it
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "not saved: the plan has errors" in shown and "fraud-rules" in shown

    drive(plan_file, scenario)
    assert plan_file.read_text(encoding="utf-8") == before


def test_a_form_closed_while_its_check_runs_does_not_crash(plan_file: Path) -> None:
    """The check of a form's text runs in a thread; the user may close the form before it
    answers (esc right after typing). The late answer is dropped, not shown on a gone form."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        form = await edit_row(app, pilot, "2", "ms-table", "fraud-rules")
        form.query_one("#f-title", Input).value = "Fraud rules port v2"
        texts = form.texts()
        await pilot.press("escape")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)  # "discard your changes?"
        dialog.dismiss("discard")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen) and not form.query("*")  # all gone
        form.show_diagnostics(form.check(texts), texts)  # the thread's late answer
        await pilot.press("4")
        await settle(app, pilot)
        assert app.screen.query_one("#risk-table", VTable) is not None

    drive(plan_file, scenario)
    fraud = load_plan(plan_file).plan.milestone("fraud-rules")  # type: ignore[union-attr]
    assert fraud is not None and fraud.title != "Fraud rules port v2"
