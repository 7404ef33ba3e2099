"""Where each table, item and key of a plan sits in its text, by offset.

Field-level saves and merges (``tpm.plan.patches``, ``tpm.plan.merge``) change one value, one
key line or one item's block and must leave every other byte alone, so they need spans, not
just the line numbers ``tpm.plan.sourcemap`` keeps. This module scans the text once into
blocks (the root region and every ``[table]`` / ``[[array]]`` header up to the next one) with
their key lines, and names each block by a path in which an array-of-tables entry is its id:
``("milestones", ItemId("id", "api"))``, ``("risks", ItemId("id", "r1"), "mitigations", ...)``.

Like the source map it is a scanner for locating, not a parser: the text must already be
valid TOML (tomllib read it).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from tpm.plan.sourcemap import parse_key


@dataclass(frozen=True, order=True)
class ItemId:
    """An array-of-tables entry named by its identifying key (``id``, or ``name``)."""

    key: str
    value: str

    def __str__(self) -> str:
        return self.value


Segment = str | ItemId
Path = tuple[Segment, ...]


def id_key(section: tuple[str, ...]) -> str:
    """The key that identifies entries of an array of tables: ``name`` for baselines."""
    return "name" if section == ("baselines",) else "id"


@dataclass
class KeyLine:
    """One ``key = value`` in a block, with offsets into the text."""

    key: tuple[str, ...]
    start: int  # start of the line
    value_start: int
    value_end: int  # just after the value's last character
    end: int  # just after the newline that ends the value's last line (or the text's end)
    inner_comment: bool  # a comment inside a multi-line value

    @property
    def dotted(self) -> bool:
        """True for ``a.b = 1``: a layout tpm does not write."""
        return len(self.key) > 1


@dataclass
class Block:
    """A header line and the key lines under it (the root region has no header)."""

    names: tuple[str, ...]  # the header's dotted names, () for the root region
    array: bool
    path: Path
    start: int  # start of the header line (0 for the root region)
    header_end: int  # just after the header line
    end: int  # just after the last key line (or the header): trailing blanks/comments excluded
    keys: list[KeyLine] = field(default_factory=list)

    def key(self, name: str) -> KeyLine | None:
        """The key line defining ``name`` directly (not dotted), or None."""
        for line in self.keys:
            if line.key == (name,):
                return line
        return None


@dataclass
class Layout:
    """All blocks of a text, in order."""

    text: str
    blocks: list[Block]

    def block(self, path: Path) -> Block | None:
        """The block whose header names exactly ``path``, or None."""
        for b in self.blocks:
            if b.path == path:
                return b
        return None

    def item_span(self, path: Path) -> tuple[int, int] | None:
        """Start and end of an item's block plus its sub-blocks (a risk's mitigations)."""
        first = None
        for i, b in enumerate(self.blocks):
            if b.path == path:
                first = i
                break
        if first is None:
            return None
        last = first
        n = len(path)
        while last + 1 < len(self.blocks) and self.blocks[last + 1].path[:n] == path:
            last += 1
        return self.blocks[first].start, self.blocks[last].end


class LayoutError(Exception):
    """The text could not be mapped (it should have been valid TOML)."""


def scan_layout(text: str) -> Layout:
    """Scan a valid TOML text into blocks with key spans."""
    return _Scan(text).run()


class _Scan:
    def __init__(self, text: str) -> None:
        self.text = text
        self.blocks: list[Block] = [Block((), False, (), 0, 0, 0)]
        # Per array path (with parent ids), how many entries were seen.
        self.counts: dict[Path, int] = {}

    def run(self) -> Layout:
        text = self.text
        pos = 0
        n = len(text)
        while pos < n:
            eol = text.find("\n", pos)
            line_end = n if eol < 0 else eol + 1
            line = text[pos : n if eol < 0 else eol]
            stripped = line.lstrip(" \t")
            if not stripped or stripped[0] in "#\r":
                pos = line_end
                continue
            if stripped[0] == "[":
                self._header(line, pos, line_end)
                pos = line_end
                continue
            parsed = parse_key(line)
            if parsed is None or parsed[1] >= len(line) or line[parsed[1]] != "=":
                raise LayoutError(f"cannot read the line at offset {pos}: {line[:40]!r}")
            parts, eq = parsed
            value_start = pos + eq + 1
            while value_start < n and text[value_start] in " \t":
                value_start += 1
            value_end, inner = value_extent(text, value_start)
            end = _line_end(text, value_end)
            key = KeyLine(tuple(parts), pos, value_start, value_end, end, inner)
            block = self.blocks[-1]
            block.keys.append(key)
            block.end = end
            pos = end
        self._resolve_ids()
        return Layout(text, self.blocks)

    def _header(self, line: str, pos: int, line_end: int) -> None:
        start = line.index("[")
        double = line.startswith("[[", start)
        parsed = parse_key(line, start + (2 if double else 1))
        if parsed is None:
            raise LayoutError(f"cannot read the table header {line.strip()!r}")
        names, _ = parsed
        block = Block(tuple(names), double, (), pos, line_end, line_end)
        self.blocks.append(block)

    def _resolve_ids(self) -> None:
        """Name each array entry by its id, read from its own key line."""
        arrays: dict[tuple[str, ...], Path] = {}  # header names -> path of the latest entry
        for block in self.blocks[1:]:
            path: list[Segment] = []
            for depth, name in enumerate(block.names):
                prefix = block.names[: depth + 1]
                if depth == len(block.names) - 1:
                    path.append(name)
                    if block.array:
                        path.append(self._ident(block, prefix, tuple(path)))
                        arrays[prefix] = tuple(path)
                elif prefix in arrays:
                    path = list(arrays[prefix])
                else:
                    path.append(name)
            block.path = tuple(path)

    def _ident(self, block: Block, names: tuple[str, ...], array: Path) -> ItemId:
        key = id_key(names)
        line = block.key(key)
        ident = _string_value(self.text, line) if line is not None else None
        if ident is not None:
            return ItemId(key, ident)
        # No readable id: the entry is named by its position (such entries are never patched).
        count = self.counts.get(array, -1) + 1
        self.counts[array] = count
        return ItemId("#", str(count))


def _string_value(text: str, line: KeyLine) -> str | None:
    raw = text[line.value_start : line.value_end]
    if not raw.startswith(('"', "'")):
        return None
    try:
        value = tomllib.loads("v = " + raw)["v"]
    except tomllib.TOMLDecodeError:
        return None
    return value if isinstance(value, str) else None


def _line_end(text: str, pos: int) -> int:
    """Just after the newline that ends the line containing ``pos`` (comments included)."""
    eol = text.find("\n", pos)
    return len(text) if eol < 0 else eol + 1


def value_extent(text: str, pos: int) -> tuple[int, bool]:
    """End offset of the TOML value starting at ``pos``, and whether a comment is inside it."""
    n = len(text)
    depth = 0
    inner = False
    i = pos
    while i < n:
        ch = text[i]
        if ch in "\"'":
            triple = text.startswith(ch * 3, i)
            quote = ch * 3 if triple else ch
            i += len(quote)
            while i < n:
                if ch == '"' and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(quote, i):
                    i += len(quote)
                    # A multi-line string may end with up to two more quotes.
                    while triple and i < n and text[i] == ch:
                        i += 1
                    break
                i += 1
            if depth == 0:
                return i, inner
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i + 1, inner
        elif ch == "#":
            if depth == 0:
                break
            inner = True
            eol = text.find("\n", i)
            i = n if eol < 0 else eol
            continue
        elif depth == 0 and ch in " \t\r\n":
            break
        i += 1
    # A bare value (number, date, bool): up to whitespace, a comment or the line's end.
    end = i
    while end > pos and text[end - 1] in " \t\r":
        end -= 1
    return end, inner


def value_of(layout: Layout, line: KeyLine) -> Any:
    """The parsed value of one key line (for checks and conflict reports)."""
    raw = layout.text[line.value_start : line.value_end]
    return tomllib.loads("v = " + raw)["v"]
