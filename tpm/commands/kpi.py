"""``tpm kpi PLAN`` shows the KPIs; ``tpm kpi record PLAN KPI VALUE`` appends a measurement.

``record`` is parsed here (the CLI registry knows one command per name): when the first word
after ``kpi`` is ``record``, the next three words are PLAN, KPI and VALUE. A plan file that is
really called ``record`` can be shown as ``tpm kpi ./record``.

Recording is safe against concurrent edits and keeps the file's comments: load, append the
measurement as one line patched into the text (``tpm.plan.patches``), save atomically with the
digest of what was loaded. When the file changed in between, the append is re-applied to the
fresh text, a few times, before giving up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
import time
from pathlib import Path

from tpm.check.diagnostics import did_you_mean
from tpm.check.load import load_plan
from tpm.commands.common import (
    load_or_report,
    parse_date,
    print_diagnostics,
    print_json,
    save_edit,
    status_date,
)
from tpm.errors import FileError, PlanError, Reported, UsageError
from tpm.plan import calendar, storage
from tpm.plan.model import Kpi, Measurement, Plan

ATTEMPTS = 5
RETRY_PAUSE = 0.05  # seconds, times the attempt number

# argparse reads a word that starts with "-" as an option unless it looks like a negative
# number, and by its own rule -5 and -0.5 do but -1e15 does not. VALUE may be any number
# Python reads (and -inf or -nan, refused with the finite-number message): those words are
# values; any other word starting with "-" stays an option, unknown ones an error.
NEGATIVE_NUMBER = re.compile(
    r"^-(?:(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?|inf|infinity|nan)$",
    re.IGNORECASE,
)

USAGE = """tpm kpi PLAN [--as-of DATE] [--json]
       tpm kpi record PLAN KPI VALUE [--date DATE] [--note TEXT] [--replace] [--force]"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm kpi and tpm kpi record."""
    parser.usage = USAGE
    parser._negative_number_matcher = NEGATIVE_NUMBER
    parser.description = (
        "Show each KPI's latest value against its target with RAG, trend and sparkline; "
        "or, with 'record', append one measurement to a KPI (atomic; comments are kept)."
    )
    parser.add_argument("plan", metavar="PLAN", help="plan file, or 'record'")
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    show = parser.add_argument_group("showing KPIs")
    show.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="status date YYYY-MM-DD (default: the plan's as_of, else today)",
    )
    show.add_argument("--json", action="store_true", help="print the KPI data as JSON")
    rec = parser.add_argument_group("recording a measurement (tpm kpi record PLAN KPI VALUE)")
    rec.add_argument(
        "--date",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="day measured (default: the plan's as_of when set, else today; never after as_of)",
    )
    rec.add_argument("--note", default="", metavar="TEXT", help="context for the number")
    rec.add_argument(
        "--replace",
        action="store_true",
        help="replace a measurement of the same day (default: keep both and say so)",
    )
    rec.add_argument(
        "--force",
        action="store_true",
        help="rewrite the file canonically when the change cannot be patched into its text",
    )


def run(args: argparse.Namespace) -> int:
    """Show the KPI table, or record a measurement."""
    if args.plan == "record":
        if args.json or args.as_of is not None:
            raise UsageError(USAGE, "--json and --as-of are for showing KPIs, not for record")
        if len(args.rest) != 3:
            raise UsageError(USAGE, "record needs PLAN KPI VALUE")
        path, kpi_id, text = args.rest
        value = parse_number(text)
        if value is None:
            raise UsageError(USAGE, f"VALUE must be a finite number, not {text!r}")
        record(Path(path), kpi_id, value, args.date, args.note, args.force, args.replace)
        return 0
    if args.rest:
        raise UsageError(USAGE, f"unexpected arguments: {' '.join(args.rest)}")
    if args.date is not None or args.note or args.force or args.replace:
        raise UsageError(USAGE, "--date, --note, --replace and --force are for 'tpm kpi record'")
    show(Path(args.plan), args.as_of, args.json)
    return 0


