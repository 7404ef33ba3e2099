"""``tpm fmt PLAN``: rewrite a plan canonically; ``--check`` only reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tpm.check.load import load_plan
from tpm.commands.common import print_diagnostics
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
    """Format each plan; exit 1 if any plan has errors or (with --check) is not canonical."""
    status = 0
    for path in args.plans:
        loaded = load_plan(path)
        if loaded.plan is None or loaded.source is None:
            print_diagnostics(loaded)
            status = 1
            continue
        text = dumps(loaded.plan)
        # Compare bytes, not decoded text: a byte-order mark or CRLF is not canonical either.
        if digest_of(text.encode("utf-8")) == loaded.source.digest:
            continue
        if args.check:
            print(f"{path}: not canonical (run: tpm fmt {path})", file=sys.stderr)
            status = 1
            continue
        if loaded.source.sourcemap.has_comments and not args.force:
            print(
                f"{path}: has comments, which tpm fmt cannot keep; move them into notes "
                "fields, or pass --force to drop them",
                file=sys.stderr,
            )
            status = 1
            continue
        try:
            write_atomic(path, text, loaded.source.digest)
        except StorageError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{path}: formatted")
    return status
