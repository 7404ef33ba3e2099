"""Unsaved edits survive a crash of the TUI: a private recovery file the next start offers.

When the app stops on an error with unsaved edits, :func:`write` keeps the plan as it was in
memory (canonical text) with the digest of the file it was based on. The file lives in the
user's state folder (``$XDG_STATE_HOME/tpm/recovery``, else ``~/.local/state/tpm/recovery``),
readable by the user only: never next to the plan, where a shared folder or git would pick
it up. The next ``tpm PLAN`` offers to restore it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Recovery:
    """Unsaved edits of a plan file, kept after a crash."""

    plan: Path
    base_digest: str | None  # the file the edits were made on
    written: dt.datetime  # when the recovery file was written (local time)
    text: str  # the plan as it was in memory, canonical TOML


def folder() -> Path:
    """Where recovery files are kept."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "tpm" / "recovery"


def path_for(plan: Path) -> Path:
    """The recovery file of a plan file (one per plan path)."""
    where = str(plan.resolve())
    key = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return folder() / f"{plan.name[:80]}-{key}.json"


def write(plan: Path, text: str, base_digest: str | None) -> Path:
    """Keep ``text`` as the unsaved version of ``plan``; returns the recovery file."""
    target = path_for(plan)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    record = {
        "plan": str(plan.resolve()),
        "base_digest": base_digest,
        "text": text,
    }
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".recovery-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def find(plan: Path) -> Recovery | None:
    """The recovery kept for ``plan``, or None (also when it cannot be read)."""
    where = path_for(plan)
    try:
        record = json.loads(where.read_text(encoding="utf-8"))
        written = dt.datetime.fromtimestamp(where.stat().st_mtime)
        return Recovery(Path(record["plan"]), record["base_digest"], written, record["text"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def discard(plan: Path) -> None:
    """Forget the recovery kept for ``plan`` (restored, or declined)."""
    with contextlib.suppress(OSError):
        path_for(plan).unlink()
