"""Nothing typed is ever lost: status changes, percent on done work, KPI values on a measured
day, escape on a form, the focus of destructive dialogs, keys typed while a form opens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input
from tuihelp import drive, screen_text, settle

from tpm.plan.model import Kpi, Milestone
from tpm.tui.app import TpmApp
from tpm.tui.screens.form import FormScreen
from tpm.tui.screens.modals import ConfirmScreen, PromptScreen
from tpm.tui.widgets.vtable import VTable

AS_OF = dt.date(2026, 4, 15)


async def on_row(app: TpmApp, pilot: Pilot[None], screen: str, table: str, key: str) -> None:
    await pilot.press(screen)
    await settle(app, pilot)
    widget = app.screen.query_one(f"#{table}", VTable)
    widget.move_to(key)
    widget.focus()
    await pilot.pause()


def milestone(app: TpmApp, key: str) -> Milestone:
    m = app.session.find("milestones", key)
    assert isinstance(m, Milestone)
    return m


def kpi(app: TpmApp, key: str) -> Kpi:
    k = app.session.find("kpis", key)
    assert isinstance(k, Kpi)
    return k


def notices(app: TpmApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def focused_button(app: TpmApp) -> str | None:
    focused = app.screen.focused
    return focused.id if isinstance(focused, Button) else None


def test_the_status_key_never_deletes_dates_or_progress(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        start = milestone(app, "api-build")  # in progress, 40 %, started 2026-03-30
        await on_row(app, pilot, "2", "ms-table", "api-build")
        await pilot.press("s", "s")  # done, then back to planned
        await settle(app, pilot)
        back = milestone(app, "api-build")
        assert back.status == "planned"
        assert (back.actual_start, back.percent_complete) == (dt.date(2026, 3, 30), 40)
        assert "kept actual_start 2026-03-30, 40% complete" in notices(app)
        await pilot.press("s")  # in progress again: exactly as it was
        await settle(app, pilot)
        assert milestone(app, "api-build") == start

    drive(plan_file, scenario)


def test_percent_below_100_on_done_work_reopens_it_and_says_so(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await on_row(app, pilot, "2", "ms-table", "kickoff")
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "90"
        await pilot.press("enter")
        await settle(app, pilot)
        m = milestone(app, "kickoff")
        assert (m.status, m.percent_complete, m.actual_finish) == ("in_progress", 90, None)
        assert "done → in progress at 90%" in notices(app)

    drive(plan_file, scenario)


async def measure(app: TpmApp, pilot: Pilot[None], value: str) -> None:
    await on_row(app, pilot, "5", "kpi-table", "p95-latency")
    await pilot.press("m", *value, "enter")
    await settle(app, pilot)


def test_a_second_kpi_value_on_the_same_day_asks_and_keeps_both_by_default(
    plan_file: Path,
) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        before = len(kpi(app, "p95-latency").measurements)
        await measure(app, pilot, "780")
        assert len(kpi(app, "p95-latency").measurements) == before + 1
        await measure(app, pilot, "770")
        assert isinstance(app.screen, ConfirmScreen)
        assert "already has a measurement on 2026-04-15: 780" in screen_text(app)
        assert focused_button(app) == "add"
        await pilot.press("enter")
        await settle(app, pilot)
        today = [m.value for m in kpi(app, "p95-latency").measurements if m.date == AS_OF]
        assert today == [780, 770]
        await measure(app, pilot, "760")
        await pilot.click("#replace")
        await settle(app, pilot)
        today = [m.value for m in kpi(app, "p95-latency").measurements if m.date == AS_OF]
        assert today == [760]
        await measure(app, pilot, "750")
        await pilot.click("#cancel")
        await settle(app, pilot)
        today = [m.value for m in kpi(app, "p95-latency").measurements if m.date == AS_OF]
        assert today == [760]

    drive(plan_file, scenario)


def test_escape_on_a_form_with_typed_values_asks_first(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await on_row(app, pilot, "2", "ms-table", "fraud-rules")
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert not isinstance(app.screen, (FormScreen, ConfirmScreen))
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-title", Input).value = "Fraud rules, typed with care"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "You changed title" in screen_text(app)
        assert focused_button(app) == "keep"
        await pilot.press("enter")  # keep editing: the typed text is still there
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#f-title", Input).value == "Fraud rules, typed with care"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.click("#discard")
        await settle(app, pilot)
        assert not isinstance(app.screen, (FormScreen, ConfirmScreen))
        assert milestone(app, "fraud-rules").title == "Fraud rules port"

    drive(plan_file, scenario)


def test_destructive_dialogs_focus_the_safe_choice(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        plan_file.write_text(plan_file.read_text() + "\n# a teammate's edit\n")
        app.resolve_conflict(save_after=False)  # reload (drops mine) or keep mine (theirs)
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and "changed on disk" in screen_text(app)
        assert focused_button(app) == "later"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.history.dirty and "a teammate's edit" in plan_file.read_text()

    drive(plan_file, scenario)


def burst(app: TpmApp, *keys: str) -> None:
    """Keys arriving all at once, as from a fast typist on a busy machine: nothing runs
    between them."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def test_keys_typed_while_a_form_opens_land_in_its_fields(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await on_row(app, pilot, "2", "ms-table", "fraud-rules")
        burst(app, "a", *"qa-sign", "tab", *"Sign off by QA")
        await settle(app, pilot)
        await pilot.pause(0.3)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#f-id", Input).value == "qa-sign"
        assert form.query_one("#f-title", Input).value == "Sign off by QA"
        assert not app.history.dirty  # no key reached the table underneath

    drive(plan_file, scenario)


def test_keys_typed_after_a_screen_search_or_prompt_key_land_where_they_were_meant(
    plan_file: Path,
) -> None:
    """`2 / sandbox` in one burst from the dashboard: the Milestones screen opens and the text
    goes into its search box. None of it reaches the table, where s, a, b, o and x are edits
    (and the search box never gets the "/"). Then `b` and a reason land in the prompt."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        burst(app, "2", "slash", *"sandbox")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert app.current_mode == "milestones" and not isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#ms-search", Input).value == "sandbox"
        assert not app.history.dirty
        await pilot.press("escape")  # clears the search
        await on_row(app, pilot, "2", "ms-table", "fraud-rules")
        burst(app, "b", *"vendor sandbox down", "enter")
        await settle(app, pilot)
        await pilot.pause(0.3)
        m = milestone(app, "fraud-rules")
        assert (m.status, m.blocked_reason) == ("blocked", "vendor sandbox down")

    drive(plan_file, scenario)
