"""The help dialog lists every key each screen binds, and stays readable at 80 columns."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from textual.binding import Binding

from tpm.tui.app import TpmApp
from tpm.tui.screens.base import PlanScreen
from tpm.tui.screens.dashboard import DashboardScreen
from tpm.tui.screens.help import KEYS, help_table
from tpm.tui.screens.kpis import KpisScreen
from tpm.tui.screens.milestones import MilestonesScreen
from tpm.tui.screens.report import ReportScreen
from tpm.tui.screens.risks import RisksScreen
from tpm.tui.screens.timeline import TimelineScreen

SHOWN = {"question_mark": "?", "slash": "/", "left": "←", "right": "→"}
SCREEN_KEYS = {str(n) for n in range(1, 7)}  # listed as 1-6


def _keys(bindings: list[Binding | tuple[str, ...]]) -> set[str]:
    out = set()
    for binding in bindings:
        assert isinstance(binding, Binding)
        for key in binding.key.split(","):
            out.add("1-6" if key in SCREEN_KEYS else SHOWN.get(key, key))
    return out


def _listed(*sections: str) -> set[str]:
    return {
        token
        for name, rows in KEYS
        if name in sections
        for keys, _what in rows
        for token in re.split(r" / | ", keys)
        if token
    }


@pytest.mark.parametrize(
    ("screen", "section"),
    [
        (DashboardScreen, "Dashboard"),
        (MilestonesScreen, "Milestones"),
        (TimelineScreen, "Timeline"),
        (RisksScreen, "Risks"),
        (KpisScreen, "KPIs"),
        (ReportScreen, "Report"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_every_key_of_a_screen_is_in_its_help_section(screen: type, section: str) -> None:
    assert _keys(screen.BINDINGS) <= _listed(section)


def test_every_key_of_the_app_is_in_the_help() -> None:
    assert _keys([*TpmApp.BINDINGS, *PlanScreen.BINDINGS]) <= _listed(
        "Screens", "Everywhere", "Dashboard"
    )


def test_a_wrapped_row_hangs_under_its_description_at_80_columns() -> None:
    console = Console(width=72, file=io.StringIO(), record=True)  # the dialog inside 80 columns
    console.print(help_table())
    lines = console.export_text().split("\n\nEditing:")[0].splitlines()
    sections = tuple(name for name, _rows in KEYS)
    assert any(len(line) > 60 for line in lines)  # long enough to wrap somewhere
    for line in lines:
        assert not line or line.startswith((" ", *sections)), line
