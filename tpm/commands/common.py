"""Helpers shared by the commands: load a plan or print its diagnostics, dates, JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from tpm.load import Loaded, load_plan
from tpm.model import Plan


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


def load_or_report(path: Path, as_json: bool = False) -> Plan | None:
    """Load a plan for an analysis; on errors print the check diagnostics and return None."""
    loaded = load_plan(path)
    if loaded.plan is None:
        print_diagnostics(loaded, as_json)
        return None
    return loaded.plan


def status_date(plan: Plan, override: dt.date | None) -> dt.date:
    """--as-of, else the plan's as_of, else today."""
    return override or plan.program.as_of or dt.date.today()


def print_json(data: Any) -> None:
    """Print JSON deterministically (sorted keys are not used: key order is the contract)."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
