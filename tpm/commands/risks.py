"""``tpm risks PLAN``: the risk register for a standup, worst first, heat map on top."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    load_or_report,
    print_json,
    status_date,
)

if TYPE_CHECKING:
    from tpm.plan.model import Plan
    from tpm.register.risks import RiskRegister


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm risks."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument(
        "--md",
        action="store_true",
        help="print the standup risk review in Markdown: changes since the last report first",
    )
    form.add_argument("--json", action="store_true", help="print the register as JSON")
    parser.add_argument(
        "--since",
        metavar="REV|FILE",
        default=None,
        help="with --md: the previous report to compare with (default: as tpm report finds it)",
    )


def run(args: argparse.Namespace) -> int:
    """Load, analyse, render; exit 1 when the plan has errors."""
    plan = load_or_report(args.plan, as_json=args.json)
    from tpm.register.risks import analyse_risks
    from tpm.schedule.scheduler import critical_sets

    as_of = status_date(plan, args.as_of)
    critical, near, late, why_not = critical_sets(plan, as_of)
    if why_not:
        print(f"{args.plan}: note: critical-path exposure not checked: {why_not}", file=sys.stderr)
    register = analyse_risks(plan, as_of, critical, near, late)
    if args.json:
        print_json(register.to_json())
    elif args.md:
        sys.stdout.write(_review(plan, args, as_of, register))
    else:
        from tpm.render.text.risks import render_risks_text

        sys.stdout.write(render_risks_text(register, plan.program.name))
    return 0


def _review(plan: Plan, args: argparse.Namespace, as_of: dt.date, register: RiskRegister) -> str:
    """The standup review: the register compared with the previous report's."""
    from tpm.commands.previous import find_previous
    from tpm.register.risks import analyse_risks
    from tpm.render.markdown.risk_review import render_risk_review
    from tpm.report.risk_review import review
    from tpm.schedule.scheduler import critical_sets

    previous, why_not = find_previous(plan, args.plan, as_of, args.since)
    if previous is None:
        print(f"{args.plan}: note: no previous report: {why_not}", file=sys.stderr)
        return render_risk_review(
            review(register, None, None, note=why_not or ""), plan.program.name
        )
    old = None
    if previous.plan is not None:
        critical, near, late, _ = critical_sets(previous.plan, previous.as_of)
        old = analyse_risks(previous.plan, previous.as_of, critical, near, late)
    rv = review(register, old, previous.as_of, previous.label)
    return render_risk_review(rv, plan.program.name)
