"""Field-level edits of a plan, found by comparing data and applied to the file's text.

A save must not rewrite the file: comments, blank lines, key order and formatting belong to
the team. So every writer says what it changed as a list of :class:`Change` (item id, field,
old value, new value; an item added or removed; a list element inserted), :func:`diff`
computes that list from two versions of the data, and :func:`apply` splices exactly those
changes into the current text: one value's span replaced, one key line added or removed, one
item's block added or removed. New keys and items are written in the canonical layout
(``tpm.plan.storage``). Where the text uses a layout tpm does not write (dotted keys, an inline
table where tpm writes a table, a comment inside a value being replaced), :func:`apply`
raises :class:`Unpatchable` saying where; the caller then asks (TUI) or needs ``--force``
(CLI) before rewriting canonically.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from dataclasses import dataclass, replace
from pathlib import Path as PathLike
from typing import Any

from pydantic import BaseModel

from tpm.plan import storage
from tpm.plan.blocks import (
    Block,
    ItemId,
    KeyLine,
    Layout,
    Path,
    id_key,
    scan_layout,
)
from tpm.plan.model import Plan
from tpm.plan.tomlscan import value_extent


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


class Unpatchable(Exception):
    """A change cannot be applied without rewriting more than its own span."""


# ---------------------------------------------------------------- diff


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
    out = diff(plan_data(_shell(old)), plan_data(_shell(new)))
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


def _shell(plan: Plan) -> Plan:
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


def _in_item(path: Path) -> bool:
    return any(isinstance(p, ItemId) for p in path)


def _names(path: Path) -> tuple[str, ...]:
    return tuple(p for p in path if isinstance(p, str))


def _diff_table(old: dict[str, Any], new: dict[str, Any], path: Path, out: list[Change]) -> None:
    for key in [*old, *(k for k in new if k not in old)]:
        o = old.get(key, MISSING)
        n = new.get(key, MISSING)
        if same(o, n):
            continue
        here = (*path, key)
        if isinstance(o, dict) and isinstance(n, dict) and not _in_item(here):
            _diff_table(o, n, here, out)
        elif _array_of_items(here, o) and _array_of_items(here, n):
            _diff_items(o, n, here, out)
        elif isinstance(o, list) and isinstance(n, list) and (ins := _insertions(o, n)):
            out.extend(Change(here, MISSING, v, index=i, anchor=a) for i, v, a in ins)
        else:
            out.append(Change(here, o, n))


def _array_of_items(path: Path, value: Any) -> bool:
    """True for an array of tables whose entries are identified by unique ids."""
    names = _names(path)
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
    key = id_key(_names(path))
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


# ---------------------------------------------------------------- apply


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str
    order: int


def apply(text: str, changes: list[Change], layout: Layout | None = None) -> str:
    """Apply ``changes`` to ``text``; every byte outside the changed spans stays as it was."""
    if not changes:
        return text
    return _apply(text, changes, layout or scan_layout(text))[0]


def _apply(text: str, changes: list[Change], layout: Layout) -> tuple[str, list[_Splice]]:
    splices: list[_Splice] = []
    inserts: dict[Path, list[Change]] = {}
    for n, change in enumerate(changes):
        if change.index is not None:
            inserts.setdefault(change.path, []).append(change)
        elif change.is_item:
            splices.append(_item_splice(layout, change, n))
        else:
            splices.extend(_key_splices(layout, change, n))
    for path, group in inserts.items():
        splices.extend(_insert_splices(layout, path, group, len(changes)))
    _keep_blank_lines_at_inserts(text, splices)
    splices.sort(key=lambda s: (s.start, s.end > s.start, s.order))  # inserts first
    first_newline = text.find("\n")
    crlf = first_newline > 0 and text[first_newline - 1] == "\r"
    out: list[str] = []
    pos = 0
    for s in splices:
        start = s.start
        if start < pos:
            # Two adjacent removals may both take the blank line between them: that is one
            # blank line removed once, not an overlap.
            if s.text or text[start:pos].strip():
                raise Unpatchable("two changes overlap in the file; rewrite it canonically")
            start = pos
        out.append(text[pos:start])
        out.append(s.text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else s.text)
        pos = s.end
    out.append(text[pos:])
    return "".join(out), splices


def _keep_blank_lines_at_inserts(text: str, splices: list[_Splice]) -> None:
    """A removal that took the blank line before its block gives it back when an insertion
    lands at that block's start (a new first item where the old first item goes)."""
    points = [s.start for s in splices if s.start == s.end]
    for n, s in enumerate(splices):
        if s.text or s.start == s.end:
            continue
        inside = [p for p in points if s.start < p < s.end and not text[s.start : p].strip()]
        if inside:
            splices[n] = replace(s, start=max(inside))


