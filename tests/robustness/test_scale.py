"""Scale edges: huge, degenerate and non-plan inputs give a result or a diagnostic, never a crash.

A 100,000-milestone chain (no recursion limit may be hit: every graph walk is iterative), a
milestone with 5,000 predecessors, a 50 MB file, an empty file, a binary file and a folder
given as PLAN, each through every command that reads a plan. The plans are generated as text
(no model objects) and run in process, so the module stays fast.

Cost: loading dominates (tomllib, source map and validation, linear in the plan: about 5 s for
100,000 milestones), and every command loads again. So the 100,000 chain is loaded and
scheduled once and goes through the engine behind ``check``, ``schedule``, ``blockers``,
``why`` and ``forecast``; the report runs at 10,000 milestones (13 s at 100,000, most of it
the report's own forecast runs). Every command runs for real on a 2,000 chain (twice Python's
default recursion limit) and on the 5,000-predecessor plan.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.cli import main
from tpm.plan.model import Plan
from tpm.schedule.result import Schedule
from tpm.schedule.scheduler import schedule

AS_OF = dt.date(2026, 1, 5)

HEADER = """[program]
name = "Scale"
start = 2026-01-05
as_of = 2026-01-05

[[risks]]
id = "r1"
title = "Vendor late"
probability = 3
impact = 4
affects = ["{last}"]
schedule_impact = 5

[[kpis]]
id = "k1"
name = "Latency"
target = 100
direction = "lower_is_better"
measurements = [{{ date = 2026-01-05, value = 120 }}]
"""


def chain_text(n: int) -> str:
    """A plan of n one-day milestones, each depending on the one before; the last is blocked."""
    parts = [HEADER.format(last=f"m{n - 1}")]
    parts.append('\n[[milestones]]\nid = "m0"\ntitle = "M 0"\nduration = 1\n')
    parts.extend(
        f'\n[[milestones]]\nid = "m{i}"\ntitle = "M {i}"\nduration = 1\ndepends_on = ["m{i - 1}"]\n'
        for i in range(1, n - 1)
    )
    parts.append(
        f'\n[[milestones]]\nid = "m{n - 1}"\ntitle = "Last"\nduration = 1\n'
        f'depends_on = ["m{n - 2}"]\nstatus = "blocked"\nblocked_reason = "waiting"\n'
        "blocked_since = 2026-01-02\n"
    )
    return "".join(parts)


def fan_in_text(n: int) -> str:
    """A plan where one milestone waits for n predecessors of different lengths."""
    parts = [HEADER.format(last="sink")]
    parts.extend(
        f'\n[[milestones]]\nid = "p{i}"\ntitle = "P {i}"\nduration = {1 + i % 17}\n'
        for i in range(n)
    )
    deps = ", ".join(f'"p{i}"' for i in range(n))
    parts.append(
        f'\n[[milestones]]\nid = "sink"\ntitle = "Sink"\nduration = 2\ndepends_on = [{deps}]\n'
    )
    return "".join(parts)


def every_command(path: Path, first: str = "m0") -> list[list[str]]:
    """Every command that reads PLAN, with the arguments it needs."""
    p = str(path)
    return [
        ["check", p],
        ["check", "--json", p],
        ["fmt", "--check", p],
        ["schedule", p],
        ["schedule", "--json", p],
        ["why", p, first],
        ["blockers", p],
        ["blockers", "--json", p],
        ["forecast", p, "--runs", "20"],
        ["forecast", p, "--runs", "20", "--json"],
        ["risks", p],
        ["risks", "--md", p],
        ["risks", "--json", p],
        ["kpi", p],
        ["kpi", "--json", p],
        ["report", p],
        *(["export", p, "--format", f] for f in ("json", "csv", "ics", "mermaid", "tjp")),
        ["kpi", "record", p, "k1", "90", "--date", "2026-01-05"],
        ["baseline", p, "--name", "scale"],
        ["fmt", p],
    ]


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run tpm in process; any exception escaping main() fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def chain_100k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Schedule]:
    """The 100,000-milestone chain loaded (what ``tpm check`` does) and scheduled, once."""
    path = tmp_path_factory.mktemp("chain") / "chain.toml"
    path.write_text(chain_text(100_000), encoding="utf-8")
    loaded = load_plan(path)
    assert loaded.plan is not None, loaded.diagnostics[:3]
    return loaded.plan, schedule(loaded.plan, AS_OF, max_paths=1)


@pytest.mark.xdist_group("chain_100k")
def test_a_100k_chain_loads_with_no_finding(chain_100k: tuple[Plan, Schedule]) -> None:
    """``tpm check`` is load_plan plus printing: cycle search and checks ran on 100k items."""
    plan, _sched = chain_100k
    assert len(plan.milestones) == 100_000


@pytest.mark.xdist_group("chain_100k")
def test_a_100k_chain_is_scheduled_end_to_end(chain_100k: tuple[Plan, Schedule]) -> None:
    _plan, sched = chain_100k
    assert sched.milestones["m99999"].early_finish == 100_000  # one working day each
    assert sched.critical_paths[0][:2] == ("m0", "m1") and len(sched.critical_paths[0]) == 100_000


@pytest.mark.xdist_group("chain_100k")
def test_a_100k_chain_blocker_is_found(chain_100k: tuple[Plan, Schedule]) -> None:
    from tpm.schedule.blockers import blockers

    plan, sched = chain_100k
    assert [b.id for b in blockers(plan, sched, AS_OF)] == ["m99999"]


@pytest.mark.xdist_group("chain_100k")
def test_a_100k_chain_why_walks_the_whole_driving_chain(chain_100k: tuple[Plan, Schedule]) -> None:
    from tpm.schedule.why import explain

    plan, sched = chain_100k
    found = explain(plan, sched, "m99999")
    assert len(found.chain) == 100_000 and found.chain[0].id == "m0"


@pytest.mark.xdist_group("chain_100k")
def test_a_100k_chain_forecast(chain_100k: tuple[Plan, Schedule]) -> None:
    from tpm.forecast.run import forecast

    result = forecast(chain_100k[0], AS_OF, runs=20)
    assert result.runs == 20 and result.milestones_open == 100_000


def test_a_10k_chain_report(tmp_path: Path) -> None:
    from tpm.render.markdown.report import render_report
    from tpm.report.data import build

    path = tmp_path / "chain.toml"
    path.write_text(chain_text(10_000), encoding="utf-8")
    plan = load_plan(path).plan
    assert plan is not None
    report = render_report(build(plan, AS_OF))
    assert report.startswith("# Scale") and "## Next two weeks" in report


def test_a_2000_chain_through_every_command(tmp_path: Path) -> None:
    """Twice Python's default recursion limit, through the real commands."""
    path = tmp_path / "chain.toml"
    path.write_text(chain_text(2000), encoding="utf-8")
    outputs = {}
    for argv in every_command(path, "m1999"):
        code, out, err = run(argv)
        assert code == 0 or (code == 1 and "not canonical" in err), f"tpm {' '.join(argv)}: {err}"
        outputs[" ".join(a for a in argv if a != str(path))] = out
    assert "m1998" in outputs["why m1999"]  # the driving predecessor is named
    assert json.loads(outputs["forecast --runs 20 --json"])
    assert "Last" in outputs["report"]  # the blocked milestone is reported


