"""Field-level changes applied to a plan file's text as minimal splices.

A save must not rewrite the file: comments, blank lines, key order and formatting belong to
the team. :func:`apply` splices exactly the changes a writer made (a list of
:class:`tpm.plan.changes.Change`) into the current text: one value's span replaced, one key
line added or removed, one item's block added or removed. New keys and items are written in
the canonical layout (``tpm.plan.storage``). Where the text uses a layout tpm does not write
(dotted keys, an inline table where tpm writes a table, a comment inside a value being
replaced), :func:`apply` raises :class:`Unpatchable` saying where; the caller then asks (TUI)
or needs ``--force`` (CLI) before rewriting canonically. ``tpm.plan.readback`` checks that
the patched text reads back as the plan the user made.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tpm.plan import storage
from tpm.plan.blocks import Block, KeyLine, Layout, Path, scan_layout, value_of
from tpm.plan.changes import MISSING, Change, in_item, key_names, label, same
from tpm.plan.placement import key_position, section_position
from tpm.plan.tomlscan import value_extent


class Unpatchable(Exception):
    """A change cannot be applied without rewriting more than its own span."""


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` with ``text``; ``order`` keeps splices at one position in
    the order of their changes."""

    start: int
    end: int
    text: str
    order: int


def apply(text: str, changes: list[Change], layout: Layout | None = None) -> str:
    """Apply ``changes`` to ``text``; every byte outside the changed spans stays as it was."""
    if not changes:
        return text
    return splice(text, changes, layout or scan_layout(text))[0]


def splice(text: str, changes: list[Change], layout: Layout) -> tuple[str, list[Splice]]:
    """:func:`apply` on a scanned ``layout`` of ``text``, also returning the splices made
    (:mod:`tpm.plan.readback` checks the text around them)."""
    splices: list[Splice] = []
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


def _keep_blank_lines_at_inserts(text: str, splices: list[Splice]) -> None:
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


def _key_splices(layout: Layout, change: Change, order: int) -> list[Splice]:
    table, key = change.path[:-1], change.path[-1]
    assert isinstance(key, str)
    block = _table_block(layout, table)
    if block is None:
        if change.old is MISSING and isinstance(table[-1], str) and not in_item(table):
            # A new table (e.g. [status] for an override): written whole, canonically.
            return [_new_table(layout, table, {key: change.new}, order)]
        raise Unpatchable(f"{_where(change.path)}: its table is not written as [{_where(table)}]")
    line = layout.key(block, key)
    if line is None:
        dotted = [k for k in layout.keys(block) if k.key[0] == key]
        sub = layout.block((*table, key))
        if dotted:
            raise Unpatchable(f"{_where(change.path)} is written with dotted keys")
        if sub is not None and not in_item(change.path) and change.new is not MISSING:
            if isinstance(change.new, dict) and not isinstance(change.old, dict):
                raise Unpatchable(f"{_where(change.path)} is a table that became a value")
        if sub is not None:
            return _table_splices(layout, change, sub, order)
        if layout.has_under(change.path):
            raise Unpatchable(
                f"{_where(change.path)} is written as [[{'.'.join(key_names(change.path))}]] tables"
            )
        if change.old is not MISSING and change.new is MISSING:
            return []  # already absent
        if change.new is MISSING:
            return []
        if isinstance(change.new, dict) and not in_item(change.path):
            return [_new_table(layout, change.path, change.new, order)]
        at = key_position(layout, block, table, key)
        return [Splice(at, at, _prefix_newline(layout.text, at) + _key_text(change), order)]
    if change.new is MISSING:
        return [Splice(line.start, line.end, "", order)]
    if line.inner_comment:
        raise Unpatchable(f"{_where(change.path)}: its value has comments inside it")
    value = change.text if change.text is not None else _value_text(key, change.new)
    return [Splice(line.value_start, line.value_end, value, order)]


