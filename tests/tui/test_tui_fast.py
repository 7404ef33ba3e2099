"""The TUI stays responsive while the slow analyses run: the dashboard shows its RAG before
the Monte Carlo forecast lands (saying "forecasting…"), and the report screen builds in a
worker while keys keep working.

Each test holds the slow work on a :class:`threading.Event`, so what the user sees while
it runs is asserted without timing anything.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tuihelp import AS_OF, SIZE, screen_text

from tpm.check.load import load_plan
from tpm.report.data import build
from tpm.tui.analysis import Engine
from tpm.tui.app import TpmApp, build_app


@pytest.fixture
def held_forecast(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Engine.full (the forecast tier) waits until the returned event is set."""
    release = threading.Event()
    full = Engine.full

    def held(*args: object, **kwargs: object) -> object:
        release.wait(30)
        return full(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "full", staticmethod(held))
    yield release
    release.set()


@pytest.fixture
def held_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The App's own read of the plan (PlanSession.read) waits until the returned event is
    set, so what a start shows before it is asserted without timing anything."""
    from tpm.tui.session import PlanSession

    release = threading.Event()
    read = PlanSession.read

    def held(self: PlanSession) -> object:
        release.wait(30)
        return read(self)

    monkeypatch.setattr(PlanSession, "read", held)
    yield release
    release.set()


async def until(pilot: Pilot[None], condition: object, what: str) -> None:
    """Pause until ``condition()`` holds (at most 30 s of polling)."""
    for _ in range(3000):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


def test_rag_before_the_forecast_and_report_keys_keep_working(
    plan_file: Path, held_forecast: threading.Event
) -> None:
    """The dashboard shows the RAG while the forecast runs; the report screen says it is
    building, 6 then 1 at once lands on a working dashboard, and the report follows."""
    plan = load_plan(plan_file).plan
    assert plan is not None
    without = build(plan, AS_OF, with_forecast=False).status
    complete = build(plan, AS_OF).status

    async def main() -> None:
        app = build_app(plan_file, as_of=AS_OF, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            # The panel's text lands a refresh before its new height: wait for both.
            areas = [area.name for area in without.areas]
            await until(pilot, lambda: _shows(screen_text(app), areas), "forecasting mark")
            text = screen_text(app)
            assert without.rag.upper() in _line(text, "Overall")
            for area in without.areas:  # every area's RAG is there already
                assert area.rag.upper() in _line(text, area.name)
            assert "P80 and odds forecasting…" in text
            assert app.analysis is not None and not app.analysis.report_current

            await pilot.press("6", "1")  # the report is still being built
            await pilot.pause()
            assert app.current_mode == "dashboard"
            assert "Overall" in screen_text(app)
            await pilot.press("6")
            await until(pilot, lambda: "forecasting… (keys" in screen_text(app), "progress")
            await pilot.press("w")  # no half-built report is written
            await pilot.pause()
            assert "still being built" in str([n.message for n in app._notifications])

            held_forecast.set()
            await until(pilot, lambda: _complete(app), "the forecast")
            await until(pilot, lambda: "building" not in screen_text(app), "the report")
            await until(pilot, lambda: "P80" in screen_text(app), "the report's forecast")
            await pilot.press("1")
            await pilot.pause()
            text = screen_text(app)
            assert "forecasting…" not in text
            assert complete.rag.upper() in _line(text, "Overall")
            assert "P80 20" in text  # the forecast's P80 date is on the headline

    asyncio.run(main())


def _shows(text: str, areas: list[str]) -> bool:
    """The dashboard says "forecasting…" and its status panel shows every area."""
    lines = [line.strip("│ ") for line in text.splitlines()]
    return "forecasting…" in text and all(any(x.startswith(a) for x in lines) for a in areas)


def _line(text: str, start: str) -> str:
    """The first screen line whose text (inside the panel border) starts with ``start``."""
    return next(line for line in text.splitlines() if line.strip("│ ").startswith(start))


def _complete(app: TpmApp) -> bool:
    return app.analysis is not None and app.analysis.report_current


def test_megabyte_notes_and_a_big_register_stay_usable(tmp_path: Path) -> None:
    """1 MB of notes shows as an excerpt that says how much is left; a register of 300
    risks builds cells only for the rows on screen and lists 50 hygiene findings, then
    "+N more" (the whole lists took seconds per selection at 10,000 risks)."""
    from tuihelp import FIXTURE

    from tpm.plan.model import Risk
    from tpm.plan.storage import dumps
    from tpm.tui.widgets.text import EXCERPT, TextPane, Wrapped
    from tpm.tui.widgets.vtable import VTable

    plan = load_plan(FIXTURE).plan
    assert plan is not None
    notes = "word " * 200_000  # 1,000,000 characters
    first = plan.milestones[0].model_copy(update={"notes": notes})
    risks = [
        Risk(id=f"r{i}", title=f"Risk {i}", probability=3, impact=3) for i in range(300)
    ]  # no owner, never reviewed: hygiene findings on every one
    big = plan.model_copy(update={"milestones": [first, *plan.milestones[1:]], "risks": risks})
    path = tmp_path / "big.toml"
    path.write_text(dumps(big), encoding="utf-8")

    async def main() -> None:
        app = build_app(path, as_of=AS_OF, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.analysis is not None, "the plan")
            await pilot.press("2", "home")

            def detail() -> str:
                panes = app.screen.query("#ms-detail")
                return panes.first(TextPane).plain if panes else ""

            await until(pilot, lambda: "more characters" in detail(), "the excerpt")
            shown = detail()
            assert len(shown) < EXCERPT + 2_000
            more = re.search(r"\(([\d,]+) more characters; e edits them all\)", shown)
            assert more is not None
            assert len(notes) - EXCERPT <= int(more.group(1).replace(",", "")) < len(notes)

            await pilot.press("4")
            await until(pilot, lambda: bool(app.screen.query("#risk-table")), "the register")
            await pilot.pause()
            table = app.screen.query_one("#risk-table", VTable)
            assert "Risks: 300 live" in str(table.border_title)
            assert len(table._lazy) <= table.size.height  # cells of the rows on screen only
            hygiene = app.screen.query_one("#risk-hygiene", Wrapped).plain
            assert hygiene.count("•") == 50
            assert "more (tpm risks lists them all)" in hygiene

    asyncio.run(main())


def test_a_warm_start_paints_the_cached_dashboard_until_its_analysis_lands(
    plan_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_forecast: threading.Event,
) -> None:
    """A save writes the analysis cache for the saved bytes; the next start paints the
    dashboard from it at once, marked "checking…" on every panel until its own analysis
    (forecast included) lands, and then shows what a cold analysis of the file gives."""
    from tuihelp import settle

    from tpm.plan.storage import current_digest
    from tpm.tui import cache
    from tpm.tui.overview import overview
    from tpm.tui.session import PlanSession
    from tpm.tui.widgets.vtable import VTable

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TPM_NO_CACHE", raising=False)
    release = threading.Event()
    read = PlanSession.read

    async def cold_then_save() -> None:
        app = build_app(plan_file, as_of=AS_OF, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: _complete(app), "the first analysis")
            assert app.analysis is not None
            assert cache.lookup(plan_file, current_digest(plan_file), AS_OF, AS_OF) == (
                app.analysis.overview
            )
            await pilot.press("2")
            await settle(app, pilot)
            app.screen.query_one("#ms-table", VTable).move_to("fraud-rules")
            await pilot.press("s", "ctrl+s")  # planned -> in progress, saved
            await until(pilot, lambda: not app.history.dirty, "the save")
            await until(pilot, lambda: _complete(app), "the analysis of the saved plan")
            await pilot.pause()

    def held(self: PlanSession) -> object:
        release.wait(30)
        return read(self)

    async def warm() -> None:
        app = build_app(plan_file, as_of=AS_OF, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "Overall" in screen_text(app), "the cached dashboard")
            text = screen_text(app)
            assert app.analysis is None  # the plan is not even read yet
            assert text.count("checking…") >= 8  # every panel, and the status panel's note
            assert cached.rag.upper() in _line(text, "Overall")
            assert str(cached.odds and cached.odds.p80) in text
            release.set()
            await until(pilot, lambda: app.analysis is not None, "the status tier")
            assert app.analysis is not None and app.analysis.status_current
            await pilot.pause()
            assert "checking…" in screen_text(app)  # no flicker to the RAG without the P80
            held_forecast.set()
            await until(pilot, lambda: _complete(app), "the analysis")
            await pilot.pause()
            assert "checking…" not in screen_text(app)
            assert app.analysis is not None and app.analysis.overview == cold

    held_forecast.set()
    asyncio.run(cold_then_save())
    held_forecast.clear()
    plan = load_plan(plan_file).plan
    assert plan is not None and plan.milestone("fraud-rules").status == "in_progress"  # type: ignore[union-attr]
    cold = overview(build(plan, AS_OF), plan, True)
    cached = cache.lookup(plan_file, current_digest(plan_file), AS_OF, AS_OF)
    assert cached == cold  # the save wrote the cache for the saved bytes
    monkeypatch.setattr(PlanSession, "read", held)
    asyncio.run(warm())


def test_a_cold_start_paints_the_childs_overview_until_its_own_analysis_lands(
    plan_file: Path, held_read: threading.Event, held_forecast: threading.Event
) -> None:
    """A cold start's child process (tpm.tui.early) analyses the plan while the App starts:
    the App paints its overview, marked "checking…", before reading the plan itself, then
    what its own analysis gives; the child is reaped."""
    from tpm.tui import early

    plan = load_plan(plan_file).plan
    assert plan is not None
    without = build(plan, AS_OF, with_forecast=False).status
    complete = build(plan, AS_OF).status
    child = early.fork(plan_file, AS_OF)
    assert child is not None

    async def main() -> None:
        app = build_app(plan_file, as_of=AS_OF, watch=False, early=early.Start(None, child))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "Overall" in screen_text(app), "the child's overview")
            text = screen_text(app)
            assert not app.ready  # the App has not read the plan yet
            assert "analysed as tpm started, before the forecast: checking…" in text
            assert without.rag.upper() in _line(text, "Overall")
            assert plan.program.name in text  # the title too
            held_read.set()
            held_forecast.set()
            await until(pilot, lambda: _complete(app), "the App's own analysis")
            await until(pilot, lambda: "checking…" not in screen_text(app), "the final frame")
            assert complete.rag.upper() in _line(screen_text(app), "Overall")

    asyncio.run(main())
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped


def test_a_child_that_answered_while_textual_imported_is_in_the_first_frame(
    plan_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_read: threading.Event,
    held_forecast: threading.Event,
) -> None:
    """On a small plan the child has usually answered before the App mounts: the very first
    frame the App writes shows the child's RAG, instead of an empty dashboard followed by a
    second frame. A screen key pressed then, while the App still reads the plan, is not
    lost: that screen opens as soon as the plan is read."""
    from textual.app import App

    from tpm.tui import early

    plan = load_plan(plan_file).plan
    assert plan is not None
    without = build(plan, AS_OF, with_forecast=False).status
    frames: list[str] = []
    display = App._display

    def recorded(self: App[None], screen: object, renderable: object) -> None:
        frames.append(screen_text(self))  # type: ignore[arg-type]
        display(self, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_display", recorded)
    child = early.fork(plan_file, AS_OF)
    assert child is not None
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # it has answered (not reaped)

    async def main() -> None:
        app = build_app(plan_file, as_of=AS_OF, watch=False, early=early.Start(None, child))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: bool(frames), "the first frame")
            assert "Overall" in frames[0]
            assert without.rag.upper() in _line(frames[0], "Overall")
            assert not app.ready  # painted from the child's answer, not the App's own read
            await pilot.press("2")
            await pilot.pause()
            assert app.current_mode == "dashboard"
            notes = str([n.message for n in app._notifications])
            assert "Milestones opens when it is read" in notes
            held_read.set()
            await until(pilot, lambda: app.current_mode == "milestones", "the Milestones screen")
            held_forecast.set()
            await until(pilot, lambda: _complete(app), "the App's own analysis")

    asyncio.run(main())
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped
