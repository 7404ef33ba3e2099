"""Plans dated at the ends of the calendar (year 1 and 9999) open on every screen."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tuihelp import settle

from tpm.tui.app import build_app

PLAN = """[program]
name = "edge"
start = {start}
target = {target}
as_of = {start}

[[milestones]]
id = "a"
title = "A"
duration = {duration}
estimate = {{ optimistic = 1, likely = 2, pessimistic = 3 }}
due = {target}

[[milestones]]
id = "b"
title = "B"
duration = 0
depends_on = ["a"]

[[kpis]]
id = "k"
name = "K"
target = 1
measurements = [{{ date = {start}, value = 1 }}, {{ date = {target}, value = 2 }}]
"""


@pytest.mark.parametrize(
    ("start", "target", "duration"),
    [(dt.date(1, 1, 1), dt.date(1, 1, 8), 5), (dt.date(9999, 12, 27), dt.date(9999, 12, 31), 4)],
    ids=["year-1", "year-9999"],
)
def test_every_screen_opens_at_the_ends_of_the_calendar(
    tmp_path: Path, start: dt.date, target: dt.date, duration: int
) -> None:
    path = tmp_path / "edge.toml"
    path.write_text(PLAN.format(start=start, target=target, duration=duration), encoding="utf-8")
    app = build_app(path, as_of=start, watch=False)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.ready:
                await pilot.pause(0.01)
            for screen in "123456":
                await pilot.press(screen)
                await settle(app, pilot)
                await scroll_everywhere(pilot)
            assert app.plan is not None and app.analysis is not None

    asyncio.run(run())
    assert app.return_code in (None, 0)


async def scroll_everywhere(pilot: Pilot[None]) -> None:
    """Every zoom, and the far ends of the timeline and the tables."""
    for key in ("z", "z", "z", "z", "f", "right", "right", "left", "end", "home", "t"):
        await pilot.press(key)
        await pilot.pause()
