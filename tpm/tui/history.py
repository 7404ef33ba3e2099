"""Undo and redo for the TUI: every edit is one reversible replacement of a plan item.

An edit never mutates an item in place. It swaps a whole item (a milestone, a risk with its
mitigations, a KPI with its measurements, a decision) in one of the plan's lists, so that
undoing it is swapping the old item back, and the schedule can be told exactly which
milestone changed. Items are found by id when a change is applied, never by position: the
position is only a hint (and where an added item goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from tpm.plan.model import Decision, Kpi, Milestone, Plan, Risk, Snapshot

    Item: TypeAlias = Milestone | Risk | Kpi | Decision | Snapshot

SECTIONS = ("milestones", "risks", "kpis", "decisions")


def key_of(item: Item) -> str:
    """The id of an item; a recorded snapshot (``[[snapshots]]``) is named by its date."""
    ident = getattr(item, "id", None)
    return ident if isinstance(ident, str) else str(getattr(item, "date", ""))


class ItemGone(LookupError):
    """The item a change replaces or deletes is no longer in the plan."""


@dataclass(frozen=True)
class Change:
    """Replace ``before`` by ``after`` in a plan list; None means absent.

    ``index`` is where the item was (a hint that makes finding it instant) and where an added
    item is inserted.
    """

    label: str
    section: str
    index: int
    before: Item | None
    after: Item | None

    @property
    def key(self) -> str:
        """The id of the item this change replaces or deletes (of the added one otherwise)."""
        item = self.before if self.before is not None else self.after
        assert item is not None
        return key_of(item)

    def inverse(self) -> Change:
        """The change that undoes this one."""
        return Change(f"undo {self.label}", self.section, self.index, self.after, self.before)

    @property
    def milestone_ids(self) -> tuple[str, ...]:
        """Ids of the milestones this change touches (empty for other sections)."""
        if self.section != "milestones":
            return ()
        return tuple(sorted({key_of(m) for m in (self.before, self.after) if m is not None}))


def locate(items: list[Item], key: str, hint: int = -1) -> int | None:
    """Position of the item with id ``key`` (``hint`` is checked first), or None."""
    if 0 <= hint < len(items) and key_of(items[hint]) == key:
        return hint
    for i, item in enumerate(items):
        if key_of(item) == key:
            return i
    return None


def apply(plan: Plan, change: Change) -> Change:
    """Apply a change to the plan's list in place, finding its item by id.

    Returns the change with ``index`` where it really applied. Raises :class:`ItemGone` when
    the item to replace or delete is not in the plan.
    """
    items: list[Item] = getattr(plan, change.section)
    if change.before is None:
        where = min(max(change.index, 0), len(items))
        items.insert(where, change.after)  # type: ignore[arg-type]
    else:
        found = locate(items, key_of(change.before), change.index)
        if found is None:
            raise ItemGone(f"{key_of(change.before)} is no longer in the plan")
        where = found
        if change.after is None:
            del items[where]
        else:
            items[where] = change.after
    if where == change.index:
        return change
    return Change(change.label, change.section, where, change.before, change.after)


class History:
    """Done and undone changes, and which version of the plan is the one on disk."""

    def __init__(self) -> None:
        self._done: list[tuple[int, Change]] = []
        self._undone: list[tuple[int, Change]] = []
        self._serial = 0
        self._saved: int | None = 0

    @property
    def version(self) -> int:
        """Serial of the last applied change; 0 for the plan as loaded."""
        return self._done[-1][0] if self._done else 0

    @property
    def dirty(self) -> bool:
        """True when the plan in memory differs from the file as last loaded or saved."""
        return self.version != self._saved

    @property
    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        return bool(self._undone)

    def record(self, plan: Plan, change: Change) -> Change:
        """Apply a new change; it clears the redo stack."""
        change = apply(plan, change)
        self._serial += 1
        self._done.append((self._serial, change))
        self._undone.clear()
        return change

    def undo(self, plan: Plan) -> Change | None:
        """Revert the last change; return what was applied to revert it."""
        if not self._done:
            return None
        serial, change = self._done.pop()
        self._undone.append((serial, change))
        return apply(plan, change.inverse())

    def redo(self, plan: Plan) -> Change | None:
        """Re-apply the last undone change."""
        if not self._undone:
            return None
        serial, change = self._undone.pop()
        self._done.append((serial, change))
        return apply(plan, change)

    def mark_saved(self) -> None:
        """The current version is now what is on disk."""
        self._saved = self.version

    def mark_diverged(self) -> None:
        """The file on disk matches no version in memory (the user chose keep mine)."""
        self._saved = None
