"""The plan the TUI is editing, with no UI: load, edit by id, undo, check, save, reload.

:class:`PlanSession` holds the plan, its undo history and the digest of the file as loaded,
and is the only part of the TUI that reads or writes the plan file. The App keeps the
dialogs and notifications and asks the session for everything else, so every rule here is
tested without a terminal (tests/tui/test_session.py):

- every edit names its item by id and is resolved against the current plan when it is
  applied, never by a position remembered from earlier;
- every save checks the whole plan first (the same checks as ``tpm check``) and writes only
  if the file on disk is still the one loaded (compare-and-swap on its digest);
- :meth:`PlanSession.edits` lists what was edited since the file was loaded, field by field
  (item id, field, old value, new value): what a merge with someone else's edits needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tpm.tui.history import SECTIONS, Change, History, key_of, locate

if TYPE_CHECKING:
    from tpm.check.diagnostics import Diagnostic
    from tpm.check.load import Loaded
    from tpm.plan.blocks import Path as ItemPath
    from tpm.plan.changes import Change as FieldChange
    from tpm.plan.merge import Conflict
    from tpm.plan.model import Milestone, Plan
    from tpm.plan.storage import Source
    from tpm.tui.history import Item


class MergeConflicts(Exception):
    """Both the file on disk and the session changed the same fields; the user must pick."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(", ".join(c.describe() for c in conflicts))
        self.conflicts = conflicts


class InvalidPlan(Exception):
    """The plan in memory fails ``tpm check``; it was not saved."""

    def __init__(self, errors: list[Diagnostic]) -> None:
        lines = "\n".join(d.message for d in errors[:5])
        more = f"\n… and {len(errors) - 5} more" if len(errors) > 5 else ""
        super().__init__(f"not saved: the plan has errors:\n{lines}{more}")
        self.errors = errors


@dataclass(frozen=True)
class FieldEdit:
    """One field of one item changed since the file was loaded.

    ``field`` None means the whole item: added (``old`` None) or deleted (``new`` None), with
    the item as a dict. Values are as ``model_dump`` gives them (dates stay dates).
    """

    section: str
    item_id: str
    field: str | None
    old: object
    new: object


