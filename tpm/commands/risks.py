"""``tpm risks PLAN``: the risk register for a standup, worst first, heat map on top."""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    load_or_report,
    print_json,
    status_date,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm risks."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--md", action="store_true", help="print GitHub-flavoured Markdown")
    form.add_argument("--json", action="store_true", help="print the register as JSON")


def run(args: argparse.Namespace) -> int:
    """Load, analyse, render; exit 1 when the plan has errors."""
    plan = load_or_report(args.plan, as_json=args.json)
    from tpm.register.risks import analyse_risks
    from tpm.schedule.scheduler import critical_sets

    as_of = status_date(plan, args.as_of)
    critical, near, why_not = critical_sets(plan, as_of)
    if why_not:
        print(f"{args.plan}: note: critical-path exposure not checked: {why_not}", file=sys.stderr)
    register = analyse_risks(plan, as_of, critical, near)
    if args.json:
        print_json(register.to_json())
    elif args.md:
        from tpm.render.markdown.risks import render_risks_md

        sys.stdout.write(render_risks_md(register, plan.program.name))
    else:
        from tpm.render.text.risks import render_risks_text

        sys.stdout.write(render_risks_text(register, plan.program.name))
    return 0
