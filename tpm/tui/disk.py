"""Saving, the file on disk, and quitting: the dialogs that protect the file.

The :class:`~tpm.tui.session.PlanSession` does the work (check the whole plan, then write
only if the file is still the one loaded); this mixin asks the user when that is refused:
the file changed on disk (merge: others' changes listed, a per-field pick when both changed
the same field; the diff with reload or keep mine when it cannot be merged), an edit cannot be
patched into the file's text (rewrite canonically?), the plan fails ``tpm check`` (say why,
write nothing). While a form or prompt
is open the file is never reloaded: the poll waits until it closes. Mixed into
:class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import ModalScreen

from tpm.tui.quick import QuickEditMixin
from tpm.tui.screens.conflict import CHOICES, diff_text
from tpm.tui.screens.modals import ConfirmScreen

if TYPE_CHECKING:
    from tpm.check.load import Loaded
    from tpm.plan.changes import Change as FieldChange


class DiskMixin(QuickEditMixin):
    """ctrl+s, the digest poll, conflicts, the comments warning and quit-with-unsaved."""

    ready: bool
    _ignored_digest: str | None
    _asking: bool

    def load(self) -> None:
        """Reload the plan from disk (defined by the App)."""
        raise NotImplementedError

    def remember_overview(self) -> None:
        """Cache the dashboard's overview of the file as saved (defined by the App)."""
        raise NotImplementedError

    # ------------------------------------------------------------ saving

    def action_save(self) -> None:
        """Save through the session: checked, patched into the file's text (comments stay),
        atomic; when the file changed on disk, merged with it first."""
        if self.plan is None:
            self.notify("nothing to save: the plan has errors", severity="error")
            return
        if self.session.changed_on_disk():
            self.merge_with_disk(save_after=True)
            return
        self._write()

    def _write(self, canonical: bool = False) -> bool:
        from tpm.plan.patches import Unpatchable
        from tpm.plan.storage import ChangedOnDisk, StorageError
        from tpm.tui.session import InvalidPlan

        try:
            self.session.save(canonical=canonical)
        except InvalidPlan as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return False
        except Unpatchable as exc:
            body = (
                f"{self.session.path}: {exc}. tpm cannot change that part of the file in "
                "place. Rewrite the whole file in tpm's canonical layout? Its comments are "
                "dropped."
            )
            choices = (("rewrite", "Rewrite, drop comments"), ("cancel", "Cancel"))

            def decided(answer: str | None) -> None:
                if answer == "rewrite":
                    self._write(canonical=True)

            self.push_screen(
                ConfirmScreen("Cannot save in place", body, choices, safe="cancel"), decided
            )
            return False
        except ChangedOnDisk:
            self.merge_with_disk(save_after=True)
            return False
        except StorageError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self._ignored_digest = None
        self.update_title()
        self.notify(f"saved {self.session.path}", timeout=2)
        self.remember_overview()  # the next start paints the saved plan at once
        return True

    def merge_with_disk(self, save_after: bool, picks: dict[Any, str] | None = None) -> None:
        """Put the unsaved edits on top of the file as it is on disk now; list what the
        others changed; ask per field when both changed the same one (nothing is written
        until the user picks). Falls back to the reload / keep mine dialog when the file on
        disk cannot be merged."""
        from tpm.plan.storage import ChangedOnDisk
        from tpm.tui.screens.fields import FieldConflictScreen
        from tpm.tui.session import MergeConflicts

        if self._asking:
            return
        try:
            others = self.session.merge_with_disk(picks)
        except MergeConflicts as exc:
            self._asking = True
            disk_now = self.session.disk_digest()

            def picked(choice: dict[Any, str] | None) -> None:
                self._asking = False
                if choice is None:
                    self._ignored_digest = disk_now
                    self.notify("nothing written; your edits are kept unsaved", timeout=4)
                    return
                self.merge_with_disk(save_after, choice)

            self.push_screen(FieldConflictScreen(exc.conflicts), picked)
            return
        except ChangedOnDisk:
            self.resolve_conflict(save_after=save_after)
            return
        self.show_merged()
        names = [c.label() + _what(c) for c in others]
        listed = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        self.notify(
            f"merged with the file on disk; others changed: {listed or 'nothing you edited'}",
            timeout=8,
        )
        if save_after:
            self._write()

    def show_merged(self) -> None:
        """Show the plan after a merge with the file on disk (defined by the App)."""
        raise NotImplementedError

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
        self.merge_with_disk(save_after=False)

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
            self.merge_with_disk(save_after=False)
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


def _what(change: FieldChange) -> str:
    from tpm.plan.changes import MISSING

    if not change.is_item:
        return ""
    return " (added)" if change.old is MISSING else " (removed)" if change.new is MISSING else ""
