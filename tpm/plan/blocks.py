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

import bisect
import re
import tomllib
from dataclasses import dataclass
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
    """The key that identifies entries of an array of tables: ``name`` for baselines,
    ``date`` for snapshots (never patched in place: they are named by position)."""
    if section == ("snapshots",):
        return "date"
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
    """A header line and the key lines under it (the root region has no header).

    Key lines are scanned on first use (:meth:`Layout.keys`): a save touches a few blocks of
    thousands.
    """

    names: tuple[str, ...]  # the header's dotted names, () for the root region
    array: bool
    path: Path
    start: int  # start of the header line (0 for the root region)
    header_end: int  # just after the header line
    limit: int  # where the next header starts (or the text's end)
    scanned: list[KeyLine] | None = None
    last: int = 0  # just after the last key line (or the header), once scanned


_UNKNOWN: Any = object()


class Layout:
    """All blocks of a text, in order.

    A text without multi-line strings is mapped lazily: only the header positions are found
    up front (one regular expression), and an item is located by searching for its id line,
    so a one-field save of a 10,000-milestone plan parses a handful of headers, not all.
    ``blocks`` builds the full list on first use.
    """

    def __init__(
        self, text: str, blocks: list[Block] | None, lazy: tuple[str, list[int]] | None = None
    ) -> None:
        self.text = text
        self._blocks = blocks
        self._lazy = lazy  # (the text padded with a newline at each end, header starts)
        self._index: dict[Path, int] | None = None
        self._at: dict[int, Block] = {}

    @property
    def blocks(self) -> list[Block]:
        """Every block, the root region first."""
        if self._blocks is None:
            assert self._lazy is not None
            padded, starts = self._lazy
            root = self.root()
            blocks = [root] + [self._block_at(i) for i in range(len(starts))]
            ids: dict[int, str] = {}
            for m in _ID_LINE.finditer(padded):
                i = bisect.bisect_right(starts, m.start())
                block = blocks[i]
                if i > 0 and block.array and id_key(block.names) == m.group(1):
                    ids.setdefault(i, m.group(2))
            self._blocks = blocks
            _resolve_paths(self, ids)
        return self._blocks

    def _indexed(self) -> dict[Path, int]:
        if self._index is None:
            blocks = self.blocks  # built first: building resets the index
            index: dict[Path, int] = {}
            for i, b in enumerate(blocks):
                index.setdefault(b.path, i)
            self._index = index
        return self._index

    def root(self) -> Block:
        """The region before the first header."""
        if self._blocks is not None:
            return self._blocks[0]
        if -1 not in self._at:
            assert self._lazy is not None
            starts = self._lazy[1]
            self._at[-1] = Block((), False, (), 0, 0, starts[0] if starts else len(self.text))
        return self._at[-1]

    def keys(self, block: Block) -> list[KeyLine]:
        """The key lines of a block (scanned once)."""
        if block.scanned is None:
            block.scanned, block.last = _scan_keys(self.text, block.header_end, block.limit)
            block.last = max(block.last, block.header_end)
        return block.scanned

    def key(self, block: Block, name: str) -> KeyLine | None:
        """The key line defining ``name`` directly (not dotted) in ``block``, or None."""
        for line in self.keys(block):
            if line.key == (name,):
                return line
        return None

    def end(self, block: Block) -> int:
        """Just after the block's last key line: trailing blank lines and comments excluded."""
        self.keys(block)
        return block.last

    def block(self, path: Path) -> Block | None:
        """The block whose header names exactly ``path``, or None."""
        if not path:
            return self.root()
        if self._blocks is None:
            found = self._find(path)
            if found is not _UNKNOWN:
                return found[1] if found else None
        i = self._indexed().get(path)
        return None if i is None else self.blocks[i]

    def item_span(self, path: Path) -> tuple[int, int] | None:
        """Start and end of an item's block plus its sub-blocks (a risk's mitigations)."""
        if self._blocks is None:
            found = self._find(path)
            if found is not _UNKNOWN:
                if not found:
                    return None
                i, block = found
                last = block
                j = i + 1
                while j < len(self._lazy[1]) if self._lazy else False:
                    names = self._block_at(j).names
                    if names[0] != path[0] or len(names) < 2:
                        break
                    last = self._block_at(j)
                    j += 1
                return block.start, self.end(last)
        first = self._indexed().get(path)
        if first is None:
            return None
        last_i = first
        n = len(path)
        blocks = self.blocks
        while last_i + 1 < len(blocks) and blocks[last_i + 1].path[:n] == path:
            last_i += 1
        return blocks[first].start, self.end(blocks[last_i])

    def has_under(self, path: Path) -> bool:
        """True when some block's path starts with ``path`` (e.g. [[kpis.measurements]])."""
        n = len(path)
        return any(b.path[:n] == path for b in self.blocks)

    # ---------------------------------------------------------- the lazy lookups

    def _block_at(self, i: int) -> Block:
        """The block of the i-th header (its path is filled in by the lookup)."""
        found = self._at.get(i)
        if found is None:
            assert self._lazy is not None
            padded, starts = self._lazy
            m = _HEADER.match(padded, starts[i])
            assert m is not None  # every bracket line matched when the layout was made
            names = tuple(part.strip() for part in m.group(2).split("."))
            limit = starts[i + 1] if i + 1 < len(starts) else len(self.text)
            eol = min(m.end(), len(self.text))
            found = Block(names, m.group(1) == "[[", names, starts[i], eol, limit)
            self._at[i] = found
        return found

    def _find(self, path: Path) -> Any:
        """(header index, block), None when surely absent, or _UNKNOWN to look eagerly."""
        assert self._lazy is not None
        padded, starts = self._lazy
        if len(path) == 2 and isinstance(path[0], str) and isinstance(path[1], ItemId):
            ident = path[1]
            # A snapshot is named by its date (not a quoted string): look for it eagerly.
            if not isinstance(ident.value, str):
                return _UNKNOWN
            if ident.key == "#" or any(ch in ident.value for ch in "\\\"'\n"):
                return _UNKNOWN
            value = re.escape(ident.value)
            pattern = re.compile(
                rf"\n[ \t]*{ident.key}[ \t]*=[ \t]*(?:\"{value}\"|'{value}')[ \t]*(?:#[^\n]*)?\r?\n"
            )
            for m in pattern.finditer(padded):
                i = bisect.bisect_right(starts, m.start()) - 1
                if i < 0:
                    continue
                block = self._block_at(i)
                line = self.key(block, ident.key)
                if block.names == (path[0],) and block.array and line and line.start == m.start():
                    block.path = path
                    return i, block
            return None
        if len(path) == 3 and isinstance(path[1], ItemId) and isinstance(path[2], str):
            item = self._find(path[:2])
            if not item or item is _UNKNOWN:
                return item
            j = item[0] + 1
            while j < len(starts):
                block = self._block_at(j)
                if block.names[0] != path[0] or len(block.names) < 2:
                    return None
                if block.names == (path[0], path[2]) and not block.array:
                    block.path = path
                    return j, block
                j += 1
            return None
        return _UNKNOWN


