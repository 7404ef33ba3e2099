"""Benchmark: ``tpm trend`` over 52 weekly commits of a 1,000-milestone plan in git.

Not collected by pytest. ``make bench`` calls :func:`history` and :func:`compare`, which
times ``tpm trend --json`` next to ``tpm schedule --json`` of the same plan, interleaved in
the same run (goal: at most 10x), as this script's :func:`main` does. The trend is timed
twice: with ``--no-cache`` (every commit analysed, as on a first run) and with the cache of
analysed commits filled by the warm-up (a trend run again after a week: only new commits
are analysed), in an ``XDG_CACHE_HOME`` of its own. By hand:

    .venv/bin/python tests/bench/bench_trend.py [--milestones 1000] [--commits 52] [--runs 3]

Each commit moves the plan's ``as_of`` a week and lengthens a few milestones, so every commit
is a different plan with its own date (nothing is deduplicated away).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from git_helpers import git as _git  # noqa: E402


def history(milestones: int, commits: int, folder: Path) -> Path:
    """A git repository with ``commits`` weekly versions of a generated plan; the plan path."""
    from generate import generate  # tests/bench/generate.py

    from tpm.plan.storage import dumps

    plan = generate(milestones)
    start = plan.program.start
    folder.mkdir(parents=True, exist_ok=True)
    _git(folder, "init", "-q", "-b", "main")
    path = folder / "plan.toml"
    items = list(plan.milestones)
    for week in range(commits):
        as_of = start + dt.timedelta(days=7 * (week + 1))
        for k in range(week % 7, len(items), 97):  # a few slips every week
            items[k] = items[k].model_copy(update={"duration": items[k].duration + 1})
        version = plan.model_copy(
            update={
                "milestones": list(items),
                "program": plan.program.model_copy(update={"as_of": as_of}),
            }
        )
        path.write_text(dumps(version), encoding="utf-8")
        stamp = f"{as_of}T12:00:00+00:00"
        _git(folder, "add", "-A")
        _git(
            folder, "commit", "-qm", f"week {week}", GIT_COMMITTER_DATE=stamp, GIT_AUTHOR_DATE=stamp
        )
    return path


def _once(cmd: list[str], env: dict[str, str], limit: float) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the process and the workers it waited for)
    of one run. CPU time hardly moves with the load of a shared machine; wall-clock time is
    what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, timeout=limit)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def commands(path: Path, tpm: list[str]) -> dict[str, list[str]]:
    """The commands compared: the baseline, the trend analysing every commit, the trend with
    the cache of analysed commits."""
    return {
        "schedule": [*tpm, "schedule", str(path), "--json"],
        "cold": [*tpm, "trend", str(path), "--json", "--no-cache"],
        "warm": [*tpm, "trend", str(path), "--json"],
    }


def compare(
    path: Path, runs: int, tpm: list[str], env: dict[str, str], limit: float = 900
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each timed run of ``schedule`` (``tpm schedule --json``),
    ``cold`` (``tpm trend --json --no-cache``) and ``warm`` (``tpm trend --json``, the cache
    filled by the warm-up), interleaved: one warm-up round, then ``runs`` rounds of one run
    each, so a change in the machine's load moves the baseline with the trend.

    ``make bench`` (tests/bench/run.py) and :func:`main` both use this, so their ratios agree.
    """
    cmds = commands(path, tpm)
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for round_ in range(runs + 1):
        for name, cmd in cmds.items():
            measured = _once(cmd, env, limit)
            if round_:
                out[name].append(measured)
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the history, time the commands, print a Markdown table with the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=52)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    tpm = [sys.executable, "-m", "tpm"]
    with tempfile.TemporaryDirectory(prefix="tpm-trend-") as tmp:
        path = history(args.milestones, args.commits, Path(tmp) / "repo")
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        timed = compare(path, args.runs, tpm, env)
    medians = {
        name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for name, got in timed.items()
    }
    sched = medians["schedule"]
    print("| what | median s | ratio | CPU s | CPU ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rows = [
        (f"tpm schedule --json ({args.milestones:,} milestones)", sched),
        (f"tpm trend --json --no-cache ({args.commits} commits, each analysed)", medians["cold"]),
        (f"tpm trend --json ({args.commits} commits, analysed by an earlier run)", medians["warm"]),
    ]
    for what, (wall, cpu) in rows:
        print(
            f"| {what} | {wall:.2f} | {wall / sched[0]:.1f}x | {cpu:.2f} | {cpu / sched[1]:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
