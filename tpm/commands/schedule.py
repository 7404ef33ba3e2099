"""``tpm schedule PLAN``: forecast dates, float, critical path and baseline variance."""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import add_plan_argument, add_schedule_options, load_and_schedule


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm schedule."""
    add_plan_argument(parser)
    add_schedule_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the schedule table (or JSON); exit 1 when the plan has errors."""
    _plan, sched = load_and_schedule(args)
    if args.json:
        from tpm.render.json_out import schedule_json

        sys.stdout.write(schedule_json(sched) + "\n")
    else:
        from tpm.render.text.schedule import render_schedule

        print(render_schedule(sched))
    return 0
