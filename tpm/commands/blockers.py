"""``tpm blockers PLAN``: what stops progress as of the status date, ranked by impact."""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import (
    add_plan_argument,
    add_schedule_options,
    load_and_schedule,
    status_date,
)
from tpm.errors import PlanError


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError("must be between 0 and 10000 working days")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm blockers."""
    add_plan_argument(parser)
    add_schedule_options(parser)
    parser.add_argument(
        "--hold",
        type=_days,
        default=5,
        metavar="DAYS",
        help="slip is measured as if each blocker stays stuck this many more working days "
        "(default 5)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the ranked blockers (or JSON)."""
    plan, sched = load_and_schedule(args)
    from tpm.plan.calendar import CalendarError
    from tpm.schedule.blockers import blockers

    try:
        found = blockers(plan, sched, status_date(plan, args.as_of), hold_days=args.hold)
    except CalendarError as exc:
        raise PlanError(args.plan, str(exc)) from None
    if args.json:
        from tpm.render.json_out import blockers_data, dumps

        sys.stdout.write(dumps(blockers_data(sched, found)) + "\n")
    else:
        from tpm.render.text.schedule import render_blockers

        print(render_blockers(sched, found))
    return 0
