"""Unsaved edits are never lost to a crash, ``kill -9`` or a lost terminal.

Two seconds after the last edit (a burst of edits writes once), the plan in memory is kept in
this session's recovery file (:mod:`tpm.tui.recovery`). The plan is rendered and written in
a worker thread on a snapshot, so typing never waits for the disk. The file is removed when
the plan is saved, when undo brings the plan back to the file, and at a normal quit. On
SIGHUP (the terminal went away) and SIGTERM the file is written at once before the app
stops; after ``kill -9`` the last autosave is what is left.

At start, the newest recovery of a session that has ended is offered. When the plan file
has not changed since those edits were made, they come back as ordinary undoable edits;
when it has, they are merged with it by item id and field like any change on disk (the
others' changes are listed, a field both changed is asked about). Mixed into
:class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer

from tpm.tui.disk import DiskMixin
from tpm.tui.screens.modals import ConfirmScreen

if TYPE_CHECKING:
    from tpm.plan.model import Plan
    from tpm.tui.recovery import Autosave, Recovery

AUTOSAVE_DELAY = 2.0  # seconds after the last edit
STOP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


class RecoveryMixin(DiskMixin):
    """The autosave timer and worker, the signal handlers, and the offer at start."""

    _autosave: Autosave | None = None
    _autosave_timer: Timer | None = None
    _autosave_failed = False

    @property
    def autosave(self) -> Autosave:
        """This session's recovery file (created on first use)."""
        from tpm.tui.recovery import Autosave

        if self._autosave is None:
            self._autosave = Autosave(self.session.path)
        return self._autosave

    # ------------------------------------------------------------ while editing

    def edits_changed(self) -> None:
        """After every change to the plan in memory (edit, undo, merge, load, save): keep
        the unsaved plan two seconds after the last one, or drop the file when nothing is
        unsaved."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        if not self.session.dirty or self.plan is None:
            if self._autosave is not None:
                self._autosave.discard()
            return
        self._autosave_timer = self.set_timer(AUTOSAVE_DELAY, self.autosave_now, name="autosave")

    def autosave_now(self) -> None:
        """Start writing the recovery file in a worker (the UI thread only takes a snapshot)."""
        from tpm.tui.analysis import snapshot

        self._autosave_timer = None
        session = self.session
        if not session.dirty or session.plan is None:
            return
        ticket = self.autosave.ticket()
        base_plan = session.base_plan
        self._autosave_worker(
            ticket, snapshot(session.plan), session.base_text, base_plan, session.digest
        )

    @work(thread=True, group="autosave", description="autosave")  # no repr() of the plan
    def _autosave_worker(
        self,
        ticket: int,
        plan: Plan,
        base_text: str | None,
        base_plan: Plan | None,
        digest: str | None,
    ) -> None:
        from tpm.plan.storage import dumps

        try:
            if base_text is None and base_plan is not None:
                base_text = dumps(base_plan)
            self.autosave.write(ticket, dumps(plan), base_text, digest)
        except Exception as exc:  # a full disk must not stop the app; say so once
            if not self._autosave_failed:
                self._autosave_failed = True
                message = f"cannot keep a recovery copy of your edits ({exc}); save often"
                self.call_from_thread(self.notify, message, severity="warning", timeout=8)

    def _write(self, canonical: bool = False) -> bool:
        written = super()._write(canonical)
        if written:
            self.edits_changed()  # saved: the recovery file goes
        return written

    # ------------------------------------------------------------ when the app stops

    def keep_after_crash(self) -> Path | None:
        """Write the unsaved edits to the recovery file now (None when there are none or
        the write failed); the file stays for the next start."""
        from tpm.plan.storage import dumps

        session = self.session
        if session.plan is None or not session.dirty:
            return None
        base_text = session.base_text
        try:
            if base_text is None and session.base_plan is not None:
                base_text = dumps(session.base_plan)
            return self.autosave.write_now(dumps(session.plan), base_text, session.digest)
        except Exception:  # the app is stopping already: report, never raise
            return None

    def end_session(self, clean_exit: bool) -> None:
        """The app has stopped: at a normal quit the recovery file goes (the user saved or
        chose to discard); otherwise it stays, unlocked, for the next start."""
        if self._autosave is None:
            return
        if clean_exit:
            self._autosave.discard()
        else:
            self._autosave.release()

    def install_signal_handlers(self) -> None:
        """On SIGHUP (terminal lost) and SIGTERM: keep the edits, then stop (exit 128+N)."""
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(signum, self._stop_on_signal, signum)

    def _stop_on_signal(self, signum: int) -> None:
        self.keep_after_crash()
        if signum == signal.SIGHUP:
            # The terminal is gone: there is nothing to restore on it, and Textual's shutdown
            # writes to it and can block for ever (its writer thread dies on EIO and the
            # bounded queue fills). The edits are kept: leave at once.
            self.end_session(clean_exit=False)
            os._exit(128 + signum)
        self.exit(return_code=128 + signum)

    # ------------------------------------------------------------ at the next start

    def offer_recovery(self) -> bool:
        """At start: offer the newest edits kept by a session that ended without saving;
        True when the dialog asking it was opened."""
        from tpm.tui import recovery

        found = recovery.find_all(self.session.path)
        if not found:
            return False
        kept = found[0]
        changed = (
            ""
            if kept.base_digest == self.session.digest
            else " The file has changed since: restoring merges your edits with it."
        )
        older = (
            f" {len(found) - 1} older set(s) of unsaved edits are kept for later."
            if len(found) > 1
            else ""
        )
        body = (
            f"tpm stopped on {kept.written:%Y-%m-%d %H:%M:%S} with unsaved edits to "
            f"{self.session.path}.{changed}{older}"
        )
        choices = (
            ("restore", "Restore my edits"),
            ("later", "Not now"),
            ("discard", "Discard them"),
        )

        def decided(answer: str | None) -> None:
            if answer == "restore":
                self._restore(kept)
            elif answer == "discard":
                recovery.discard(kept)

        dialog = ConfirmScreen("Unsaved edits from last time", body, choices, safe="restore")
        self.push_screen(dialog, decided)
        return True

    def _restore(self, kept: Recovery) -> None:
        from tpm.tui import recovery

        plan = _plan_of(kept.text)
        if plan is None:
            self.notify("the recovery file cannot be read; kept it", severity="error")
            return
        base = _plan_of(kept.base_text) if kept.base_text is not None else None
        session = self.session
        if kept.base_digest == session.digest or base is None or kept.base_text is None:
            count = session.restore(plan, kept.base_digest)
            self.reanalyse(None)
            self.notify(f"restored {count} edited items (u undoes, ctrl+s saves)", timeout=6)
        else:
            session.resume(plan, base, kept.base_text, kept.base_digest)
            self.show_merged()
            self.merge_with_disk(save_after=False)
        # Keep the restored edits in this session's own file before dropping the old one.
        self.keep_after_crash()
        recovery.discard(kept)
        self.edits_changed()


def _plan_of(text: str) -> Plan | None:
    """The plan in a recovery file's text (None when it does not load)."""
    import tomllib

    from tpm.check.document import check_document
    from tpm.plan.sourcemap import SourceMap

    try:
        checked = check_document(tomllib.loads(text), "recovery", SourceMap())
    except ValueError:
        return None
    return checked.plan
