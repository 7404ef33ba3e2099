"""Unsaved TUI edits survive a crash, ``kill -9`` and a lost terminal: recovery files.

Each TUI session keeps its unsaved plan in a recovery file of its own (:class:`Autosave`):
written in the background about two seconds after the last edit, written at once when the
app stops on an error or a signal, and removed when the plan is saved, when undo brings it
back to the file, and at a normal quit. The record holds the plan as it was in memory
(canonical text), the file it was based on (text and digest, for a three-way merge when the
file changed since) and nothing else.

While a session runs it holds an ``flock`` on a companion ``.lock`` file. The kernel drops
the lock when the process ends, however it ends, so the next start tells a running session's
autosave (never offered) from a dead session's (offered) without guessing from process ids.

The files live in the user's state folder (``$XDG_STATE_HOME/tpm/recovery``, else
``~/.local/state/tpm/recovery``), readable by the user only: never next to the plan, where a
shared folder or git would pick them up. No textual here: tests/unit/tui covers it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Recovery:
    """Unsaved edits of a plan file, kept by a session that has ended."""

    plan: Path
    base_digest: str | None  # the file the edits were made on
    base_text: str | None  # that file's text (None in files written before it was kept)
    written: dt.datetime  # when the recovery file was written (local time)
    text: str  # the plan as it was in memory, canonical TOML
    file: Path  # the recovery file itself


def folder() -> Path:
    """Where recovery files are kept."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "tpm" / "recovery"


def _prefix(plan: Path) -> str:
    """The start of the names of a plan's recovery files (one plan path, many sessions)."""
    where = str(plan.resolve())
    key = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return f"{plan.name[:80]}-{key}"


def _lock_of(file: Path) -> Path:
    return file.with_name(file.name.removesuffix(".json") + ".lock")


def _write_record(target: Path, record: dict[str, object]) -> None:
    """Write ``record`` as JSON to ``target`` atomically (temp file, fsync, rename), 0600."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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


def _alive(file: Path) -> bool:
    """True when the session that writes ``file`` is still running (it holds its lock)."""
    try:
        fd = os.open(_lock_of(file), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False  # no lock file: the session is gone (or wrote no lock, as older ones)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also drops the shared lock just taken
    return False


def _read(file: Path, plan: Path) -> Recovery | None:
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
        written = dt.datetime.fromtimestamp(file.stat().st_mtime)
        kept = Recovery(
            Path(record["plan"]),
            record["base_digest"],
            record.get("base_text"),
            written,
            record["text"],
            file,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if str(kept.plan) != str(plan.resolve()) or not isinstance(kept.text, str):
        return None
    return kept


def find_all(plan: Path) -> list[Recovery]:
    """The unsaved edits of ``plan`` kept by sessions that have ended, newest first.

    A running session's autosave (its lock is held) is not listed, nor is a file that
    cannot be read.
    """
    prefix = _prefix(plan)
    try:
        names = os.listdir(folder())
    except OSError:
        return []
    found: list[Recovery] = []
    for name in names:
        # f"{prefix}-{token}.json" per session; f"{prefix}.json" from before sessions had one.
        if not name.endswith(".json") or not (
            name.startswith(prefix + "-") or name == prefix + ".json"
        ):
            continue
        file = folder() / name
        if _alive(file):
            continue
        kept = _read(file, plan)
        if kept is not None:
            found.append(kept)
    found.sort(key=lambda k: k.written, reverse=True)
    return found


def find(plan: Path) -> Recovery | None:
    """The newest unsaved edits of ``plan`` kept by a session that has ended, or None."""
    kept = find_all(plan)
    return kept[0] if kept else None


def discard(kept: Recovery) -> None:
    """Forget one recovery (restored, or declined)."""
    for file in (kept.file, _lock_of(kept.file)):
        with contextlib.suppress(OSError):
            file.unlink()


class Autosave:
    """The recovery file of one running session.

    The app takes a :meth:`ticket` on the UI thread when it decides to write, renders the
    plan in a worker thread and calls :meth:`write` there; a ticket taken before a later
    write, a :meth:`discard` or a save is stale and writes nothing, so a slow background
    write can never bring back a file that a save has just removed.
    """

    def __init__(self, plan: Path) -> None:
        self.plan = plan
        self.file = folder() / f"{_prefix(plan)}-{secrets.token_hex(6)}.json"
        self._guard = threading.Lock()
        self._serial = 0
        self._lock_fd: int | None = None
        self.written = False  # the file exists now

    def ticket(self) -> int:
        """A claim on the next write; any later ticket or discard makes it stale."""
        with self._guard:
            self._serial += 1
            return self._serial

    def write(self, ticket: int, text: str, base_text: str | None, base_digest: str | None) -> bool:
        """Keep ``text`` (made on ``base_text``) unless ``ticket`` is stale; True if written.
        Safe to call from a worker thread."""
        with self._guard:
            if ticket != self._serial:
                return False
            self._hold_lock()
            record = {
                "plan": str(self.plan.resolve()),
                "pid": os.getpid(),
                "base_digest": base_digest,
                "base_text": base_text,
                "text": text,
            }
            _write_record(self.file, record)
            self.written = True
            return True

    def write_now(self, text: str, base_text: str | None, base_digest: str | None) -> Path:
        """Write at once (after a crash or a signal), whatever is in flight."""
        self.write(self.ticket(), text, base_text, base_digest)
        return self.file

    def discard(self) -> None:
        """Remove this session's recovery file (the plan was saved, or is clean again)."""
        with self._guard:
            self._serial += 1
            if not self.written and self._lock_fd is None:
                return
            for file in (self.file, _lock_of(self.file)):
                with contextlib.suppress(OSError):
                    file.unlink()
            self._release()
            self.written = False

    def release(self) -> None:
        """The session ends but its file stays: the next start offers it."""
        with self._guard:
            self._serial += 1
            self._release()

    def _hold_lock(self) -> None:
        if self._lock_fd is not None:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(_lock_of(self.file), flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
        self._lock_fd = fd

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