def _table_splices(layout: Layout, change: Change, sub: Block, order: int) -> list[Splice]:
    """A whole sub-table replaced or removed (e.g. [status.override])."""
    span = layout.item_span(sub.path)
    assert span is not None
    start, end = _widen_for_removal(layout.text, *span)
    if change.new is MISSING:
        return [Splice(start, end, "", order)]
    if not isinstance(change.new, dict):
        raise Unpatchable(f"{_where(change.path)} is written as a table")
    rendered = _render_table(sub.path, change.new)
    return [Splice(span[0], span[1], rendered.lstrip("\n"), order)]


def _new_table(layout: Layout, path: Path, value: dict[str, Any], order: int) -> Splice:
    rendered = _render_table(path, value)
    at = section_position(layout, path)
    return Splice(at, at, _prefix_newline(layout.text, at) + rendered, order)


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


def _item_splice(layout: Layout, change: Change, order: int) -> Splice:
    path = change.path
    section = path[:-1]
    span = layout.item_span(path)
    if change.new is MISSING:
        if span is None:
            raise Unpatchable(f"{_where(path)}: not written as a [[{_where(section)}]] table")
        start, end = _widen_for_removal(layout.text, *span)
        return Splice(start, end, "", order)
    if span is not None:
        raise Unpatchable(f"{_where(path)} is added, but the file already has it")
    rendered = change.text if change.text is not None else _render_item(section, change.new)
    body = rendered.strip("\n") + "\n"
    if change.after is not None:
        anchor = layout.item_span((*section, change.after))
        if anchor is not None:
            return Splice(
                anchor[1], anchor[1], _prefix_newline(layout.text, anchor[1]) + "\n" + body, order
            )
    first = next((b for b in layout.blocks if b.path[: len(section)] == section), None)
    if first is None and _written_as_value(layout, section):
        raise Unpatchable(
            f"{_where(section)} entries are not written as [[{_where(section)}]] tables"
        )
    if first is not None and change.after is None:
        return Splice(first.start, first.start, body + "\n", order)
    if first is not None:  # the sibling it followed is gone here: after the last one
        last = max(layout.end(b) for b in layout.blocks if b.path[: len(section)] == section)
        return Splice(last, last, _prefix_newline(layout.text, last) + "\n" + body, order)
    if in_item(section):
        parent = layout.item_span(section[:-1])
        if parent is None:
            raise Unpatchable(f"{_where(path)}: its parent is not written as a table")
        return Splice(parent[1], parent[1], "\n" + body, order)
    at = section_position(layout, section)
    lead = _prefix_newline(layout.text, at) + ("\n" if at > 0 else "")
    return Splice(at, at, lead + body, order)


def _written_as_value(layout: Layout, section: Path) -> bool:
    """Whether the section is a plain key (``milestones = [...]``), not [[tables]].

    A section with no tables at all (every entry removed on one side of a merge) is not:
    its first new entry goes where the canonical layout puts the section.
    """
    parent = layout.block(section[:-1])
    return parent is not None and any(k.key[0] == section[-1] for k in layout.keys(parent))


def _render_item(section: Path, item: dict[str, Any]) -> str:
    names = key_names(section)
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


def _insert_splices(layout: Layout, path: Path, group: list[Change], order: int) -> list[Splice]:
    """Elements inserted into a list: one new line each when it is written one per line."""
    table, key = path[:-1], path[-1]
    assert isinstance(key, str)
    block = _table_block(layout, table)
    line = layout.key(block, key) if block else None
    if block is None or line is None:
        value = [c.new for c in group]
        return _key_splices(layout, Change(path, MISSING, value), order)
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
    return [Splice(line.value_start, line.value_end, _value_text(key, result), order)]


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
) -> list[Splice]:
    first = elements[0][0]
    indent = text[text.rfind("\n", 0, first) + 1 : first]
    out = []
    for n, (change, index) in enumerate(zip(group, after, strict=True)):
        if index < 0:
            at_line = text.rfind("\n", 0, first) + 1  # before the first element's line
        else:
            at_line = text.find("\n", elements[index][1]) + 1
        rendered = change.text if change.text is not None else storage._lit(change.new, True)
        out.append(Splice(at_line, at_line, f"{indent}{rendered},\n", order + n))
    return out
