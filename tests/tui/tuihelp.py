"""Helpers for the TUI tests: running the app under Pilot and reading the screen.

Every test builds the app through ``build_app`` (the factory the CLI uses) with a fixed
status date, and never depends on today's date.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot

from tpm.tui.app import TpmApp, build_app
from tpm.tui.screens.form import FormScreen

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "fixture.toml"
AS_OF = dt.date(2026, 4, 15)
SIZE = (120, 40)

Scenario = Callable[[TpmApp, Pilot[None]], Awaitable[None]]


def drive(path: Path, scenario: Scenario, size: tuple[int, int] = SIZE) -> TpmApp:
    """Run the app on ``path`` and play ``scenario`` against it; return the app."""

    async def main() -> TpmApp:
        app = build_app(path, as_of=AS_OF, watch=False)
        async with app.run_test(size=size, notifications=True) as pilot:
            await ready(app, pilot)
            await scenario(app, pilot)
        return app

    return asyncio.run(main())


def screen_text(app: TpmApp) -> str:
    """Everything on the terminal right now, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def ready(app: TpmApp, pilot: Pilot[None]) -> None:
    """Wait until the plan is loaded and its first analysis is on screen."""
    while not app.ready:
        await pilot.pause(0.01)
    await settle(app, pilot)


async def checked(app: TpmApp, pilot: Pilot[None], form: FormScreen) -> None:
    """Wait until the form's diagnostics are about the text its fields show now (its
    debounced check of the last typing has run), however slow the machine."""
    deadline = time.monotonic() + 30
    while form.checked != form.texts() and time.monotonic() < deadline:
        await pilot.pause(0.02)
    await settle(app, pilot)


async def settle(app: TpmApp, pilot: Pilot[None]) -> None:
    """Wait for workers (form checks, full analysis) and repaints."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
