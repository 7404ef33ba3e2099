"""Where each table, item and key of a plan sits in its text, by offset.

Field-level saves and merges (``tpm.plan.patches``, ``tpm.plan.merge``) change one value, one
key line or one item's block and must leave every other byte alone, so they need spans, not
just the line numbers ``tpm.plan.sourcemap`` keeps. This module maps the text into blocks
(the root region and every ``[table]`` / ``[[array]]`` header up to the next one) with their
key lines, found when asked for, and names each block by a path in which an
array-of-tables entry is its id:
``("milestones", ItemId("id", "api"))``, ``("risks", ItemId("id", "r1"), "mitigations", ...)``.

Like the source map it is a scanner for locating, not a parser: the text must already be
valid TOML (tomllib read it).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from typing import Any

from tpm.plan.blocklines import (
    Block,
    ItemId,
    KeyLine,
    LayoutError,
    Path,
    Segment,
    header,
    id_key,
    key_line,
    scan_keys,
    string_value,
)
from tpm.plan.tomlscan import multiline_strings

__all__ = [
    "Block",
    "ItemId",
    "KeyLine",
    "Layout",
    "LayoutError",
    "Path",
    "Segment",
    "id_key",
    "scan_layout",
    "value_of",
]


_UNKNOWN: Any = object()


class Layout:
    """All blocks of a text, in order.

    A text is mapped lazily: up front only its multi-line strings are found (a search for
    triple quotes), since a line inside one may look like a header or an id line. An item is
    found by searching for its quoted id, and a block's header and the next one with
    ``str.rfind`` and a regular expression, skipping those strings; each header used is checked
    to be a plain ``[name]`` or ``[[name]]`` line, which cannot be anything else outside a
    string (an array nested in a multi-line array starts with a value, never a bare name). So
    a one-field save of a 10,000-milestone plan reads a handful of lines around the item, not
    the file. When a lookup meets a line it cannot vouch for, it answers from ``blocks``, the
    full list, built on first use.
    """

    def __init__(
        self,
        text: str,
        blocks: list[Block] | None,
        padded: str | None = None,
        strings: list[tuple[int, int]] | None = None,
    ) -> None:
        self.text = text
        self._blocks = blocks
        self._padded = padded  # lazy: the text with a newline at each end
        self._strings = strings or []  # lazy: (start, end) of each multi-line string
        self._string_starts = [start for start, _ in self._strings]
        self._index: dict[Path, int] | None = None
        self._at: dict[int, Block | None] = {}  # lazy blocks by header start
        self._found: dict[Path, Any] = {}

    @property
    def blocks(self) -> list[Block]:
        """Every block, the root region first."""
        if self._blocks is None:
            assert self._padded is not None
            padded = self._padded
            found = (m.start() for m in _BRACKET_LINE.finditer(padded))
            starts = [s for s in found if not self._in_string(s)]
            lazy = [self._block_at(s) for s in starts]
            if any(b is None for b in lazy):
                # A quoted header name, or an array nested in a multi-line array on its own line.
                self._blocks = _full_scan(self.text).blocks
                self._index = None
                return self._blocks
            blocks = [self.root()] + [b for b in lazy if b is not None]
            ids: dict[int, str] = {}
            for m in _ID_LINE.finditer(padded):
                if self._in_string(m.start()):
                    continue
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
            limit = self._next_header(-1)
            if limit < len(self.text) and self._block_at(limit) is None:
                return self.blocks[0]
            self._at[-1] = Block((), False, (), 0, 0, limit)
        found = self._at[-1]
        assert found is not None
        return found

    def keys(self, block: Block) -> list[KeyLine]:
        """The key lines of a block (scanned once)."""
        if block.scanned is None:
            block.scanned, block.last = scan_keys(self.text, block.header_end, block.limit)
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
                return self._lazy_span(path, found)
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

    def _lazy_span(self, path: Path, found: tuple[int, Block] | None) -> tuple[int, int] | None:
        if not found:
            return None
        block = last = found[1]
        while last.limit < len(self.text):
            after = self._block_at(last.limit)
            assert after is not None  # a block's limit is checked when the block is made
            if after.names[0] != path[0] or len(after.names) < 2:
                break
            last = after
        return block.start, self.end(last)

    def _in_string(self, line: int) -> tuple[int, int] | None:
        """The multi-line string the line starting at offset ``line`` is inside, or None."""
        i = bisect.bisect_right(self._string_starts, line) - 1
        if i >= 0 and line < self._strings[i][1]:
            return self._strings[i]
        return None

    def _next_header(self, pos: int) -> int:
        """Start of the first line after offset ``pos`` that starts with a bracket, outside
        multi-line strings (or the text's end)."""
        assert self._padded is not None
        m = _BRACKET_LINE.search(self._padded, pos + 1)
        while m and (inside := self._in_string(m.start())):
            m = _BRACKET_LINE.search(self._padded, inside[1])
        return m.start() if m else len(self.text)

    def _header_before(self, line: int) -> int:
        """Start of the last unindented bracket line before offset ``line``, outside multi-line
        strings, or -1."""
        assert self._padded is not None
        start = self._padded.rfind("\n[", 0, line + 1)
        while start >= 0 and (inside := self._in_string(start)):
            start = self._padded.rfind("\n[", 0, inside[0] + 1)
        return start

    def _block_at(self, start: int) -> Block | None:
        """The block of the header line starting at ``start``, or None when that line or the
        next bracket line is not a plain header. Its path is filled in by the lookup."""
        if start in self._at:
            return self._at[start]
        assert self._padded is not None
        padded = self._padded
        m = _PLAIN_HEADER.match(padded, start)
        found = None
        if m is not None:
            limit = self._next_header(start)
            if limit == len(self.text) or _PLAIN_HEADER.match(padded, limit):
                array = m.group(1) is not None
                names = tuple(part.strip() for part in (m.group(1) or m.group(2)).split("."))
                eol = min(m.end(), len(self.text))
                found = Block(names, array, names, start, eol, limit)
        self._at[start] = found
        return found

    def _find(self, path: Path) -> Any:
        """(header start, block), None when surely absent, or _UNKNOWN to look eagerly."""
        if path not in self._found:
            self._found[path] = self._locate(path)
        return self._found[path]

    def _locate(self, path: Path) -> Any:
        if len(path) == 2 and isinstance(path[0], str) and isinstance(path[1], ItemId):
            return self._locate_item(path[0], path[1])
        if len(path) == 3 and isinstance(path[1], ItemId) and isinstance(path[2], str):
            item = self._find(path[:2])
            if not item or item is _UNKNOWN:
                return item
            start = item[1].limit
            while start < len(self.text):
                block = self._block_at(start)
                if block is None:
                    return _UNKNOWN
                if block.names[0] != path[0] or len(block.names) < 2:
                    return None
                if block.names == (path[0], path[2]) and not block.array:
                    block.path = path
                    return start, block
                start = block.limit
            return None
        return _UNKNOWN

    def _locate_item(self, section: str, ident: ItemId) -> Any:
        """The ``[[section]]`` block whose id line says ``ident``, found by searching for the
        quoted id (it appears in a few lines: its own and those that refer to it)."""
        value = ident.value
        # A snapshot is named by its date (not a quoted string): look for it eagerly.
        if not isinstance(value, str) or ident.key == "#" or not value:
            return _UNKNOWN
        if _ESCAPED.search(value):  # written with escapes, in more than one way
            return _UNKNOWN
        padded = self._padded
        assert padded is not None
        lines: set[int] = set()
        for quoted in (f'"{value}"', f"'{value}'"):
            at = padded.find(quoted)
            while at >= 0:
                lines.add(padded.rfind("\n", 0, at))
                at = padded.find(quoted, at + len(quoted))
        pattern = re.compile(
            rf"\n[ \t]*{ident.key}[ \t]*=[ \t]*(?:\"{re.escape(value)}\"|'{re.escape(value)}')"
            r"[ \t]*(?:#[^\n]*)?\r?\n"
        )
        for line in sorted(lines):
            if pattern.match(padded, line) is None or self._in_string(line):
                continue
            start = self._header_before(line)
            if start < 0:
                if self._next_header(-1) < line:
                    return _UNKNOWN  # an indented header before it
                continue  # in the root region
            block = self._block_at(start)
            if block is None or block.limit < line:
                return _UNKNOWN  # a line it cannot vouch for, or an indented header between
            key = self.key(block, ident.key)
            if block.names == (section,) and block.array and key and key.start == line:
                block.path = (section, ident)
                return start, block
        return _UNKNOWN  # absent, or its id written with escapes ("\\u0061"): the full list says


# Names of a header line tpm reads without the key parser: bare and dotted. The first cannot
# be read as a value (a number, date, boolean, inf or nan), so such a line is never an array
# nested in a multi-line array.
_NAMES = (
    r"(?!(?:true|false|inf|nan)(?![A-Za-z0-9_-]))[A-Za-z_][A-Za-z0-9_-]*"
    r"(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*"
)
_PLAIN_HEADER = re.compile(
    rf"\n[ \t]*(?:\[\[[ \t]*({_NAMES})[ \t]*\]\]|\[[ \t]*({_NAMES})[ \t]*\])"
    r"[ \t]*(?:#[^\n]*)?\r?(?=\n)"
)
_BRACKET_LINE = re.compile(r"\n[ \t]*\[")
# Characters a TOML string holds only as escapes (or, for quotes, in the other kind of string).
_ESCAPED = re.compile("[\\x00-\\x1f\\x7f\\\\\"']")
_ID_LINE = re.compile(r'\n[ \t]*(id|name)[ \t]*=[ \t]*"([^"\\\n]*)"')


def scan_layout(text: str) -> Layout:
    """Map a valid TOML text into blocks (found, and their key lines scanned, when asked for)."""
    # The patterns start at a newline (fast to find); the padded text gives every line one.
    # A match at a newline of the padded text is at the offset of the next line in the text.
    return Layout(text, None, "".join(("\n", text, "\n")), multiline_strings(text))


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
            blocks.append(header(line, pos, line_end))
            pos = line_end
        elif not stripped or stripped[0] in "#\r":
            pos = line_end
        else:
            pos = key_line(text, pos, line).end
    blocks[-1].limit = n
    layout = Layout(text, blocks)
    _resolve_paths(layout, {})
    return layout


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
                        ident = string_value(layout.text, line) if line is not None else None
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


def value_of(layout: Layout, line: KeyLine) -> Any:
    """The parsed value of one key line (for checks and conflict reports)."""
    raw = layout.text[line.value_start : line.value_end]
    return tomllib.loads("v = " + raw)["v"]
