"""Replacing a file safely, in a folder other people may write to.

Every save (plans, ``-o`` outputs of regular files) goes through :func:`replace_file` under
:func:`locked`. The promises, each backed by a test named in docs/explanation/reliability.md:

- The temp file gets a random name and is created exclusively without following symlinks
  (``tempfile.mkstemp``: ``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600); its final mode and
  owner are set on the open descriptor (``fchmod``/``fchown``), never by path. A file or
  symlink planted under a predictable name cannot redirect the write.
- The file is then renamed over the target, so a reader sees the old or the new bytes, never a
  mix. A symlinked target is followed to the file it names (the edit reaches the real file)
  but only through links that belong to the user or to root: a link another user planted is
  refused, as Linux's ``protected_symlinks`` does in sticky folders.
- The existing file's mode, group and (when allowed: same user or root) owner are kept. A
  read-only file, or one the user may not write, is refused rather than replaced. Something
  that is not a regular file (a device, FIFO, socket or folder) is never renamed over.
- Saves in one folder are serialised by an ``flock`` on the folder (no lock file is left
  behind), with a timeout: a process that holds the lock too long is named in the error (pid,
  host, command and since when, read from Linux's /proc/locks).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

TEMP_MARK = ".tpm-tmp-"
LOCK_TIMEOUT_S = 10.0
_MAX_LINKS = 40  # the kernel's own limit on symlinks followed in one lookup
_NAME_BYTES = 255


class StorageError(Exception):
    """A plan file could not be read or written; the message says why, for a person."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class FolderLocked(StorageError):
    """Another process held the folder's save lock for longer than the timeout."""


def os_reason(exc: OSError) -> str:
    """The OS's reason for a failure, in words (``File name too long``, ...)."""
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symlink loop?)"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------- following symlinks


def resolve_target(path: Path) -> Path:
    """The file a write to ``path`` should replace: ``path`` with its symlinks followed.

    Only links owned by the user or by root are followed; a link owned by anyone else is
    refused (StorageError), and so is a loop. A dangling link resolves to the missing file
    it names, which the write then creates.
    """
    current = path
    for _ in range(_MAX_LINKS):
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return current
        except OSError as exc:
            raise StorageError(f"{path}: {os_reason(exc)}") from None
        if not stat.S_ISLNK(info.st_mode):
            return current
        if info.st_uid not in (os.geteuid(), 0):
            raise StorageError(
                f"{path}: is a symbolic link owned by another user (uid {info.st_uid}); "
                "not following it (remove the link, or write to its target directly)"
            )
        current = current.parent / os.readlink(current)
    raise StorageError(f"{path}: too many levels of symbolic links (a symlink loop?)")


# ---------------------------------------------------------------- the folder lock


def lock_holder(folder: Path) -> str:
    """Who holds the ``flock`` on ``folder``: pid, command and since when, from /proc/locks.

    Linux lists every lock with the holder's pid; a holder on another host (a network
    folder) is not listed there, and the text says so.
    """
    try:
        info = os.stat(folder)
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            lines = handle.read(1 << 20).splitlines()
    except OSError:
        return "another process (this system does not say which)"
    wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
            return _describe(int(fields[4]))
    return "another process, not on this host (or it just finished)"


def _describe(pid: int) -> str:
    """``pid N on HOST (command), running since HH:MM:SS UTC``, as far as /proc tells."""
    text = f"pid {pid} on {socket.gethostname()}"
    with contextlib.suppress(OSError):
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()[:200]
        command = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()
        text += f" ({_printable(command)})"
    with contextlib.suppress(OSError, ValueError, IndexError):
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        started = time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
        since = dt.datetime.fromtimestamp(started, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        text += f", running since {since}"
    return text


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the folder of ``path`` while a save checks and replaces it.

    Locking the folder (not the file) survives ``os.replace``. Waits at most ``timeout``
    seconds (default :data:`LOCK_TIMEOUT_S`), then raises FolderLocked naming the holder.
    """
    limit = LOCK_TIMEOUT_S if timeout is None else timeout
    folder = path.parent
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise StorageError(f"{path}: could not save: {os_reason(exc)}") from None
    try:
        _acquire(fd, folder, limit)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, folder: Path, limit: float) -> None:
    deadline = time.monotonic() + limit
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise FolderLocked(
                f"{folder}: another save holds this folder's lock: {lock_holder(folder)}; "
                f"gave up after {limit:g} s (try again; if that process hangs, stop it)"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


# ---------------------------------------------------------------- temp files


def temp_prefix(path: Path) -> str:
    """Start of the names of temp files for ``path``: ``.NAME.tpm-tmp-PID-`` (fits 255 bytes)."""
    name = path.name.encode("utf-8", "surrogateescape")[: _NAME_BYTES - 64]
    short = name.decode("utf-8", "ignore")
    return f".{short}{TEMP_MARK}"


def remove_stale_temps(path: Path) -> None:
    """Delete temp files of saves that were killed (their process no longer exists)."""
    prefix = temp_prefix(path)
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)  # a planted symlink is removed, never followed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _umask() -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


# ---------------------------------------------------------------- replacing


def check_replaceable(target: Path) -> os.stat_result | None:
    """The target's stat if it may be replaced, None if it does not exist; else StorageError."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"{target}: {os_reason(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{target}: is a directory; not replacing it")
    if not stat.S_ISREG(info.st_mode):
        raise StorageError(
            f"{target}: is not a regular file (a device, FIFO or socket); not replacing it"
        )
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise StorageError(
            f"{target}: is read-only; not saving (make it writable, e.g. chmod u+w, "
            "or save elsewhere)"
        )
    return info


def replace_file(target: Path, data: bytes, info: os.stat_result | None) -> None:
    """Write ``data`` to a new temp file next to ``target`` and rename it over ``target``.

    ``info`` is the target's stat (from :func:`check_replaceable`): its mode, group and owner
    are given to the new file. On any failure the target is left as it was and the temp file
    is removed.
    """
    folder = target.parent
    fd, temp = tempfile.mkstemp(prefix=f"{temp_prefix(target)}{os.getpid()}-", dir=folder)
    try:
        try:
            if info is None:
                os.fchmod(fd, 0o666 & ~_umask())
            else:
                _keep_owner(fd, info)
                os.fchmod(fd, stat.S_IMODE(info.st_mode) & 0o777)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _keep_owner(fd: int, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as this user may."""
    if (info.st_uid, info.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, info.st_gid)  # a member of the group may keep the group
