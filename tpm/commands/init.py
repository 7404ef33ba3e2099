"""``tpm init NAME``: write a small valid starter plan to plans/NAME.toml."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from tpm.errors import TpmError
from tpm.plan.calendar import today
from tpm.plan.model import Dependency, Kpi, Milestone, Plan, Program, Risk, Team
from tpm.plan.storage import StorageError, save

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm init."""
    parser.add_argument("name", help="plan name: letters, digits, - _ .")
    parser.add_argument("--dir", type=Path, default=Path("plans"), help="folder (default plans)")


def starter_plan(name: str, start: dt.date) -> Plan:
    """A small plan that shows every kind of item and passes tpm check."""
    return Plan(
        program=Program(
            name=name,
            objective="What this program delivers, in one sentence.",
            owner="",
            start=start,
        ),
        teams=[Team(id="core", name="Core team")],
        milestones=[
            Milestone(id="kickoff", title="Kickoff", team="core", duration=0),
            Milestone(
                id="design",
                title="Design",
                team="core",
                duration=5,
                depends_on=[Dependency(id="kickoff")],
            ),
            Milestone(
                id="build",
                title="Build",
                team="core",
                duration=15,
                depends_on=[Dependency(id="design")],
            ),
            Milestone(
                id="launch",
                title="Launch",
                team="core",
                duration=0,
                depends_on=[Dependency(id="build")],
            ),
        ],
        risks=[
            Risk(
                id="scope-creep",
                title="Scope grows during build",
                probability=3,
                impact=3,
                affects=["build"],
                trigger="New requirements after design",
            )
        ],
        kpis=[Kpi(id="on-time", name="Milestones on time", unit="%", target=90, amber=75)],
    )


def run(args: argparse.Namespace) -> int:
    """Write the starter plan; refuse to overwrite an existing file (TpmError, exit 1)."""
    if not _NAME.match(args.name):
        raise TpmError(f"invalid name {args.name!r} (letters, digits, - _ .)", 2)
    name = args.name.removesuffix(".toml")
    if len(name.encode()) > 250:
        raise TpmError(f"the name is too long ({len(name)} characters; at most 250)", 2)
    path = args.dir / f"{name}.toml"
    if path.exists():
        raise TpmError(f"{path} already exists; not overwriting it", 1)
    try:
        args.dir.mkdir(parents=True, exist_ok=True)
        save(path, starter_plan(name, today()), expected_digest=None)
    except OSError as exc:
        raise TpmError(f"cannot create {args.dir}: {exc.strerror or exc}", 1) from None
    except StorageError as exc:
        raise TpmError(str(exc), 1) from None
    print(f"wrote {path}; next: tpm check {path}")
    return 0