def _where(path: Path) -> str:
    return label(path)


def _table_block(layout: Layout, path: Path) -> Block | None:
    return layout.block(path)


def _key_splices(layout: Layout, change: Change, order: int) -> list[_Splice]:
    table, key = change.path[:-1], change.path[-1]
    assert isinstance(key, str)
    block = _table_block(layout, table)
    if block is None:
        if change.old is MISSING and isinstance(table[-1], str) and not _in_item(table):
            # A new table (e.g. [status] for an override): written whole, canonically.
            return [_new_table(layout, table, {key: change.new}, order)]
        raise Unpatchable(f"{_where(change.path)}: its table is not written as [{_where(table)}]")
    line = layout.key(block, key)
    if line is None:
        dotted = [k for k in layout.keys(block) if k.key[0] == key]
        sub = layout.block((*table, key))
        if dotted:
            raise Unpatchable(f"{_where(change.path)} is written with dotted keys")
        if sub is not None and not _in_item(change.path) and change.new is not MISSING:
            if isinstance(change.new, dict) and not isinstance(change.old, dict):
                raise Unpatchable(f"{_where(change.path)} is a table that became a value")
        if sub is not None:
            return _table_splices(layout, change, sub, order)
        if layout.has_under(change.path):
            raise Unpatchable(
                f"{_where(change.path)} is written as [[{'.'.join(_names(change.path))}]] tables"
            )
        if change.old is not MISSING and change.new is MISSING:
            return []  # already absent
        if change.new is MISSING:
            return []
        if isinstance(change.new, dict) and not _in_item(change.path):
            return [_new_table(layout, change.path, change.new, order)]
        at = _key_position(layout, block, table, key)
        return [_Splice(at, at, _prefix_newline(layout.text, at) + _key_text(change), order)]
    if change.new is MISSING:
        return [_Splice(line.start, line.end, "", order)]
    if line.inner_comment:
        raise Unpatchable(f"{_where(change.path)}: its value has comments inside it")
    value = change.text if change.text is not None else _value_text(key, change.new)
    return [_Splice(line.value_start, line.value_end, value, order)]


def _table_splices(layout: Layout, change: Change, sub: Block, order: int) -> list[_Splice]:
    """A whole sub-table replaced or removed (e.g. [status.override])."""
    span = layout.item_span(sub.path)
    assert span is not None
    start, end = _widen_for_removal(layout.text, *span)
    if change.new is MISSING:
        return [_Splice(start, end, "", order)]
    if not isinstance(change.new, dict):
        raise Unpatchable(f"{_where(change.path)} is written as a table")
    rendered = _render_table(sub.path, change.new)
    return [_Splice(span[0], span[1], rendered.lstrip("\n"), order)]


def _new_table(layout: Layout, path: Path, value: dict[str, Any], order: int) -> _Splice:
    rendered = _render_table(path, value)
    at = _section_position(layout, path)
    return _Splice(at, at, _prefix_newline(layout.text, at) + rendered, order)


def _render_table(path: Path, value: dict[str, Any]) -> str:
    name = ".".join(storage._key(str(p)) for p in path)
    return "\n".join(storage._table(name, dict(value))) + "\n"


def _prefix_newline(text: str, at: int) -> str:
    return "\n" if at > 0 and text[at - 1] != "\n" else ""


def _key_text(change: Change) -> str:
    key = change.path[-1]
    assert isinstance(key, str)
    if change.text is not None:
        return f"{storage._key(key)} = {change.text}\n"
    lines = storage._lines_of_table({key: change.new}, storage._ONE_PER_LINE)
    return "\n".join(lines) + "\n"


