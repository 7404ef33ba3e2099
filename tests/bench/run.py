"""The benchmark of issue 7: ``make bench`` (not collected by pytest).

``python tests/bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--tj3-limit 300]``

1. Writes seeded plans of each size with tests/bench/generate.py (tpm's canonical writer).
2. Times whole processes: one warm-up, then ``--runs`` timed runs (median, min, max) of a
   tomllib-only baseline that parses the same file, ``tpm --help``, ``check``,
   ``schedule --json``, ``blockers --json``, ``forecast --runs 10000``, ``report`` and
   ``fmt`` (on a fresh copy each run). Each command's median is also shown as a ratio to the
   baseline's, against the goals of issue 12 (``RATIO_GOALS``: schedule --json <= 2.0x and
   blockers --json <= 2.5x at 10,000 milestones). A command tpm does not have yet shows
   "n/a"; a failing one its exit code.
3. Peak RSS of every process (``os.wait4``), against the goals of the issue.
4. With tj3 installed: exports the 1,000 and 10,000 plans (``tpm export --format tjp``),
   runs tj3 on the same files (a first run under ``--tj3-limit`` seconds decides whether
   the size is timed at all), checks that tj3's dates equal tpm's for every milestone
   with the cross-check's rules (the documented exceptions of
   docs/explanation/scheduling-model.md, counted) and prints tpm's speed-up over tj3.
5. The TUI (tests/bench/bench_tui.py): first paint in a real terminal against a bare
   Textual app in the same run, cold and from the analysis cache (example plan, 10,000
   plan), screen openings and cursor moves at 10,000 milestones and risks with 1 MB of
   notes, and edit-to-repaint, each against the goals of issues 13 and 16.
6. One Markdown table, with the machine it ran on, for docs/explanation/performance.md.

Nothing is cached between runs but Python's bytecode of tpm (as after an install): every
run is a new process reading the file from disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PY = sys.executable
TPM = [str(Path(PY).parent / "tpm")] if (Path(PY).parent / "tpm").exists() else [PY, "-m", "tpm"]
BASELINE = "import sys, tomllib\nwith open(sys.argv[1], 'rb') as f: tomllib.load(f)"
MIB = 1024 * 1024
RSS_GOALS = {("schedule --json", 10_000): 120, ("TUI first paint (headless)", 10_000): 200}
# Issue 12: whole-process time as a multiple of the tomllib-only parse of the same file.
RATIO_GOALS = {("tpm schedule --json", 10_000): 2.0, ("tpm blockers --json", 10_000): 2.5}
ANY_GOAL_100K = 1024


@dataclass
class Result:
    """One row of the table."""

    what: str
    size: int | None
    times: list[float]
    rss: int = 0  # bytes, max over runs
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def load_module(name: str) -> ModuleType | None:
    """Import tests/bench/<name>.py, or None when it does not exist."""
    path = ROOT / "tests" / "bench" / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _hwm(pid: int) -> int:
    """The process's peak RSS so far (VmHWM, bytes), or 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run_measured(
    cmd: list[str], cwd: Path, limit: float, env: dict[str, str] | None = None
) -> tuple[float, int, int, str]:
    """Run a process: (seconds, exit code, peak RSS bytes, stderr); exit -9 = over limit.

    Peak RSS is the child's VmHWM, polled every 2 ms until it exits (the ``ru_maxrss`` of
    wait4 is useless here: Linux carries the parent's high-water mark into a forked child).
    """
    with tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err_file, env=env)
        deadline = start + limit
        peak = 0
        while True:
            peak = max(peak, _hwm(proc.pid))
            pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                return time.perf_counter() - start, -9, 0, f"over {limit:.0f} s"
            time.sleep(0.002)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        err = err_file.read().decode("utf-8", "replace")
    return elapsed, proc.returncode, peak, err


