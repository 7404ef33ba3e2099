"""``tpm schedule PLAN``: forecast dates, float, critical path and baseline variance.

Also holds :func:`load_and_schedule`, the load -> schedule step shared by ``why`` and
``blockers``: a plan with errors prints ``tpm check``'s diagnostics, an unknown baseline or
dates beyond the year 9999 print a one-line error; all exit 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tpm.commands.common import add_as_of_argument, add_plan_argument, load_or_report, status_date
from tpm.model import Plan
from tpm.schedule import Schedule


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm schedule."""
    add_plan_argument(parser)
    add_schedule_options(parser)


def add_schedule_options(parser: argparse.ArgumentParser) -> None:
    """--as-of, --json and --baseline, shared by the schedule commands."""
    add_as_of_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (see README contract)")
    parser.add_argument(
        "--baseline",
        metavar="NAME",
        default=None,
        help="baseline to compare with (default: the latest recorded)",
    )


def fail(path: Path, message: str, hint: str | None = None) -> int:
    """Print ``PLAN: error: message (hint)`` to stderr and return exit code 1."""
    text = f"{path}: error: {message}"
    if hint:
        text += f" ({hint})"
    print(text, file=sys.stderr)
    return 1


def load_and_schedule(args: argparse.Namespace) -> tuple[Plan, Schedule] | int:
    """Load PLAN and schedule it as of --as-of; an int is the exit code of a failure."""
    plan = load_or_report(args.plan, getattr(args, "json", False))
    if plan is None:
        return 1
    from tpm.calendar import CalendarError
    from tpm.diagnostics import did_you_mean
    from tpm.graph import GraphError
    from tpm.schedule import UnknownBaseline, schedule

    name = getattr(args, "baseline", None)
    try:
        sched = schedule(plan, status_date(plan, args.as_of), baseline=name)
    except UnknownBaseline:
        names = [b.name for b in plan.baselines]
        hint = did_you_mean(str(name), names) or (
            "baselines: " + ", ".join(names) if names else "record one with: tpm baseline PLAN"
        )
        return fail(args.plan, f"no baseline named {name!r}", hint)
    except (CalendarError, GraphError) as exc:
        return fail(args.plan, str(exc))
    return plan, sched


def run(args: argparse.Namespace) -> int:
    """Print the schedule table (or JSON); exit 1 when the plan has errors."""
    loaded = load_and_schedule(args)
    if isinstance(loaded, int):
        return loaded
    _plan, sched = loaded
    if args.json:
        from tpm.render.schedule_json import schedule_json

        sys.stdout.write(schedule_json(sched) + "\n")
    else:
        from tpm.render.schedule_text import render_schedule

        print(render_schedule(sched))
    return 0