def _value_text(key: str, value: Any) -> str:
    lines = storage._lines_of_table({key: value}, storage._ONE_PER_LINE)
    first = lines[0].split(" = ", 1)[1] if " = " in lines[0] else lines[0]
    return "\n".join([first, *lines[1:]])


def _key_position(layout: Layout, block: Block, table: Path, key: str) -> int:
    """Where a new key goes: after the last key that comes before it in canonical order."""
    order = _field_order(_names(table))
    rank = _rank(order, key)
    at = block.header_end
    for line in layout.keys(block):
        if _rank(order, line.key[0]) <= rank:
            at = line.end
    return at


def _rank(order: tuple[str, ...], key: str) -> tuple[int, str]:
    return (order.index(key), "") if key in order else (len(order), key)


@functools.cache
def _field_order(names: tuple[str, ...]) -> tuple[str, ...]:
    """Declared field order of the model stored at these table names ("" for unknown)."""
    model: type[BaseModel] | None = Plan
    for name in names:
        field = model.model_fields.get(name) if model else None
        model = _model_of(field.annotation) if field else None
    return tuple(model.model_fields) if model else ()


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
    return None


def _section_position(layout: Layout, path: Path) -> int:
    """Where a new top-level table or first item of a section goes, in canonical order."""
    order = _field_order(())
    rank = _rank(order, str(path[0]))
    at = layout.end(layout.root())
    for block in layout.blocks[1:]:
        if _rank(order, block.names[0]) <= rank:
            at = max(at, layout.end(block))
    return at


def _item_splice(layout: Layout, change: Change, order: int) -> _Splice:
    path = change.path
    section = path[:-1]
    span = layout.item_span(path)
    if change.new is MISSING:
        if span is None:
            raise Unpatchable(f"{_where(path)}: not written as a [[{_where(section)}]] table")
        start, end = _widen_for_removal(layout.text, *span)
        return _Splice(start, end, "", order)
    if span is not None:
        raise Unpatchable(f"{_where(path)} is added, but the file already has it")
    rendered = change.text if change.text is not None else _render_item(section, change.new)
    body = rendered.strip("\n") + "\n"
    if change.after is not None:
        anchor = layout.item_span((*section, change.after))
        if anchor is not None:
            return _Splice(
                anchor[1], anchor[1], _prefix_newline(layout.text, anchor[1]) + "\n" + body, order
            )
    first = next((b for b in layout.blocks if b.path[: len(section)] == section), None)
    if first is None and _written_as_value(layout, section):
        raise Unpatchable(
            f"{_where(section)} entries are not written as [[{_where(section)}]] tables"
        )
    if first is not None and change.after is None:
        return _Splice(first.start, first.start, body + "\n", order)
    if first is not None:  # the sibling it followed is gone here: after the last one
        last = max(layout.end(b) for b in layout.blocks if b.path[: len(section)] == section)
        return _Splice(last, last, _prefix_newline(layout.text, last) + "\n" + body, order)
    if _in_item(section):
        parent = layout.item_span(section[:-1])
        if parent is None:
            raise Unpatchable(f"{_where(path)}: its parent is not written as a table")
        return _Splice(parent[1], parent[1], "\n" + body, order)
    at = _section_position(layout, section)
    lead = _prefix_newline(layout.text, at) + ("\n" if at > 0 else "")
    return _Splice(at, at, lead + body, order)


def _written_as_value(layout: Layout, section: Path) -> bool:
    """Whether the section is a plain key (``milestones = [...]``), not [[tables]].

    A section with no tables at all (every entry removed on one side of a merge) is not:
    its first new entry goes where the canonical layout puts the section.
    """
    parent = layout.block(section[:-1])
    return parent is not None and any(k.key[0] == section[-1] for k in layout.keys(parent))


def _render_item(section: Path, item: dict[str, Any]) -> str:
    names = _names(section)
    if names == ("risks", "mitigations"):
        return "\n".join([f"[[{names[0]}.{names[1]}]]", *storage._lines_of_table(item)])
    return "\n".join(storage._section_item(names[-1], dict(item)))


