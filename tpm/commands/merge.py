"""``tpm merge BASE OURS THEIRS [-o OUT]``: merge three versions of a plan by item id and field.

This is the git merge driver that ``tpm git-setup`` installs (git runs it as
``tpm merge %O %A %B -o %A --name %P``: %A is a temporary file, so messages name %P, the
plan's path in the repository). Clean merges exit 0; conflicts are listed one per field on
standard error, written into the output with git conflict markers, and exit 1, as does a
merged plan that no longer passes ``tpm check`` (a dependency on a milestone the other side
removed, for example). A version tpm cannot merge by field falls back to git's line merge.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from tpm.errors import TpmError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm merge."""
    parser.add_argument("base", type=Path, metavar="BASE", help="the common ancestor (git's %%O)")
    parser.add_argument("ours", type=Path, metavar="OURS", help="our version (git's %%A)")
    parser.add_argument("theirs", type=Path, metavar="THEIRS", help="their version (git's %%B)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="OUT",
        help="write the merged plan to OUT (atomically; may be OURS) instead of standard output",
    )
    parser.add_argument(
        "--marker-size",
        type=int,
        default=7,
        metavar="N",
        help="length of the conflict markers (git's %%L; default 7)",
    )
    parser.add_argument(
        "--name",
        default=None,
        metavar="PATH",
        help="the plan's name in messages, when OUT is a temporary file (git's %%P)",
    )


def run(args: argparse.Namespace) -> int:
    """Merge; exit 0 when clean, 1 with conflicts or when the result fails tpm check."""
    from tpm.plan.merge import MergeError, merge

    try:
        result = merge(
            _read(args.base), _read(args.ours), _read(args.theirs), marker_size=args.marker_size
        )
    except MergeError as exc:
        print(f"tpm merge: cannot merge by field ({exc}); using git's line merge", file=sys.stderr)
        text, clean = _line_merge(args, args.marker_size)
        _write(text, args.output)
        return 0 if clean else 1
    _write(result.text, args.output)
    where = args.name or args.output or "the output"
    if result.conflicts:
        for conflict in result.conflicts:
            print(f"conflict: {conflict.describe()}", file=sys.stderr)
        print(
            f"tpm merge: {len(result.conflicts)} conflict(s) marked in {where}; pick a side "
            "between the markers, then run tpm check",
            file=sys.stderr,
        )
        return 1
    errors = _check(result.text, args.ours)
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        print(
            "tpm merge: the changes merged without a field conflict, but together the plan "
            f"does not pass tpm check; fix {where} before committing",
            file=sys.stderr,
        )
        return 1
    print(f"tpm merge: merged {len(result.applied)} change(s) from THEIRS", file=sys.stderr)
    return 0


def _read(path: Path) -> str:
    from tpm.plan.storage import StorageError, decode, read_bytes

    try:
        return decode(read_bytes(path))
    except StorageError as exc:
        raise TpmError(f"{path}: {exc}", 2) from None


def _check(text: str, path: Path) -> list[str]:
    """Error lines of tpm check for the merged text (empty when it passes)."""
    from tpm.check.load import from_source
    from tpm.plan.storage import parse

    loaded = from_source(parse(path, text.encode("utf-8")))
    return [d.render() for d in loaded.diagnostics if d.severity == "error"]


def _write(text: str, output: Path | None) -> None:
    from tpm.plan.storage import StorageError, current_digest, write_atomic

    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text, current_digest(output))
    except StorageError as exc:
        raise TpmError(f"{output}: {exc}", 1) from None


def _line_merge(args: argparse.Namespace, size: int) -> tuple[str, bool]:
    """git merge-file's line merge of the three files: (text, clean)."""
    try:
        done = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                f"--marker-size={size}",
                *("-L", "ours", "-L", "base", "-L", "theirs"),
                "--",
                str(args.ours),
                str(args.base),
                str(args.theirs),
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TpmError(f"git merge-file could not run ({exc}); nothing was merged", 1) from None
    if done.returncode < 0 or done.returncode > 127:
        raise TpmError(f"git merge-file failed: {done.stderr.decode(errors='replace')}", 1)
    return done.stdout.decode("utf-8", errors="replace"), done.returncode == 0
