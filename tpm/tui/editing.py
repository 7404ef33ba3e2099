"""The App's editing flows: forms, sub-items and deletes, as dialogs over the PlanSession.

Every edit becomes a :class:`~tpm.tui.history.Change` (so undo works for all of them) and
is checked with ``tpm.check.document.check_document`` on the plan as it would be saved, the same
checks and messages as ``tpm check``. A form remembers the id of its item, never its position:
when it is saved, the item is looked up in the plan as it is then, and only the fields the
user changed are written over it. Mixed into :class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from tpm.tui.keys import KeyHoldMixin, opens_dialog
from tpm.tui.messages import DeleteRequested, EditRequested, SubItemsRequested
from tpm.tui.screens.modals import PickScreen
from tpm.tui.session import PlanSession

if TYPE_CHECKING:
    from pydantic import BaseModel

    from tpm.check.diagnostics import Diagnostic
    from tpm.plan.model import Plan
    from tpm.tui.history import Change, Item

# The model, validation and forms load with the plan (after the first frame): they are
# imported inside the functions below.

NOUN = {
    "milestones": "milestone",
    "risks": "risk",
    "kpis": "KPI",
    "decisions": "decision",
    "mitigations": "mitigation",
    "measurements": "measurement",
}
OWNER = {"mitigations": "risks", "measurements": "kpis"}


def model_of(section: str) -> type[Item]:
    """The plan model of a section's items."""
    from tpm.plan.model import Decision, Kpi, Milestone, Risk

    models: dict[str, type[Item]] = {
        "milestones": Milestone,
        "risks": Risk,
        "kpis": Kpi,
        "decisions": Decision,
    }
    return models[section]


