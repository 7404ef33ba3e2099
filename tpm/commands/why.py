"""``tpm why PLAN ID``: the chain of links that drives a milestone's date, and what to move."""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import add_plan_argument, add_schedule_options, load_and_schedule
from tpm.errors import PlanError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm why."""
    add_plan_argument(parser)
    parser.add_argument("id", metavar="ID", help="milestone id")
    add_schedule_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the explanation (or JSON); unknown or cancelled ids exit 1."""
    plan, sched = load_and_schedule(args)
    from tpm.schedule.why import NotScheduled, explain

    try:
        result = explain(plan, sched, args.id)
    except NotScheduled:
        if args.id in sched.cancelled:
            raise PlanError(
                args.plan, f"milestone {args.id!r} is cancelled, so it is not scheduled"
            ) from None
        from tpm.check.diagnostics import did_you_mean

        known = [m.id for m in plan.milestones]
        raise PlanError(
            args.plan, f"unknown milestone {args.id!r}", did_you_mean(args.id, known)
        ) from None
    if args.json:
        from tpm.render.json_out import dumps, why_data

        sys.stdout.write(dumps(why_data(result)) + "\n")
    else:
        from tpm.render.text.schedule import render_why

        print(render_why(result))
    return 0
