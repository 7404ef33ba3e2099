"""Saving, the file on disk, and quitting: the dialogs that protect the file.

The :class:`~tpm.tui.session.PlanSession` does the work (check the whole plan, then write
only if the file is still the one loaded); this mixin asks the user when that is refused:
the file changed on disk (see the diff, then reload or keep mine), the file has comments
(drop them?), the plan fails ``tpm check`` (say why, write nothing). While a form or prompt
is open the file is never reloaded: the poll waits until it closes. Mixed into
:class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen

from tpm.tui.quick import QuickEditMixin
from tpm.tui.screens.conflict import CHOICES, diff_text
from tpm.tui.screens.modals import ConfirmScreen

if TYPE_CHECKING:
    from tpm.check.load import Loaded


class DiskMixin(QuickEditMixin):
    """ctrl+s, the digest poll, conflicts, the comments warning and quit-with-unsaved."""

    ready: bool
    _ignored_digest: str | None
    _asking: bool

    def load(self) -> None:
        """Reload the plan from disk (defined by the App)."""
        raise NotImplementedError

    # ------------------------------------------------------------ saving

    def action_save(self) -> None:
        """Save through the session: checked, atomic, never over someone else's edit."""
        if self.plan is None:
            self.notify("nothing to save: the plan has errors", severity="error")
            return
        if self.session.changed_on_disk():
            self.resolve_conflict(save_after=True)
            return
        if self.session.has_comments:
            body = (
                f"{self.session.path} has comments. tpm saves the canonical layout, which "
                "cannot keep them (keep prose in notes fields). Save and drop the comments?"
            )
            choices = (("save", "Save, drop comments"), ("cancel", "Cancel"))
            self.push_screen(
                ConfirmScreen("Comments will be lost", body, choices, safe="cancel"),
                lambda answer: self._write_if(answer == "save"),
            )
            return
        self._write()

    def _write_if(self, wanted: bool) -> None:
        if wanted:
            self._write()

    def _write(self) -> bool:
        from tpm.plan.storage import ChangedOnDisk, StorageError
        from tpm.tui.session import InvalidPlan

        try:
            self.session.save()
        except InvalidPlan as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return False
        except ChangedOnDisk:
            self.resolve_conflict(save_after=True)
            return False
        except StorageError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self._ignored_digest = None
        self.update_title()
        self.notify(f"saved {self.session.path}", timeout=2)
        return True

    # ------------------------------------------------------------ the file on disk

    @property
    def editing_open(self) -> bool:
        """True while a form, prompt or question is on screen."""
        return self._asking or isinstance(self.screen, ModalScreen)

    def poll_disk(self) -> None:
        """Notice edits made elsewhere; reload quietly when there is nothing to lose.

        Never while a form, prompt or question is open: the edit in it is applied first (to
        the file as it is then, see :meth:`catch_up_with_disk`), and the poll runs again.
        """
        if not self.ready or self.editing_open:
            return
        now = self.session.disk_digest()
        if now == self.session.digest or now == self._ignored_digest:
            return
        if not self.session.dirty and now is not None:
            self.load()
            self.notify("the file changed on disk; reloaded it", timeout=4)
            return
        self.resolve_conflict(save_after=False)

    def catch_up_with_disk(self) -> None:
        """Before an edit from a closed form or prompt is applied: when the file changed on
        disk and there are no unsaved edits, reload it (if it is valid) and say so, so that
        the edit lands on the file as it is now."""
        if self.session.dirty or not self.session.changed_on_disk():
            return
        loaded = self.session.read()
        if loaded.plan is None or self.session.disk_digest() == self._ignored_digest:
            return  # leave it to the poll (it shows the problems, or was asked to wait)
        self.adopt_loaded(loaded)
        self.notify("the file changed on disk; your edit was applied to it", timeout=5)

    def adopt_loaded(self, loaded: Loaded) -> None:
        """Show a freshly loaded plan (defined by the App)."""
        raise NotImplementedError

    def resolve_conflict(self, save_after: bool) -> None:
        """Show what differs between the file on disk and mine; reload or keep mine."""
        from tpm.plan.storage import dumps

        if self._asking:
            return
        session = self.session
        now = session.disk_digest()
        try:
            theirs = session.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            theirs = ""
        disk = session.read()
        if disk.plan is not None:
            theirs = dumps(disk.plan)
        mine = dumps(self.plan) if self.plan else ""
        what = "was deleted" if now is None else "changed on disk"
        body = diff_text(theirs, mine)
        body.append(
            f"\n{session.path} {what} since it was loaded; tpm did not overwrite it.\n"
            "Reload drops your unsaved edits; keep mine saves yours over it.",
            style="bold",
        )
        self._asking = True

        def decided(answer: str | None) -> None:
            self._asking = False
            if answer == "reload":
                self.load()
                self.notify("reloaded from disk", timeout=3)
            elif answer == "keep":
                session.keep_mine(now)
                self.update_title()
                if save_after:
                    self.action_save()
                else:
                    self.notify("keeping your version; ctrl+s writes it", timeout=4)
            else:
                self._ignored_digest = now

        screen = ConfirmScreen(
            "The plan changed on disk", body, CHOICES, "conflict-diff", safe="later"
        )
        self.push_screen(screen, decided)

    def action_reload(self) -> None:
        """Read the file again (asks first when there are unsaved edits)."""
        if self.session.dirty:
            self.resolve_conflict(save_after=False)
            return
        self.load()
        self.notify("reloaded", timeout=2)

    # ------------------------------------------------------------ quitting

    async def action_quit(self) -> None:
        """Quit; ask first when there are unsaved changes."""
        if not self.session.dirty:
            self.exit()
            return
        choices = (
            ("save", "Save and quit"),
            ("discard", "Quit without saving"),
            ("cancel", "Stay"),
        )

        def decided(answer: str | None) -> None:
            if answer == "discard":
                self.exit()
            elif answer == "save":
                self.action_save()
                if not self.session.dirty:
                    self.exit()

        body = "The plan has unsaved changes."
        self.push_screen(ConfirmScreen("Unsaved changes", body, choices, safe="save"), decided)
