"""Shared test setup: hypothesis profiles, markers by folder, the order tests start in, and
fixtures (the bundled plans, the CLI run in process, Markdown goldens).

docs/development.md explains the profiles, the markers and how to keep the suite fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# Hypothesis profiles. "dev" (make test on a workstation) draws new examples every run and
# replays a failure from .hypothesis/ until it is fixed, so many short runs together cover
# more than one long one. "ci" (chosen when the CI variable is set, as CI services do and
# .ci/run does) draws the same examples every run, so a CI failure reproduces. "fuzz"
# (make fuzz) draws many more. HYPOTHESIS_PROFILE or --hypothesis-profile picks one by name.
# A test's own @settings(max_examples=...) still wins over the profile: use it only to run
# fewer examples of an expensive property, never more.
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", settings.get_profile("ci"), deadline=None)
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The TUI's analysis cache (tpm.tui.cache) would make a test's first screen depend on what an
# earlier test, or the developer's own tpm, left in ~/.cache/tpm: off for every test (and the
# processes they start) unless a test turns it on with its own XDG_CACHE_HOME.
os.environ["TPM_NO_CACHE"] = "1"

_DETECTED = "ci" if settings.get_current_profile_name() == "ci" else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or _DETECTED)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's ~/.cache (tpm trend caches analysed commits)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


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


# The longest tests (seconds each on two cores; tests/bench does not time tests, `pytest
# --durations=30` does) start first, so that no worker ends the run alone on one of them.
# With pyproject's --maxschedchunk=1 xdist hands out tests one by one in this order.
LONGEST_FIRST = (
    "robustness/test_fuzz.py::test_wrong_shapes_never_crash",
    "robustness/test_fuzz.py::test_near_valid_plans_never_crash",
    "tui/test_tui_fuzz.py",
    "robustness/test_scale.py",
    "robustness/test_fuzz.py",
    "robustness/test_reliability",
    "tui/test_tui_calendar_edges.py",
    "unit/check/test_broken_plans.py::test_every_broken_input_through_the_real_cli",
    "tui/",
)


def _start_rank(relative: str) -> int:
    ranks = [i for i, prefix in enumerate(LONGEST_FIRST) if relative.startswith(prefix)]
    return ranks[0] if ranks else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in (see MARKERS); start the longest first."""
    tests = Path(__file__).resolve().parent
    rank: dict[str, int] = {}
    for item in items:
        parts = item.path.resolve().relative_to(tests).parts
        marker = MARKERS.get(parts[0]) if len(parts) > 1 else None
        if marker:
            item.add_marker(marker)
        relative = "/".join(parts) + item.nodeid[len(item.nodeid.split("::")[0]) :]
        rank[item.nodeid] = _start_rank(relative)
    items.sort(key=lambda item: rank[item.nodeid])  # stable: the rest keep their order


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """A syrupy snapshot stored as one readable .md file (``--snapshot-update`` rewrites it)."""

    _file_extension = "md"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def md_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Compare text with a Markdown golden file under the test's __snapshots__ folder."""
    return snapshot.use_extension(MarkdownSnapshot)
