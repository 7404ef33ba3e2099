"""``tpm forecast PLAN``: Monte Carlo finish dates, chances of meeting dates, criticality."""

from __future__ import annotations

import argparse
import sys

from tpm.commands.common import add_as_of_argument, add_plan_argument, load_or_report, status_date
from tpm.errors import PlanError
from tpm.forecast.defaults import DEFAULT_RUNS, DEFAULT_SEED, MAX_RUNS, MIN_RUNS


def _runs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_RUNS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_RUNS:,}, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm forecast."""
    add_plan_argument(parser)
    parser.add_argument(
        "--runs",
        type=_runs,
        default=None,
        metavar="N",
        help=(
            f"number of simulated runs (default {DEFAULT_RUNS:,}; fewer, at least {MIN_RUNS}, on "
            "plans over 1,000 milestones: the same as the report and the TUI)"
        ),
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="S",
        help=f"random seed; the same seed gives the same output (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--method",
        choices=("pert", "triangular"),
        default="pert",
        help="duration distribution of three-point estimates (default pert: PERT-beta)",
    )
    add_as_of_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the forecast as JSON")


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the forecast printed, 1 when the plan has errors or cannot be scheduled."""
    plan = load_or_report(args.plan, args.json)
    from tpm.commands.common import print_json
    from tpm.forecast.defaults import default_runs
    from tpm.forecast.run import ForecastError, forecast
    from tpm.plan.calendar import CalendarError
    from tpm.render.text.forecast import render_text, to_json

    runs = default_runs(plan) if args.runs is None else args.runs
    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        result = forecast(plan, status_date(plan, args.as_of), runs, seed, args.method)
    except (CalendarError, ForecastError) as exc:
        raise PlanError(args.plan, f"cannot forecast: {exc}") from None
    if args.json:
        print_json(to_json(result))
    else:
        text = render_text(result, default_seed=args.seed is None, default_runs=args.runs is None)
        sys.stdout.write(text)
    return 0