class PlanSession:
    """One plan file being edited: the plan, its history, and the file's digest as loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.plan: Plan | None = None
        self.diagnostics: list[Diagnostic] = []
        self.digest: str | None = None
        self.history = History()
        self.source: Source | None = None  # kept only when the file may have comments
        self._base: dict[str, dict[str, Item]] = {}
        self._canonical: tuple[int, dict[str, object]] | None = None
        self._cycle: dict[str, tuple[Milestone, Milestone]] = {}
        # The file as loaded or last saved: the base that edits are patched onto.
        self.base_plan: Plan | None = None
        self.base_text: str | None = None

    # ------------------------------------------------------------ loading

    def read(self) -> Loaded:
        """Read and check the file (no state changes: safe in a worker thread). Warnings
        are not located (the TUI shows errors only; locating scans the whole file)."""
        from tpm.check.load import load_plan

        return load_plan(self.path, locate_warnings=False)

    def adopt(self, loaded: Loaded) -> None:
        """Make a loaded file the plan being edited; the history starts empty."""
        from tpm.plan.storage import current_digest

        self.diagnostics = loaded.diagnostics
        self.digest = loaded.source.digest if loaded.source else current_digest(self.path)
        # Whether the file has comments is asked at the first save: scanning for them costs
        # a third of a big load, and a file without "#" cannot have any.
        self.source = loaded.source if loaded.source and "#" in loaded.source.text else None
        self.history = History()
        self.plan = loaded.plan
        self.base_plan = _snapshot(loaded.plan)
        self.base_text = loaded.source.text if loaded.source else None
        self._canonical = None
        self._cycle.clear()
        self._rebase()

    def reload(self) -> Loaded:
        """Read the file again, dropping the history."""
        loaded = self.read()
        self.adopt(loaded)
        return loaded

    def _rebase(self) -> None:
        """The plan as it is now is what the file holds (after a load or a save)."""
        plan = self.plan
        self._base = (
            {s: {item.id: item for item in getattr(plan, s)} for s in SECTIONS} if plan else {}
        )

    # ------------------------------------------------------------ state

    @property
    def version(self) -> int:
        """The history's version: 0 as loaded, one more per edit."""
        return self.history.version

    @property
    def dirty(self) -> bool:
        """True when the plan in memory differs from the file as loaded or saved."""
        return self.history.dirty

    @property
    def has_comments(self) -> bool:
        """True when the file as loaded has comments that a save would drop."""
        return bool(self.source is not None and self.source.sourcemap.has_comments)

    def find(self, section: str, key: str) -> Item | None:
        """The item with this id in a plan list, as it is now."""
        if self.plan is None:
            return None
        items: list[Item] = getattr(self.plan, section)
        found = locate(items, key)
        return None if found is None else items[found]

    def index_of(self, section: str, key: str) -> int | None:
        """Position of the item with this id in a plan list, as it is now."""
        if self.plan is None:
            return None
        return locate(getattr(self.plan, section), key)

    # ------------------------------------------------------------ editing

    def replace(self, label: str, section: str, key: str, new: Item) -> Change:
        """Replace the item with id ``key`` by ``new``. Raises ItemGone when it is not there."""
        return self._record(label, section, key, new)

    def add(self, label: str, section: str, new: Item) -> Change:
        """Append a new item to a plan list."""
        assert self.plan is not None
        end = len(getattr(self.plan, section))
        return self.record(Change(label, section, end, None, new))

    def delete(self, label: str, section: str, key: str) -> Change:
        """Delete the item with id ``key``. Raises ItemGone when it is not there."""
        return self._record(label, section, key, None)

    def _record(self, label: str, section: str, key: str, new: Item | None) -> Change:
        from tpm.tui.history import ItemGone

        assert self.plan is not None
        index = self.index_of(section, key)
        if index is None:
            raise ItemGone(f"{key} is no longer in the plan")
        before: Item = getattr(self.plan, section)[index]
        return self.record(Change(label, section, index, before, new))

    def record(self, change: Change) -> Change:
        """Apply a change (its item found by id) and make it undoable."""
        assert self.plan is not None
        return self.history.record(self.plan, change)

    def undo(self) -> Change | None:
        """Revert the last edit; None when there is none."""
        return None if self.plan is None else self.history.undo(self.plan)

    def redo(self) -> Change | None:
        """Re-apply the last undone edit; None when there is none."""
        return None if self.plan is None else self.history.redo(self.plan)

    def edits(self) -> list[FieldEdit]:
        """What was edited since the file was loaded, field by field, in plan order.

        Compared with the plan as loaded (or last saved), so an edit that was undone is not
        listed, and two edits of one field are one.
        """
        out: list[FieldEdit] = []
        if self.plan is None:
            return out
        for section in SECTIONS:
            base = self._base.get(section, {})
            seen: set[str] = set()
            for item in getattr(self.plan, section):
                seen.add(item.id)
                old = base.get(item.id)
                if old is item:
                    continue
                if old is None:
                    out.append(FieldEdit(section, item.id, None, None, item.model_dump()))
                    continue
                before, after = old.model_dump(), item.model_dump()
                for name in after:
                    if before.get(name) != after[name]:
                        out.append(FieldEdit(section, item.id, name, before.get(name), after[name]))
            for key, old in base.items():
                if key not in seen:
                    out.append(FieldEdit(section, key, None, old.model_dump(), None))
        return out

    def cycle_origin(self, m: Milestone) -> Milestone:
        """The milestone as it was before the status key started cycling it: the one
        remembered when ``m`` is what the last press produced, else ``m`` itself."""
        remembered = self._cycle.get(m.id)
        if remembered is not None and remembered[1] is m:
            return remembered[0]
        return m

    def cycle_done(self, origin: Milestone, result: Milestone) -> None:
        """Remember where a run of status-key presses started (see :meth:`cycle_origin`)."""
        self._cycle[result.id] = (origin, result)

    def restore(self, recovered: Plan, base_digest: str | None) -> int:
        """Re-apply unsaved edits kept after a crash (``recovered``: the plan as it was in
        memory then) as undoable edits on the plan as loaded now; returns how many items
        changed. When the file changed since those edits were made, the next save asks first
        (as for any change on disk)."""
        assert self.plan is not None
        count = 0
        for section in (*SECTIONS, "snapshots"):
            now = {key_of(item): item for item in getattr(self.plan, section)}
            kept = {key_of(item) for item in getattr(recovered, section)}
            for item in getattr(recovered, section):
                old = now.get(key_of(item))
                if old is None:
                    self.add(f"restored {key_of(item)}", section, item)
                elif old != item:
                    self.replace(f"restored {key_of(item)}", section, key_of(item), item)
                else:
                    continue
                count += 1
            for key in now:
                if key not in kept:
                    self.delete(f"restored the deletion of {key}", section, key)
                    count += 1
        if base_digest != self.digest:
            self.keep_mine(base_digest)
        return count

    def resume(self, recovered: Plan, base: Plan, base_text: str, base_digest: str | None) -> None:
        """Take up unsaved edits kept after a crash when the file has changed since: the plan
        in memory becomes ``recovered`` and the base it was edited on becomes ``base`` (the
        file as it was then, ``base_text``), so that :meth:`merge_with_disk` puts these edits
        on top of the file as it is now by item id and field, and reports the fields that
        both changed. Nothing is written."""
        self.plan = recovered
        self.base_plan, self.base_text = _snapshot(base), base_text
        self.digest = base_digest
        self.source = None
        self.history = History()
        self.history.mark_diverged()
        self._canonical = None
        self._cycle.clear()
        self._base = {s: {i.id: i for i in getattr(base, s)} for s in SECTIONS}

    # ------------------------------------------------------------ checking

    def canonical_data(self) -> dict[str, object]:
        """The plan as the saved file would parse (cached per version)."""
        import tomllib

        from tpm.plan.storage import dumps

        assert self.plan is not None
        version = self.history.version
        if self._canonical is None or self._canonical[0] != version:
            self._canonical = (version, tomllib.loads(dumps(self.plan)))
        return self._canonical[1]

    def check_candidate(
        self, section: str, key: str | None, item: dict[str, object] | None
    ) -> list[Diagnostic]:
        """Diagnostics of the plan with the item ``key`` replaced by ``item`` (``key`` None:
        ``item`` appended; ``item`` None: deleted), exactly as ``tpm check`` would report them
        on the saved file. The item is found by id in the plan as it is now."""
        from tpm.check.document import check_document
        from tpm.plan.sourcemap import SourceMap

        data = dict(self.canonical_data())
        listed = data.get(section, [])
        items: list[object] = list(listed) if isinstance(listed, list) else []
        index = self.index_of(section, key) if key is not None else None
        if index is None:
            if item is not None:
                items.append(item)
        elif item is None:
            del items[index]
        else:
            items[index] = item
        data[section] = items
        return check_document(data, str(self.path), SourceMap()).diagnostics

    def validate(self) -> list[Diagnostic]:
        """The errors ``tpm check`` would report on the plan as it would be saved."""
        from tpm.check.document import check_document
        from tpm.plan.sourcemap import SourceMap

        checked = check_document(self.canonical_data(), str(self.path), SourceMap())
        return [d for d in checked.diagnostics if d.severity == "error"]

    # ------------------------------------------------------------ the file on disk

    def disk_digest(self) -> str | None:
        """The digest of the file on disk now (None when it is gone)."""
        from tpm.plan.storage import current_digest

        return current_digest(self.path)

    def changed_on_disk(self) -> bool:
        """True when the file is no longer the one loaded or last saved."""
        return self.disk_digest() != self.digest

    def keep_mine(self, disk_digest: str | None) -> None:
        """The user chose to keep their version over the file as it is now on disk: the next
        save may replace that file (and only that one)."""
        self.digest = disk_digest
        self.history.mark_diverged()

    def save(self, canonical: bool = False) -> str:
        """Check the whole plan, then patch its edits into the file if it is still the one
        loaded (comments and layout stay; see ``tpm.plan.patches``).

        Raises :class:`InvalidPlan` (nothing written) when the plan fails ``tpm check``,
        ``Unpatchable`` when an edit cannot be applied surgically (save again with
        ``canonical=True`` to rewrite the file in the canonical layout, dropping comments),
        ``ChangedOnDisk`` when the file changed since it was loaded (see
        :meth:`merge_with_disk`), and ``StorageError`` when the write fails. Returns the new
        digest.
        """
        from tpm.plan.changes import diff_plans
        from tpm.plan.readback import apply_verified
        from tpm.plan.storage import dumps, write_atomic

        assert self.plan is not None
        errors = self.validate()
        if errors:
            raise InvalidPlan(errors)
        if canonical or self.base_text is None or self.base_plan is None:
            text = dumps(self.plan)
        else:
            changes = diff_plans(self.base_plan, self.plan)
            text = apply_verified(self.base_text, changes, self.base_plan, self.plan)
        self.digest = write_atomic(self.path, text, self.digest)
        self.source = None
        self.base_plan, self.base_text = _snapshot(self.plan), text
        self.history.mark_saved()
        self._rebase()
        return self.digest

    def merge_with_disk(self, picks: dict[ItemPath, str] | None = None) -> list[FieldChange]:
        """Take the file as it is on disk now as the base and put the unsaved edits on top.

        Edits of fields the others did not touch are kept; the others' changes are returned
        (for a notice). When both changed the same field, :class:`MergeConflicts` is raised
        unless ``picks`` says, for each conflict's path, "mine" or "theirs". Nothing is
        written: the merged plan becomes the plan in memory, unsaved. Raises ChangedOnDisk
        when the file cannot be merged (it is gone, has errors, or a layout tpm cannot patch).
        """
        from tpm.check.load import from_source
        from tpm.plan import patches
        from tpm.plan.changes import diff_plans
        from tpm.plan.merge import combine
        from tpm.plan.storage import ChangedOnDisk, parse

        assert self.plan is not None
        disk = self.read()
        if disk.plan is None or disk.source is None or self.base_plan is None:
            raise ChangedOnDisk(f"{self.path}: the file on disk cannot be merged")
        theirs = diff_plans(self.base_plan, disk.plan)
        mine = diff_plans(self.base_plan, self.plan)
        take, conflicts = combine(theirs, mine)
        picks = picks or {}
        if any(c.path not in picks for c in conflicts):
            raise MergeConflicts(conflicts)
        for conflict in conflicts:
            if picks[conflict.path] == "mine":
                take += _mine_under(conflict, mine, theirs, self.plan)
        try:
            text = patches.apply(disk.source.text, take)
        except patches.Unpatchable as exc:
            raise ChangedOnDisk(f"{self.path}: cannot merge in place: {exc}") from None
        merged = from_source(parse(self.path, text.encode("utf-8")))
        if merged.plan is None:
            raise ChangedOnDisk(f"{self.path}: the merged plan does not load")
        self.base_plan, self.base_text = _snapshot(disk.plan), disk.source.text
        self.digest = disk.source.digest
        self.diagnostics = merged.diagnostics
        self.plan = merged.plan
        self.history = History()
        if take:
            self.history.mark_diverged()
        self._canonical = None
        self._base = {s: {i.id: i for i in getattr(disk.plan, s)} for s in SECTIONS}
        return theirs


def _snapshot(plan: Plan | None) -> Plan | None:
    """The plan as it is now: edits replace items in its lists in place, so the lists are
    copied (the items are never mutated, so they are shared)."""
    if plan is None:
        return None
    return plan.model_copy(update={s: list(getattr(plan, s)) for s in (*SECTIONS, "snapshots")})


def _mine_under(
    conflict: Conflict, mine: list[FieldChange], theirs: list[FieldChange], plan: Plan
) -> list[FieldChange]:
    """The session's own changes at or under a conflict's path, to apply on the disk text."""
    from tpm.plan import storage
    from tpm.plan.changes import MISSING, Change

    n = len(conflict.path)
    own = [c for c in mine if c.path[:n] == conflict.path]
    removed_on_disk = any(c.path == conflict.path and c.new is MISSING for c in theirs)
    if removed_on_disk and n == 2 and not any(c.is_item for c in own):
        # The others removed the item that I edited: mine puts my whole item back.
        section, ident = conflict.path
        items = getattr(plan, str(section), [])
        item = next((i for i in items if getattr(i, ident.key, None) == ident.value), None)  # type: ignore[union-attr]
        return [] if item is None else [Change(conflict.path, MISSING, storage._plain(item))]
    return own
