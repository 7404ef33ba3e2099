"""Fixtures of the TUI tests: a writable copy of the fixture plan."""

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
