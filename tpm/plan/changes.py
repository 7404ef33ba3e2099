"""What changed between two versions of a plan, field by field.

A save must not rewrite the file: comments, blank lines, key order and formatting belong to
the team. So every writer says what it changed as a list of :class:`Change` (item id, field,
old value, new value; an item added or removed; a list element inserted). :func:`diff`
computes that list from two versions of the data, :func:`diff_plans` from two plans (only the
items that changed are converted to data). ``tpm.plan.patches`` writes the list into the
file's text; ``tpm.plan.merge`` compares both sides of a merge with their base this way.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from tpm.plan import storage
from tpm.plan.blocks import ItemId, Path, id_key
from tpm.plan.model import Plan


class _Missing:
    """The value of a key that is not there."""

    def __repr__(self) -> str:
        return "(absent)"


MISSING: Any = _Missing()

# Arrays of tables nested in an item (all others inside items are plain values).
_NESTED_ARRAYS = {("risks", "mitigations")}


@dataclass(frozen=True)
class Change:
    """One field-level edit.

    ``path`` names a key (``("milestones", ItemId("id", "api"), "duration")``), a table
    (``("status", "override")``) or an item (ending in an ItemId). ``old``/``new`` are MISSING
    for an addition/removal. ``after`` places an added item after that sibling (None: first).
    ``index`` marks a list insertion: ``new`` is the element, ``anchor`` the element it follows
    (MISSING: at the start). ``text``, when set, is the source to write verbatim (a merge copies
    the other side's own lines) instead of the canonical rendering.
    """

    path: Path
    old: Any = MISSING
    new: Any = MISSING
    after: ItemId | None = None
    index: int | None = None
    anchor: Any = MISSING
    text: str | None = None

    @property
    def is_item(self) -> bool:
        """True when the change adds or removes a whole array-of-tables entry."""
        return isinstance(self.path[-1], ItemId)

    def label(self) -> str:
        """``api.duration`` style name of what changed (section omitted for items)."""
        return label(self.path)


def label(path: Path) -> str:
    """A short dotted name: ``api.duration``, ``settings.risk_bands.low``, ``r1.m1.status``."""
    out: list[str] = []
    for i, p in enumerate(path):
        if isinstance(p, ItemId):
            out.append(p.value)
        elif not (i + 1 < len(path) and isinstance(path[i + 1], ItemId)):
            out.append(p)  # a section name before an id is left out
    return ".".join(out)


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as the canonical writer would store it (defaults left out)."""
    return storage._plain(plan)


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The field-level changes that turn ``old`` into ``new`` (items matched by id)."""
    out: list[Change] = []
    _diff_table(old, new, (), out)
    return out


def diff_plans(old: Plan, new: Plan) -> list[Change]:
    """The changes between two plans, in their canonical data.

    Only changed items are converted to data. Front ends replace the items they edit (never
    mutate them), so an unchanged item is the same object in both and a one-field edit of a
    10,000-milestone plan diffs in milliseconds.
    """
    out = diff(plan_data(without_lists(old)), plan_data(without_lists(new)))
    for name in storage._LIST_SECTIONS:
        olds, news = getattr(old, name), getattr(new, name)
        if olds is news:
            continue
        key = id_key((name,))
        if _same_ids_in_place(name, olds, news, key, out):
            continue
        kept = {getattr(i, key): i for i in olds}
        if len(kept) != len(olds) or len({getattr(i, key) for i in news}) != len(news):
            # Duplicate ids (the plan does not check): compare the whole section.
            old_list = [storage._plain(i) for i in olds]
            new_list = [storage._plain(i) for i in news]
            _diff_table({name: old_list}, {name: new_list}, (), out)
            continue
        previous: ItemId | None = None
        for item in news:
            ident = ItemId(key, getattr(item, key))
            before = kept.pop(ident.value, None)
            if before is None:
                out.append(Change((name, ident), MISSING, storage._plain(item), after=previous))
            elif not _unchanged(before, item):
                _diff_table(storage._plain(before), storage._plain(item), (name, ident), out)
            previous = ident
        for ident_value, item in kept.items():
            out.append(Change((name, ItemId(key, ident_value)), storage._plain(item), MISSING))
    return out


def _same_ids_in_place(
    name: str, olds: list[Any], news: list[Any], key: str, out: list[Change]
) -> bool:
    """The usual edit, diffed in a pass of identity checks: the same unique ids in the same
    places, some items replaced. Appends their changes to ``out`` and returns True; False
    (nothing appended) when items were added, removed, moved or ids repeat."""
    if len(olds) != len(news):
        return False
    get = operator.attrgetter(key)
    replaced = [(a, b) for a, b in zip(olds, news, strict=True) if a is not b]
    if any(get(a) != get(b) for a, b in replaced) or len(set(map(get, olds))) != len(olds):
        return False
    for before, item in replaced:
        if not _unchanged(before, item):
            ident = ItemId(key, get(item))
            _diff_table(storage._plain(before), storage._plain(item), (name, ident), out)
    return True


def _unchanged(old: BaseModel | None, new: BaseModel) -> bool:
    # Front ends replace the items they edit, so identity is the quick answer.
    return old is new or (old is not None and old == new)


def without_lists(plan: Plan) -> Plan:
    """The plan without its lists (they are compared item by item)."""
    return plan.model_copy(update={name: [] for name in storage._LIST_SECTIONS})


def same(a: Any, b: Any) -> bool:
    """Equal values of the same TOML type (1, 1.0 and true differ in a file)."""
    if a is MISSING or b is MISSING:
        return a is b
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a == b
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and a == b
    return type(a) is type(b) and a == b


def in_item(path: Path) -> bool:
    """The path goes into an item of a list section (it holds an item id)."""
    return any(isinstance(p, ItemId) for p in path)


def key_names(path: Path) -> tuple[str, ...]:
    """The path's table and key names, item ids left out."""
    return tuple(p for p in path if isinstance(p, str))


def _diff_table(old: dict[str, Any], new: dict[str, Any], path: Path, out: list[Change]) -> None:
    for key in [*old, *(k for k in new if k not in old)]:
        o = old.get(key, MISSING)
        n = new.get(key, MISSING)
        if same(o, n):
            continue
        here = (*path, key)
        if isinstance(o, dict) and isinstance(n, dict) and not in_item(here):
            _diff_table(o, n, here, out)
        elif _array_of_items(here, o) and _array_of_items(here, n):
            _diff_items(o, n, here, out)
        elif isinstance(o, list) and isinstance(n, list) and (ins := _insertions(o, n)):
            out.extend(Change(here, MISSING, v, index=i, anchor=a) for i, v, a in ins)
        else:
            out.append(Change(here, o, n))


def _array_of_items(path: Path, value: Any) -> bool:
    """True for an array of tables whose entries are identified by unique ids."""
    names = key_names(path)
    if not (len(path) == 1 or names in _NESTED_ARRAYS):
        return False
    if value is MISSING:
        return True
    if not isinstance(value, list):
        return False
    key = id_key(names)
    ids = [v.get(key) if isinstance(v, dict) else None for v in value]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _diff_items(old: Any, new: Any, path: Path, out: list[Change]) -> None:
    key = id_key(key_names(path))
    olds = {} if old is MISSING else {v[key]: v for v in old}
    news = [] if new is MISSING else new
    seen = set()
    previous: ItemId | None = None
    for item in news:
        ident = ItemId(key, item[key])
        seen.add(item[key])
        if item[key] not in olds:
            out.append(Change((*path, ident), MISSING, item, after=previous))
        else:
            _diff_table(olds[item[key]], item, (*path, ident), out)
        previous = ident
    for ident_value, item in olds.items():
        if ident_value not in seen:
            out.append(Change((*path, ItemId(key, ident_value)), item, MISSING))


def _insertions(old: list[Any], new: list[Any]) -> list[tuple[int, Any, Any]] | None:
    """(index in new, element, element it follows) when ``new`` is ``old`` plus elements."""
    if len(new) <= len(old):
        return None
    out = []
    i = 0
    for j, value in enumerate(new):
        if i < len(old) and same(old[i], value):
            i += 1
        else:
            out.append((j, value, new[j - 1] if j else MISSING))
    return out if i == len(old) else None
