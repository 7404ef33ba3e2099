"""The seeded plan generator of the benchmark (issue 7): big, realistic, reproducible plans.

Not collected by pytest. ``python tests/bench/generate.py --sizes 1000,10000 --out DIR``
writes ``DIR/plan-1000.toml`` ... with tpm's own canonical writer (``tpm.plan.storage.dumps``).

Shape of a plan of ``n`` milestones (same ``seed`` -> byte-identical file):

- Layered random DAG: ``width = max(10, sqrt(n))`` milestones per layer. Every milestone
  depends on the one in its lane in the previous layer (long chains of ``n / width``
  links) and on 0..2 more from the three layers before, so the critical path is long.
- Links: 70 % FS, 10 % each SS, FF, SF; lags 0 (most), 1..3, or a lead of -1..-2.
- Durations 0..15 working days (events on every 25th); a three-point estimate on every
  third milestone; a due date on every 20th.
- Progress as of the status date (six weeks in): the first two layers done with actual
  dates, the third in progress (half of it with percent complete), a few blocked.
- Teams (n / 200, 3..50), owners from a pool of 40 people, weekends and 8 holidays a year.
- Risks on 5 % of the milestone count (scored, with affects, schedule impact and
  mitigations), KPIs on 0.5 % (at least 3) with 12 weekly measurements each, a few decisions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from pathlib import Path
from typing import Any

from tpm.plan.model import Plan
from tpm.plan.storage import dumps

START = dt.date(2026, 1, 5)  # a Monday
AS_OF = START + dt.timedelta(weeks=6)
LINKS = ("FS",) * 7 + ("SS", "FF", "SF")
LAGS = (0,) * 6 + (1, 2, 3, -1, -2)
PEOPLE = [
    f"{first} {last}"
    for first in ("Ana", "Ben", "Chen", "Dara", "Eli")
    for last in ("Adams", "Berg", "Costa", "Diaz", "Evans", "Fox", "Gupta", "Holm")
]


def _holidays(years: int) -> list[dt.date]:
    days = []
    for y in range(START.year, START.year + years):
        days += [dt.date(y, mo, d) for mo, d in ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15))]
        days += [dt.date(y, 11, 11), dt.date(y, 12, 24), dt.date(y, 12, 25)]
    return days


def _workdays_after(day: dt.date, count: int) -> dt.date:
    """The date ``count`` weekdays after ``day`` (holidays ignored: only for actual dates)."""
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def generate(n: int, seed: int = 7) -> Plan:
    """A valid plan of ``n`` milestones (see the module docstring)."""
    rnd = random.Random(seed * 1_000_003 + n)
    width = max(10, round(math.sqrt(n)))
    n_teams = max(3, min(50, n // 200))
    teams = [
        {"id": f"team-{t:02d}", "name": f"Team {t}", "lead": PEOPLE[t % 40]} for t in range(n_teams)
    ]
    milestones: list[dict[str, Any]] = []
    for i in range(n):
        layer, lane = divmod(i, width)
        duration = 0 if i % 25 == 24 else rnd.randint(1, 15)
        m: dict[str, Any] = {
            "id": f"m{i:06d}",
            "title": f"Deliver increment {i} of lane {lane}",
            "team": teams[lane % n_teams]["id"],
            "owner": PEOPLE[rnd.randrange(40)],
            "duration": duration,
        }
        if layer > 0:
            preds = {i - width}
            for _ in range(rnd.randint(0, 2)):
                preds.add(rnd.randrange(max(0, (layer - 3) * width), layer * width))
            deps: list[Any] = []
            for p in sorted(preds):
                kind, lag = rnd.choice(LINKS), rnd.choice(LAGS)
                deps.append(
                    f"m{p:06d}"
                    if kind == "FS" and lag == 0
                    else {"id": f"m{p:06d}", "type": kind, "lag": lag}
                )
            m["depends_on"] = deps
        if layer < 2:
            begin = START + dt.timedelta(days=7 * layer + rnd.randint(0, 3))
            m["status"] = "done"
            m["percent_complete"] = 100
            m["actual_start"] = begin
            m["actual_finish"] = _workdays_after(begin, max(0, duration - 1))
        elif layer == 2:
            m["status"] = "in_progress"
            m["actual_start"] = START + dt.timedelta(days=28 + rnd.randint(0, 4))
            if lane % 2:
                m["percent_complete"] = rnd.choice((20, 40, 50, 60, 80))
        elif i % 97 == 0:
            m["status"] = "blocked"
            m["blocked_reason"] = "waiting for a vendor sandbox"
            m["blocked_since"] = AS_OF - dt.timedelta(days=rnd.randint(1, 20))
        if i % 3 == 0 and duration > 0:
            low = max(0, duration - rnd.randint(0, 3))
            m["estimate"] = {
                "optimistic": low,
                "likely": duration,
                "pessimistic": duration + rnd.randint(1, 10),
            }
        if i % 20 == 19:
            m["due"] = START + dt.timedelta(days=int(layer * 12 + rnd.randint(0, 40)))
        milestones.append(m)
    risks = []
    for r in range(max(1, n // 20)):
        risk: dict[str, Any] = {
            "id": f"r{r:05d}",
            "title": f"Risk {r}: integration partner late",
            "owner": PEOPLE[rnd.randrange(40)],
            "probability": rnd.randint(1, 5),
            "impact": rnd.randint(1, 5),
            "status": rnd.choice(("open", "open", "mitigating", "accepted", "closed")),
            "trigger": "partner misses a checkpoint",
            "affects": sorted({f"m{rnd.randrange(n):06d}" for _ in range(rnd.randint(1, 3))}),
            "schedule_impact": rnd.randint(1, 15),
            "raised": START + dt.timedelta(days=rnd.randint(0, 30)),
            "last_reviewed": AS_OF - dt.timedelta(days=rnd.randint(0, 30)),
        }
        risk["mitigations"] = [
            {
                "id": f"r{r:05d}-x{k}",
                "action": "add a fallback",
                "owner": risk["owner"],
                "due": AS_OF + dt.timedelta(days=rnd.randint(-10, 40)),
                "status": "todo",
            }
            for k in range(rnd.randint(0, 2))
        ]
        risks.append(risk)
    kpis = []
    for k in range(max(3, n // 200)):
        target = rnd.choice((95, 99, 200))
        kpis.append(
            {
                "id": f"kpi-{k:03d}",
                "name": f"KPI {k}",
                "unit": "%",
                "owner": PEOPLE[k % 40],
                "target": target,
                "amber": target * 0.9,
                "measurements": [
                    {
                        "date": START + dt.timedelta(weeks=w),
                        "value": round(target * rnd.uniform(0.8, 1.05), 1),
                    }
                    for w in range(12)
                ],
            }
        )
    decisions = [
        {
            "id": f"d{d:04d}",
            "date": START + dt.timedelta(days=d),
            "title": f"Decision {d}",
            "decided_by": PEOPLE[d % 40],
        }
        for d in range(max(1, n // 100))
    ]
    years = 1 + (n // width) * 8 // 250  # the chain of layers runs about 8 days a layer
    data = {
        "program": {
            "name": f"Benchmark plan of {n} milestones",
            "owner": PEOPLE[0],
            "start": START,
            "target": START + dt.timedelta(days=365 * years),
            "as_of": AS_OF,
        },
        "calendar": {"holidays": _holidays(years + 2)},
        "teams": teams,
        "milestones": milestones,
        "risks": risks,
        "kpis": kpis,
        "decisions": decisions,
    }
    return Plan.model_validate(data, strict=False)


def write(n: int, path: Path, seed: int = 7) -> Path:
    """Generate a plan of ``n`` milestones and write it canonically to ``path``."""
    path.write_text(dumps(generate(n, seed)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Write plan-N.toml for each size into --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",")):
        path = write(size, args.out / f"plan-{size}.toml", args.seed)
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
