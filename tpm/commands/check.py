"""``tpm check PLAN``: validate a plan and print every problem found."""

from __future__ import annotations

import argparse
from dataclasses import replace

from tpm.check.diagnostics import sort_key
from tpm.check.load import load_plan
from tpm.check.progress import CODES, progress_diagnostics
from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    print_diagnostics,
    status_date,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm check."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument("--json", action="store_true", help="print {errors, warnings} as JSON")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when the plan is valid (warnings may print), 1 when it has errors."""
    loaded = load_plan(args.plan)
    if loaded.plan is not None and loaded.source is not None:
        as_of = status_date(loaded.plan, args.as_of)
        if as_of != loaded.plan.program.as_of:  # loading checked the plan's own as_of
            kept = [d for d in loaded.diagnostics if d.code not in CODES]
            extra = progress_diagnostics(loaded.plan, loaded.source, as_of)
            loaded = replace(loaded, diagnostics=sorted([*kept, *extra], key=sort_key))
    print_diagnostics(loaded, args.json)
    if not args.json and loaded.ok:
        warnings = len(loaded.diagnostics)
        tail = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        print(f"{args.plan}: ok{tail}")
    return 0 if loaded.ok else 1
