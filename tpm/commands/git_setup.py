"""``tpm git-setup``: make git merge plan files with ``tpm merge`` (by item id and field).

It writes two things, each only when missing, and says what it wrote:

- ``plans/*.toml merge=tpm`` in the repository's ``.gitattributes`` (committed, so the team
  shares which files use the driver);
- ``merge.tpm.name`` and ``merge.tpm.driver`` in the repository's local git config (each
  clone runs this once: git never takes drivers from a committed file).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tpm.errors import TpmError

NAME = "tpm plan merge (by item id and field)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of tpm git-setup."""
    parser.add_argument(
        "--pattern",
        default="plans/*.toml",
        help="which files use the driver, as a .gitattributes pattern (default: plans/*.toml)",
    )


def driver_command() -> str:
    """How git should run tpm: ``tpm`` when that is this tpm on PATH, else this Python."""
    found = shutil.which("tpm")
    here = Path(sys.executable).resolve().parent
    if found and Path(found).resolve().parent == here:
        program = "tpm"
    else:
        program = f"{shlex.quote(sys.executable)} -m tpm"
    return f"{program} merge %O %A %B -o %A --marker-size %L --name %P"


def run(args: argparse.Namespace) -> int:
    """Write the attribute line and the driver config when missing; say what was done."""
    root = Path(_git("rev-parse", "--show-toplevel", cwd=Path.cwd()).strip())
    wrote = []
    line = f"{args.pattern} merge=tpm"
    attributes = root / ".gitattributes"
    try:
        existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except OSError as exc:
        raise TpmError(f"{attributes}: {exc.strerror or exc}", 1) from None
    if line not in existing.splitlines():
        prefix = "" if not existing or existing.endswith("\n") else "\n"
        try:
            with open(attributes, "a", encoding="utf-8") as handle:
                handle.write(f"{prefix}{line}\n")
        except OSError as exc:
            raise TpmError(f"{attributes}: {exc.strerror or exc}", 1) from None
        wrote.append(f"{attributes}: added '{line}' (commit it so the team shares it)")
    for key, value in (("merge.tpm.name", NAME), ("merge.tpm.driver", driver_command())):
        if _config_get(root, key) != value:
            _git("config", "--local", key, value, cwd=root)
            wrote.append(f"git config --local {key} = {value}")
    if wrote:
        print("\n".join(wrote))
    else:
        print(f"already set up: '{line}' and the merge.tpm driver in {root}")
    return 0


def _config_get(root: Path, key: str) -> str | None:
    done = subprocess.run(
        ["git", "config", "--local", "--get", key], cwd=root, capture_output=True, check=False
    )
    return done.stdout.decode().strip() if done.returncode == 0 else None


def _git(*args: str, cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TpmError(f"git could not run ({exc})", 1) from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise TpmError(
            f"git {args[0]} failed: {message} (run tpm git-setup inside a git repository)", 1
        )
    return done.stdout.decode()