def _widen_for_removal(text: str, start: int, end: int) -> tuple[int, int]:
    """Take one blank line before a removed block with it, so no double gap is left."""
    if start >= 2 and text[start - 2 : start] == "\n\n":
        start -= 1
    elif start >= 4 and text[start - 4 : start] == "\r\n\r\n":
        start -= 2
    elif start == 1 and text[0] == "\n":
        start = 0
    return start, end


def _insert_splices(layout: Layout, path: Path, group: list[Change], order: int) -> list[_Splice]:
    """Elements inserted into a list: one new line each when it is written one per line."""
    table, key = path[:-1], path[-1]
    assert isinstance(key, str)
    block = _table_block(layout, table)
    line = layout.key(block, key) if block else None
    if block is None or line is None:
        value = [c.new for c in group]
        return _key_splices(layout, Change(path, MISSING, value), order)
    from tpm.plan.blocks import value_of

    current = value_of(layout, line)
    if not isinstance(current, list):
        raise Unpatchable(f"{_where(path)} is not a list in the file")
    after = _positions(current, group)
    elements = _elements(layout.text, line)
    if elements and _one_per_line(layout.text, line, elements):
        return _line_inserts(layout.text, line, elements, group, after, order)
    if line.inner_comment:
        raise Unpatchable(f"{_where(path)}: its value has comments inside it")
    result = [v for i in range(-1, len(current)) for v in _at(current, group, after, i)]
    return [_Splice(line.value_start, line.value_end, _value_text(key, result), order)]


def _at(current: list[Any], group: list[Change], after: list[int], i: int) -> list[Any]:
    """The original element i (none for -1) followed by the elements inserted after it."""
    own = [current[i]] if i >= 0 else []
    return own + [c.new for c, a in zip(group, after, strict=True) if a == i]


def _positions(current: list[Any], group: list[Change]) -> list[int]:
    """For each inserted element, the index of the original element it follows (-1: first).

    A dated series (KPI measurements) stays in date order; other lists follow the anchor,
    the element the new one followed where it was added.
    """
    out: list[int] = []
    dated = all(isinstance(v, dict) and "date" in v for v in current)
    for n, change in enumerate(group):
        new = change.new
        if dated and isinstance(new, dict) and "date" in new:
            earlier = [i for i, v in enumerate(current) if _not_after(v["date"], new["date"])]
            out.append(earlier[-1] if earlier else -1)
            continue
        placed = [out[k] for k in range(n) if same(group[k].new, change.anchor)]
        match = [i for i, v in enumerate(current) if same(v, change.anchor)]
        if change.anchor is MISSING:
            out.append(-1)
        elif placed:
            out.append(placed[-1])
        else:
            out.append(match[-1] if match else len(current) - 1)
    return out


def _not_after(a: Any, b: Any) -> bool:
    try:
        return bool(a <= b)
    except TypeError:
        return True


def _elements(text: str, line: KeyLine) -> list[tuple[int, int]]:
    """(start, end) of each element of the array at ``line``."""
    out = []
    i = line.value_start + 1
    end = line.value_end - 1
    while i < end:
        ch = text[i]
        if ch in " \t\r\n,":
            i += 1
        elif ch == "#":
            nl = text.find("\n", i)
            i = end if nl < 0 else nl
        else:
            stop, _ = value_extent(text, i)
            out.append((i, stop))
            i = max(stop, i + 1)
    return out


def _one_per_line(text: str, line: KeyLine, elements: list[tuple[int, int]]) -> bool:
    starts = [text.count("\n", line.value_start, s) for s, _ in elements]
    closing = text.count("\n", line.value_start, line.value_end - 1)
    return len(set(starts)) == len(starts) and starts[0] >= 1 and closing > starts[-1]


def _line_inserts(
    text: str,
    line: KeyLine,
    elements: list[tuple[int, int]],
    group: list[Change],
    after: list[int],
    order: int,
) -> list[_Splice]:
    first = elements[0][0]
    indent = text[text.rfind("\n", 0, first) + 1 : first]
    out = []
    for n, (change, index) in enumerate(zip(group, after, strict=True)):
        if index < 0:
            at_line = text.rfind("\n", 0, first) + 1  # before the first element's line
        else:
            at_line = text.find("\n", elements[index][1]) + 1
        rendered = change.text if change.text is not None else storage._lit(change.new, True)
        out.append(_Splice(at_line, at_line, f"{indent}{rendered},\n", order + n))
    return out


