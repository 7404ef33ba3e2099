"""``tpm report PLAN [--full] [--since REV|FILE] [--record] [-o FILE]``: the weekly report.

Load -> analyse (:func:`tpm.report.data.build`) -> find the previous report
(:mod:`tpm.commands.previous`: ``--since``, else git at the start of the reporting period,
else the newest recorded snapshot) -> compare -> render Markdown. ``--record`` appends this
report's headline to the plan's ``[[snapshots]]`` so that trends work without git. ``-o``
writes atomically and refuses to write onto the plan itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from tpm.commands.common import (
    add_as_of_argument,
    add_output_argument,
    add_plan_argument,
    print_diagnostics,
    status_date,
    write_output,
)
from tpm.commands.previous import is_file
from tpm.errors import PlanError, Reported, TpmError
from tpm.plan.calendar import CalendarError
from tpm.plan.model import Plan


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm report."""
    add_plan_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument(
        "--since",
        metavar="REV|FILE",
        default=None,
        help="the previous report to compare with: an older copy of the plan, or a git "
        "revision (default: the plan as committed report_period_days ago, else the newest "
        "recorded snapshot)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="append today's detail: RAG rules, milestones, risks, KPIs, trend and Gantt",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="record this report's headline as a [[snapshots]] entry in the plan",
    )
    add_output_argument(parser)


def make_report(
    plan: Plan, plan_path: Path, as_of: dt.date, since: str | None, full: bool = False
) -> tuple[str, object]:
    """The report text and today's trend point (raises TpmError for an unusable --since)."""
    from tpm.commands.previous import find_previous
    from tpm.render.markdown.report import render_parts
    from tpm.report.context import earlier, gather
    from tpm.report.data import build

    previous, why_not = find_previous(plan, plan_path, as_of, since)
    if why_not:
        print(f"{plan_path}: note: no previous report: {why_not}", file=sys.stderr)
    parts = gather(plan, as_of, build(plan, as_of), earlier(previous, why_not), full)
    return render_parts(parts, full), parts.now


def run(args: argparse.Namespace) -> int:
    """Write the status report; exit 1 for plan errors, 2 for unusable arguments."""
    plan = _load(args.plan)
    as_of = status_date(plan, args.as_of)
    try:
        text, now = make_report(plan, args.plan, as_of, args.since, args.full)
    except CalendarError as exc:
        raise TpmError(f"{args.plan}: {exc}") from None
    since = [Path(args.since)] if args.since and is_file(args.since) else []
    write_output(text, args.output, [args.plan, *since], args.force)
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    if args.record:
        _record(args.plan, now, args.force)
    return 0


def _load(path: Path) -> Plan:
    """The plan; a snapshot naming a milestone the plan no longer has is a located warning
    (its line is missing from the trend and from "since the last report")."""
    from tpm.check.load import load_plan

    loaded = load_plan(path)
    if loaded.plan is None:
        print_diagnostics(loaded)
        raise Reported
    for d in loaded.diagnostics:
        if d.code == "unknown-reference" and "snapshot" in d.message:
            print(d.render(), file=sys.stderr)
    return loaded.plan


def _record(path: Path, now: object, force: bool) -> None:
    """Append today's snapshot to the plan's text (or replace the one of the same date)."""
    from tpm.check.load import load_plan
    from tpm.commands.common import save_edit
    from tpm.plan import readback, storage
    from tpm.report.snapshot import Point, record, to_snapshot

    assert isinstance(now, Point)
    loaded = load_plan(path)
    if loaded.plan is None or loaded.source is None:
        raise PlanError(path, "changed while the report was written; not recorded")
    new_plan, replaced = record(loaded.plan, now)
    text = loaded.source.text.rstrip("\n") + "\n" + storage.item_text("snapshots", to_snapshot(now))
    try:
        if not replaced and readback.verified(text, new_plan):
            storage.write_atomic(path, text, loaded.source.digest)
        else:
            save_edit(path, loaded, new_plan, force)
    except storage.StorageError as exc:
        raise PlanError(path, f"the snapshot was not recorded: {exc}") from None
    verb = "replaced the snapshot of" if replaced else "recorded a snapshot for"
    print(f"{path}: {verb} {now.date} ({now.rag.upper()})", file=sys.stderr)