class LayoutError(Exception):
    """The text could not be mapped (it should have been valid TOML)."""


# A header line tpm can read without the key parser: bare dotted names, optional comment.
_HEADER = re.compile(
    r"\n[ \t]*(\[\[?)[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*(\]\]?)"
    r"[ \t]*(?:#[^\n]*)?\r?(?=\n)"
)
_BRACKET_LINE = re.compile(r"\n[ \t]*\[")
_ID_LINE = re.compile(r'\n[ \t]*(id|name)[ \t]*=[ \t]*"([^"\\\n]*)"')


def scan_layout(text: str) -> Layout:
    """Scan a valid TOML text into blocks (key lines are scanned when asked for)."""
    if '"""' in text or "'''" in text:
        return _full_scan(text)
    # The patterns start at a newline (fast to find); the padded text gives every line one.
    padded = "\n" + text + "\n"
    starts = [m.start() for m in _BRACKET_LINE.finditer(padded)]
    match = _HEADER.match
    for start in starts:
        m = match(padded, start)
        if m is None or len(m.group(1)) != len(m.group(3)):
            return _full_scan(text)  # a quoted header name, or a nested array on its own line
    # A header match starts at the newline before its line: its index in padded is the
    # line's offset in text.
    return Layout(text, None, (padded, starts))