def parse_number(text: str) -> int | float | None:
    """An int or a finite float from the command line, or None when it is not a number."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def show(path: Path, as_of: dt.date | None, as_json: bool) -> None:
    """Print the KPI table (or JSON); raise Reported when the plan has errors."""
    plan = load_or_report(path, as_json)
    from tpm.register.kpis import analyse_kpis

    when = status_date(plan, as_of)
    statuses = analyse_kpis(plan, when)
    if as_json:
        print_json({"as_of": when.isoformat(), "kpis": [s.to_json() for s in statuses]})
        return
    from tpm.render.text.kpis import render_kpis_text

    sys.stdout.write(render_kpis_text(statuses, plan.program.name, when))


def with_measurement(
    plan: Plan, kpi_id: str, measurement: Measurement, replace: bool = False
) -> Plan:
    """A copy of ``plan`` with ``measurement`` added to KPI ``kpi_id``.

    It goes after the last measurement dated on or before it, so a history kept in date
    order stays in order and the file gains exactly one line. With ``replace``, measurements
    on the same date are dropped and the new one takes the place of the first of them.
    Only the KPI is copied: every other item stays the same object (a quick diff).
    """
    kpis = list(plan.kpis)
    for n, kpi in enumerate(kpis):
        if kpi.id == kpi_id:
            items = list(kpi.measurements)
            same_day = [i for i, x in enumerate(items) if x.date == measurement.date]
            if replace and same_day:
                items[same_day[0]] = measurement
                items = [x for i, x in enumerate(items) if i not in same_day[1:]]
            else:
                at = len(items)
                while at > 0 and items[at - 1].date > measurement.date:
                    at -= 1
                items.insert(at, measurement)
            kpis[n] = kpi.model_copy(update={"measurements": items})
            return plan.model_copy(update={"kpis": kpis})
    raise KeyError(kpi_id)


def _find(plan: Plan, kpi_id: str) -> Kpi | None:
    return next((k for k in plan.kpis if k.id == kpi_id), None)


def record(
    path: Path,
    kpi_id: str,
    value: float,
    when: dt.date | None,
    note: str,
    force: bool,
    replace: bool = False,
) -> None:
    """Append one measurement as a patch to the current text; retry on concurrent saves.

    Without ``when`` the day is the plan's as_of when set, else today. A day after as_of is
    refused: every analysis reads the plan as of as_of and would ignore the value. Every
    refusal raises a :class:`~tpm.errors.TpmError` (exit 1) and writes nothing.
    """
    for attempt in range(1, ATTEMPTS + 1):
        loaded = load_plan(path)
        if loaded.plan is None or loaded.source is None:
            print_diagnostics(loaded)
            raise Reported
        kpi = _find(loaded.plan, kpi_id)
        if kpi is None:
            ids = [k.id for k in loaded.plan.kpis]
            hint = did_you_mean(kpi_id, ids)
            known = ", ".join(sorted(ids)) or "none"
            raise PlanError(
                path, f"unknown KPI {kpi_id!r}", " ".join(filter(None, [hint, f"KPIs: {known}"]))
            )
        as_of = loaded.plan.program.as_of
        day = when or as_of or calendar.today()
        if as_of is not None and day > as_of:
            raise PlanError(
                path,
                f"{day.isoformat()} is after the plan's status date (as_of = "
                f"{as_of.isoformat()}); every analysis reads the plan as of that date and "
                "would ignore this value, so nothing was recorded",
                "move as_of forward in [program] first, or pass --date on or before it",
            )
        measurement = Measurement(date=day, value=value, note=note)
        new_plan = with_measurement(loaded.plan, kpi_id, measurement, replace)
        try:
            rewritten = save_edit(path, loaded, new_plan, force)
        except storage.ChangedOnDisk:
            time.sleep(RETRY_PAUSE * attempt)
            continue
        _report(path, kpi, measurement, rewritten, replace)
        return
    raise FileError(
        path,
        f"the file kept changing on disk while recording ({ATTEMPTS} attempts); "
        "nothing was written. Try again.",
    )


def _report(path: Path, kpi: Kpi, m: Measurement, rewritten: bool, replace: bool) -> None:
    from tpm.register.kpis import rag_of
    from tpm.render.text.kpis import fmt_value

    same_day = [x for x in kpi.measurements if x.date == m.date]
    print(
        f"{path}: recorded {kpi.id} = {fmt_value(m.value, kpi.unit)} on {m.date.isoformat()} "
        f"({rag_of(m.value, kpi)} against target {fmt_value(kpi.target, kpi.unit)})"
    )
    if same_day and replace:
        # Replacing drops the earlier measurements' notes too: say so, with their text.
        old = ", ".join(
            fmt_value(x.value, kpi.unit) + (f' with the note "{x.note}"' if x.note else "")
            for x in same_day
        )
        print(f"note: replaced the earlier value of {m.date.isoformat()} ({old})", file=sys.stderr)
    elif same_day:
        print(
            f"note: {kpi.id} already had a measurement on {m.date.isoformat()}; both are kept "
            "and the one recorded last counts as the latest (pass --replace to replace it)",
            file=sys.stderr,
        )
    if rewritten:
        print(
            f"note: {path} was rewritten in the canonical layout (--force); its comments are gone",
            file=sys.stderr,
        )
