"""Helpers shared by the commands: arguments, loading (or reporting) a plan, scheduling it,
the status date, JSON, and writing an output file."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpm.check.load import Loaded, load_plan
from tpm.errors import PlanError, Reported, TpmError
from tpm.plan.model import Plan

if TYPE_CHECKING:
    from tpm.schedule.scheduler import Schedule


def add_plan_argument(parser: argparse.ArgumentParser) -> None:
    """The PLAN positional every command takes."""
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan file, e.g. plans/x.toml")


def add_as_of_argument(parser: argparse.ArgumentParser) -> None:
    """The --as-of option of every analysis command."""
    parser.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="status date YYYY-MM-DD (default: the plan's as_of, else today)",
    )


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def print_diagnostics(loaded: Loaded, as_json: bool = False) -> None:
    """Print diagnostics: one line each to stderr, or the JSON object to stdout."""
    if as_json:
        errors = [d.to_json() for d in loaded.diagnostics if d.severity == "error"]
        warnings = [d.to_json() for d in loaded.diagnostics if d.severity == "warning"]
        print_json({"errors": errors, "warnings": warnings})
        return
    for diag in loaded.diagnostics:
        print(diag.render(), file=sys.stderr)


def load_or_report(path: Path, as_json: bool = False) -> Plan:
    """Load a plan for an analysis; on errors print the check diagnostics and raise Reported."""
    loaded = load_plan(path)
    if loaded.plan is None:
        print_diagnostics(loaded, as_json)
        raise Reported
    return loaded.plan


def status_date(plan: Plan, override: dt.date | None) -> dt.date:
    """--as-of, else the plan's as_of, else today."""
    from tpm.plan.calendar import today

    return override or plan.program.as_of or today()


def print_json(data: Any) -> None:
    """Print JSON deterministically (sorted keys are not used: key order is the contract)."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def add_schedule_options(parser: argparse.ArgumentParser) -> None:
    """--as-of, --json and --baseline, shared by the schedule commands."""
    add_as_of_argument(parser)
    parser.add_argument(
        "--json", action="store_true", help="print JSON (keys: docs/reference/json.md)"
    )
    parser.add_argument(
        "--baseline",
        metavar="NAME",
        default=None,
        help="baseline to compare with (default: the latest recorded)",
    )


def load_and_schedule(args: argparse.Namespace) -> tuple[Plan, Schedule]:
    """Load PLAN and schedule it as of --as-of (raises TpmError on any failure)."""
    plan = load_or_report(args.plan, getattr(args, "json", False))
    from tpm.check.diagnostics import did_you_mean
    from tpm.plan.calendar import CalendarError
    from tpm.schedule.graph import GraphError
    from tpm.schedule.scheduler import UnknownBaseline, schedule

    name = getattr(args, "baseline", None)
    try:
        sched = schedule(plan, status_date(plan, args.as_of), baseline=name)
    except UnknownBaseline:
        names = [b.name for b in plan.baselines]
        hint = did_you_mean(str(name), names) or (
            "baselines: " + ", ".join(names) if names else "record one with: tpm baseline PLAN"
        )
        raise PlanError(args.plan, f"no baseline named {name!r}", hint) from None
    except (CalendarError, GraphError) as exc:
        raise PlanError(args.plan, str(exc)) from None
    return plan, sched


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    """The -o/--output option of tpm report and tpm export."""
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output; never the plan itself",
    )


def write_output(text: str, output: Path | None, protected: list[Path]) -> None:
    """Print ``text``, or write it atomically to ``output`` unless that is a protected file."""
    from tpm.plan.storage import StorageError, current_digest, write_atomic

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    for path in protected:
        if _same_file(output, path):
            raise TpmError(f"refusing to write the output onto the plan file {path}", 2)
    if output.is_dir():
        raise TpmError(f"{output} is a directory; give a file name", 2)
    if not output.parent.is_dir():
        raise TpmError(f"{output}: the folder {output.parent} does not exist", 1)
    try:
        write_atomic(output, text, current_digest(output))
    except (StorageError, OSError) as exc:
        raise TpmError(f"{output}: {exc}", 1) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def save_edit(path: Path, loaded: Loaded, new: Plan, force: bool) -> bool:
    """Save ``new`` as field-level patches to the text ``loaded`` read; True if rewritten.

    Comments and formatting outside the changed spans stay byte-identical. When a change
    cannot be applied surgically, the file is rewritten canonically only with ``force``;
    otherwise a PlanError says why. ChangedOnDisk propagates for the caller to retry on the
    fresh text.
    """
    from tpm.plan import patches, storage

    assert loaded.plan is not None and loaded.source is not None
    changes = patches.diff_plans(loaded.plan, new)
    rewritten = False
    try:
        text = patches.apply(loaded.source.text, changes)
        if not patches.verified(text, new):
            raise patches.Unpatchable("the patched text did not read back as the new plan")
    except patches.Unpatchable as exc:
        if not force:
            raise PlanError(
                path,
                f"cannot save this change without rewriting the whole file: {exc}",
                "pass --force to rewrite it in tpm's canonical layout (comments are dropped), "
                "or change that part of the file to the layout tpm fmt writes",
            ) from None
        text = storage.dumps(new)
        rewritten = True
    try:
        storage.write_atomic(path, text, loaded.source.digest)
    except storage.ChangedOnDisk:
        raise
    except storage.StorageError as exc:
        raise PlanError(path, str(exc).removeprefix(f"{path}: ")) from None
    return rewritten