def _full_scan(text: str) -> Layout:
    """Line by line, skipping the insides of multi-line values, to find the real headers."""
    blocks = [Block((), False, (), 0, 0, len(text))]
    pos = 0
    n = len(text)
    while pos < n:
        eol = text.find("\n", pos)
        line_end = n if eol < 0 else eol + 1
        line = text[pos : n if eol < 0 else eol]
        stripped = line.lstrip(" \t")
        if stripped.startswith("["):
            blocks[-1].limit = pos
            blocks.append(_header(line, pos, line_end))
            pos = line_end
        elif not stripped or stripped[0] in "#\r":
            pos = line_end
        else:
            pos = _key_line(text, pos, line).end
    blocks[-1].limit = n
    layout = Layout(text, blocks)
    _resolve_paths(layout, {})
    return layout


def _header(line: str, pos: int, line_end: int) -> Block:
    start = line.index("[")
    double = line.startswith("[[", start)
    parsed = parse_key(line, start + (2 if double else 1))
    if parsed is None:
        raise LayoutError(f"cannot read the table header {line.strip()!r}")
    return Block(tuple(parsed[0]), double, (), pos, line_end, line_end)


def _key_line(text: str, pos: int, line: str) -> KeyLine:
    parsed = parse_key(line)
    if parsed is None or parsed[1] >= len(line) or line[parsed[1]] != "=":
        raise LayoutError(f"cannot read the line {line[:40]!r}")
    parts, eq = parsed
    value_start = pos + eq + 1
    while value_start < len(text) and text[value_start] in " \t":
        value_start += 1
    value_end, inner = value_extent(text, value_start)
    return KeyLine(tuple(parts), pos, value_start, value_end, _line_end(text, value_end), inner)


def _scan_keys(text: str, pos: int, limit: int) -> tuple[list[KeyLine], int]:
    """The key lines between ``pos`` and ``limit``, and the end of the last one."""
    keys: list[KeyLine] = []
    last = pos
    while pos < limit:
        eol = text.find("\n", pos)
        line_end = len(text) if eol < 0 else eol + 1
        line = text[pos : len(text) if eol < 0 else eol]
        stripped = line.lstrip(" \t")
        if not stripped or stripped[0] in "#\r":
            pos = line_end
            continue
        key = _key_line(text, pos, line)
        keys.append(key)
        pos = last = key.end
    return keys, last


def _resolve_paths(layout: Layout, ids: dict[int, str]) -> None:
    """Name each block by its path, array entries by their ids."""
    arrays: dict[tuple[str, ...], Path] = {}  # header names -> path of the latest entry
    counts: dict[Path, int] = {}
    assert layout._blocks is not None
    for i, block in enumerate(layout._blocks[1:], start=1):
        path: list[Segment] = []
        for depth, name in enumerate(block.names):
            prefix = block.names[: depth + 1]
            if depth == len(block.names) - 1:
                path.append(name)
                if block.array:
                    ident = ids.get(i)
                    key = id_key(prefix)
                    if ident is None:
                        line = layout.key(block, key)
                        ident = _string_value(layout.text, line) if line is not None else None
                    if ident is None:  # named by position: such entries are never patched
                        count = counts.get(tuple(path), -1) + 1
                        counts[tuple(path)] = count
                        path.append(ItemId("#", str(count)))
                    else:
                        path.append(ItemId(key, ident))
                    arrays[prefix] = tuple(path)
            elif prefix in arrays:
                path = list(arrays[prefix])
            else:
                path.append(name)
        block.path = tuple(path)
    layout._index = None


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


_BASIC_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_ML_BASIC_END = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2})', re.S)


def _string_end(text: str, i: int) -> int:
    """Just after the string that starts at ``i``."""
    if text.startswith('"""', i):
        m = _ML_BASIC_END.match(text, i + 3)
        return m.end() if m else len(text)
    if text.startswith("'''", i):
        end = text.find("'''", i + 3)
        if end < 0:
            return len(text)
        end += 3
        extra = 0  # up to two quotes before the closing ones belong to the string
        while extra < 2 and text.startswith("'", end + extra):
            extra += 1
        return end + extra
    if text[i] == '"':
        m = _BASIC_STRING.match(text, i)
        return m.end() if m else len(text)
    end = text.find("'", i + 1)
    return len(text) if end < 0 else end + 1


def value_extent(text: str, pos: int) -> tuple[int, bool]:
    """End offset of the TOML value starting at ``pos``, and whether a comment is inside it."""
    n = len(text)
    depth = 0
    inner = False
    i = pos
    while i < n:
        ch = text[i]
        if ch in "\"'":
            i = _string_end(text, i)
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
