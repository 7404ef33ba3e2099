"""Benchmark: ``tpm report`` on a 10,000-milestone plan with 500 risks and 50 KPIs.

Not collected by pytest (the name does not start with ``test_``). Run it by hand:

    .venv/bin/python tests/bench/bench_report.py [--milestones 10000] [--risks 500]
        [--kpis 50] [--repeat 7]
    .venv/bin/python tests/bench/bench_report.py --chains 10000 20000 43000 --repeat 1

It writes a seeded plan with tpm's own canonical writer (``tpm.plan.storage.dumps``): a layered
random DAG in ten teams with FS/SS/FF links and lags, three-point estimates on a third of the
milestones, due dates on 5 %, some progress and blockers, risks with mitigations that affect
milestones (half of them with a schedule impact, so the Monte Carlo forecast runs), KPIs
with 12 weekly measurements, and decisions. It then times whole ``tpm report`` processes
(plus ``--since`` against a copy with slipped durations) after one warm-up, and prints the
median, min and max wall-clock time and the median CPU time (user + system, which is less
disturbed when other work shares the machine) in a Markdown table, with tpm's bytecode
cached (as after an install) and not cached (a sandbox that sets PYTHONDONTWRITEBYTECODE).
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

from tpm.plan.model import Plan  # noqa: E402
from tpm.plan.storage import dumps  # noqa: E402

START = dt.date(2026, 1, 5)
AS_OF = dt.date(2026, 2, 16)
TEAMS = [f"team{t}" for t in range(10)]


def _milestones(rnd: random.Random, n: int, width: int = 40) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        layer = i // width
        likely = rnd.randint(1, 10)
        m: dict[str, object] = {
            "id": f"m{i:05d}",
            "title": f"Milestone {i} | deliver <part> `{i % 97}`",
            "team": TEAMS[i % len(TEAMS)],
            "owner": f"Owner {i % 37}",
            "duration": likely,
        }
        if i % 3 == 0:
            m["estimate"] = {
                "optimistic": max(0, likely - rnd.randint(0, 2)),
                "likely": likely,
                "pessimistic": likely + rnd.randint(0, 6),
            }
        if layer > 0:
            lo, hi = max(0, (layer - 3) * width), layer * width
            deps = []
            for p in sorted(rnd.sample(range(lo, hi), rnd.randint(1, 3))):
                kind = rnd.choice(("FS", "FS", "FS", "SS", "FF"))
                deps.append({"id": f"m{p:05d}", "type": kind, "lag": rnd.choice((0, 0, 1, 2))})
            m["depends_on"] = deps
        if i % 20 == 7:
            m["due"] = START + dt.timedelta(days=14 + layer * 9)
        if layer == 0 and i % 2 == 0:
            m["status"] = "in_progress"
            m["percent_complete"] = rnd.choice((20, 50, 80))
            m["actual_start"] = START
        elif i % 250 == 11:
            m["status"] = "blocked"
            m["blocked_reason"] = "Waiting for vendor sign-off"
            m["blocked_since"] = AS_OF - dt.timedelta(days=rnd.randint(1, 20))
        out.append(m)
    return out


def _risks(rnd: random.Random, n: int, milestones: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        r: dict[str, object] = {
            "id": f"r{i:04d}",
            "title": f"Risk {i}: supplier * slips",
            "owner": f"Owner {i % 23}",
            "probability": rnd.randint(1, 5),
            "impact": rnd.randint(1, 5),
            "status": rnd.choice(("open", "open", "mitigating", "accepted", "closed")),
            "trigger": "Late delivery notice",
            "affects": [f"m{rnd.randrange(milestones):05d}" for _ in range(rnd.randint(1, 3))],
            "last_reviewed": AS_OF - dt.timedelta(days=rnd.randint(0, 30)),
            "mitigations": [
                {
                    "id": f"r{i:04d}-m1",
                    "action": "Second supplier",
                    "owner": "Owner 1",
                    "due": AS_OF + dt.timedelta(days=rnd.randint(-10, 30)),
                    "status": "todo" if i % 3 else "doing",
                }
            ],
        }
        if i % 2 == 0:
            r["schedule_impact"] = rnd.randint(1, 10)
        out.append(r)
    return out


def _kpis(rnd: random.Random, n: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        target = 100
        out.append(
            {
                "id": f"k{i:03d}",
                "name": f"KPI {i}",
                "unit": "%",
                "target": target,
                "amber": 80,
                "measurements": [
                    {
                        "date": AS_OF - dt.timedelta(days=7 * (11 - w)),
                        "value": round(rnd.uniform(60, 120), 1),
                    }
                    for w in range(12)
                ],
            }
        )
    return out


def generate(milestones: int = 10_000, risks: int = 500, kpis: int = 50, seed: int = 4) -> Plan:
    """The benchmark plan (deterministic for a seed)."""
    rnd = random.Random(seed)
    data = {
        "program": {
            "name": "Benchmark program",
            "owner": "TPM",
            "start": START,
            "target": START + dt.timedelta(days=900),
            "as_of": AS_OF,
        },
        "teams": [{"id": t, "name": t.title()} for t in TEAMS],
        "milestones": _milestones(rnd, milestones),
        "risks": _risks(rnd, risks, milestones),
        "kpis": _kpis(rnd, kpis),
        "decisions": [
            {"id": f"d{i}", "date": AS_OF - dt.timedelta(days=i), "title": f"Decision {i}"}
            for i in range(20)
        ],
    }
    return Plan.model_validate(data, strict=False)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(cmd: list[str], repeat: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of each run, after a warm-up."""
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm-up (and correctness)
    walls, cpus = [], []
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    return walls, cpus


