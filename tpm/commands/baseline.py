"""``tpm baseline PLAN [--name NAME]``: record the forecast dates into the plan.

The baseline is patched into the file's text (``tpm.plan.patches``): comments stay.
"""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    print_diagnostics,
    save_edit,
    status_date,
)
from tpm.errors import PlanError, Reported


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm baseline."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument(
        "--name", default=None, help="baseline name (default: the status date, YYYY-MM-DD)"
    )
    parser.add_argument(
        "--replace", action="store_true", help="replace a baseline of the same name"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rewrite the file canonically when the baseline cannot be patched into its text",
    )


def run(args: argparse.Namespace) -> int:
    """Schedule the plan and save its dates as a baseline; exit 1 on any refusal."""
    from tpm.check.load import load_plan
    from tpm.plan.calendar import CalendarError
    from tpm.plan.storage import ChangedOnDisk
    from tpm.schedule.baseline import BaselineExists, record_baseline
    from tpm.schedule.scheduler import schedule

    loaded = load_plan(args.plan)
    if loaded.plan is None or loaded.source is None:
        print_diagnostics(loaded)
        raise Reported
    plan = loaded.plan
    as_of = status_date(plan, args.as_of)
    name = args.name if args.name is not None else as_of.isoformat()
    if not name.strip():
        raise PlanError(args.plan, "a baseline name cannot be empty")
    try:
        sched = schedule(plan, as_of)
        new_plan = record_baseline(plan, sched, name, as_of, replace=args.replace)
    except CalendarError as exc:
        raise PlanError(args.plan, str(exc)) from None
    except BaselineExists:
        raise PlanError(  # noqa: B904 (the refusal is the whole message)
            args.plan,
            f"a baseline named {name!r} exists",
            "pass --replace to overwrite it, or --name to record another",
        )
    try:
        rewritten = save_edit(args.plan, loaded, new_plan, args.force)
    except ChangedOnDisk:
        raise PlanError(  # noqa: B904 (the refusal is the whole message)
            args.plan,
            "the file changed on disk while the baseline was computed; nothing was written",
            "run tpm baseline again",
        )
    verb = "replaced" if any(b.name == name for b in plan.baselines) else "recorded"
    print(
        f"{args.plan}: {verb} baseline {name!r}: finish {sched.finish}, "
        f"{len(sched.graph)} milestones, as of {as_of}"
    )
    if rewritten:
        print(f"note: {args.plan} was rewritten in the canonical layout (--force)", file=sys.stderr)
    return 0
