"""The pieces of the layout map (``tpm.plan.blocks``): item ids, key lines and blocks, and
the line scanner that reads the key lines of a block.

Like the source map this locates, it does not parse: the text must already be valid TOML
(tomllib read it).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from tpm.plan.sourcemap import parse_key
from tpm.plan.tomlscan import line_end, value_extent


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


class LayoutError(Exception):
    """The text could not be mapped (it should have been valid TOML)."""


def header(line: str, pos: int, next_line: int) -> Block:
    """The block of the header ``line``, which starts at ``pos`` (its path is set later)."""
    start = line.index("[")
    double = line.startswith("[[", start)
    parsed = parse_key(line, start + (2 if double else 1))
    if parsed is None:
        raise LayoutError(f"cannot read the table header {line.strip()!r}")
    return Block(tuple(parsed[0]), double, (), pos, next_line, next_line)


def key_line(text: str, pos: int, line: str) -> KeyLine:
    """The key line ``line`` starting at ``pos``, its value followed to its end."""
    parsed = parse_key(line)
    if parsed is None or parsed[1] >= len(line) or line[parsed[1]] != "=":
        raise LayoutError(f"cannot read the line {line[:40]!r}")
    parts, eq = parsed
    value_start = pos + eq + 1
    while value_start < len(text) and text[value_start] in " \t":
        value_start += 1
    value_end, inner = value_extent(text, value_start)
    return KeyLine(tuple(parts), pos, value_start, value_end, line_end(text, value_end), inner)


def scan_keys(text: str, pos: int, limit: int) -> tuple[list[KeyLine], int]:
    """The key lines between ``pos`` and ``limit``, and the end of the last one."""
    keys: list[KeyLine] = []
    last = pos
    while pos < limit:
        eol = text.find("\n", pos)
        next_line = len(text) if eol < 0 else eol + 1
        line = text[pos : len(text) if eol < 0 else eol]
        stripped = line.lstrip(" \t")
        if not stripped or stripped[0] in "#\r":
            pos = next_line
            continue
        key = key_line(text, pos, line)
        keys.append(key)
        pos = last = key.end
    return keys, last


def string_value(text: str, line: KeyLine) -> str | None:
    """The value of a key line when it is a string (an id written with escapes), else None."""
    raw = text[line.value_start : line.value_end]
    if not raw.startswith(('"', "'")):
        return None
    try:
        value = tomllib.loads("v = " + raw)["v"]
    except tomllib.TOMLDecodeError:
        return None
    return value if isinstance(value, str) else None
