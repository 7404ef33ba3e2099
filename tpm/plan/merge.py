"""Three-way merge of plan files by item id and field: the engine of ``tpm merge``.

Git merges lines, so two branches that edit different milestones often conflict, and a
reordered file conflicts everywhere. A plan is a set of items named by id, so this merge
compares each side with the common base field by field (``tpm.plan.changes.diff``), applies
the other side's changes to OURS' text as patches (OURS' comments and layout stay, THEIRS'
changed lines are copied as they wrote them), and reports a conflict only where both sides
changed the same field of the same item to different values. A conflict is written with git
conflict markers around just that key's line (or that item's block).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as PathLike
from typing import Any

from tpm.plan import changes, patches, storage
from tpm.plan.blocks import ItemId, Layout, Path, scan_layout
from tpm.plan.changes import MISSING, Change, same
from tpm.plan.placement import key_position


class MergeError(Exception):
    """A version cannot be merged by field (not TOML, or a layout tpm cannot patch)."""


@dataclass(frozen=True)
class Conflict:
    """The same field (or item) changed differently on both sides."""

    path: Path
    base: Any
    ours: Any
    theirs: Any
    detail: str = ""  # for an item removed on one side and edited on the other

    def describe(self) -> str:
        """``id.field: ours X, theirs Y`` (values as TOML; removed items and keys say so)."""
        what = self.detail or f"ours {show_value(self.ours)}, theirs {show_value(self.theirs)}"
        return f"{changes.label(self.path)}: {what}"


def show_value(value: Any) -> str:
    """A value as TOML, for messages; "(absent)" for a missing one."""
    if value is MISSING:
        return "(absent)"
    if isinstance(value, dict) and value and len(value) > 3:
        return "(an edited entry)"
    try:
        return storage._lit(value, inline=True)
    except TypeError:
        return repr(value)


@dataclass
class MergeResult:
    """The merged text, the conflicts written into it, and what THEIRS changed."""

    text: str
    conflicts: list[Conflict] = field(default_factory=list)
    applied: list[Change] = field(default_factory=list)


def merge(base: str, ours: str, theirs: str, marker_size: int = 7) -> MergeResult:
    """Merge THEIRS' changes since BASE into OURS' text."""
    data = [
        _parse(text, name) for text, name in ((base, "BASE"), (ours, "OURS"), (theirs, "THEIRS"))
    ]
    mine = changes.diff(data[0], data[1])
    other = changes.diff(data[0], data[2])
    theirs_layout = _layout(theirs, "THEIRS")
    take, conflicts = combine(mine, other)
    take = [_verbatim(theirs_layout, c) for c in take]
    ours_layout = _layout(ours, "OURS")
    try:
        text = patches.apply(ours, take, ours_layout)
    except patches.Unpatchable as exc:
        raise MergeError(f"OURS cannot take THEIRS' change in place: {exc}") from None
    if conflicts:
        text = _mark(text, conflicts, data[1], data[2], theirs_layout, marker_size)
    return MergeResult(text, conflicts, take)


def combine(mine: list[Change], other: list[Change]) -> tuple[list[Change], list[Conflict]]:
    """THEIRS' changes to apply on top of OURS, and the conflicts between the two lists."""
    by_path: dict[Path, list[Change]] = {}
    for c in mine:
        by_path.setdefault(c.path, []).append(c)
    prefixes = {c.path[:n] for c in mine for n in range(1, len(c.path))}
    take: list[Change] = []
    conflicts: list[Conflict] = []
    reported: set[Path] = set()
    for c in other:
        ours_here = by_path.get(c.path, [])
        ancestor = _under_changed(c.path, by_path)
        if ancestor is not None:  # OURS removed or replaced what THEIRS edited inside
            verb = "removed" if ancestor.new is MISSING else "replaced"
            sub = changes.label(c.path[len(ancestor.path) :]) or "it"
            detail = f"ours {verb} it, theirs changed {sub}"
            _conflict(
                conflicts,
                reported,
                Conflict(ancestor.path, ancestor.old, ancestor.new, MISSING, detail),
            )
        elif c.index is not None:  # a list element inserted
            if any(o.index is None for o in ours_here):
                detail = f"ours replaced it, theirs added {show_value(c.new)}"
                _conflict(
                    conflicts,
                    reported,
                    Conflict(c.path, MISSING, ours_here[0].new, MISSING, detail),
                )
            elif not any(same(o.new, c.new) for o in ours_here):
                take.append(c)
        elif ours_here:
            o = ours_here[0]
            if o.index is not None:
                detail = f"ours added {show_value(o.new)}, theirs replaced it"
                _conflict(conflicts, reported, Conflict(c.path, c.old, MISSING, c.new, detail))
            elif same(o.new, c.new):
                continue
            elif c.is_item and isinstance(o.new, dict) and isinstance(c.new, dict):
                # Added on both sides with different content: a conflict per differing field.
                for d in changes.diff(o.new, c.new):
                    conflicts.append(Conflict((*c.path, *d.path), MISSING, d.old, d.new))
            else:
                _conflict(conflicts, reported, Conflict(c.path, c.old, o.new, c.new))
        elif c.path in prefixes:  # THEIRS removed or replaced what OURS edited inside
            inner = sorted(
                {
                    changes.label(o.path[len(c.path) :])
                    for o in mine
                    if o.path[: len(c.path)] == c.path
                }
            )
            verb = "removed" if c.new is MISSING else "replaced"
            detail = f"ours changed {', '.join(inner)}, theirs {verb} it"
            _conflict(conflicts, reported, Conflict(c.path, c.old, MISSING, c.new, detail))
        else:
            take.append(c)
    return take, conflicts