def verified(text: str, new: Plan) -> bool:
    """True when ``text`` reads back as exactly the plan ``new`` (a check after patching)."""
    try:
        data = storage.parse(PathLike("patched"), text.encode("utf-8")).data
        return Plan.model_validate(data) == new
    except (storage.TOMLDecodeError, ValueError):
        return False


def apply_verified(text: str, changes: list[Change], old: Plan, new: Plan) -> str:
    """Apply ``changes`` (from ``diff_plans(old, new)``) to ``text``, the file ``old`` was
    read from, and check that the result reads back as exactly ``new``.

    When every change is inside existing items and the items keep their order, only those
    items' text is read back (each is a complete ``[[section]]`` block, parsed on its own and
    validated); the rest of the file is byte-identical to what ``old`` was read from. Any
    other change reads the whole result back (:func:`verified`). Raises :class:`Unpatchable`
    when the result is not ``new``, so a save never writes a plan that does not load as the
    one the user made.
    """
    if not changes:
        return text
    layout = scan_layout(text)
    result, splices = _apply(text, changes, layout)
    same_items = _items_read_back(text, result, splices, changes, layout, old, new)
    if same_items is None:
        same_items = verified(result, new)
    if not same_items:
        raise Unpatchable("the patched text did not read back as the new plan")
    return result


def _items_read_back(
    text: str,
    result: str,
    splices: list[_Splice],
    changes: list[Change],
    layout: Layout,
    old: Plan,
    new: Plan,
) -> bool | None:
    """Whether the changed items read back as ``new``'s; None when the check must read the
    whole file (a change outside items, items added, removed or moved)."""
    touched: set[tuple[str, str]] = set()
    for change in changes:
        path = change.path
        if len(path) < 3 or not isinstance(path[1], ItemId) or path[1].key != "id":
            return None
        if path[0] not in storage._LIST_SECTIONS or path[0] == "baselines":
            return None
        touched.add((str(path[0]), path[1].value))
    if _shell(old) != _shell(new):
        return None
    spans: list[tuple[int, int, Any]] = []
    for name in storage._LIST_SECTIONS:
        olds, news = getattr(old, name), getattr(new, name)
        if len(olds) != len(news):
            return None
        for before, after in zip(olds, news, strict=True):
            if before is after:
                continue
            ident = getattr(after, "id", None)
            if not isinstance(ident, str) or getattr(before, "id", None) != ident:
                return None
            if (name, ident) not in touched:
                return None
            span = layout.item_span((name, ItemId("id", ident)))
            if span is None:
                return None
            spans.append((span[0], span[1], after))
    if len(spans) != len(touched):
        return None
    shift = 0
    done = 0
    for start, end, expected in sorted(spans, key=lambda x: x[0]):
        inside = [s for s in splices if start <= s.start and s.end <= end]
        before = [s for s in splices[done:] if s.start < start]
        shift += sum(len(s.text) - (s.end - s.start) for s in before)
        done += len(before)
        grown = sum(len(s.text) - (s.end - s.start) for s in inside)
        a, b = start + shift, end + shift + grown
        if (a and result[a - 1] != "\n") or (b < len(result) and result[b - 1] != "\n"):
            return None
        try:
            parsed = storage.loads(result[a:b])
        except storage.TOMLDecodeError:
            return None
        name = _section_of(expected)
        items = parsed.get(name) if len(parsed) == 1 else None
        if not isinstance(items, list) or len(items) != 1:
            return None
        try:
            if type(expected).model_validate(items[0]) != expected:
                return False
        except ValueError:
            return False
    covered = sum(1 for s in splices if any(a <= s.start and s.end <= b for a, b, _ in spans))
    return True if covered == len(splices) else None


def _section_of(item: BaseModel) -> str:
    for name in storage._LIST_SECTIONS:
        field = Plan.model_fields[name].annotation
        if type(item) in typing.get_args(field):
            return name
    raise ValueError(f"not an item of a plan list: {type(item).__name__}")
