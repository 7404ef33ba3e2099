"""Id completion in every form, the risk register's standup columns, the slip trend and
RAG history, and recording a snapshot from the TUI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static
from tuihelp import AS_OF, drive, settle

from tpm.tui.app import TpmApp
from tpm.tui.screens.form import FormScreen
from tpm.tui.widgets.text import Wrapped
from tpm.tui.widgets.vtable import VTable


async def _open_form(app: TpmApp, pilot: Pilot[None], *keys: str) -> FormScreen:
    await pilot.press(*keys)
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, FormScreen), type(form).__name__
    return form


def _note(form: FormScreen, name: str) -> str:
    widget = form.query_one(f"#n-{name}", Static)
    return str(widget.render()) if widget.display else ""


async def _type(pilot: Pilot[None], form: FormScreen, name: str, text: str) -> Input:
    field = form.query_one(f"#f-{name}", Input)
    field.focus()
    await pilot.pause()
    field.value = text[:-1]
    field.cursor_position = len(field.value)
    await pilot.press(text[-1])  # the last key typed
    await form.app.workers.wait_for_complete()  # the suggester runs in a worker
    await pilot.pause()
    return field


def test_forms_complete_declared_ids_and_flag_unknown_ones(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one("#ms-table", VTable).move_to("api-build")
        form = await _open_form(app, pilot, "e")
        # Team: a prefix is completed (→ accepts) and the declared teams it matches are listed.
        team = await _type(pilot, form, "team", "ba")
        assert team._suggestion == "backend"
        assert "backend" in _note(form, "team")
        await pilot.press("right")
        assert team.value == "backend" and _note(form, "team") == ""
        # An unknown team is flagged as typed, with the closest declared one.
        await _type(pilot, form, "team", "bakcend")
        assert "unknown team 'bakcend': did you mean 'backend'?" in _note(form, "team")
        # Dependencies: the last entry of the list is completed; unknown ones are flagged.
        deps = await _type(pilot, form, "depends_on", "psp-contract, api-d")
        assert deps._suggestion == "psp-contract, api-design"
        await _type(pilot, form, "depends_on", "api-desgn")
        assert "did you mean 'api-design'?" in _note(form, "depends_on")
        # Owners: the names the plan uses; a near miss is a likely typo.
        owner = await _type(pilot, form, "owner", "El")
        assert owner._suggestion == "Eli"
        await _type(pilot, form, "owner", "Elli")
        assert "did you mean 'Eli'?" in _note(form, "owner")
        form.dismiss(None)
        await settle(app, pilot)
        # Sub-item forms too: a new mitigation's owner (the risk and KPI forms take the same
        # path as the milestone form; tests/unit/tui/test_known.py lists every form's fields).
        await pilot.press("4")
        await settle(app, pilot)
        app.screen.query_one("#risk-table", VTable).move_to("fraud-gap")
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("enter")  # "+ new mitigation"
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.section == "mitigations"
        mit_owner = await _type(pilot, form, "owner", "Ha")
        assert mit_owner._suggestion == "Hal"
        await _type(pilot, form, "owner", "Gsu")
        assert "did you mean 'Gus'?" in _note(form, "owner")

    drive(plan_file, scenario)


def test_risk_register_keeps_owner_next_action_and_review(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(app, pilot)
        for width in (80, 120, 200):
            await pilot.resize_terminal(width, 30)
            await settle(app, pilot)
            table = app.screen.query_one("#risk-table", VTable)
            shown = table.shown_columns()
            assert {"score", "id", "title", "owner", "next"} <= set(shown), width
            if width >= 120:
                assert "reviewed" in shown
            widths = dict(zip(shown, (w for _i, w in table.column_layout()), strict=True))
            # Titles get the room before the band word (the score is in the band's colour).
            assert widths["title"] >= 20 or width < 120
            assert ("band" in shown) == (width >= 200), width
            text = "\n".join(
                "".join(s.text for s in table.render_line(y)) for y in range(table.size.height)
            )
            assert "2026-04-10 Esc" in text  # sandbox-delay's next action, due date first

    drive(plan_file, scenario, size=(80, 30))


SNAPSHOTS = """
[[snapshots]]
date = 2026-04-01
rag = "green"
schedule = "green"
risks = "amber"
kpis = "green"
blockers = "green"
finish = 2026-05-20
p80 = 2026-05-29
milestones = [{ id = "fraud-rules", finish = 2026-05-06 }]

