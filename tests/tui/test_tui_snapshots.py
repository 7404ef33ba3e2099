"""SVG snapshots of the six screens at 80x24 and 120x40 on the fixture plan, status date fixed.

Update with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` and look at the
SVGs under tests/tui/__snapshots__ before committing them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tuihelp import AS_OF, FIXTURE, SIZE, ready

from tpm.tui.app import build_app

SCREENS = ["dashboard", "milestones", "timeline", "risks", "kpis", "report"]


@pytest.mark.parametrize("size", [(80, 24), SIZE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5", "6"], ids=SCREENS)
def test_screen_snapshot(
    key: str, size: tuple[int, int], snap_compare: Any, tmp_path: Path
) -> None:
    plan = tmp_path / FIXTURE.name  # outside tpm's own git history: the report compares
    shutil.copy(FIXTURE, plan)  # with the plan's recorded snapshots only
    app = build_app(plan, as_of=AS_OF, watch=False)

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        while key == "6" and app.report_pending():
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
