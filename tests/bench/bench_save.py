"""Benchmark: a one-field save against a full canonical rewrite (issue 14's speed goal).

Not collected by pytest. ``python tests/bench/bench_save.py [--milestones 10000] [--repeat 7]``

On a seeded plan (tests/bench/generate.py), and on the same plan with multi-line notes on one
milestone in ten (lines inside them may look like headers), it times, in one process and
after a warm-up:

- full rewrite: ``storage.dumps(plan)`` and the atomic write, what a save did before patches;
- one-field save, as the CLI writers and the TUI do it: the diff of the plan before and
  after one milestone's duration changed (``changes.diff_plans``), applying it to the file's
  text with the read-back check of the changed item (``readback.apply_verified``: the layout
  lookups, the splice, the changed block parsed and validated) and the same atomic write;
- the read-back check of the whole file (``readback.verified``: parse and validate it all),
  used when a change is not inside existing items, shown on its own.

Each write passes the digest the previous one returned, as the TUI and the CLI writers pass
the digest of the text they loaded. It prints the medians and the ratio one-field / full (the
goal: at most 0.10).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from generate import generate  # noqa: E402

from tpm.plan import patches, readback, storage  # noqa: E402
from tpm.plan.changes import diff_plans  # noqa: E402
from tpm.plan.model import Plan  # noqa: E402

GOAL = 0.10
NOTES = 'Agreed with the vendor:\n[scope] as in the contract\nid = "not a key"\n'


def median_time(run: Callable[[], object], repeat: int) -> float:
    """Median wall-clock seconds of ``repeat`` runs after one warm-up."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def with_notes(plan: Plan) -> Plan:
    """The plan with multi-line notes on every tenth milestone."""
    items = list(plan.milestones)
    for i in range(0, len(items), 10):
        items[i] = items[i].model_copy(update={"notes": NOTES})
    return plan.model_copy(update={"milestones": items})


def measure(plan: Plan, repeat: int) -> dict[str, float]:
    """Seconds of each way to save, and the ratio."""
    text = storage.dumps(plan)
    new = plan.model_copy(update={"milestones": list(plan.milestones)})
    middle = len(new.milestones) // 2 + 1
    new.milestones[middle] = new.milestones[middle].model_copy(update={"duration": 99})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(text, encoding="utf-8")
        digest = [storage.current_digest(path)]

        def full() -> None:
            digest[0] = storage.write_atomic(path, storage.dumps(new), digest[0])

        def one_field() -> None:
            changes = diff_plans(plan, new)
            patched = readback.apply_verified(text, changes, plan, new)
            digest[0] = storage.write_atomic(path, patched, digest[0])

        patched = patches.apply(text, diff_plans(plan, new))
        assert patched.count("\n") == text.count("\n")
        out = {
            "full": median_time(full, repeat),
            "one_field": median_time(one_field, repeat),
            "verify": median_time(lambda: readback.verified(patched, new), repeat),
        }
    out["ratio"] = out["one_field"] / out["full"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    plan = generate(args.milestones)
    plain = measure(plan, args.repeat)
    noted = measure(with_notes(plan), args.repeat)
    verdict = "meets" if plain["ratio"] <= GOAL else "misses"
    print(f"| save of a {args.milestones:,}-milestone plan | median | with notes |")
    print("|---|---|---|")
    rows = [
        ("full canonical rewrite (dumps + atomic write)", "full"),
        ("one-field save (diff + patch + item read-back + atomic write)", "one_field"),
        ("read-back of the whole file (parse + validate)", "verify"),
    ]
    for label, key in rows:
        print(f"| {label} | {plain[key] * 1000:.0f} ms | {noted[key] * 1000:.0f} ms |")
    print(
        f"| ratio one-field / full | {plain['ratio']:.3f} ({verdict} the goal of {GOAL:.2f}) "
        f"| {noted['ratio']:.3f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
