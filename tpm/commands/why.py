"""``tpm why PLAN ID``: the chain of links that drives a milestone's date, and what to move."""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import add_plan_argument
from tpm.commands.schedule import add_schedule_options, fail, load_and_schedule


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm why."""
    add_plan_argument(parser)
    parser.add_argument("id", metavar="ID", help="milestone id")
    add_schedule_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the explanation (or JSON); unknown or cancelled ids exit 1."""
    loaded = load_and_schedule(args)
    if isinstance(loaded, int):
        return loaded
    plan, sched = loaded
    from tpm.explain import NotScheduled, explain

    try:
        result = explain(plan, sched, args.id)
    except NotScheduled:
        if args.id in sched.cancelled:
            return fail(args.plan, f"milestone {args.id!r} is cancelled, so it is not scheduled")
        from tpm.diagnostics import did_you_mean

        known = [m.id for m in plan.milestones]
        return fail(args.plan, f"unknown milestone {args.id!r}", did_you_mean(args.id, known))
    if args.json:
        from tpm.render.schedule_json import dumps, why_data

        sys.stdout.write(dumps(why_data(result)) + "\n")
    else:
        from tpm.render.schedule_text import render_why

        print(render_why(result))
    return 0
