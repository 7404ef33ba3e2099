"""The fuzz suite's TUI part: hypothesis-generated hostile plans opened on every screen.

Each example is a valid plan whose every free-text field (ids, titles, names, owners, teams,
notes, mitigations, measurement notes, decisions) is drawn from Textual markup (``[b]``,
``[/api]``, ``[@click=app.quit]``), terminal control (ESC, CSI, OSC, C1, bidi, NUL), huge,
empty and unicode strings, with extreme KPI values (up to the 1e15 ``tpm check`` allows) and
dates near the ends of the calendar. ONE app per example walks all six screens, moves the
selection on each, opens one dialog (drawn, so all of them get their turn), then makes an
edit and saves it with ctrl+s under a file name with glob characters (``**``, ``[x]``, ``?``).

On every screen: the app is still running, nothing the terminal would act on is painted,
and a markup-looking string placed where the screen shows it in full is painted as typed.
The save writes a plan that ``tpm check`` accepts. ``make fuzz`` runs many more examples
(TPM_FUZZ_EXAMPLES / 100); the default keeps this module at a few seconds per example.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from tuihelp import settle

from tpm.check.load import load_plan
from tpm.tui.app import TpmApp, build_app
from tpm.tui.screens.modals import ConfirmScreen

EXAMPLES = int(os.environ.get("TPM_FUZZ_EXAMPLES", "0"))
DEFAULT_EXAMPLES = 2
# What the terminal must never receive from plan text: C0 controls (ESC starts CSI and OSC
# sequences), DEL, C1 controls (0x9b is a one-byte CSI) and bidi embeddings and overrides.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Markup a Textual app would act on or swallow; shown as typed (no control characters).
MARKUP = [
    "[b]",
    "[/api]",
    "[/]",
    "[@click=app.quit]",
    "[@click=app.screenshot()]",
    "[link=https://x]x[/link]",
    "[red]r[/red]",
    "[v2]",
    "[WIP]",
    "[ms]",
    "\\[b]",
    "[",
    "]",
    "$x$",
]
CONTROLS = [
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]8;;http://evil/\x1b\\",
    "\x9b31m",
    "\x00",
    "\x07",
    "\r",
    "\x7f",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
]
FRAGMENT = st.one_of(
    st.sampled_from(MARKUP),
    st.sampled_from(CONTROLS),
    st.sampled_from(["", " ", "x" * 300, "中文", "🚀", "e\u0301", "\u2028", "-flag", "#42"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
TEXT = st.lists(FRAGMENT, max_size=4).map("".join)
# Ids must be non-empty and unique; anything else goes.
IDENT = st.lists(FRAGMENT, min_size=1, max_size=3).map("".join).filter(lambda s: s.strip() != "")
SHOWN = st.sampled_from([m for m in MARKUP if len(m) > 1])  # painted in full where placed
VALUE = st.sampled_from([0, -1, 0.5, 1e-9, 99.5, 1e15, -1e15, 999_999_999_999_999.0])
DATE = st.sampled_from(
    [dt.date(2026, 3, 2), dt.date(1, 1, 3), dt.date(9999, 12, 1), dt.date(2026, 12, 31)]
)


@st.composite
def hostile_plans(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid plan full of hostile strings, and a markup string shown as the program name."""
    ids = draw(st.lists(IDENT, min_size=7, max_size=7, unique=True))
    ms, team, risk, mit, kpi, dec = ids[:3], ids[3], ids[4], ids[5], ids[6], "d1"
    shown = draw(SHOWN)
    milestones = [
        {
            "id": ms[0],
            "title": draw(TEXT),
            "owner": draw(TEXT),
            "team": team,
            "duration": draw(st.sampled_from([0, 1, 5, 400])),
            "status": "in_progress",
            "percent_complete": 30,
            "actual_start": dt.date(2026, 3, 2),
            "notes": draw(TEXT),
        },
        {
            "id": ms[1],
            "title": draw(TEXT),
            "duration": 3,
            "depends_on": [ms[0]],
            "status": "blocked",
            "blocked_reason": draw(TEXT) or "r",
            "blocked_since": dt.date(2026, 3, 20),
            "due": draw(DATE),
        },
        {"id": ms[2], "title": draw(TEXT), "duration": 0, "depends_on": [ms[1]]},
    ]
    values = [draw(VALUE) for _ in range(4)]
    plan: dict[str, Any] = {
        "program": {
            "name": f"{shown} {draw(TEXT)}"[:60],
            "objective": draw(TEXT),
            "owner": draw(TEXT),
            "start": dt.date(2026, 3, 2),
            "target": draw(DATE),
            "as_of": dt.date(2026, 4, 15),
        },
        "teams": [{"id": team, "name": draw(TEXT), "lead": draw(TEXT)}],
        "milestones": milestones,
        "risks": [
            {
                "id": risk,
                "title": draw(TEXT),
                "owner": draw(TEXT),
                "probability": draw(st.integers(1, 5)),
                "impact": draw(st.integers(1, 5)),
                "affects": [ms[1]],
                "trigger": draw(TEXT),
                "mitigations": [{"id": mit, "action": draw(TEXT), "owner": draw(TEXT)}],
            }
        ],
        "kpis": [
            {
                "id": kpi,
                "name": draw(TEXT),
                "unit": draw(TEXT)[:8],
                "owner": draw(TEXT),
                "target": values[0],
                "amber": values[1],
                "measurements": [
                    {"date": dt.date(2026, 3, 1), "value": values[2], "note": draw(TEXT)},
                    {"date": dt.date(2026, 4, 1), "value": values[3], "note": draw(TEXT)},
                ],
            }
        ],
        "decisions": [
            {"id": dec, "title": draw(TEXT), "decided_by": draw(TEXT), "status": "needed"}
        ],
    }
    return plan, shown


