"""Benchmark: ``tpm forecast --runs 10000`` on a generated 1,000-milestone plan.

Not collected by pytest (the file name does not start with ``test_``). Run it with
``.venv/bin/python tests/bench/bench_forecast.py [--milestones N] [--runs R] [--repeat K]``.
It writes a seeded layered random DAG plan (all four link types with lags, a three-point
estimate on every milestone, due dates, progress and risks) with ``tpm.plan.storage.dumps``, then
times the whole ``tpm forecast`` process ``--repeat`` times and prints the median, next to
``tpm check`` on the same plan (loading and validating alone) for reference.
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

from tpm.plan.model import Plan
from tpm.plan.storage import dumps

LINKS = ("FS", "FS", "FS", "FS", "SS", "FF", "SF")


def generate(n: int = 1000, seed: int = 1, layer_width: int = 25) -> Plan:
    """A valid plan of ``n`` milestones in layers; each depends on 1..3 earlier milestones."""
    rnd = random.Random(seed)
    start = dt.date(2026, 1, 5)
    milestones: list[dict[str, object]] = []
    for i in range(n):
        layer = i // layer_width
        m: dict[str, object] = {"id": f"m{i:05d}", "title": f"Milestone {i}"}
        likely = rnd.randint(1, 10)
        m["duration"] = likely
        m["estimate"] = {
            "optimistic": max(0, likely - rnd.randint(0, 3)),
            "likely": likely,
            "pessimistic": likely + rnd.randint(0, 8),
        }
        if layer > 0:
            deps = []
            lo = max(0, (layer - 3) * layer_width)
            hi = layer * layer_width
            for p in sorted(rnd.sample(range(lo, hi), rnd.randint(1, 3))):
                kind = rnd.choice(LINKS)
                lag = rnd.choice((0, 0, 0, 1, 2, -1))
                deps.append({"id": f"m{p:05d}", "type": kind, "lag": lag})
            m["depends_on"] = deps
        if layer == 0 and i % 2 == 0:
            m["status"] = "done"
            m["percent_complete"] = 100
            m["actual_start"] = start
            m["actual_finish"] = start + dt.timedelta(days=7)
        elif layer == 0:
            m["status"] = "in_progress"
            m["percent_complete"] = 50
            m["actual_start"] = start
        if i % 50 == 49:
            m["due"] = start + dt.timedelta(days=7 * (layer + 2))
        milestones.append(m)
    risks = [
        {
            "id": f"r{j:03d}",
            "title": f"Risk {j}",
            "probability": rnd.randint(1, 5),
            "impact": rnd.randint(1, 5),
            "schedule_impact": rnd.randint(1, 10),
            "affects": [f"m{k:05d}" for k in sorted(rnd.sample(range(n), 3))],
        }
        for j in range(n // 20)
    ]
    data = {
        "program": {
            "name": f"Bench {n}",
            "start": start,
            "target": start + dt.timedelta(days=7 * (n // layer_width + 10)),
            "as_of": start + dt.timedelta(days=14),
        },
        "milestones": milestones,
        "risks": risks,
    }
    return Plan.model_validate(data, strict=False)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _median_time(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, str]:
    """Median wall time, median CPU time (user + sys) and the wall times, of ``repeat`` runs.

    CPU time is what the process would take on an idle machine (it is single-threaded); on
    a shared machine the wall time also counts waiting for a core.
    """
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm-up (and .pyc)
    walls, cpus = [], []
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    shown = " ".join(f"{t:.3f}" for t in walls)
    return statistics.median(walls), statistics.median(cpus), shown


def main() -> int:
    """Write the plan, time the forecast process (and tpm check for reference), print medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(dumps(generate(args.milestones)), encoding="utf-8")
        forecast = [sys.executable, "-m", "tpm", "forecast", str(path), "--runs", str(args.runs)]
        check = [sys.executable, "-m", "tpm", "check", str(path)]
        first = subprocess.run(forecast, capture_output=True, text=True)
        if first.returncode != 0:
            print(first.stdout, first.stderr, file=sys.stderr)
            return 1
        # A normal install caches bytecode; a sandbox may set PYTHONDONTWRITEBYTECODE, which
        # makes every run recompile tpm. Measure both.
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        plain = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        print(f"{args.milestones} milestones, {args.runs} runs, median of {args.repeat}:")
        for label, cmd in (("tpm forecast", forecast), ("tpm check (load only)", check)):
            for env_label, env in (("bytecode cached", cached), ("no bytecode cache", plain)):
                wall, cpu, shown = _median_time(cmd, env, args.repeat)
                print(
                    f"  {label:<22} {env_label:<18} wall {wall:.3f} s  cpu {cpu:.3f} s  ({shown})"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
