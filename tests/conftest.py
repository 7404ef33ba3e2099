"""Shared fixtures: paths to the bundled plans and a helper to run the CLI in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

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


# Tests by kind: the folder says which marker a test gets (make test-fast skips both).
#   slow: fuzzing, kill and concurrency trials, 10,000-milestone plans, the TUI under Pilot;
#   external: runs another program (tj3, git) that CI installs.
MARKERS = {"robustness": "slow", "tui": "slow", "crosscheck": "external"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in (see MARKERS)."""
    tests = Path(__file__).resolve().parent
    for item in items:
        parts = item.path.resolve().relative_to(tests).parts
        marker = MARKERS.get(parts[0]) if len(parts) > 1 else None
        if marker:
            item.add_marker(marker)


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """A syrupy snapshot stored as one readable .md file (``--snapshot-update`` rewrites it)."""

    _file_extension = "md"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def md_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Compare text with a Markdown golden file under the test's __snapshots__ folder."""
    return snapshot.use_extension(MarkdownSnapshot)
