"""The App's editing flows: forms, quick keys, deletes, sub-items, writing the report.

Every edit becomes a :class:`~tpm.tui.history.Change` (so undo works for all of them) and
is checked with ``tpm.check.document.check_document`` on the plan as it would be saved, the same
checks and messages as ``tpm check``. Mixed into :class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand

from tpm.check.diagnostics import Diagnostic
from tpm.tui.history import Change, History
from tpm.tui.messages import (
    DeleteRequested,
    EditRequested,
    QuickEdit,
    SubItemsRequested,
)
from tpm.tui.screens.modals import PickScreen, PromptScreen

if TYPE_CHECKING:
    from tpm.plan.model import Plan

# The model, validation and forms load with the plan (after the first frame): they are
# imported inside the functions below.


def _model(section: str) -> Any:
    from tpm.plan.model import Decision, Kpi, Milestone, Risk

    return {"milestones": Milestone, "risks": Risk, "kpis": Kpi, "decisions": Decision}[section]


NOUN = {
    "milestones": "milestone",
    "risks": "risk",
    "kpis": "KPI",
    "decisions": "decision",
    "mitigations": "mitigation",
    "measurements": "measurement",
}


class EditingMixin(App[None]):
    """Turns the screens' requests into validated, undoable changes."""

    _canonical: tuple[int, dict[str, Any]] | None = None
    last_change = ""
    plan: Plan | None
    path: Path
    history: History

    @property
    def as_of(self) -> dt.date:
        """The status date (defined by the App)."""
        raise NotImplementedError

    def reanalyse(self, changed: Iterable[str] | None) -> None:
        """Re-run the analysis after an edit (defined by the App)."""
        raise NotImplementedError

    def report_markdown(self) -> str:
        """The report text (defined by the App)."""
        raise NotImplementedError

    def update_title(self) -> None:
        """Refresh the header (defined by the App)."""
        raise NotImplementedError

    # ------------------------------------------------------------ helpers

    def index_of(self, section: str, key: str) -> int | None:
        """Position of the item with this id in a plan list."""
        assert self.plan is not None
        for i, item in enumerate(getattr(self.plan, section)):
            if item.id == key:
                return i
        return None

    def canonical_data(self) -> dict[str, Any]:
        """The plan as the saved file would parse (cached per version)."""
        from tpm.plan.storage import dumps

        assert self.plan is not None
        version = self.history.version
        if self._canonical is None or self._canonical[0] != version:
            self._canonical = (version, tomllib.loads(dumps(self.plan)))
        data: dict[str, Any] = self._canonical[1]
        return data

    def check_candidate(
        self, section: str, index: int | None, item: dict[str, Any] | None
    ) -> list[Diagnostic]:
        """Diagnostics of the plan with ``item`` at ``index`` (None index: appended; None
        item: deleted), exactly as ``tpm check`` would report them on the saved file."""
        from tpm.check.document import check_document
        from tpm.plan.sourcemap import SourceMap

        data = dict(self.canonical_data())
        items = list(data.get(section, []))
        if item is None and index is not None:
            del items[index]
        elif index is None:
            items.append(item)
        else:
            items[index] = item
        data[section] = items
        return check_document(data, str(self.path), SourceMap()).diagnostics

    def commit(self, change: Change) -> None:
        """Record a change, re-analyse, and say what happened."""
        assert self.plan is not None
        self.history.record(self.plan, change)
        self.reanalyse(change.milestone_ids if change.section == "milestones" else ())
        # Feedback in the header (a toast would re-layout the screen: slow on big plans).
        self.last_change = change.label
        self.update_title()

    # ------------------------------------------------------------ forms

    def on_edit_requested(self, event: EditRequested) -> None:
        """Open the edit form for an item, a new item, or a sub-item."""
        from tpm.tui.formdata import NEW_ITEM, item_data, item_texts
        from tpm.tui.screens.form import FormScreen

        if self.plan is None:
            return
        if event.section in ("mitigations", "measurements"):
            self._sub_form(event.section, event.parent or "", event.key)
            return
        section = event.section
        index = self.index_of(section, event.key) if event.key else None
        original = getattr(self.plan, section)[index] if index is not None else None
        texts = item_texts(original if original is not None else NEW_ITEM[section], section)
        noun = NOUN[section]

        def check(values: dict[str, str]) -> list[Diagnostic]:
            return _relevant(
                self.check_candidate(section, index, item_data(values, section, original)),
                values.get("id", ""),
            )

        def done(result: tuple[str, dict[str, str]] | None) -> None:
            if result is None:
                return
            action, values = result
            if action == "delete" and original is not None:
                self.delete(section, original.id)
                return
            new = _model(section).model_validate(item_data(values, section, original))
            where = index if index is not None else len(getattr(self.plan, section))
            label = f"edited {noun} {new.id}" if original is not None else f"added {noun} {new.id}"
            self.commit(Change(label, section, where, original, new))

        title = f"Edit {noun} {original.id}" if original is not None else f"New {noun}"
        self.push_screen(FormScreen(title, section, texts, check, original is not None), done)

    def _sub_form(self, section: str, parent: str, key: str | None) -> None:
        """Mitigations and measurements are edited as part of their risk or KPI."""
        from tpm.tui.formdata import NEW_ITEM, item_data, item_texts
        from tpm.tui.screens.form import FormScreen

        owner_section = "risks" if section == "mitigations" else "kpis"
        owner_index = self.index_of(owner_section, parent)
        if owner_index is None:
            return
        owner = getattr(self.plan, owner_section)[owner_index]
        children = list(getattr(owner, section))
        pos = int(key) if key is not None else None
        original = children[pos] if pos is not None else None
        start = NEW_ITEM[section] | ({"date": self.as_of} if section == "measurements" else {})
        texts = item_texts(original if original is not None else start, section)

        def owner_with(values: dict[str, str] | None) -> dict[str, Any]:
            data: dict[str, Any] = owner.model_dump(exclude_defaults=True)
            kids = [c.model_dump(exclude_defaults=True) for c in children]
            if values is None and pos is not None:
                del kids[pos]
            elif values is not None:
                child = item_data(values, section, original)
                if pos is None:
                    kids.append(child)
                else:
                    kids[pos] = child
            data[section] = kids
            return data

        def check(values: dict[str, str]) -> list[Diagnostic]:
            return _relevant(
                self.check_candidate(owner_section, owner_index, owner_with(values)),
                values.get("id", owner.id),
            )

        def done(result: tuple[str, dict[str, str]] | None) -> None:
            if result is None:
                return
            action, values = result
            data = owner_with(None if action == "delete" else values)
            new = _model(owner_section).model_validate(data)
            verb = "deleted" if action == "delete" else ("edited" if original else "added")
            label = f"{verb} {NOUN[section]} of {owner.id}"
            self.commit(Change(label, owner_section, owner_index, owner, new))

        title = f"{'Edit' if original else 'New'} {NOUN[section]} of {owner.id}"
        self.push_screen(FormScreen(title, section, texts, check, original is not None), done)

    def on_sub_items_requested(self, event: SubItemsRequested) -> None:
        """Choose which mitigation, measurement or decision to edit (or a new one)."""
        if self.plan is None:
            return
        options: list[tuple[str, str]] = [("new", f"+ new {NOUN[event.section]}")]
        if event.section == "decisions":
            options += [(d.id, f"{d.id}: {d.title} ({d.status})") for d in self.plan.decisions]
        else:
            owner_section = "risks" if event.section == "mitigations" else "kpis"
            index = self.index_of(owner_section, event.parent or "")
            if index is None:
                return
            owner = getattr(self.plan, owner_section)[index]
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

    def on_delete_requested(self, event: DeleteRequested) -> None:
        """Delete an item unless the plan would then be invalid (e.g. still referenced)."""
        self.delete(event.section, event.key)

    def delete(self, section: str, key: str) -> None:
        """Delete an item after checking the plan without it."""
        index = self.index_of(section, key)
        if index is None or self.plan is None:
            return
        errors = [d for d in self.check_candidate(section, index, None) if d.severity == "error"]
        if errors:
            lines = "\n".join(d.message for d in errors[:5])
            self.notify(f"cannot delete {key}:\n{lines}", severity="error", timeout=8)
            return
        item = getattr(self.plan, section)[index]
        self.commit(Change(f"deleted {NOUN[section]} {key}", section, index, item, None))

    # ------------------------------------------------------------ quick keys

    def on_quick_edit(self, event: QuickEdit) -> None:
        """One-key edits; some ask for a value first."""
        from tpm.tui import edits

        if self.plan is None:
            return
        index = self.index_of(event.section, event.key)
        if index is None:
            return
        item = getattr(self.plan, event.section)[index]
        today = self.as_of

        def apply(new: Any, label: str) -> None:
            self.commit(Change(f"{label}: {event.key}", event.section, index, item, new))

        op = event.op
        if op == "cycle":
            new = edits.cycle_status(item, today)
            apply(new, f"status {item.status} → {new.status}")
        elif op == "done":
            apply(edits.mark_done(item, today), f"done on {today}")
        elif op == "reviewed":
            apply(edits.reviewed(item, today), f"reviewed on {today}")
        elif op == "percent":
            self._ask(
                f"Percent complete of {item.id} (0-100)",
                f"{item.percent_complete:g}",
                _range_check(0, 100),
                lambda text: apply(
                    edits.set_percent(item, float(text), today), f"{float(text):g}% complete"
                ),
            )
        elif op == "blocked":
            self._ask(
                f"What blocks {item.id}?",
                item.blocked_reason,
                lambda text: None if text.strip() else "a reason is required",
                lambda text: apply(edits.set_blocked(item, text, today), "blocked"),
            )
        elif op in ("probability", "impact"):
            self._ask(
                f"{op.capitalize()} of {item.id} (1-5)",
                str(getattr(item, op)),
                _range_check(1, 5, whole=True),
                lambda text: apply(edits.rescore(item, **{op: int(text)}), f"{op} {text}"),
            )
        elif op == "measure":
            self._ask(
                f"Measurement of {item.name} on {today} ({item.unit or 'value'}; text after the "
                "number is a note)",
                "",
                lambda text: _range_check(None, None)(text.split(" ", 1)[0]),
                lambda text: apply(
                    edits.record_measurement(
                        item, float(text.split(" ", 1)[0]), today, _note(text)
                    ),
                    f"measured {text.split(' ', 1)[0]}",
                ),
            )

    def _ask(
        self,
        title: str,
        value: str,
        check: Callable[[str], str | None],
        then: Callable[[str], None],
    ) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                then(text.strip())

        self.push_screen(PromptScreen(title, value, check=check), answered)

    # ------------------------------------------------------------ report

    def on_write_report_requested(self) -> None:
        """The report screen asked to write the report."""
        self.write_report()

    def write_report(self) -> None:
        """Ask for a file name and write the Markdown status report there."""
        from tpm.plan.storage import StorageError, current_digest, write_atomic

        default = f"{self.path.stem}-status-{self.as_of}.md"

        def chosen(name: str | None) -> None:
            if not name:
                return
            target = Path(name)
            try:
                write_atomic(target, self.report_markdown(), current_digest(target))
            except (StorageError, OSError) as exc:
                self.notify(f"could not write {target}: {exc}", severity="error")
                return
            self.notify(f"wrote {target}", timeout=3)

        self.push_screen(PromptScreen("Write the status report to", default), chosen)

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
        yield SystemCommand("Write report", "write the status report to a file", self.write_report)


def _relevant(found: list[Diagnostic], ident: str) -> list[Diagnostic]:
    """Every error (the plan was valid before) and the warnings about this item."""
    kept = [d for d in found if d.severity == "error" or (d.item or "").split(" ", 1)[-1] == ident]
    return sorted(kept, key=lambda d: (d.severity != "error", d.code, d.message))


def _range_check(
    low: float | None, high: float | None, whole: bool = False
) -> Callable[[str], str | None]:
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


def _note(text: str) -> str:
    parts = text.split(" ", 1)
    return parts[1].strip() if len(parts) > 1 else ""
