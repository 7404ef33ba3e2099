"""The analysis cache: the dashboard's overview of the last analysis of a plan file, so that
the next start paints the dashboard before the plan is even parsed.

One small JSON file per plan file, under ``$XDG_CACHE_HOME/tpm`` (default ``~/.cache/tpm``),
named by a hash of the plan's absolute path. An entry is used only when its key matches:

- the sha256 of the plan file's bytes (the digest the session keeps);
- the status date: ``--as-of``, else the plan's ``as_of`` (fixed by the bytes), else today;
- tpm's version and a digest of tpm's own source files (their paths, sizes and mtimes), so
  that any change to tpm (an upgrade, an edit in a checkout) misses.

The App shows a cached overview marked "checking…" until its own analysis replaces it: the
cache only makes the first frame early, it never decides a number. A missing, corrupt,
unreadable or unwritable cache is ignored without a word; ``TPM_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path

import tpm
from tpm.tui.overview import Overview, from_json, to_json

FORMAT = 1  # the layout of an entry; a change misses every older entry
_source: list[str] = []


def enabled() -> bool:
    """False when ``TPM_NO_CACHE`` is set (to anything but "" or "0")."""
    return os.environ.get("TPM_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/tpm`` (an absolute XDG_CACHE_HOME only, as the spec says), else
    ``~/.cache/tpm``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "tpm"


def entry_path(plan_path: Path) -> Path:
    """The cache file of a plan file."""
    name = hashlib.sha256(str(plan_path.absolute()).encode("utf-8", "replace")).hexdigest()
    return cache_dir() / f"overview-{name[:24]}.json"


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes (the digest the session keeps), or None when it cannot
    be read. Read here rather than through tpm.plan.storage, whose import costs more than
    a warm start."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the start
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def source_digest() -> str:
    """A digest of tpm's installed files (path, size, mtime): cheap, and it changes whenever
    tpm does. Computed once per process."""
    if not _source:
        root = Path(tpm.__file__).parent
        h = hashlib.sha256(tpm.__version__.encode())
        folders = [str(root)]
        while folders:
            with os.scandir(folders.pop()) as found:
                for entry in sorted(found, key=lambda e: e.name):
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            folders.append(entry.path)
                    elif entry.name.endswith((".py", ".tcss")):
                        st = entry.stat()
                        rel = entry.path[len(str(root)) :]
                        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _source.append(h.hexdigest())
    return _source[0]


def _key(plan_digest: str) -> dict[str, object]:
    return {
        "format": FORMAT,
        "plan": plan_digest,
        "tpm": tpm.__version__,
        "source": source_digest(),
    }


def lookup(
    plan_path: Path, plan_digest: str | None, as_of: dt.date | None, today: dt.date
) -> Overview | None:
    """The cached overview of this plan file's bytes (``plan_digest``) at this status date
    (``as_of``: the ``--as-of`` option, None when not given), or None."""
    if not enabled() or plan_digest is None:
        return None
    try:
        with open(entry_path(plan_path), "rb") as f:
            entry = json.loads(f.read(1 << 20))
        if not isinstance(entry, dict) or entry.get("key") != _key(plan_digest):
            return None
        option = entry.get("option")
        if option != (as_of.isoformat() if as_of else None):
            return None
        view = from_json(entry["overview"])
        if option is None and not entry.get("plan_as_of") and view.as_of != today:
            return None  # dated today when it was written: another day misses
        return view
    except Exception:  # a missing, corrupt or foreign file is no cache
        return None


def store(
    plan_path: Path,
    plan_digest: str | None,
    as_of: dt.date | None,
    plan_as_of: dt.date | None,
    view: Overview,
) -> None:
    """Remember the overview of this plan file's bytes. ``as_of``: the ``--as-of`` option;
    ``plan_as_of``: the plan's own status date. Failures are ignored."""
    if not enabled() or plan_digest is None:
        return
    entry = {
        "key": _key(plan_digest),
        "option": as_of.isoformat() if as_of else None,
        "plan_as_of": plan_as_of.isoformat() if plan_as_of else None,
        "overview": to_json(view),
    }
    target = entry_path(plan_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: a start reads the cache, and writes it only later

        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".overview-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError, TypeError):
        return
