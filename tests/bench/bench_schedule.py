"""Benchmark of the schedule engine (run by hand; pytest does not collect bench_*.py).

    .venv/bin/python tests/bench/bench_schedule.py [--sizes 1000 10000] [--runs 5] [--chain 100000]

Generates seeded layered random DAG plans with tpm's own writer, then times, as medians:
whole processes (``tpm schedule --json``, ``tpm blockers --json``, a bare ``python -c`` that
only parses the file with tomllib, ``tpm --help``) and, in process, re-scheduling after a
one-milestone edit with :class:`tpm.schedule.scheduler.Scheduler`; and the critical chain of a
single long chain of milestones (in process: the walk is linear in the chain's length, where
``networkx.all_simple_paths`` took 213 s at 100,000). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tpm.plan.model import Dependency, Milestone, Plan, Program, Team  # noqa: E402
from tpm.plan.storage import dumps  # noqa: E402

START = dt.date(2026, 1, 5)
AS_OF = dt.date(2026, 3, 2)


def generate(n: int, seed: int = 1) -> Plan:
    """A layered DAG of n milestones: ~sqrt(n) layers, 1-3 links back, mixed link types."""
    rng = random.Random(seed)
    width = max(1, int(n**0.5))
    teams = [Team(id=f"team{k}", name=f"Team {k}") for k in range(10)]
    items: list[Milestone] = []
    for i in range(n):
        layer = i // width
        deps: list[Dependency] = []
        if layer > 0:
            lo = max(0, (layer - 2) * width)
            for p in sorted(
                set(rng.randrange(lo, layer * width) for _ in range(rng.randint(1, 3)))
            ):
                kind = rng.choices(["FS", "SS", "FF", "SF"], [85, 7, 6, 2])[0]
                lag = rng.choice([0, 0, 0, 1, 2, -1])
                deps.append(Dependency(id=f"m{p}", type=kind, lag=lag))  # type: ignore[arg-type]
        extra: dict[str, object] = {}
        if layer < 3:
            extra = {"status": "done", "percent_complete": 100}
        elif layer < 5 and rng.random() < 0.5:
            extra = {"status": "in_progress", "percent_complete": rng.choice([10, 50, 80])}
        elif rng.random() < 0.01:
            extra = {"status": "blocked", "blocked_reason": "waiting on a vendor"}
        items.append(
            Milestone(
                id=f"m{i}",
                title=f"Milestone {i}",
                team=teams[rng.randrange(10)].id,
                duration=rng.randint(0, 15),
                depends_on=deps,
                **extra,  # type: ignore[arg-type]
            )
        )
    return Plan(
        program=Program(name=f"bench {n}", start=START, as_of=AS_OF),
        teams=teams,
        milestones=items,
    )


def chain_times(n: int, runs: int) -> tuple[Timing, Timing]:
    """Median seconds to schedule an n-milestone chain, and to list its critical chain."""
    from tpm.schedule.network import critical_chains
    from tpm.schedule.scheduler import schedule

    items = [Milestone(id="m0", title="M 0", duration=1)]
    items += [
        Milestone(id=f"m{i}", title=f"M {i}", duration=1, depends_on=[Dependency(id=f"m{i - 1}")])
        for i in range(1, n)
    ]
    plan = Plan(program=Program(name=f"chain {n}", start=START, as_of=START), milestones=items)
    whole: list[Timing] = []
    chains: list[Timing] = []
    for _ in range(runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        sched = schedule(plan, START)
        whole.append((time.perf_counter() - begin, time.process_time() - begin_cpu))
        begin, begin_cpu = time.perf_counter(), time.process_time()
        found, _capped = critical_chains(sched.cpm(), 20)
        chains.append((time.perf_counter() - begin, time.process_time() - begin_cpu))
        assert len(found[0]) == n
    return _medians(whole), _medians(chains)


def median_seconds(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a whole process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        begin = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - begin)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


Timing = tuple[float, float]


def edit_times(plan: Plan, edits: int) -> tuple[Timing, Timing, Timing]:
    """Median seconds of Scheduler.update_milestone: random duration edits, and worst cases.

    The worst case edits the head of the driving critical path: everything downstream moves
    and the project finish changes, so the whole backward pass reruns.
    """
    from tpm.schedule.scheduler import Scheduler

    scheduler = Scheduler(plan, AS_OF)
    rng = random.Random(7)
    planned = [m.id for m in plan.milestones if m.status == "planned"]
    random_times: list[Timing] = []
    worst_times: list[Timing] = []
    read_times: list[Timing] = []
    for k in range(edits):
        worst = k % 2 == 0
        ident = scheduler.current.critical_path[0] if worst else rng.choice(planned)
        m = scheduler.plan.milestone(ident)
        assert m is not None
        new = m.model_copy(update={"duration": m.duration + (1 if k % 4 < 2 else -1)})
        begin, begin_cpu = time.perf_counter(), time.process_time()
        scheduler.update_milestone(new)
        taken = (time.perf_counter() - begin, time.process_time() - begin_cpu)
        (worst_times if worst else random_times).append(taken)
        begin, begin_cpu = time.perf_counter(), time.process_time()
        assert len(scheduler.current.milestones) == len(plan.milestones)
        read_times.append((time.perf_counter() - begin, time.process_time() - begin_cpu))
    return _medians(random_times), _medians(worst_times), _medians(read_times)


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    """Generate, time and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chain", type=int, default=100_000, help="0 to skip the chain rows")
    args = parser.parse_args()
    python = sys.executable
    tpm = [python, "-m", "tpm"]
    rows: list[tuple[str, int | str, tuple[float, float]]] = [
        ("`tpm --help`", "-", median_seconds([*tpm, "--help"], args.runs))
    ]
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            plan = generate(n)
            path = Path(folder) / f"bench{n}.toml"
            path.write_text(dumps(plan), encoding="utf-8")
            parse = f"import tomllib; tomllib.load(open({str(path)!r}, 'rb'))"
            rows.append(
                (
                    "`python -c` tomllib parse only",
                    n,
                    median_seconds([python, "-c", parse], args.runs),
                )
            )
            for command in ("check", "schedule --json", "blockers --json"):
                cmd = [*tpm, *command.split()[:1], str(path), *command.split()[1:]]
                rows.append((f"`tpm {command}`", n, median_seconds(cmd, args.runs)))
            med, worst, read = edit_times(plan, 60)
            rows.append(("re-schedule after editing a random milestone (in process)", n, med))
            rows.append(
                ("re-schedule after editing the critical path's head (in process)", n, worst)
            )
            rows.append(("then read all milestones (dates, free float)", n, read))
    if args.chain:
        runs = min(args.runs, 3)
        whole, chains = chain_times(args.chain, runs)
        rows.append(
            ("schedule a single chain (in process, includes its critical chain)", args.chain, whole)
        )
        rows.append(("list the critical chain of a single chain (in process)", args.chain, chains))
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    print("| what | milestones | median wall | median CPU |")
    print("|---|---:|---:|---:|")
    for what, n, (wall, cpu) in rows:
        count = f"{n:,}" if isinstance(n, int) else n
        print(f"| {what} | {count} | {_shown(wall)} | {_shown(cpu)} |")


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
