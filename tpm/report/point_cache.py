"""A cache of trend points analysed from git history, keyed by the plan's git blob id.

A committed plan never changes, so what ``tpm trend`` computes for it (colours, finish, P80,
key milestones' dates) is the same every time it is run, until tpm itself changes. Each
analysed revision is stored as one small JSON file under ``$XDG_CACHE_HOME/tpm/trend``
(``~/.cache/tpm/trend`` by default), named by a hash of:

- the blob id (the plan's exact bytes) and the status date the revision is filed under;
- the milestones followed, the Monte Carlo runs and seed;
- tpm's own code (a hash of its source files), so an upgrade or a local edit of tpm never
  serves a point computed by other rules.

The second ``tpm trend`` of a history only analyses the commits made since. The cache is an
optimisation and nothing more: a missing, unreadable or corrupt entry is computed again, and
an entry that cannot be written is skipped silently. ``tpm trend --no-cache`` (or
``TPM_NO_CACHE=1``, which turns off every cache of tpm) neither reads nor writes it; deleting
the folder is always safe.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tpm.report.snapshot import Point

FORMAT = 1  # bump when the stored fields change
RAGS = ("green", "amber", "red")


def cache_dir() -> Path | None:
    """Where points are cached: ``$XDG_CACHE_HOME/tpm/trend``, else ``~/.cache/tpm/trend``;
    None (no cache) when ``TPM_NO_CACHE`` is set to anything but ``""`` or ``0``."""
    if os.environ.get("TPM_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if base and os.path.isabs(base):
        return Path(base) / "tpm" / "trend"
    try:
        return Path.home() / ".cache" / "tpm" / "trend"
    except (RuntimeError, KeyError):  # no home directory
        return None


@functools.cache
def code_version() -> str:
    """A hash of tpm's source files: cached points are only reused by the same code."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(blob: str, day: dt.date, keys: tuple[str, ...], runs: int, seed: int) -> str:
    """The cache key of one revision's point."""
    text = json.dumps([FORMAT, code_version(), blob, day.isoformat(), list(keys), runs, seed])
    return hashlib.sha256(text.encode()).hexdigest()


class PointCache:
    """Read and write cached outcomes: a point, or why the revision could not be analysed."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, name: str) -> Point | str | None:
        """The cached outcome, or None when there is none (or it cannot be read)."""
        if self.folder is None:
            return None
        try:
            raw = json.loads((self.folder / name[:2] / f"{name}.json").read_text("utf-8"))
            return _decode(raw)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, name: str, outcome: Point | str) -> None:
        """Store an outcome; silently does nothing when the folder cannot be written."""
        if self.folder is None:
            return
        folder = self.folder / name[:2]
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(_encode(outcome), out)
                os.replace(tmp, folder / f"{name}.json")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: Any) -> dt.date | None:
    return None if s is None else dt.date.fromisoformat(s)


def _encode(outcome: Point | str) -> dict[str, Any]:
    if isinstance(outcome, str):
        return {"error": outcome}
    p = outcome
    return {
        "date": p.date.isoformat(),
        "rag": p.rag,
        "areas": p.areas,
        "finish": _iso(p.finish),
        "p80": _iso(p.p80),
        "milestones": {k: v.isoformat() for k, v in p.milestones.items()},
        "runs": p.runs,
    }


def _decode(raw: dict[str, Any]) -> Point | str:
    if "error" in raw:
        return str(raw["error"])
    areas = dict(raw["areas"])
    if raw["rag"] not in RAGS or not all(v is None or v in RAGS for v in areas.values()):
        raise ValueError("not a colour")
    return Point(
        date=dt.date.fromisoformat(raw["date"]),
        source="git",
        rag=raw["rag"],
        areas=areas,
        finish=_date(raw["finish"]),
        p80=_date(raw["p80"]),
        milestones={k: dt.date.fromisoformat(v) for k, v in raw["milestones"].items()},
        runs=raw["runs"],
    )
