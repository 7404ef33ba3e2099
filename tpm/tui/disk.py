"""Saving, the file on disk, and quitting: the part of the App that protects the file.

Saves go through ``tpm.plan.storage.save`` with the digest of the file as loaded, so an edit made
elsewhere is never overwritten silently: the user sees the diff and chooses reload or keep
mine. A file with comments is saved only after the user agrees to drop them. Mixed into
:class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

from typing import Any

from tpm.tui.editing import EditingMixin
from tpm.tui.screens.conflict import CHOICES, diff_text
from tpm.tui.screens.modals import ConfirmScreen


class DiskMixin(EditingMixin):
    """ctrl+s, the digest poll, conflicts, the comments warning and quit-with-unsaved."""

    digest: str | None
    ready: bool
    _source: Any
    _ignored_digest: str | None
    _asking: bool

    def load(self) -> None:
        """Reload the plan from disk (defined by the App)."""
        raise NotImplementedError

    # ------------------------------------------------------------ saving

    def action_save(self) -> None:
        """Save through storage: atomic, canonical, never over someone else's edit."""
        from tpm.plan.storage import current_digest

        if self.plan is None:
            self.notify("nothing to save: the plan has errors", severity="error")
            return
        if current_digest(self.path) != self.digest:
            self.resolve_conflict(save_after=True)
            return
        if self.has_comments:
            body = (
                f"{self.path} has comments. tpm saves the canonical layout, which cannot keep "
                "them (keep prose in notes fields). Save and drop the comments?"
            )
            choices = (("save", "Save, drop comments"), ("cancel", "Cancel"))
            self.push_screen(
                ConfirmScreen("Comments will be lost", body, choices),
                lambda answer: self._write_if(answer == "save"),
            )
            return
        self._write()

    @property
    def has_comments(self) -> bool:
        """True when the file as loaded has comments that a save would drop."""
        return bool(self._source is not None and self._source.sourcemap.has_comments)

    def _write_if(self, wanted: bool) -> None:
        if wanted:
            self._write()

    def _write(self) -> bool:
        from tpm.plan.storage import ChangedOnDisk, StorageError, save

        assert self.plan is not None
        try:
            self.digest = save(self.path, self.plan, self.digest)
        except ChangedOnDisk:
            self.resolve_conflict(save_after=True)
            return False
        except StorageError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self._source = None
        self.history.mark_saved()
        self._ignored_digest = None
        self.update_title()
        self.notify(f"saved {self.path}", timeout=2)
        return True

    # ------------------------------------------------------------ the file on disk

    def poll_disk(self) -> None:
        """Notice edits made elsewhere; reload quietly when there is nothing to lose."""
        from tpm.plan.storage import current_digest

        if self._asking or not self.ready:
            return
        now = current_digest(self.path)
        if now == self.digest or now == self._ignored_digest:
            return
        if not self.history.dirty and now is not None:
            self.load()
            self.notify("the file changed on disk; reloaded it", timeout=4)
            return
        self.resolve_conflict(save_after=False)

    def resolve_conflict(self, save_after: bool) -> None:
        """Show what differs between the file on disk and mine; reload or keep mine."""
        from tpm.check.load import load_plan
        from tpm.plan.storage import current_digest, dumps

        if self._asking:
            return
        now = current_digest(self.path)
        try:
            theirs = self.path.read_text(encoding="utf-8")
        except OSError:
            theirs = ""
        disk = load_plan(self.path)
        if disk.plan is not None:
            theirs = dumps(disk.plan)
        mine = dumps(self.plan) if self.plan else ""
        what = "was deleted" if now is None else "changed on disk"
        body = diff_text(theirs, mine)
        body.append(
            f"\n{self.path} {what} since it was loaded; tpm did not overwrite it.\n"
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
                self.digest = now
                self.history.mark_diverged()
                self.update_title()
                if save_after:
                    self.action_save()
                else:
                    self.notify("keeping your version; ctrl+s writes it", timeout=4)
            else:
                self._ignored_digest = now

        screen = ConfirmScreen("The plan changed on disk", body, CHOICES, "conflict-diff")
        self.push_screen(screen, decided)

    def action_reload(self) -> None:
        """Read the file again (asks first when there are unsaved edits)."""
        if self.history.dirty:
            self.resolve_conflict(save_after=False)
            return
        self.load()
        self.notify("reloaded", timeout=2)

    # ------------------------------------------------------------ quitting

    async def action_quit(self) -> None:
        """Quit; ask first when there are unsaved changes."""
        if not self.history.dirty:
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
                if not self.history.dirty:
                    self.exit()

        body = "The plan has unsaved changes."
        self.push_screen(ConfirmScreen("Unsaved changes", body, choices), decided)