def measure(
    what: str,
    size: int | None,
    cmd: list[str],
    cwd: Path,
    runs: int,
    limit: float,
    before: list[str] | None = None,
    warm_up: bool = True,
) -> Result:
    """Warm-up plus ``runs`` timed runs; ``before`` is copied over (src, dst) before each."""
    result = Result(what, size, [])

    def prepare() -> None:
        if before:
            shutil.copyfile(before[0], before[1])

    prepare()
    _t, code, rss, err = run_measured(cmd, cwd, limit) if warm_up else (0.0, 0, 0, "")
    if code != 0:
        missing = "invalid choice" in err or "unknown command" in err
        result.note = "n/a (command not available)" if missing else f"failed (exit {code})"
        if code == -9:
            result.note = f"skipped (over {limit:.0f} s)"
        return result
    result.rss = rss
    for _ in range(runs):
        prepare()
        seconds, code, rss, _err = run_measured(cmd, cwd, limit)
        if code != 0:
            result.note = f"failed in a timed run (exit {code})"
            break
        result.times.append(seconds)
        result.rss = max(result.rss, rss)
    return result


def tj3_agreement(plan_path: Path, folder: Path) -> str:
    """Compare tj3's dates (tpm-dates.csv in folder) with tpm's, as the cross-check does:
    the same documented exceptions (tests/tj3_helpers.py ``compare``), counted."""
    from tpm.check.load import load_plan

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tj3_helpers import compare, read_dates_csv

    from tpm.render.export.tjp import REPORT_FILE, export_tjp
    from tpm.schedule.scheduler import schedule

    plan = load_plan(plan_path).plan
    assert plan is not None and plan.program.as_of is not None
    export = export_tjp(plan, plan.program.as_of)
    sched = schedule(plan, plan.program.as_of)
    rows = read_dates_csv((folder / f"{REPORT_FILE}.csv").read_text(encoding="utf-8"))
    return compare(plan, sched, export, rows).summary()


def bench_tj3(size: int, plan: Path, work: Path, args: argparse.Namespace) -> list[Result]:
    """Export, time tj3 on the same plan, and check that the dates agree."""
    folder = work / f"tj3-{size}"
    folder.mkdir(exist_ok=True)
    tjp = folder / "plan.tjp"
    export = measure(
        "tpm export --format tjp",
        size,
        [*TPM, "export", str(plan), "-f", "tjp", "-o", str(tjp)],
        work,
        args.runs,
        args.limit,
        before=None,
    )
    if not tjp.exists():
        return [export]
    probe_seconds, code, _rss, err = run_measured(
        ["tj3", "--silent", "--no-color", "plan.tjp"], folder, args.tj3_limit
    )
    if code != 0:
        note = (
            f"skipped (over the {args.tj3_limit:.0f} s limit)"
            if code == -9
            else f"failed: {err[:80]}"
        )
        return [export, Result("tj3 (TaskJuggler 3.7)", size, [], note=note)]
    tj3 = measure(
        "tj3 (TaskJuggler 3.7)",
        size,
        ["tj3", "--silent", "--no-color", "plan.tjp"],
        folder,
        args.tj3_runs,
        args.tj3_limit,
        warm_up=False,  # the first run above was the warm-up
    )
    tj3.note = tj3_agreement(plan, folder) + f"; first run {probe_seconds:.1f} s"
    return [export, tj3]


def bench_trend(work: Path, runs: int, limit: float) -> list[Result]:
    """tpm trend over 52 weekly commits of a 1,000-milestone plan vs one tpm schedule --json
    of the same plan (goal: at most 10x), timed by bench_trend.compare: the three commands
    interleaved, one run of each per round, as bench_trend.py alone times them."""
    module = load_module("bench_trend")
    if module is None:
        return [Result("tpm trend (52 commits)", 1000, [], note="n/a")]
    print("tpm trend on 52 commits of 1,000 ...", file=sys.stderr)
    path = module.history(1000, 52, work / "trend-repo")
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "trend-cache")}
    rows = {
        "schedule": Result("tpm schedule --json (trend plan)", 1000, []),
        # Cold: every run analyses all 52 commits (--no-cache). Warm: the cache of analysed
        # commits is filled by the warm-up run, as on a TPM's second trend of the week.
        "cold": Result("tpm trend --json (52 commits, cold)", 1000, []),
        "warm": Result("tpm trend --json (52 commits, cached)", 1000, []),
    }
    for name, cmd in module.commands(path, TPM).items():  # peak RSS; the warm one fills the cache
        rows[name].rss = run_measured(cmd, work, limit, env)[2]
    try:
        timed = module.compare(path, runs, TPM, env, limit)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        for row in rows.values():
            row.note = f"failed: {exc}"
        return list(rows.values())
    cpu: dict[str, float] = {}
    for name, row in rows.items():
        row.times = [wall for wall, _cpu in timed[name]]
        cpu[name] = statistics.median(c for _wall, c in timed[name])
    sched = rows["schedule"]
    for name in ("cold", "warm"):
        ratio = rows[name].median / sched.median
        rows[name].note = (
            f"{ratio:.1f}x one tpm schedule --json (goal <= 10x); "
            f"CPU {cpu[name] / cpu['schedule']:.1f}x"
        )
    return list(rows.values())


