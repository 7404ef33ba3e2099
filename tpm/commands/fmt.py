"""``tpm fmt PLAN...``: rewrite plans canonically; ``--check`` only reports.

Each plan is formatted on its own: a plan that cannot be formatted is reported (as
``tpm.errors`` prints it) and the others are still formatted; the exit status is 1 when any
plan failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tpm.check.load import load_plan
from tpm.commands.common import print_diagnostics
from tpm.errors import FileError, Reported, TpmError
from tpm.plan.storage import StorageError, digest_of, dumps, write_atomic


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm fmt."""
    parser.add_argument("plans", nargs="+", metavar="PLAN", type=Path)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a plan is not canonical; write nothing"
    )
    parser.add_argument(
        "--force", action="store_true", help="rewrite even when comments would be lost"
    )


def run(args: argparse.Namespace) -> int:
    """Format each plan; raise Reported (exit 1) when any plan has errors or, with --check, is
    not canonical."""
    failed = False
    for path in args.plans:
        try:
            if format_plan(path, args.check, args.force):
                print(f"{path}: formatted")
        except Reported:
            failed = True
        except TpmError as exc:
            print(exc.text("fmt"), file=sys.stderr)
            failed = True
    if failed:
        raise Reported
    return 0


def format_plan(path: Path, check: bool, force: bool) -> bool:
    """Rewrite one plan canonically; True when it was rewritten, False when it already was.

    Raises Reported (diagnostics printed) for a plan with errors, and FileError when the plan
    is not canonical under ``check``, has comments without ``force``, or cannot be written.
    """
    loaded = load_plan(path)
    if loaded.plan is None or loaded.source is None:
        print_diagnostics(loaded)
        raise Reported
    text = dumps(loaded.plan)
    # Compare bytes, not decoded text: a byte-order mark or CRLF is not canonical either.
    if digest_of(text.encode("utf-8")) == loaded.source.digest:
        return False
    if check:
        raise FileError(path, f"not canonical (run: tpm fmt {path})")
    if loaded.source.sourcemap.has_comments and not force:
        raise FileError(
            path,
            "has comments, which tpm fmt cannot keep; move them into notes fields, or pass "
            "--force to drop them",
        )
    try:
        write_atomic(path, text, loaded.source.digest)
    except StorageError as exc:
        raise FileError(path, str(exc)) from None
    return True
