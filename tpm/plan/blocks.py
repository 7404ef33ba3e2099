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


@dataclass
class Layout:
    """All blocks of a text, in order."""

    text: str
    blocks: list[Block]
    _index: dict[Path, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, b in enumerate(self.blocks):
            self._index.setdefault(b.path, i)

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
        i = self._index.get(path)
        return None if i is None else self.blocks[i]

    def item_span(self, path: Path) -> tuple[int, int] | None:
        """Start and end of an item's block plus its sub-blocks (a risk's mitigations)."""
        first = self._index.get(path)
        if first is None:
            return None
        last = first
        n = len(path)
        while last + 1 < len(self.blocks) and self.blocks[last + 1].path[:n] == path:
            last += 1
        return self.blocks[first].start, self.end(self.blocks[last])


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
    headers = list(_HEADER.finditer(padded))
    if sum(1 for _ in _BRACKET_LINE.finditer(padded)) != len(headers):
        return _full_scan(text)  # a quoted header name, or a nested array on its own line
    # Positions in padded text: a header match starts at the newline before its line.
    blocks = [Block((), False, (), 0, 0, headers[0].start() if headers else len(text))]
    for n, m in enumerate(headers):
        if len(m.group(1)) != len(m.group(3)):
            return _full_scan(text)
        names = tuple(part.strip() for part in m.group(2).split("."))
        limit = headers[n + 1].start() if n + 1 < len(headers) else len(text)
        eol = min(m.end(), len(text))  # m.end() is at the newline ending the header line
        blocks.append(Block(names, m.group(1) == "[[", (), m.start(), eol, limit))
    layout = Layout(text, blocks)
    starts = [b.start for b in blocks]
    ids: dict[int, str] = {}
    for m in _ID_LINE.finditer(padded):
        i = bisect.bisect_right(starts, m.start()) - 1
        block = blocks[i]
        if i > 0 and block.array and id_key(block.names) == m.group(1):
            ids.setdefault(i, m.group(2))
    _resolve_paths(layout, ids)
    return layout


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
    for i, block in enumerate(layout.blocks[1:], start=1):
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
    layout._index.clear()
    layout.__post_init__()


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
