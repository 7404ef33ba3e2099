"""``tpm trend PLAN [--milestones a,b] [--json | --mermaid] [--no-git]``: the slip trend.

For each reporting date, the forecast of the program finish, the P80 and key milestones,
from the plan's ``[[snapshots]]`` and every commit of the plan in git
(:mod:`tpm.report.trend`), plus today's analysis. A text table by default; ``--json`` for
tools and ``--mermaid`` for a Markdown page (an ``xychart-beta`` line chart).
"""

from __future__ import annotations

import argparse
import sys

from tpm.check.diagnostics import did_you_mean
from tpm.check.load import load_plan
from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    print_diagnostics,
    print_json,
    status_date,
)
from tpm.errors import PlanError, Reported


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm trend."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument(
        "--milestones",
        metavar="A,B,C",
        default=None,
        help="milestone ids to follow (default: open milestones with a due date)",
    )
    parser.add_argument(
        "--no-git", action="store_true", help="use only the snapshots recorded in the plan"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every commit again (do not read or write ~/.cache/tpm/trend)",
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the trend as JSON")
    form.add_argument("--mermaid", action="store_true", help="print a Mermaid xychart-beta")


def run(args: argparse.Namespace) -> int:
    """Collect the points, render them; exit 1 for plan errors and unknown milestone ids."""
    loaded = load_plan(args.plan)
    if loaded.plan is None:
        print_diagnostics(loaded, args.json)
        raise Reported
    plan = loaded.plan
    unknown = [
        d for d in loaded.diagnostics if d.code == "unknown-reference" and "snapshot" in d.message
    ]
    if unknown:
        for d in unknown:
            print(d.render().replace("warning[", "error[", 1), file=sys.stderr)
        raise PlanError(
            args.plan,
            f"{len(unknown)} snapshot entr{'ies name' if len(unknown) > 1 else 'y names'} "
            "a milestone the plan does not have",
            "rename each to the milestone's current id, or delete it",
        )
    ids = [m.id for m in plan.milestones]
    if args.milestones is not None:
        keys = tuple(k.strip() for k in args.milestones.split(",") if k.strip())
        for k in keys:
            if k not in ids:
                hint = did_you_mean(k, ids) or "tpm schedule PLAN lists the milestone ids"
                raise PlanError(args.plan, f"--milestones: no milestone {k!r}", hint)
    else:
        from tpm.report.snapshot import key_milestones

        keys = key_milestones(plan)
    from tpm.report.trend import collect, default_workers

    as_of = status_date(plan, args.as_of)
    found = collect(
        plan,
        args.plan,
        as_of,
        keys,
        use_git=not args.no_git,
        workers=default_workers(),
        cache=not args.no_cache,
    )
    for s in found.skipped:
        print(f"{args.plan}: note: commit {s.commit[:7]} skipped: {s.reason}", file=sys.stderr)
    if found.note and not plan.snapshots:
        print(f"{args.plan}: note: no git history: {found.note}", file=sys.stderr)
    trend = found.trend
    if args.json:
        print_json(trend.to_json())
    elif args.mermaid:
        from tpm.render.markdown.trend import trend_chart

        sys.stdout.write("\n".join(trend_chart(trend, plan.program.name)) + "\n")
    else:
        from tpm.render.text.trend import render_trend_text

        sys.stdout.write(render_trend_text(trend, plan.program.name))
    return 0