def _under_changed(path: Path, by_path: dict[Path, list[Change]]) -> Change | None:
    """OURS' change of an enclosing item or value (e.g. the item was removed)."""
    for n in range(len(path) - 1, 0, -1):
        found = by_path.get(path[:n])
        if found and found[0].index is None:
            return found[0]
    return None


def _conflict(out: list[Conflict], reported: set[Path], conflict: Conflict) -> None:
    if conflict.path not in reported:
        reported.add(conflict.path)
        out.append(conflict)


def _parse(text: str, name: str) -> dict[str, Any]:
    try:
        return storage.parse(PathLike(name), text.encode("utf-8")).data
    except storage.TOMLDecodeError as exc:
        raise MergeError(f"{name} is not valid TOML: {exc}") from None
    except storage.StorageError as exc:
        raise MergeError(f"{name}: {exc}") from None


def _layout(text: str, name: str) -> Layout:
    from tpm.plan.blocks import LayoutError

    try:
        return scan_layout(text)
    except LayoutError as exc:
        raise MergeError(f"{name}: {exc}") from None


def _verbatim(layout: Layout, change: Change) -> Change:
    """THEIRS' own text for a changed value or an added item, when it can be found."""
    if change.new is MISSING or change.index is not None:
        return change
    if change.is_item:
        span = layout.item_span(change.path)
        if span is None:
            return change
        return _replace(change, layout.text[span[0] : span[1]])
    block = layout.block(change.path[:-1])
    key = change.path[-1]
    line = layout.key(block, key) if block is not None and isinstance(key, str) else None
    if line is None or isinstance(change.new, dict) and block is None:
        return change
    return _replace(change, layout.text[line.value_start : line.value_end])


def _replace(change: Change, text: str) -> Change:
    from dataclasses import replace

    return replace(change, text=text)


# ---------------------------------------------------------------- conflict markers


def _mark(
    text: str,
    conflicts: list[Conflict],
    ours: dict[str, Any],
    theirs: dict[str, Any],
    theirs_layout: Layout,
    size: int,
) -> str:
    """Write each conflict with git markers around the smallest span: a key's lines or a block."""
    layout = scan_layout(text)
    splices: list[tuple[int, int, str]] = []
    for conflict in conflicts:
        splices.append(_marked(layout, theirs_layout, conflict, size))
    out = text
    for start, end, body in sorted(splices, key=lambda s: s[0], reverse=True):
        out = out[:start] + body + out[end:]
    return out


def _marked(layout: Layout, theirs_layout: Layout, c: Conflict, size: int) -> tuple[int, int, str]:
    path = c.path
    if isinstance(path[-1], ItemId):
        mine_span = layout.item_span(path)
        their_span = theirs_layout.item_span(path)
        theirs_text = theirs_layout.text[their_span[0] : their_span[1]] if their_span else ""
        if mine_span is not None:
            start, end = mine_span
            return start, end, _markers(layout.text[start:end], theirs_text, size)
        at = _end_of_section(layout, path[:-1])
        return at, at, "\n" + _markers("", theirs_text, size)
    table, key = path[:-1], path[-1]
    block = layout.block(table)
    theirs_block = theirs_layout.block(table)
    assert isinstance(key, str)
    their_line = theirs_layout.key(theirs_block, key) if theirs_block is not None else None
    theirs_text = theirs_layout.text[their_line.start : their_line.end] if their_line else ""
    if theirs_text and not theirs_text.endswith("\n"):
        theirs_text += "\n"
    if block is None:
        at = len(layout.text)
        return at, at, _markers("", f"[{changes.label(table)}]\n{theirs_text}", size)
    line = layout.key(block, key)
    if line is not None:
        mine_text = layout.text[line.start : line.end]
        if not mine_text.endswith("\n"):
            mine_text += "\n"
        return line.start, line.end, _markers(mine_text, theirs_text, size)
    at = key_position(layout, block, table, key)
    return at, at, _markers("", theirs_text, size)


def _end_of_section(layout: Layout, section: Path) -> int:
    ends = [layout.end(b) for b in layout.blocks if b.path[: len(section)] == section]
    return max(ends) if ends else len(layout.text)


def _markers(mine: str, theirs: str, size: int) -> str:
    def block(text: str) -> str:
        return text if not text or text.endswith("\n") else text + "\n"

    return f"{'<' * size} ours\n{block(mine)}{'=' * size}\n{block(theirs)}{'>' * size} theirs\n"
