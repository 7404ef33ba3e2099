"""``tpm check PLAN``: validate a plan and print every problem found."""

from __future__ import annotations

import argparse

from tpm.check.load import load_plan
from tpm.commands.common import add_plan_argument, print_diagnostics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm check."""
    add_plan_argument(parser)
    parser.add_argument("--json", action="store_true", help="print {errors, warnings} as JSON")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when the plan is valid (warnings may print), 1 when it has errors."""
    loaded = load_plan(args.plan)
    print_diagnostics(loaded, args.json)
    if not args.json and loaded.ok:
        warnings = len(loaded.diagnostics)
        tail = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        print(f"{args.plan}: ok{tail}")
    return 0 if loaded.ok else 1
