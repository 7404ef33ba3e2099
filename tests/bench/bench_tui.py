"""TUI benchmark, not collected by pytest: ``.venv/bin/python tests/bench/bench_tui.py``.

Measures, on this machine, in one run:

- first paint in a real terminal (issue 13): each app is started as a process on a
  pseudo-terminal of 120x40 (``pty.fork``) and timed from the fork until its screen shows a
  marker: a minimal Textual app (Header, Static, Footer; "hello") against ``tpm PLAN`` until
  the dashboard shows its RAG ("Overall" in the status panel), and until the forecast has
  landed ("P80 2…" on the headline), on the example plan and on a generated plan of 10,000
  milestones, 500 risks and 50 KPIs (tests/bench/generate.py);
- the same headless (``App.run(headless=True)``, in-process hook on the first frame);
- edit-to-repaint on a 10,000-milestone plan: a status-cycle quick key on the milestones
  screen until the screen has repainted with the new schedule (median of 10), once the
  startup analysis has finished.

Big plans are generated with ``tpm.plan.storage.dumps`` from a seeded random DAG.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from tpm.plan.model import Dependency, Milestone, Plan, Program, Risk, Team  # noqa: E402
from tpm.plan.storage import dumps  # noqa: E402

# Both apps report the moment their first frame reaches the (headless) terminal: the first
# call of App._display with something to draw, in seconds since the parent started them.
FIRST_FRAME = """
import sys, time
from textual.app import App
def first_frame(app_class, stop, ready=lambda app: True):
    original = app_class._display
    def display(self, screen, renderable):
        original(self, screen, renderable)
        if renderable is None or getattr(self, "_bench_painted", False) or not ready(self):
            return
        self._bench_painted = True
        print(f"FIRST {time.time() - float(sys.argv[-1]):.3f}", flush=True)
        if stop:
            self.exit()
    app_class._display = display
"""

# The bare app of the issue, run as a user would run it (in a real terminal).
BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Minimal(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
Minimal().run()
"""

MINIMAL = (
    FIRST_FRAME
    + """
from textual.widgets import Footer, Header, Static
class Minimal(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
first_frame(Minimal, True)
Minimal().run(headless=True, size=(120, 40))
"""
)

TPM = (
    FIRST_FRAME
    + """
from pathlib import Path
from tpm.tui.app import TpmApp, build_app
mode = sys.argv[2]
def rag_shown(app):  # the dashboard with its RAG: the status tier has landed
    return app.analysis is not None and app.analysis.status_current
if mode == "shown":
    first_frame(TpmApp, True, rag_shown)
else:
    first_frame(TpmApp, mode == "paint")
async def painted(pilot):
    app = pilot.app
    while app.analysis is None:
        await pilot.pause(0.01)
    await pilot.pause()
    if mode == "full":
        while not app.analysis.report_current:
            await pilot.pause(0.01)
        await pilot.pause()
    app.exit()
app = build_app(Path(sys.argv[1]), watch=False)
app.run(headless=True, size=(120, 40), auto_pilot=painted if mode == "full" else None)
"""
)


def big_plan(n: int, seed: int = 7) -> Plan:
    """A seeded random DAG of n milestones over 12 teams."""
    rng = random.Random(seed)
    teams = [Team(id=f"t{i}", name=f"Team {i}") for i in range(12)]
    milestones = []
    for i in range(n):
        preds = sorted({f"m{rng.randrange(i)}" for _ in range(rng.randint(0, 3))}) if i else []
        milestones.append(
            Milestone(
                id=f"m{i}",
                title=f"Milestone {i}",
                team=f"t{rng.randrange(12)}",
                owner=f"o{rng.randrange(40)}",
                duration=rng.randint(0, 15),
                depends_on=[Dependency(id=p) for p in preds],
            )
        )
    program = Program(name="big", start=dt.date(2026, 1, 5), as_of=dt.date(2026, 3, 2))
    return Plan(program=program, teams=teams, milestones=milestones)