class EditingMixin(KeyHoldMixin):
    """Turns the screens' requests into validated, undoable changes."""

    session: PlanSession
    last_change = ""

    @property
    def as_of(self) -> dt.date:
        """The status date (defined by the App)."""
        raise NotImplementedError

    @property
    def plan(self) -> Plan | None:
        """The plan being edited (defined by the App)."""
        raise NotImplementedError

    def reanalyse(self, changed: Iterable[str] | None) -> None:
        """Re-run the analysis after an edit (defined by the App)."""
        raise NotImplementedError

    def update_title(self) -> None:
        """Refresh the header (defined by the App)."""
        raise NotImplementedError

    def catch_up_with_disk(self) -> None:
        """Reload a file changed on disk when nothing would be lost (defined by DiskMixin)."""
        raise NotImplementedError

    # ------------------------------------------------------------ helpers

    def commit(self, change: Change) -> None:
        """Record a change, re-analyse, and say what happened."""
        change = self.session.record(change)
        self.after_change(change, change.label)

    def after_change(self, change: Change, label: str) -> None:
        """Re-analyse after a change and show its label in the header."""
        self.reanalyse(change.milestone_ids if change.section == "milestones" else ())
        # Feedback in the header (a toast would re-layout the screen: slow on big plans).
        self.last_change = label
        self.update_title()

    def replace_item(self, label: str, section: str, key: str, new: Item) -> None:
        """Replace the item with id ``key`` as it is now; re-add it when it has gone."""
        from tpm.tui.history import ItemGone, key_of

        try:
            change = self.session.replace(label, section, key, new)
        except ItemGone:
            label = f"re-added {NOUN.get(section, section)} {key_of(new)}"
            change = self.session.add(label, section, new)
            self.notify(
                f"{key} was removed from the file while you edited it; your version is added "
                "back (u undoes)",
                severity="warning",
                timeout=8,
            )
        self.after_change(change, change.label)

    # ------------------------------------------------------------ forms

    @opens_dialog
    def on_edit_requested(self, event: EditRequested) -> None:
        """Open the edit form for an item, a new item, or a sub-item."""
        from tpm.tui.formdata import NEW_ITEM, item_texts
        from tpm.tui.history import key_of
        from tpm.tui.known import field_ids
        from tpm.tui.screens.form import FormScreen

        if self.plan is None:
            return
        if event.section in OWNER:
            self._sub_form(event.section, event.parent or "", event.key)
            return
        section, key = event.section, event.key
        original = self.session.find(section, key) if key else None
        if key and original is None:
            return
        texts = item_texts(original if original is not None else NEW_ITEM[section], section)
        noun = NOUN[section]

        def candidate(values: dict[str, str]) -> dict[str, object]:
            current = self.session.find(section, key) if key else None
            return _merged(values, texts, section, current or original)

        def check(values: dict[str, str]) -> list[Diagnostic]:
            target = key if key and self.session.find(section, key) else None
            found = self.session.check_candidate(section, target, candidate(values))
            return _relevant(found, values.get("id", ""))

        def done(result: tuple[str, dict[str, str]] | None) -> None:
            if result is None:
                return
            self.catch_up_with_disk()
            action, values = result
            if action == "delete" and key:
                self.delete(section, key)
                return
            new = model_of(section).model_validate(candidate(values))
            ident = key_of(new)
            if key:
                self.replace_item(f"edited {noun} {ident}", section, key, new)
            else:
                self.commit_add(f"added {noun} {ident}", section, new)

        title = f"Edit {noun} {key}" if key else f"New {noun}"
        ids = field_ids(self.plan, section, key or "")
        self.push_screen(FormScreen(title, section, texts, check, bool(key), ids), done)

    def commit_add(self, label: str, section: str, new: Item) -> None:
        """Append a new item."""
        change = self.session.add(label, section, new)
        self.after_change(change, change.label)

    def _sub_form(self, section: str, parent: str, key: str | None) -> None:
        """Mitigations and measurements are edited as part of their risk or KPI."""
        from tpm.tui.formdata import NEW_ITEM, item_texts
        from tpm.tui.known import field_ids
        from tpm.tui.screens.form import FormScreen

        owner_section = OWNER[section]
        owner = self.session.find(owner_section, parent)
        if owner is None:
            return
        children: list[BaseModel] = list(getattr(owner, section))
        original = children[int(key)] if key is not None else None
        start = NEW_ITEM[section] | ({"date": self.as_of} if section == "measurements" else {})
        texts = item_texts(original if original is not None else start, section)

        def owner_with(values: dict[str, str] | None) -> dict[str, object] | None:
            current = self.session.find(owner_section, parent)
            if current is None:
                return None
            return _with_child(current, section, original, values, texts)

        def check(values: dict[str, str]) -> list[Diagnostic]:
            data = owner_with(values)
            if data is None:
                return [_gone(parent)]
            found = self.session.check_candidate(owner_section, parent, data)
            return _relevant(found, values.get("id", parent))

        def done(result: tuple[str, dict[str, str]] | None) -> None:
            if result is None:
                return
            self.catch_up_with_disk()
            action, values = result
            data = owner_with(None if action == "delete" else values)
            if data is None:
                self.notify(_gone(parent).message, severity="error", timeout=8)
                return
            new = model_of(owner_section).model_validate(data)
            verb = "deleted" if action == "delete" else ("edited" if original else "added")
            self.replace_item(f"{verb} {NOUN[section]} of {parent}", owner_section, parent, new)

        title = f"{'Edit' if original else 'New'} {NOUN[section]} of {parent}"
        ids = field_ids(self.plan, section) if self.plan is not None else {}
        form = FormScreen(title, section, texts, check, original is not None, ids)
        self.push_screen(form, done)

    @opens_dialog
    def on_sub_items_requested(self, event: SubItemsRequested) -> None:
        """Choose which mitigation, measurement or decision to edit (or a new one)."""
        if self.plan is None:
            return
        options: list[tuple[str, str]] = [("new", f"+ new {NOUN[event.section]}")]
        if event.section == "decisions":
            options += [(d.id, f"{d.id}: {d.title} ({d.status})") for d in self.plan.decisions]
        else:
            owner = self.session.find(OWNER[event.section], event.parent or "")
            if owner is None:
                return
            for i, child in enumerate(getattr(owner, event.section)):
                label = (
                    f"{child.id}: {child.action} [{child.status}]"
                    if event.section == "mitigations"
                    else f"{child.date}: {child.value:g} {child.note}"
                )
                options.append((str(i), label))

        def chosen(key: str | None) -> None:
            if key is None:
                return
            self.post_message(
                EditRequested(event.section, None if key == "new" else key, event.parent)
            )

        title = f"{NOUN[event.section].capitalize()}s" + (
            f" of {event.parent}" if event.parent else ""
        )
        self.push_screen(PickScreen(title, options), chosen)

    # ------------------------------------------------------------ deleting

    @opens_dialog
    def on_delete_requested(self, event: DeleteRequested) -> None:
        """Delete an item unless the plan would then be invalid (e.g. still referenced)."""
        self.delete(event.section, event.key)

    def delete(self, section: str, key: str) -> None:
        """Delete an item after checking the plan without it."""
        if self.plan is None or self.session.find(section, key) is None:
            return
        found = self.session.check_candidate(section, key, None)
        errors = [d for d in found if d.severity == "error"]
        if errors:
            lines = "\n".join(d.message for d in errors[:5])
            self.notify(f"cannot delete {key}:\n{lines}", severity="error", timeout=8)
            return
        change = self.session.delete(f"deleted {NOUN[section]} {key}", section, key)
        self.after_change(change, change.label)

    def editing_commands(self) -> Iterable[SystemCommand]:
        """Editing actions for the command palette."""
        for section in ("milestones", "risks", "kpis", "decisions"):
            noun = NOUN[section]
            yield SystemCommand(
                f"Add {noun}",
                f"a new {noun} through the form",
                lambda s=section: self.post_message(EditRequested(s, None)),
            )
        yield SystemCommand(
            "Edit decisions",
            "add, edit or delete decisions and asks",
            lambda: self.post_message(SubItemsRequested("decisions")),
        )


