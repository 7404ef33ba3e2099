"""``tpm export PLAN --format FORMAT [--as-of DATE] [-o FILE]``: the plan for other tools.

Formats are a registry: name -> (module, function), the function taking ``(plan, as_of)``
and returning the file's text. Adding a format is one line here; only the chosen format's
module is imported.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import cast

from tpm.calendar import CalendarError
from tpm.commands.common import (
    add_as_of_argument,
    add_plan_argument,
    load_or_report,
    status_date,
)
from tpm.commands.report import ReportError, add_output_argument, write_output
from tpm.model import Plan

# name -> (module, function(plan, as_of) -> str). Order is the order of --help.
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("tpm.render.json_export", "export_json"),
    "csv": ("tpm.render.csv_export", "export_csv"),
    "ics": ("tpm.render.ics", "export_ics"),
    "mermaid": ("tpm.render.mermaid", "export_mermaid"),
    "tjp": ("tpm.render.tjp", "render_tjp"),
}


def exporter(name: str) -> Callable[[Plan, object], str]:
    """The render function of a registered format."""
    module, function = FORMATS[name]
    return cast(Callable[[Plan, object], str], getattr(importlib.import_module(module), function))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm export."""
    add_plan_argument(parser)
    parser.add_argument(
        "--format",
        "-f",
        required=True,
        choices=list(FORMATS),
        help="json (report data), csv (milestones), ics (due dates), mermaid (gantt)",
    )
    add_as_of_argument(parser)
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Export the plan; exit 1 for plan errors, 2 for unusable arguments."""
    plan = load_or_report(args.plan)
    if plan is None:
        return 1
    as_of = status_date(plan, args.as_of)
    try:
        text = exporter(args.format)(plan, as_of)
        write_output(text, args.output, [args.plan])
    except ReportError as exc:
        print(f"tpm export: {exc}", file=sys.stderr)
        return exc.code
    except CalendarError as exc:
        print(f"tpm export: {args.plan}: {exc}", file=sys.stderr)
        return 1
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