def in_terminal(
    argv: list[str],
    markers: list[str],
    size: tuple[int, int] = (120, 40),
    limit: float = 120.0,
    env: dict[str, str] | None = None,
) -> list[float]:
    """Seconds from starting ``argv`` on a pseudo-terminal of ``size`` (columns, rows) until
    each marker first appears in what it writes to the terminal (inf when it never does).
    ``env``: variables to set in the child (an empty value removes one)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a login-like terminal, then the app
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TEXTUAL", None)
        for name, value in (env or {}).items():
            if value:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    seen: dict[str, float] = {}
    out = b""
    try:
        while len(seen) < len(markers) and time.perf_counter() - start < limit:
            if not select.select([fd], [], [], 0.2)[0]:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the child exited
                break
            now = time.perf_counter() - start
            out += chunk
            for marker in markers:
                if marker not in seen and marker.encode() in out:
                    seen[marker] = now
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return [seen.get(marker, float("inf")) for marker in markers]


def best_in_terminal(
    argv: list[str], markers: list[str], runs: int, env: dict[str, str] | None = None
) -> list[float]:
    """The best of ``runs`` of :func:`in_terminal`, per marker."""
    results = [in_terminal(argv, markers, env=env) for _ in range(runs)]
    return [min(r[k] for r in results) for k in range(len(markers))]


# A cold start never reads the analysis cache; a warm one reads a private one, written by
# :func:`warm_up` (the user's own ~/.cache/tpm is never touched).
COLD = {"TPM_NO_CACHE": "1"}


def warm_env(cache_home: Path) -> dict[str, str]:
    """The environment of a warm start whose cache lives in ``cache_home``."""
    return {"TPM_NO_CACHE": "", "XDG_CACHE_HOME": str(cache_home)}


def warm_up(path: Path, cache_home: Path) -> bool:
    """Open ``path`` once until its forecast has landed, which writes the analysis cache in
    ``cache_home``; True when it did."""
    landed = in_terminal([*tpm_command(), str(path)], ["P80 2"], env=warm_env(cache_home))[0]
    return landed != float("inf")


def tpm_command() -> list[str]:
    """How a user starts tpm: the installed script next to this Python, else ``-m tpm``."""
    script = Path(sys.executable).parent / "tpm"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tpm"]


def first_paint_in_terminal(
    plans: dict[str, Path], cache_home: Path, runs: int = 3
) -> dict[str, float]:
    """Seconds to first paint in a real terminal: ``bare``; ``<name> rag`` and
    ``<name> forecast`` for each plan on a cold start (the RAG shown; the forecast landed),
    and ``<name> warm`` (the RAG shown from the analysis cache)."""
    out = {"bare": best_in_terminal([sys.executable, "-c", BARE], ["hello"], runs)[0]}
    for name, path in plans.items():
        command = [*tpm_command(), str(path)]
        rag, forecast = best_in_terminal(command, ["Overall", "P80 2"], runs, COLD)
        out[f"{name} rag"], out[f"{name} forecast"] = rag, forecast
        warm_up(path, cache_home)
        out[f"{name} warm"] = best_in_terminal(command, ["Overall"], runs, warm_env(cache_home))[0]
    return out


def timed(args: list[str], runs: int = 3) -> float:
    """Best wall time of a whole process (or to its first frame for "paint"), in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.time()
        done = subprocess.run(
            [*args, repr(start)], check=True, cwd=ROOT, capture_output=True, text=True
        )
        elapsed = time.time() - start
        if "paint" in args or "shown" in args or args[-1] == MINIMAL:
            first = [line for line in done.stdout.splitlines() if line.startswith("FIRST")]
            elapsed = float(first[0].split()[1])
        best = min(best, elapsed)
    return best


