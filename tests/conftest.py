"""Shared fixtures: paths to the bundled plans and a helper to run the CLI in process."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def example_plan() -> Path:
    """The bundled example plan."""
    return ROOT / "plans" / "example.toml"


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run tpm's main() in process; return (exit code, stdout, stderr)."""
    from tpm.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
