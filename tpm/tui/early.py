"""The dashboard's overview of a plan, analysed in a child process while the TUI starts.

A cold start spends its first half second importing Textual, on one core, while nothing
analyses the plan. :func:`start` forks before Textual is imported; the child reads, checks
and analyses the plan (the status tier, exactly as the App's loading worker does:
:func:`analyse`) and writes the dashboard's :class:`~tpm.tui.overview.Overview` as JSON
(:func:`tpm.tui.overview.to_json`, the analysis cache's format) into a pipe. The App paints
it as it paints a cached overview, marked "checking…" until its own analysis lands: the
child only makes the first frame early, it never decides a number.

The protocol is one JSON object and end of file; anything else (the plan has errors, the
analysis failed, the child died) reads as no overview, and the App then simply reads the
plan itself, as it always did. The child never writes to the terminal, dies with the App
(``PR_SET_PDEATHSIG`` on Linux; :meth:`Child.stop` kills it when the App quits first) and
is always reaped. Where ``os.fork`` does not exist, nothing is started.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import select
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpm.tui import cache
from tpm.tui.overview import Overview, from_json

MAX_BYTES = 64 << 20  # an overview is a few KB; more than this is not one
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def analyse(path: Path, as_of: dt.date | None = None) -> dict[str, Any] | None:
    """What the App's loading worker shows first, as JSON data: the overview of the status
    tier (everything but the forecast) of the plan file, or None when the plan has errors
    or its analysis failed. ``as_of``: the ``--as-of`` option (None: the plan's, else
    today)."""
    from tpm.check.load import load_plan
    from tpm.plan.calendar import today
    from tpm.tui.analysis import Engine
    from tpm.tui.overview import to_json

    plan = load_plan(path, locate_warnings=False).plan
    if plan is None:
        return None
    when = as_of or plan.program.as_of or today()
    quick = Engine().quick(plan, when, 0)
    tier = Engine.status(quick.plan, when, quick.schedule)
    return None if tier.overview is None else to_json(tier.overview)


def decode(data: bytes) -> Overview | None:
    """The overview a child wrote, or None when it wrote none (or not one)."""
    try:
        return from_json(json.loads(data)) if data else None
    except Exception:  # a truncated or foreign answer is no answer
        return None


class Child:
    """A running child: its process id and the read end of its pipe."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd
        self._data = bytearray()
        self._reaped = False

    def drain(self) -> bool:
        """Read all the child has written so far (without blocking when the pipe is set
        non-blocking); True once it has finished writing (end of file, or too much)."""
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return False
            except OSError:
                return True
            self._data += chunk
            if not chunk or len(self._data) > MAX_BYTES:
                return True

    def result(self) -> Overview | None:
        """The overview the child wrote (once :meth:`drain` said it finished), or None. Reaps
        the child."""
        self.stop()
        return None if len(self._data) > MAX_BYTES else decode(bytes(self._data))

    def wait(self, timeout: float) -> Overview | None:
        """Wait (at most ``timeout`` seconds) until the child has answered, then
        :meth:`result` (for callers without an event loop)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.fd], [], [], left)[0] and self.drain():
                break
        return self.result()

    def stop(self) -> None:
        """Kill the child if it still runs, reap it and close the pipe (idempotent)."""
        if self._reaped:
            return
        self._reaped = True
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


@dataclass(frozen=True)
class Start:
    """How the TUI starts: from the cached overview, or with a child analysing the plan, or
    (neither) reading the plan itself."""

    cached: Overview | None
    child: Child | None


def start(path: Path, as_of: dt.date | None = None) -> Start:
    """The cached overview of the plan file when the analysis cache has it, else a child
    analysing it (when the platform can fork)."""
    cached = None
    if cache.enabled():
        digest = cache.file_digest(path)
        cached = cache.lookup(path, digest, as_of, dt.date.today())
    if cached is not None or not hasattr(os, "fork"):
        return Start(cached, None)
    return Start(None, fork(path, as_of))


def fork(path: Path, as_of: dt.date | None = None) -> Child | None:
    """Start a child that writes :func:`analyse`'s answer into a pipe; None when it could
    not be started. Call it before any thread is started (forking copies only the caller's
    thread)."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(path, as_of, write_end)
    os.close(write_end)
    return Child(pid, read_end)


def _child(path: Path, as_of: dt.date | None, fd: int) -> None:
    code = 1
    try:
        parent = os.getppid()
        _quiet()
        _die_with_parent()
        if os.getppid() != parent:  # the App is already gone
            return
        answer = analyse(path, as_of)
        data = b"" if answer is None else json.dumps(answer, separators=(",", ":")).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    except BaseException:  # any failure is "no overview": the App reads the plan itself
        pass
    finally:
        os._exit(code)


def _quiet() -> None:
    """Keep the child off the terminal: its standard streams go to /dev/null, and the
    terminal's keys (a ctrl+c outside the App's raw mode) are the App's to handle."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _die_with_parent() -> None:
    """On Linux, the kernel kills the child when the App exits, however it exits."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