async def edit_latency(path: Path) -> list[float]:
    """Milliseconds from a status-cycle key press to the first frame written after the edit
    (the frame that shows it): the App's ``_display`` is timed, not Pilot's polling."""
    from tpm.tui.app import TpmApp, build_app
    from tpm.tui.widgets.vtable import VTable

    frames: list[float] = []
    edited: list[float] = []
    display, reanalyse = TpmApp._display, TpmApp.reanalyse

    def timed_display(self: TpmApp, screen: Any, renderable: Any) -> None:
        display(self, screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    def timed_reanalyse(self: TpmApp, changed: Any) -> None:
        reanalyse(self, changed)
        edited.append(time.perf_counter())

    TpmApp._display = timed_display  # type: ignore[method-assign]
    TpmApp.reanalyse = timed_reanalyse  # type: ignore[method-assign]
    app = build_app(path, watch=False)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        # Let the startup's full analysis (dashboard) finish: it runs in a thread and
        # competes for the GIL, which would slow any edit made while it runs.
        while app.analysis is None or not app.analysis.report_current:
            await pilot.pause(0.05)
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#ms-table", VTable)
        for k in range(10):
            table.move_to(f"m{100 + k}")
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("s")
            await pilot.pause(0.2)
            done = edited[-1]
            shown = min(t for t in frames if t > done)
            times.append((shown - start) * 1000)
            assert app.plan is not None
            assert app.plan.milestone(f"m{100 + k}").status == "in_progress"  # type: ignore[union-attr]
    return times


NOTES_BYTES = 1_000_000


def responsiveness_plan(milestones: int, risks: int, notes: int = NOTES_BYTES) -> Plan:
    """:func:`big_plan` with ``notes`` characters of notes on m2 and ``risks`` risks."""
    plan = big_plan(milestones)
    rng = random.Random(11)
    words = "the vendor said the export slips again because the contract is not signed "
    long = (words * (notes // len(words) + 1))[:notes]
    plan.milestones[2] = plan.milestones[2].model_copy(update={"notes": long})
    plan.risks = [
        Risk(
            id=f"r{i}",
            title=f"Risk {i}: integration partner late",
            owner=f"o{rng.randrange(40)}",
            probability=rng.randint(1, 5),
            impact=rng.randint(1, 5),
            affects=[f"m{rng.randrange(milestones)}"],
            schedule_impact=rng.randint(0, 10),
        )
        for i in range(risks)
    ]
    return plan


async def responsiveness(path: Path) -> dict[str, list[float]]:
    """Milliseconds of app time, from a key press to the first frame written after it (the
    frame that shows it), and to the last one before the app is idle (", all drawn": detail
    panes included), on a big plan once its analysis landed:

    - ``open <screen>``: keys 2-6 (each screen's first opening, then the dashboard again);
    - ``milestones cursor`` / ``timeline cursor``: down-arrow moves (10 each);
    - ``notes selection``: the cursor onto the milestone with 1 MB of notes;
    - ``risks cursor``: down-arrow moves in the risk register.
    """
    from tpm.tui.app import TpmApp, build_app

    frames: list[float] = []
    display = TpmApp._display

    def timed_display(self: TpmApp, screen: Any, renderable: Any) -> None:
        display(self, screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    TpmApp._display = timed_display  # type: ignore[method-assign]
    app = build_app(path, watch=False)
    out: dict[str, list[float]] = {}

    async def key(name: str, what: str, pilot: Any) -> None:
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press(name)
        await pilot.pause()
        await pilot.pause(0.05)
        shown = [t for t in frames if t > start] or [start]
        out.setdefault(what, []).append((shown[0] - start) * 1000)
        out.setdefault(f"{what}, all drawn", []).append((shown[-1] - start) * 1000)

    async with app.run_test(size=(120, 40)) as pilot:
        while app.analysis is None or not app.analysis.report_current:
            await pilot.pause(0.05)
        for number, name in (("2", "milestones"), ("3", "timeline"), ("4", "risks")):
            await key(number, f"open {name}", pilot)
            await key("1", "open dashboard", pilot)
        for number, name in (("5", "kpis"), ("6", "report")):
            await key(number, f"open {name}", pilot)
        await key("2", "open milestones (again)", pilot)
        await key("home", "milestones cursor", pilot)
        await key("down", "milestones cursor", pilot)
        await key("down", "notes selection", pilot)  # m2: 1 MB of notes
        for _ in range(10):
            await key("down", "milestones cursor", pilot)
        await key("3", "open timeline (again)", pilot)
        for _ in range(10):
            await key("down", "timeline cursor", pilot)
        await key("4", "open risks (again)", pilot)
        for _ in range(10):
            await key("down", "risks cursor", pilot)
    return out


def main() -> None:
    from generate import generate

    py = sys.executable
    example = ROOT / "plans" / "example.toml"
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.toml"
        big.write_text(dumps(big_plan(10_000)), encoding="utf-8")
        full = Path(tmp) / "full.toml"
        full.write_text(dumps(generate(10_000)), encoding="utf-8")
        terminal = first_paint_in_terminal({"example": example, "10k": full}, Path(tmp))
        bare = terminal["bare"]
        print("In a real terminal (pty, 120x40), from process start, best of 3:")
        print(f"  bare Textual app (Header, Static, Footer):  {bare:.2f} s")
        for name, label in (
            ("example", "plans/example.toml"),
            ("10k", "10,000 ms/500 risks/50 KPIs"),
        ):
            rag, forecast = terminal[f"{name} rag"], terminal[f"{name} forecast"]
            warm = terminal[f"{name} warm"]
            print(
                f"  tpm {label}: cold: RAG shown {rag:.2f} s ({rag / bare:.2f}x),"
                f" forecast landed {forecast:.2f} s ({forecast / bare:.2f}x);"
                f" warm cache: RAG shown {warm:.2f} s ({warm / bare:.2f}x)"
            )
        os.environ.update(COLD)  # the in-process and headless runs below are cold
        minimal = timed([py, "-c", MINIMAL])
        first = timed([py, "-c", TPM, str(example), "paint"])
        print("Headless, in-process hook on the first frame, best of 3:")
        print(f"  minimal Textual app, first paint:        {minimal:.2f} s")
        print(f"  tpm on plans/example.toml, first paint:  {first:.2f} s ({first / minimal:.2f}x)")
        example_shown = timed([py, "-c", TPM, str(example), "shown"])
        example_full = timed([py, "-c", TPM, str(example), "full"])
        print(
            f"  tpm on plans/example.toml, RAG shown:    {example_shown:.2f} s"
            f" ({example_shown / minimal:.2f}x)"
        )
        print(f"  tpm on plans/example.toml, dashboard complete: {example_full:.2f} s")
        big_shown = timed([py, "-c", TPM, str(full), "shown"], runs=2)
        big_full = timed([py, "-c", TPM, str(full), "full"], runs=1)
        print(
            f"  tpm on 10,000 milestones, RAG shown:    {big_shown:.2f} s"
            f" ({big_shown / minimal:.2f}x)"
        )
        print(f"  tpm on 10,000 milestones, dashboard complete: {big_full:.2f} s")
        notes = Path(tmp) / "responsive.toml"
        notes.write_text(dumps(responsiveness_plan(10_000, 10_000)), encoding="utf-8")
        print("In-app ms, 10,000 milestones, 10,000 risks, 1 MB notes (median / max):")
        for what, values in asyncio.run(responsiveness(notes)).items():
            print(f"  {what:<36} {statistics.median(values):7.1f} / {max(values):7.1f}")
        times = asyncio.run(edit_latency(big))
        print(
            f"edit to repaint, 10,000 milestones:      median {statistics.median(times):.0f} ms,"
            f" max {max(times):.0f} ms"
        )


if __name__ == "__main__":
    main()