# One dialog per example: (screen key, keys that open it).
DIALOGS = [
    ("2", ("e",)),  # the milestone form
    ("2", ("b",)),  # the blocked-reason prompt
    ("2", ("slash",)),  # search
    ("4", ("m",)),  # the mitigations picker
    ("4", ("e",)),  # the risk form
    ("5", ("m",)),  # the measurement prompt
    ("5", ("v",)),  # the measurements list
    ("1", ("question_mark",)),  # help
]
# Every example saves under a name with "**" (which once made every save fail) and more.
FILE_NAMES = ["**.toml", "[x] **?.toml", "-x **[!a].toml", "é 中 **.toml"]


def painted(app: TpmApp) -> str:
    """Every character the app would send for the current screen (dialogs included)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def assert_safe(app: TpmApp, where: str) -> str:
    assert app.is_running and app.return_code in (None, 0), f"the app stopped on {where}"
    text = painted(app)
    found = CONTROL.findall(text)
    assert not found, f"control characters painted on {where}: {found!r}"
    return text


async def walk(app: TpmApp, pilot: Pilot[None], shown: str, dialog: tuple[str, tuple[str, ...]]):
    """Every screen with the selection moved, one dialog, an edit and ctrl+s."""
    while not app.ready:
        await pilot.pause(0.01)
    await settle(app, pilot)
    loaded = app.plan is not None
    for key in "123456" if loaded else "":
        await pilot.press(key)
        await settle(app, pilot)
        await pilot.press("down", "down", "end", "up")
        await settle(app, pilot)
        text = assert_safe(app, f"screen {key}")
        if key == "1":
            assert shown in text, f"{shown!r} is not shown as typed on the dashboard"
    if not loaded:
        assert_safe(app, "the problems screen")
        return
    screen, keys = dialog
    await pilot.press(screen)
    await settle(app, pilot)
    await pilot.press(*keys)
    await settle(app, pilot)
    assert_safe(app, f"dialog {screen} {keys}")
    await pilot.press("escape")
    await settle(app, pilot)
    # An edit and a save, under an odd file name.
    await pilot.press("2", "home", "s")
    await settle(app, pilot)
    assert app.session.dirty
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    if isinstance(app.screen, ConfirmScreen):  # an id tpm cannot patch in place: rewrite
        assert_safe(app, "the rewrite question")
        await pilot.click("#rewrite")
        await settle(app, pilot)
    assert not app.session.dirty, f"ctrl+s did not save: {_notes(app)}"
    assert_safe(app, "after ctrl+s")


def _notes(app: TpmApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def open_and_walk(text: str, shown: str, dialog: tuple[str, tuple[str, ...]], name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        before = sorted(os.listdir(folder))

        async def main() -> TpmApp:
            app = build_app(path, as_of=dt.date(2026, 4, 15), watch=False)
            async with app.run_test(size=(160, 50), notifications=True) as pilot:
                await walk(app, pilot, shown, dialog)
            return app

        app = asyncio.run(main())
        assert app.return_code in (None, 0)
        assert sorted(os.listdir(folder)) == before  # no screenshot, no stray file
        if app.plan is not None:
            saved = load_plan(path)
            errors = [d for d in saved.diagnostics if d.severity == "error"]
            assert saved.plan is not None and not errors, errors


@settings(
    max_examples=max(1, EXAMPLES // 100) if EXAMPLES else DEFAULT_EXAMPLES,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    # Shrinking restarts the app hundreds of times; the failing example is printed as drawn.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
@given(hostile_plans(), st.sampled_from(DIALOGS), st.sampled_from(FILE_NAMES))
def test_hostile_plans_on_every_screen_are_shown_as_typed_and_never_crash(
    drawn: tuple[dict[str, Any], str], dialog: tuple[str, tuple[str, ...]], name: str
) -> None:
    plan, shown = drawn
    open_and_walk(tomli_w.dumps(plan), shown, dialog, name)