def chain_text(n: int) -> str:
    """A plan of one chain of ``n`` one-day milestones, each depending on the one before (the
    shape of issue 16's 4 MB, 43,000-milestone plan): one critical path as long as the plan."""
    out = [f'[program]\nname = "Chain"\nstart = {START}\nas_of = {START}\n']
    for i in range(n):
        dep = f'depends_on = ["m{i - 1:05d}"]\n' if i else ""
        out.append(
            f'\n[[milestones]]\nid = "m{i:05d}"\ntitle = "Milestone {i}"\nduration = 1\n{dep}'
        )
    return "".join(out)


def chains(sizes: list[int], repeat: int) -> None:
    """``tpm report`` on single chains of these sizes: time per 1,000 milestones shows whether
    the report grows linearly with the length of the critical path."""
    tpm = [sys.executable, "-m", "tpm", "report"]
    print("| chain of | MB | median s | median CPU s | CPU s per 1,000 |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"chain{n}.toml"
            path.write_text(chain_text(n), encoding="utf-8")
            walls, cpus = _time([*tpm, str(path)], repeat, dict(os.environ))
            cpu = statistics.median(cpus)
            print(
                f"| {n:,} | {path.stat().st_size / 1e6:.1f} | {statistics.median(walls):.2f} "
                f"| {cpu:.2f} | {cpu / n * 1000:.3f} |"
            )


def main() -> None:
    """Generate the plans, time the commands, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--milestones", type=int, default=10_000)
    parser.add_argument("--risks", type=int, default=500)
    parser.add_argument("--kpis", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--chains",
        type=int,
        nargs="+",
        metavar="N",
        help="only time tpm report on single chains of these lengths (e.g. 10000 20000 43000)",
    )
    args = parser.parse_args()
    if args.chains:
        chains(args.chains, args.repeat)
        return
    plan = generate(args.milestones, args.risks, args.kpis)
    older = plan.model_copy(
        update={
            "milestones": [
                m.model_copy(update={"duration": max(0, m.duration - 1)}) if i % 5 == 0 else m
                for i, m in enumerate(plan.milestones)
            ]
        }
    )
    tpm = [sys.executable, "-m", "tpm"]
    with tempfile.TemporaryDirectory() as tmp:
        path, old = Path(tmp) / "bench.toml", Path(tmp) / "old.toml"
        path.write_text(dumps(plan), encoding="utf-8")
        old.write_text(dumps(older), encoding="utf-8")
        out = Path(tmp) / "report.md"
        cases = {
            "tpm report": [*tpm, "report", str(path), "-o", str(out)],
            "tpm report --since FILE": [*tpm, "report", str(path), "--since", str(old)],
            "tomllib parse only": [
                sys.executable,
                "-c",
                f"import tomllib; tomllib.load(open({str(path)!r}, 'rb'))",
            ],
        }
        size = path.stat().st_size / 1e6
        print(
            f"{args.milestones:,} milestones, {args.risks} risks, {args.kpis} KPIs "
            f"({size:.1f} MB); Python {sys.version.split()[0]}, {args.repeat} runs"
        )
        print()
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print()
        # An installed tpm caches its bytecode; a sandbox may set PYTHONDONTWRITEBYTECODE,
        # which makes every run compile tpm afresh. Measure both.
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        plain = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        print("| command | bytecode | median s | min s | max s | median CPU s |")
        print("|---|---|---|---|---|---|")
        for name, cmd in cases.items():
            for label, env in (("cached", cached), ("not cached", plain)):
                if name.startswith("tomllib") and env is plain:
                    continue
                walls, cpus = _time(cmd, args.repeat, env)
                print(
                    f"| {name} | {label} | {statistics.median(walls):.2f} | {min(walls):.2f} "
                    f"| {max(walls):.2f} | {statistics.median(cpus):.2f} |"
                )
        lines = out.read_text(encoding="utf-8").count("\n")
        print(f"\nreport: {lines} lines, {out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