TUI_GOALS = {None: 1.5, 10_000: 2.0}  # issue 13: RAG shown, as a multiple of the bare app
CURSOR_GOAL_MS = 16  # issue 13: app time per cursor move, milestone table and timeline
EDIT_GOAL_MS = 100  # issue 13: edit to repaint at 10,000 milestones
OPEN_GOAL_MS = 500  # issue 16: any screen opens within this much app time
SELECT_GOAL_MS = 50  # issue 16: any selection repaints within this much app time


def _against_bare(r: Result, bare: Result, goal: float | None) -> None:
    """Add the row's ratio to the bare app's median (and the goal) to its note."""
    if not (r.times and bare.times):
        return
    ratio = r.median / bare.median
    r.note += f"; {ratio:.2f}x the bare app"
    if goal is not None:
        r.note += f" (goal <= {goal}x: {'met' if ratio <= goal else 'OVER'})"


# What any cold start must do before it can know a colour, as a process on the same pty:
# import the plan model, read and parse the file as tpm does (tomli), and validate it with
# pydantic; it then writes a marker. No check, schedule or status rule runs.
_PARSED = (
    "import sys\nfrom pathlib import Path\nfrom tpm.plan.model import Plan\n"
    "from tpm.plan.storage import parse, read_bytes\n"
    "src = parse(Path(sys.argv[1]), read_bytes(Path(sys.argv[1])))\n"
)
FLOOR = {"parse": _PARSED, "validate": _PARSED + "Plan.model_validate(src.data)\n"}
FLOOR_MARK = "floor reached"


def terminal_rows(module: ModuleType, plans: dict[int, Path], runs: int) -> list[Result]:
    """Issue 13's first paint: on a pty, the bare Textual app against tpm until the dashboard
    shows its RAG, cold (no analysis cache: the plan is read and analysed first) and warm
    (painted from the cache written by an earlier start), and until the forecast has landed
    (cold); every run of each interleaved with one of the bare app (bench_tui.in_terminal)."""
    bare = Result("TUI bare Textual app (pty)", None, [], note="Header, Static, Footer")
    targets: list[tuple[str, Path, int | None]] = [
        ("plans/example.toml", ROOT / "plans" / "example.toml", None)
    ]
    if 10_000 in plans:
        targets.append(("generated: 500 risks, 50 KPIs", plans[10_000], 10_000))
    rag = {
        size: Result("TUI RAG shown, cold (pty)", size, [], note=lbl) for lbl, _, size in targets
    }
    warm = {
        size: Result("TUI RAG shown, warm (pty)", size, [], note=lbl) for lbl, _, size in targets
    }
    fc = {
        size: Result("TUI forecast landed, cold (pty)", size, [], note=label)
        for label, _, size in targets
    }
    floors = {
        step: Result(f"floor: {what} (pty)", 10_000, [], note="no analysis")
        for step, what in (
            ("parse", "import the model, parse with tomli"),
            ("validate", "the same, then pydantic validation"),
        )
    }
    command = [*TPM]
    with tempfile.TemporaryDirectory(prefix="tpm-bench-cache-") as home:
        cache_home = Path(home)
        for _label, path, size in targets:
            if not module.warm_up(path, cache_home):
                warm[size].note += "; the cache was not written"
        for _ in range(runs):
            bare.times += module.in_terminal([PY, "-c", module.BARE], ["hello"])
            for _label, path, size in targets:
                cold = module.in_terminal(
                    [*command, str(path)], ["Overall", "P80 2"], env=module.COLD
                )
                rag[size].times.append(cold[0])
                fc[size].times.append(cold[1])
                env = module.warm_env(cache_home)
                warm[size].times += module.in_terminal([*command, str(path)], ["Overall"], env=env)
            if 10_000 in plans:
                for step, row in floors.items():
                    code = FLOOR[step] + f"print({FLOOR_MARK!r}, flush=True)"
                    row.times += module.in_terminal(
                        [PY, "-c", code, str(plans[10_000])], [FLOOR_MARK]
                    )
    for size in rag:
        _against_bare(rag[size], bare, TUI_GOALS[size])
        _against_bare(warm[size], bare, TUI_GOALS[size])
        _against_bare(fc[size], bare, None)
    for row in floors.values():
        _against_bare(row, bare, None)
    rows = [bare, *(row for key in rag for row in (rag[key], warm[key], fc[key]))]
    return rows + [row for row in floors.values() if row.times]


