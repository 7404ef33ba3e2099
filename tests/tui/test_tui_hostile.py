"""Plan text is data: markup-like ids, titles, notes, owners and team names show as typed on
every screen, dialog and notification, and control characters never reach the terminal."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select
from tuihelp import DATA, drive, settle

from tpm.tui.app import TpmApp
from tpm.tui.screens.form import FormScreen
from tpm.tui.screens.modals import PickScreen
from tpm.tui.widgets.text import clean, clean_text, plain
from tpm.tui.widgets.vtable import VTable

HOSTILE = DATA / "hostile.toml"
# What the terminal must never receive from plan text: C0 controls (ESC starts CSI and OSC
# sequences), DEL and C1 controls (0x9b is a one-byte CSI).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MS = "[@click=app.screenshot()]"


def painted(app: TpmApp) -> str:
    """Every character the app would send for the current screen (modal dialogs included)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    target = tmp_path / "hostile.toml"
    shutil.copy(HOSTILE, target)
    return target


# The screen's key and what must show as typed on it.
SCREENS = [
    ("1", ["[v2] [ms]", "[/api]", MS, "Hostile [b]program[/b]"]),
    ("2", [MS, "Ship [v2] [ms]", "[WIP]", "[b]boss[/b]", "see [/api] and [link=https://x]"]),
    ("3", ["[@click=app.scr", "[/api]", "Ship [v2] [ms]"]),
    ("4", ["[/api]-risk", "Vendor [/api]", "Escalate [/api]", "[@click=app.quit()]"]),
    ("5", ["p95 [ms] latency", "280[ms]"]),
    ("6", ["[/api]", "[WIP]", "[ms]"]),
]


def test_every_screen_shows_plan_text_as_typed(hostile: Path) -> None:
    """One app walks the six screens (starting an app per screen cost five app starts)."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        for key, shown in SCREENS:
            await pilot.press(key)
            await settle(app, pilot)
            await pilot.pause(0.2)
            text = painted(app)
            assert not CONTROL.findall(text), f"screen {key}: {CONTROL.findall(text)}"
            for words in shown:
                assert words in text, f"screen {key}: {words!r} not shown as typed"
            assert "␛" in text, f"screen {key}: the plan's ESC is not shown as a symbol"

    drive(hostile, scenario, size=(160, 50))


def test_dialogs_and_notifications_show_plan_text_as_typed(hostile: Path) -> None:
    shots = list(hostile.parent.glob("*.svg"))

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one("#ms-table", VTable)
        table.move_to(MS)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert f"Edit milestone {MS}" in painted(app)
        await pilot.press("escape")
        await settle(app, pilot)
        # A referenced milestone cannot be deleted: the notification quotes both ids.
        await pilot.press("delete")
        await settle(app, pilot)
        await pilot.pause(0.2)
        text = painted(app)
        assert f"cannot delete {MS}" in text
        assert not CONTROL.findall(text)
        # The team filter offers the team id as typed.
        team: Select[str] = app.screen.query_one("#ms-team", Select)
        assert [str(prompt) for prompt, _value in team._options[1:]] == ["[WIP]"]
        # The mitigations picker lists "[m1]: Escalate [/api] ...": a markup closing tag that
        # used to crash the app and lose unsaved edits.
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        text = painted(app)
        assert "[m1]: Escalate [/api]" in text
        assert not CONTROL.findall(text)

    app = drive(hostile, scenario, size=(160, 50))
    assert app.return_code in (None, 0)
    assert list(hostile.parent.glob("*.svg")) == shots  # nothing made a screenshot


@pytest.mark.parametrize(
    ("text", "one_line", "expected"),
    [
        ("plain [b]text[/b]", False, "plain [b]text[/b]"),
        ("clear \x1b[2J", False, "clear ␛[2J"),
        ("title \x1b]0;x\x07", True, "title ␛]0;x␇"),
        ("c1 \x9b31m", True, "c1 \ufffd31m"),
        ("two\nlines\tand tab", False, "two\nlines and tab"),
        ("two\nlines", True, "two lines"),
        ("del\x7f", True, "del␡"),
        ("bidi \u202egnp.exe\u2066", True, "bidi \ufffdgnp.exe\ufffd"),
    ],
    ids=["markup", "csi", "osc", "c1", "lines", "one-line", "del", "bidi"],
)
def test_clean_shows_controls_as_symbols(text: str, one_line: bool, expected: str) -> None:
    assert clean(text, one_line) == expected
    assert plain(text, one_line=one_line).plain == expected


def test_clean_text_keeps_styles_on_their_characters() -> None:
    from rich.text import Text

    text = Text("a\x1b").append("bold", style="bold")
    out = clean_text(text)
    assert out.plain == "a␛bold"
    assert [(s.start, s.end, str(s.style)) for s in out.spans] == [(2, 6, "bold")]