def test_a_milestone_with_5000_predecessors(tmp_path: Path) -> None:
    path = tmp_path / "fan.toml"
    path.write_text(fan_in_text(5000), encoding="utf-8")
    for argv in every_command(path, "sink"):
        code, _out, err = run(argv)
        assert code == 0 or (code == 1 and "not canonical" in err), f"tpm {' '.join(argv)}: {err}"
    code, out, _err = run(["why", str(path), "sink", "--json"])
    data = json.loads(out)
    # The longest predecessor (17 days: p16, p33, ...) drives the sink; p16 is the first such.
    assert "p16" in json.dumps(data)


def make_edge(tmp_path: Path, kind: str) -> Path:
    """Create the non-plan input ``kind`` in tmp_path and return its path."""
    path = tmp_path / f"{kind}.toml"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "latin1":
        path.write_bytes('[program]\nname = "Caf\xe9"\n'.encode("latin-1"))
    elif kind == "folder":
        path.mkdir()
    elif kind == "big-50MB":
        line = "# filler comment line to make the file large " + "x" * 50 + "\n"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(chain_text(3))
            handle.write(line * (50_000_000 // len(line)))
    return path  # "missing": never created


EDGE_MESSAGES = {
    "empty": "program",
    "binary": "binary",
    "latin1": "UTF-8",
    "folder": "directory",
    "big-50MB": "too large",
    "missing": "no such file",
}


@pytest.mark.parametrize("kind", sorted(EDGE_MESSAGES))
def test_non_plans_give_a_diagnostic_and_exit_1_in_every_command(tmp_path: Path, kind: str) -> None:
    path = make_edge(tmp_path, kind)
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv in every_command(path):
        started = time.perf_counter()
        code, out, err = run(argv)
        elapsed = time.perf_counter() - started
        shown = err + out
        assert code == 1, f"tpm {' '.join(argv)} exited {code}: {shown}"
        assert EDGE_MESSAGES[kind].lower() in shown.lower(), f"tpm {' '.join(argv)}: {shown}"
        assert "Traceback" not in shown and "internal error" not in shown
        assert elapsed < 5, f"tpm {' '.join(argv)} took {elapsed:.1f} s on {kind}"
    # No command wrote anything next to the refused file (no output, no temp file).
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("kind", ["binary", "folder"])
def test_a_real_process_prints_a_diagnostic_not_a_traceback(tmp_path: Path, kind: str) -> None:
    path = make_edge(tmp_path, kind)
    done = subprocess.run(
        [sys.executable, "-m", "tpm", "report", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert EDGE_MESSAGES[kind] in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("kind", ["empty", "binary", "latin1", "folder", "missing"])
def test_the_tui_opened_on_a_non_plan_shows_the_diagnostic(tmp_path: Path, kind: str) -> None:
    """The app (built by the CLI's factory) stays up, says what is wrong, and saves nothing."""
    import asyncio

    from rich.console import Console

    from tpm.tui.app import build_app

    path = make_edge(tmp_path, kind)
    before = listing_with_bytes(tmp_path)

    async def scenario() -> tuple[bool, str]:
        app = build_app(path, as_of=AS_OF, watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("2", "3", "ctrl+s")
            await pilot.pause()
            await app.workers.wait_for_complete()
            console = Console(width=120, height=40, file=io.StringIO(), record=True)
            console.print(app.screen._compositor.render_update(full=True))
            return app.is_running, console.export_text()

    running, screen = asyncio.run(scenario())
    assert running
    assert EDGE_MESSAGES[kind].lower() in screen.lower(), screen
    assert listing_with_bytes(tmp_path) == before


def listing_with_bytes(folder: Path) -> list[tuple[str, bytes | None]]:
    return sorted(
        (p.name, p.read_bytes() if p.is_file() else None) for p in sorted(folder.iterdir())
    )
