"""`tpm PLAN` before the TUI starts: a missing plan is a plain error, no terminal is said."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tpm(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run tpm as a user would, without a terminal; never wait for a full-screen app."""
    return subprocess.run(
        [sys.executable, "-m", "tpm", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("name", ["nope.toml", "plans"], ids=["missing", "directory"])
def test_a_plan_that_is_not_a_file_is_an_error_with_a_hint(tmp_path: Path, name: str) -> None:
    (tmp_path / "plans").mkdir()
    done = tpm(name, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""  # no full-screen app drawn
    assert done.stderr.startswith(f"{name}: error[io]: ")
    assert "tpm init NAME" in done.stderr


def test_without_a_terminal_tpm_says_it_needs_one(tmp_path: Path) -> None:
    plan = tmp_path / "example.toml"
    plan.write_bytes((ROOT / "plans" / "example.toml").read_bytes())
    done = tpm(str(plan), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "needs a terminal" in done.stderr and f"tpm check {plan}" in done.stderr
