"""The TUI stays responsive while the slow analyses run: the dashboard shows its RAG before
the Monte Carlo forecast lands (saying "forecasting…"), and the report screen builds in a
worker while keys keep working.

Each test holds the slow work on a :class:`threading.Event`, so what the user sees while
it runs is asserted without timing anything.
"""

from __future__ import annotations

import asyncio
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
            await until(pilot, lambda: "forecasting…" in screen_text(app), "forecasting mark")
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


def _line(text: str, start: str) -> str:
    """The first screen line whose text (inside the panel border) starts with ``start``."""
    return next(line for line in text.splitlines() if line.strip("│ ").startswith(start))


def _complete(app: TpmApp) -> bool:
    return app.analysis is not None and app.analysis.report_current
