"""``tpm export PLAN --format FORMAT [--as-of DATE] [-o FILE]``: the plan for other tools.

Formats are a registry: name -> (module, renderer, input). Report formats render the report
snapshot (:func:`tpm.report.data.build`, with or without the forecast); plan formats render
the plan itself. Adding a format is one line here; only the chosen format's module is
imported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from collections.abc import Callable
from typing import cast

from tpm.commands.common import (
    add_as_of_argument,
    add_output_argument,
    add_plan_argument,
    load_or_report,
    status_date,
    write_output,
)
from tpm.errors import TpmError
from tpm.plan.calendar import CalendarError
from tpm.plan.model import Plan

# name -> (module, renderer, input). The input is "report" (the snapshot with the forecast),
# "report-quick" (without it: the format shows no forecast), "plan" (renderer(plan, as_of))
# or "graph" (the networkx graph of the schedule: tpm.schedule.network.schedule_graph).
# Order is the order of --help.
FORMATS: dict[str, tuple[str, str, str]] = {
    "json": ("tpm.render.export.json", "render_json", "report"),
    "csv": ("tpm.render.export.csv", "render_csv", "report-quick"),
    "ics": ("tpm.render.export.ics", "render_ics", "report-quick"),
    "mermaid": ("tpm.render.markdown.mermaid", "render_mermaid", "report-quick"),
    "tjp": ("tpm.render.export.tjp", "render_tjp", "plan"),
    "graphml": ("tpm.render.export.graph", "render_graphml", "graph"),
    "dot": ("tpm.render.export.graph", "render_dot", "graph"),
}


def exporter(name: str) -> Callable[[Plan, dt.date], str]:
    """A function ``(plan, as_of) -> text`` for a registered format."""
    module, function, needs = FORMATS[name]
    render = getattr(importlib.import_module(module), function)
    if needs == "plan":
        return cast(Callable[[Plan, dt.date], str], render)
    if needs == "graph":

        def export_graph(plan: Plan, as_of: dt.date) -> str:
            from tpm.schedule.network import schedule_graph
            from tpm.schedule.scheduler import schedule

            return cast(str, render(schedule_graph(schedule(plan, as_of))))

        return export_graph

    def export(plan: Plan, as_of: dt.date) -> str:
        from tpm.report.data import build

        return cast(str, render(build(plan, as_of, with_forecast=needs == "report")))

    return export


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm export."""
    add_plan_argument(parser)
    parser.add_argument(
        "--format",
        "-f",
        required=True,
        choices=list(FORMATS),
        help="json (report data), csv (milestones), ics (due dates), mermaid (gantt), tjp "
        "(TaskJuggler), graphml (yEd, Gephi) or dot (Graphviz): the dependency graph",
    )
    add_as_of_argument(parser)
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Export the plan; exit 1 for plan errors, 2 for unusable arguments."""
    plan = load_or_report(args.plan)
    as_of = status_date(plan, args.as_of)
    try:
        text = exporter(args.format)(plan, as_of)
    except CalendarError as exc:
        raise TpmError(f"{args.plan}: {exc}") from None
    write_output(text, args.output, [args.plan], args.force)
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