def _merged(
    values: dict[str, str], initial: dict[str, str], section: str, current: BaseModel | None
) -> dict[str, object]:
    """The item to write: the item as it is now, with the fields the user changed in the form.

    A field the user did not touch keeps its current value, so an edit made elsewhere while
    the form was open (and reloaded since) is not undone by the form.
    """
    from tpm.tui.formdata import item_data, item_texts

    if current is None:
        return item_data(values, section, None)
    texts = item_texts(current, section)
    for name, text in values.items():
        if text != initial.get(name):
            texts[name] = text
    return item_data(texts, section, current)


def _with_child(
    owner: Item,
    section: str,
    original: BaseModel | None,
    values: dict[str, str] | None,
    initial: dict[str, str],
) -> dict[str, object]:
    """The owner (as it is now) with the sub-item edited, added or (values None) deleted.

    The sub-item is found by value (a mitigation by id), not by position.
    """
    data: dict[str, object] = owner.model_dump(exclude_defaults=True)
    kids: list[BaseModel] = list(getattr(owner, section))
    where = _find_child(kids, original) if original is not None else None
    dumped = [c.model_dump(exclude_defaults=True) for c in kids]
    if values is None:
        if where is not None:
            del dumped[where]
    else:
        child = _merged(values, initial, section, kids[where] if where is not None else None)
        if where is None:
            dumped.append(child)
        else:
            dumped[where] = child
    data[section] = dumped
    return data


def _find_child(kids: list[BaseModel], original: BaseModel) -> int | None:
    key = getattr(original, "id", None)
    for i, kid in enumerate(kids):
        if (key is not None and getattr(kid, "id", None) == key) or kid == original:
            return i
    return None


def _gone(parent: str) -> Diagnostic:
    from tpm.check.diagnostics import Diagnostic

    message = f"{parent} is no longer in the plan (changed on disk)"
    return Diagnostic("error", "unknown-reference", message, item=parent)


def _relevant(found: list[Diagnostic], ident: str) -> list[Diagnostic]:
    """Every error (the plan was valid before) and the warnings about this item."""
    kept = [d for d in found if d.severity == "error" or (d.item or "").split(" ", 1)[-1] == ident]
    return sorted(kept, key=lambda d: (d.severity != "error", d.code, d.message))


def range_check(
    low: float | None, high: float | None, whole: bool = False
) -> Callable[[str], str | None]:
    """A prompt check: a number, optionally whole, within ``low``..``high``."""

    def check(text: str) -> str | None:
        from tpm.tui import edits

        value = edits.parse_number(text)
        if value is None:
            return "expected a number"
        if whole and not value.is_integer():
            return "expected a whole number"
        if low is not None and high is not None and not low <= value <= high:
            return f"must be between {low:g} and {high:g}"
        return None

    return check
