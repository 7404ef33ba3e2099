"""Fixtures of the TUI tests: a writable copy of the fixture plan, a private state folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
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