[[snapshots]]
date = 2026-04-08
rag = "amber"
schedule = "amber"
risks = "amber"
kpis = "red"
blockers = "green"
finish = 2026-05-27
"""


def _lines(widget: Wrapped) -> list[str]:
    return ["".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)]


def test_dashboard_shows_rag_history_and_slip_trend(plan_file: Path) -> None:
    with plan_file.open("a", encoding="utf-8") as f:
        f.write(SNAPSHOTS)

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        letter = {"green": "G", "amber": "A", "red": "R"}
        for width in (80, 120, 200):
            await pilot.resize_terminal(width, 40)
            await settle(app, pilot)
            data = app.analysis.report  # type: ignore[union-attr]
            assert data is not None and data.finish is not None
            status = app.screen.query_one("#dash-status", Wrapped)
            lines = [line.strip("│ ") for line in _lines(status)]
            for area, was in (("Schedule", "G A"), ("KPIs", "G R")):
                rag = next(a.rag for a in data.status.areas if a.name == area)
                row = next(line for line in lines if line.startswith(area))
                assert row.split()[1:] == [rag.upper(), *was.split(), letter[rag]], row
            assert f"G A {letter[data.status.rag]}  04-01 to today" in "\n".join(lines)
            trend = app.screen.query_one("#dash-trend", Wrapped)
            rows = _lines(trend)
            assert all(len(r) <= width for r in rows)
            finish = next(r for r in rows if r.strip("│ ").startswith("finish "))
            slip = (data.finish - dt.date(2026, 5, 20)).days
            assert f"{data.finish}  {slip:+d} d" in finish, finish
            # Every label stands whole, the strip of blocks after it.
            fraud = next(r for r in rows if "fraud-rules " in r)
            assert fraud.strip("│ ").startswith("fraud-rules ")

    drive(plan_file, scenario)


def test_record_snapshot_is_an_undoable_edit_as_tpm_report_record(
    plan_file: Path, tmp_path: Path
) -> None:
    import shutil
    import tomllib

    from tpm.cli import main

    cli_copy = tmp_path / "cli.toml"
    shutil.copy(plan_file, cli_copy)
    assert main(["report", str(cli_copy), "--record", "-o", str(tmp_path / "r.md")]) == 0

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        assert app.plan is not None
        await pilot.press("R")
        await settle(app, pilot)
        assert [s.date for s in app.plan.snapshots] == [AS_OF]
        await pilot.press("u")
        await settle(app, pilot)
        assert app.plan.snapshots == []
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Record snapshot" in titles
        await pilot.press("6", "R", "R")  # from the report screen; twice is once
        await settle(app, pilot)
        assert [s.date for s in app.plan.snapshots] == [AS_OF]
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    drive(plan_file, scenario)
    tui = tomllib.loads(plan_file.read_text(encoding="utf-8"))["snapshots"]
    cli = tomllib.loads(cli_copy.read_text(encoding="utf-8"))["snapshots"]
    assert tui == cli and len(tui) == 1


def test_columns_favour_titles_and_rag_words_line_up(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        plan = app.plan
        assert plan is not None
        longest = {
            "team": max(len(m.team) for m in plan.milestones),
            "owner": max(len(m.owner) for m in plan.milestones),
            "critical": 1,  # ●
        }
        await pilot.resize_terminal(200, 30)  # 80 and 120: test_tui_expectations.py
        await settle(app, pilot)
        status = app.screen.query_one("#dash-status", Wrapped).plain
        words = {
            line.index(word)
            for line in status.splitlines()
            for word in ("GREEN", "AMBER", "RED")
            if word in line and not line.startswith(" ")
        }
        assert len(words) == 1, status
        await pilot.press("2")
        for width in (80, 120, 200):
            await pilot.resize_terminal(width, 30)
            await settle(app, pilot)
            table = app.screen.query_one("#ms-table", VTable)
            shown = dict(
                zip(table.shown_columns(), (w for _i, w in table.column_layout()), strict=True)
            )
            labels = {c.key: c.label for c in table.columns}
            # Short columns are as wide as what they hold; the spare room goes to titles.
            for key, most in longest.items():
                if key in shown:
                    assert shown[key] <= max(most, len(labels[key])), (width, key)
            cut = any(len(m.title) > shown["title"] for m in plan.milestones)
            assert not cut or width < 200, (width, shown)

    drive(plan_file, scenario)
