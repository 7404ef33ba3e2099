"""Fixtures of the TUI tests: a writable copy of the fixture plan, a private state folder,
and Textual's CSS parsed once per worker instead of once per app.

Each Pilot test starts a new App, and every App parses tpm.tcss and every widget's
DEFAULT_CSS again (Textual caches parsed CSS per App only): a quarter of the CPU a test
spends walking the six screens. The parsed rules depend only on the CSS text, where it came
from and the theme variables, so one cache keyed by all of them gives every App the same
rules it would have parsed itself; an App with another theme parses its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation
from tuihelp import FIXTURE


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A writable copy of the fixture plan."""
    target = tmp_path / "plan.toml"
    shutil.copy(FIXTURE, target)
    return target


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recovery files (the autosave) go to a folder of the test's own, never the user's."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


@pytest.fixture(autouse=True, scope="session")
def css_parsed_once() -> Iterator[None]:
    """Share parsed CSS rules between the Apps of one test process (see the module doc)."""
    parse = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], list[RuleSet]] = {}

    def parse_once(
        self: Stylesheet,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        variables = tuple(sorted(self._variables.items()))
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables)
        if key not in parsed:
            parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = parse_once  # type: ignore[method-assign]
    yield
    Stylesheet._parse_rules = parse  # type: ignore[method-assign]