def in_child(code: str, args: list[str], limit: float = 600) -> tuple[object, str]:
    """Run bench_tui code in a child process with a time limit (a hung Pilot session cannot
    stall the run); its last line of output as JSON, or None and why not."""
    bench_dir = str(ROOT / "tests" / "bench")
    prelude = "import asyncio, json, sys; sys.path.insert(0, sys.argv[1]); import bench_tui;"
    try:
        done = subprocess.run(
            [PY, "-c", prelude + code, bench_dir, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return None, f"failed: over {limit:.0f} s"
    if done.returncode != 0:
        return None, "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:90]
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def _ms_row(what: str, values: list[float], goal: float | None, note: str, by: str) -> Result:
    """An in-app latency row, ``values`` in milliseconds, judged against ``goal`` on the
    median (``by="median"``: a figure per move) or on the worst value (``"worst"``: a goal
    for any screen or selection); ``goal`` None: shown, not judged."""
    worst = max(values) if values else float("nan")
    median = statistics.median(values) if values else worst
    judged = worst if by == "worst" else median
    note = f"{note}; median {median:.1f} ms, worst {worst:.1f} ms"
    if goal is not None:
        note += f" ({by} goal <= {goal:g} ms: {'met' if judged <= goal else 'OVER'})"
    return Result(what, 10_000, [v / 1000 for v in values], note=note)


def responsiveness_rows() -> list[Result]:
    """Issue 13's cursor figure and issue 16's responsiveness, in app time (the frame that
    shows a key's effect), on 10,000 milestones, 10,000 risks and 1 MB of notes."""
    code = (
        "from pathlib import Path; from tpm.plan.storage import dumps;"
        "p = Path(sys.argv[2]);"
        "p.write_text(dumps(bench_tui.responsiveness_plan(10_000, 10_000)));"
        "print(json.dumps(asyncio.run(bench_tui.responsiveness(p))))"
    )
    with tempfile.TemporaryDirectory(prefix="tpm-bench-") as tmp:
        data, why = in_child(code, [str(Path(tmp) / "responsive.toml")])
    if not isinstance(data, dict):
        return [Result("TUI responsiveness", 10_000, [], note=why)]
    plan = "10,000 milestones and risks, 1 MB notes"
    opened = [v for k, vs in data.items() if k.startswith("open") and "all" not in k for v in vs]
    opened_all = [v for k, vs in data.items() if k.startswith("open") and "all" in k for v in vs]
    out = [
        _ms_row("TUI screen opens", opened, OPEN_GOAL_MS, f"keys 1-6; {plan}", "worst"),
        _ms_row("TUI screen opens, all drawn", opened_all, OPEN_GOAL_MS, plan, "worst"),
    ]
    for what, goal, by in (
        ("milestones cursor", CURSOR_GOAL_MS, "median"),
        ("timeline cursor", CURSOR_GOAL_MS, "median"),
        ("risks cursor", SELECT_GOAL_MS, "worst"),
        ("notes selection", SELECT_GOAL_MS, "worst"),
    ):
        if what in data:
            out.append(_ms_row(f"TUI {what}", data[what], goal, f"the cursor row; {plan}", by))
        if f"{what}, all drawn" in data:
            label = f"detail panes too; {plan}"
            out.append(
                _ms_row(f"TUI {what}, all drawn", data[f"{what}, all drawn"], None, label, by)
            )
    return out


HEADLESS_GOAL = 1.5  # issue 5: first paint within 1.5x a minimal Textual app's


def headless_rows(
    module: ModuleType, targets: list[tuple[str, Path, int | None]], runs: int
) -> list[Result]:
    """Issue 5's first paint: a headless process from its start to its first frame (the
    moment it reaches the terminal, as bench_tui.timed reads it), every run interleaved with
    one of the minimal Textual app; the peak RSS is of a run that goes on until the plan is
    read and analysed (issue 7: the TUI on 10,000 milestones under 200 MiB)."""
    minimal = Result("TUI minimal Textual app, first paint (headless)", None, [])
    rows = {
        size: Result("TUI first paint (headless)", size, [], note=label)
        for label, _path, size in targets
    }
    for _ in range(runs):
        minimal.times.append(module.timed([PY, "-c", module.MINIMAL], runs=1))
        for _label, path, size in targets:
            rows[size].times.append(
                module.timed([PY, "-c", module.TPM, str(path), "paint"], runs=1)
            )
    for _label, path, size in targets:
        row = rows[size]
        ratio = row.median / minimal.median
        verdict = "met" if ratio <= HEADLESS_GOAL else "OVER"
        row.note += f"; {ratio:.2f}x the minimal app (goal <= {HEADLESS_GOAL}x: {verdict})"
        loaded = [PY, "-c", module.TPM, str(path), "full", repr(time.time())]
        _t, code, rss, _err = run_measured(loaded, ROOT, 600)
        if code == 0:
            row.rss = rss
            row.note += "; peak RSS once the plan is analysed"
        else:
            row.note += f"; the run to the analysed plan failed (exit {code})"
    return [minimal, *rows.values()]


def bench_tui(plans: dict[int, Path], work: Path, runs: int) -> list[Result]:
    """First paint (cold and warm), cursor moves, screen openings and edit-to-repaint through
    tests/bench/bench_tui.py."""
    module = load_module("bench_tui")
    if module is None or not hasattr(module, "TPM"):
        return [Result("TUI", None, [], note="n/a (TUI bench not available)")]
    os.environ["TPM_NO_CACHE"] = "1"  # every TUI run but the warm ones starts cold
    out = terminal_rows(module, plans, runs)
    targets = [("plans/example.toml", ROOT / "plans" / "example.toml", None)]
    if 10_000 in plans:
        targets.append(("10,000 plan", plans[10_000], 10_000))
    out += headless_rows(module, targets, runs)
    print("TUI responsiveness ...", file=sys.stderr)
    out += responsiveness_rows()
    print("TUI edit to repaint ...", file=sys.stderr)
    code = (
        "from pathlib import Path; from tpm.plan.storage import dumps;"
        "p = Path(sys.argv[2]); p.write_text(dumps(bench_tui.big_plan(10_000)));"
        "print(json.dumps(asyncio.run(bench_tui.edit_latency(p))))"
    )
    times, why = in_child(code, [str(work / "tui-edit.toml")], 300)
    if isinstance(times, list):
        note = "status key to repainted milestones screen (bench_tui's 10,000 plan)"
        out.append(_ms_row("TUI edit to repaint", times, EDIT_GOAL_MS, note, "median"))
    else:
        out.append(Result("TUI edit to repaint", 10_000, [], note=why))
    return out


def table(results: list[Result], baselines: dict[int, float], machine: str) -> str:
    lines = [
        machine,
        "",
        "| what | milestones | median s | min s | max s | x tomllib | peak RSS MiB | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        size = f"{r.size:,}" if r.size else ""
        if not r.times:
            lines.append(f"| {r.what} | {size} | n/a | | | | | {r.note} |")
            continue
        base = baselines.get(r.size or 0)
        own = r.what.startswith("tpm")  # tpm processes, not the TUI or in-app latencies
        times_base = r.median / base if base and own else None
        ratio = "" if times_base is None else f"{times_base:.1f}"
        ratio_goal = RATIO_GOALS.get((r.what, r.size or 0))
        if times_base is not None and ratio_goal:
            met = "met" if times_base <= ratio_goal else "OVER"
            ratio += f" (goal <= {ratio_goal:.1f}: {met})"
        rss = r.rss / MIB if r.rss else 0
        goal = RSS_GOALS.get((r.what.removeprefix("tpm ").strip(), r.size or 0))
        if r.size == 100_000 and r.rss:
            goal = goal or ANY_GOAL_100K
        mark = ""
        if goal and r.rss:
            mark = f" ({'under' if rss < goal else 'OVER'} {goal} goal)"
        rss_text = f"{rss:.0f}{mark}" if r.rss else ""
        lines.append(
            f"| {r.what} | {size} | {r.median:.3f} | {min(r.times):.3f} | {max(r.times):.3f} "
            f"| {ratio} | {rss_text} | {r.note} |"
        )
    return "\n".join(lines)


def cache_bytecode(work: Path) -> None:
    """Let every child process cache tpm's bytecode, as an installed tpm does.

    A sandbox may set PYTHONDONTWRITEBYTECODE, which makes every run compile tpm afresh (about
    0.1 s a process). The warm-up run writes the cache, in a private folder under ``work``.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")


def main(argv: list[str] | None = None) -> int:
    """Run everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5, help="timed runs after a warm-up (>= 5)")
    parser.add_argument("--limit", type=float, default=900, help="seconds allowed per tpm run")
    parser.add_argument("--tj3-limit", type=float, default=300, help="seconds allowed per tj3 run")
    parser.add_argument("--tj3-runs", type=int, default=3, help="timed tj3 runs after the first")
    parser.add_argument("--no-tui", action="store_true", help="skip the TUI measurements")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    tj3 = shutil.which("tj3")
    tj3_version = ""
    if tj3:
        tj3_version = subprocess.run([tj3, "--version"], capture_output=True, text=True).stdout
        tj3_version = tj3_version.strip().splitlines()[0] if tj3_version.strip() else "tj3"
    machine = (
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}, {tj3_version or 'tj3 not installed'}; "
        f"{args.runs} timed runs after a warm-up ({dt.date.today()})."
    )
    print(machine, file=sys.stderr)
    generate = load_module("generate")
    assert generate is not None
    results: list[Result] = []
    baselines: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="tpm-bench-") as tmp:
        work = Path(tmp)
        cache_bytecode(work)
        plans: dict[int, Path] = {}
        for n in sizes:
            t0 = time.perf_counter()
            plans[n] = generate.write(n, work / f"plan-{n}.toml")
            mb = plans[n].stat().st_size / MIB
            print(
                f"generated {n:,} milestones ({mb:.1f} MiB) in {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
            )
        results.append(measure("tpm --help", None, [*TPM, "--help"], work, args.runs, args.limit))
        for n, plan in plans.items():
            p = str(plan)
            copy = str(work / f"fmt-{n}.toml")
            base = measure(
                "tomllib parse only (baseline)",
                n,
                [PY, "-c", BASELINE, p],
                work,
                args.runs,
                args.limit,
            )
            results.append(base)
            baselines[n] = base.median
            commands = [
                ("tpm check", [*TPM, "check", p], None),
                ("tpm schedule --json", [*TPM, "schedule", p, "--json"], None),
                ("tpm blockers --json", [*TPM, "blockers", p, "--json"], None),
                ("tpm forecast --runs 10000", [*TPM, "forecast", p, "--runs", "10000"], None),
                ("tpm report", [*TPM, "report", p], None),
                ("tpm fmt (a copy)", [*TPM, "fmt", copy], [p, copy]),
            ]
            for what, cmd, before in commands:
                print(f"{what} on {n:,} ...", file=sys.stderr)
                results.append(measure(what, n, cmd, work, args.runs, args.limit, before))
            if tj3 and n <= 10_000:
                print(f"tj3 on {n:,} ...", file=sys.stderr)
                tj3_rows = bench_tj3(n, plan, work, args)
                sched = next(r for r in results if r.what == "tpm schedule --json" and r.size == n)
                for r in tj3_rows:
                    if r.what.startswith("tj3") and r.times and sched.times:
                        r.note = f"tpm schedule is {r.median / sched.median:.0f}x faster; {r.note}"
                results += tj3_rows
        if 1000 in plans:
            results += bench_trend(work, args.runs, args.limit)
        if not tj3:
            results.append(Result("tj3", None, [], note="skipped: tj3 is not installed"))
        if args.no_tui:
            results.append(Result("TUI", None, [], note="skipped (--no-tui)"))
        else:
            print("TUI ...", file=sys.stderr)
            results += bench_tui(plans, work, args.runs)
    print(table(results, baselines, machine))
    save = load_module("bench_save")
    if save is not None and 10_000 in sizes:
        print("one-field save vs full rewrite ...", file=sys.stderr)
        save.main(["--milestones", "10000", "--repeat", str(args.runs)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
