"""Map item paths in a TOML plan back to line numbers, and spot comments.

tomllib gives values but no positions. Diagnostics must name the line, so this module scans
the text once, tracking table headers (``[program]``, ``[[milestones]]``,
``[[risks.mitigations]]``), keys, and the elements of multi-line arrays, while skipping the
insides of strings. It is a scanner for locating, not a parser: the text has already been
parsed by tomllib when it is used.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from array import array
from dataclasses import dataclass, field
from typing import Any, Protocol

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
# A whole value that cannot span lines or hold a comment: no brackets, quotes or '#'.
_SIMPLE_VALUE = re.compile(r"""[^\[{"'#]*""")
# A one-line string value, optionally followed by a comment.
_ONE_STRING = re.compile(r"""\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')\s*(#.*)?""")


def parse_key(line: str, pos: int = 0) -> tuple[list[str], int] | None:
    """Parse a (dotted, possibly quoted) TOML key at ``pos``; return its parts and end."""
    parts: list[str] = []
    n = len(line)
    while True:
        while pos < n and line[pos] in " \t":
            pos += 1
        if pos >= n:
            return None
        if line[pos] == '"':
            match = _BASIC.match(line, pos)
            if not match:
                return None
            parts.append(_unquote(match.group()))
        elif line[pos] == "'":
            match = _LITERAL.match(line, pos)
            if not match:
                return None
            parts.append(match.group()[1:-1])
        else:
            match = _BARE.match(line, pos)
            if not match:
                return None
            parts.append(match.group())
        pos = match.end()
        while pos < n and line[pos] in " \t":
            pos += 1
        if pos < n and line[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _unquote(text: str) -> str:
    """The value of a basic-string key, escapes resolved (falls back to the raw text)."""
    if "\\" not in text:
        return text[1:-1]
    try:
        return next(iter(tomllib.loads(f"{text} = 0")))
    except (tomllib.TOMLDecodeError, StopIteration):
        return text[1:-1]


@dataclass
class SourceMap:
    """Line numbers (1-based) of tables, keys and array elements, plus comment presence.

    Array elements are kept by line, not one by one (``runs``): for each array, the index of
    the first element on each line it spans and that line. A file of millions of elements on
    a few lines then costs a few entries, not a tuple and a dict slot per element.
    """

    lines: dict[Path, int] = field(default_factory=dict)
    has_comments: bool = False
    runs: dict[Path, tuple[array[int], array[int]]] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Return the line of the longest known prefix of ``path`` (None if nothing matches)."""
        for n in range(len(path), 0, -1):
            line = self.exact(path[:n])
            if line is not None:
                return line
        return None

    def exact(self, path: Path) -> int | None:
        """The line of exactly ``path`` (a table, key or array element), or None."""
        line = self.lines.get(path)
        if line is not None:
            return line
        index = path[-1] if path else None
        if not isinstance(index, int):
            return None
        run = self.runs.get(path[:-1])
        if run is not None:
            k = bisect.bisect_right(run[0], index) - 1
            if k >= 0:
                return run[1][k]
        return None

    def element(self, array_path: Path, index: int, line: int) -> None:
        """Record that element ``index`` of the array at ``array_path`` starts on ``line``."""
        run = self.runs.get(array_path)
        if run is None:
            run = self.runs[array_path] = (array("q"), array("q"))
        if not run[1] or run[1][-1] != line:
            run[0].append(index)
            run[1].append(line)


class _Scanner:
    """Walks the text character by character, aware of strings, comments and brackets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.map = SourceMap()
        self.aot_counts: dict[tuple[str | int, ...], int] = {}
        self.table: Path = ()

    def run(self) -> SourceMap:
        lines = self.text.split("\n")
        i = 0
        while i < len(lines):
            i = self._line(lines, i)
        return self.map

    def _line(self, lines: list[str], i: int) -> int:
        line = lines[i]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            if stripped.startswith("#"):
                self.map.has_comments = True
            return i + 1
        if stripped.startswith("["):
            self._header(line, i + 1)
            return i + 1
        parsed = parse_key(line)
        if parsed is None or parsed[1] >= len(line) or line[parsed[1]] != "=":
            return i + 1
        key_parts, end = parsed
        # A dotted key (a.b.c = 1) also defines the tables a and a.b on this line.
        for n in range(1, len(key_parts) + 1):
            self.map.lines.setdefault(self.table + tuple(key_parts[:n]), i + 1)
        path = self.table + tuple(key_parts)
        value = line[end + 1 :]
        if _SIMPLE_VALUE.fullmatch(value):
            return i + 1
        one = _ONE_STRING.fullmatch(value)
        if one and not value.lstrip().startswith(('"""', "'''")):
            if one.group(1):
                self.map.has_comments = True
            return i + 1
        return self._value(lines, i, value, path)

    def _header(self, line: str, lineno: int) -> None:
        start = line.index("[")
        double = line.startswith("[[", start)
        parsed = parse_key(line, start + (2 if double else 1))
        if parsed is None:
            return
        names, end = parsed
        close = "]]" if double else "]"
        if not line.startswith(close, end):
            return
        if "#" in line[end + len(close) :]:
            self.map.has_comments = True
        # Resolve each prefix against the current array-of-tables indices.
        path: list[str | int] = []
        for depth, name in enumerate(names):
            path.append(name)
            last = depth == len(names) - 1
            key = tuple(path)
            if last and double:
                self.map.lines.setdefault(key, lineno)  # the array itself: its first table
                index = self.aot_counts.get(key, -1) + 1
                self.aot_counts[key] = index
                # Keys include the parent's index, so child counters are per parent.
                path.append(index)
            elif key in self.aot_counts:
                path.append(self.aot_counts[key])
        self.table = tuple(path)
        self.map.lines.setdefault(self.table, lineno)

    def _value(self, lines: list[str], i: int, value: str, path: Path) -> int:
        """Consume a value that may span lines; record array elements. Return next line index."""
        stack: list[str] = []
        element = -1
        quote = ""
        row = i
        text = value

        def new_element() -> None:
            nonlocal element
            if len(stack) == 1 and stack[0] == "[":
                element += 1
                self.map.element(path, element, row + 1)

        while True:
            j = 0
            while j < len(text):
                ch = text[j]
                if quote:
                    if len(quote) == 3 and text.startswith(quote, j):
                        quote = ""
                        j += 3
                    elif ch == "\\" and quote[0] == '"':
                        j += 2
                    else:
                        if len(quote) == 1 and ch == quote:
                            quote = ""
                        j += 1
                    continue
                if ch in "\"'":
                    new_element()
                    triple = text[j : j + 3]
                    quote = triple if triple in ('"""', "'''") else ch
                    j += len(quote)
                    continue
                if ch == "#":
                    self.map.has_comments = True
                    break
                if ch in "[{":
                    new_element()
                    stack.append(ch)
                elif ch in "]}":
                    if stack:
                        stack.pop()
                elif not ch.isspace() and ch != "," and (j == 0 or text[j - 1] in "[{, \t"):
                    new_element()
                j += 1
            if not stack and not quote:
                return row + 1
            row += 1
            if row >= len(lines):
                return row
            text = lines[row]


def scan(text: str) -> SourceMap:
    """Build the source map of a TOML document's text."""
    return _Scanner(text).run()


class LineMap(Protocol):
    """Anything that gives the line of a path: a whole :class:`SourceMap` or a :class:`Locator`."""

    def line_of(self, path: Path) -> int | None:
        """The line of the longest known prefix of ``path`` (None if nothing matches)."""
        ...


# A line that may be a table header: "[" first (after indentation).
_BRACKET_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)
# The usual header, [name] or [[name]] with a bare name alone on its line: no key parsing.
_PLAIN_HEADER = re.compile(r"[ \t]*(\[\[?)([A-Za-z0-9_\-]+)(\]\]?)[ \t]*\r?$", re.MULTILINE)


class Locator:
    """The lines of a few paths without scanning the whole text, as :class:`SourceMap` gives.

    A check that finds a handful of problems in a large plan needs a handful of lines: the
    full scan costs a second at 10,000 milestones and more memory than the plan itself when
    every item has a problem. The locator finds the table headers once (a regular expression
    over the text, no per-line Python), and scans only the table that holds a path: the
    ``[[milestones]]`` block of milestone 3, or the top-level keys and ``[program]``-like
    tables for a path such as ``("program", "start")``.

    It falls back to the full scan when a header could be hidden inside a multi-line string
    (the text has ``\"\"\"`` or ``'''``), or when the headers do not match the parsed
    document (more or fewer ``[[milestones]]`` than milestones).
    """

    def __init__(self, text: str, data: dict[str, Any]) -> None:
        self.text = text
        self._sizes = {k: len(v) for k, v in data.items() if isinstance(v, list)}
        self._keys = frozenset(data)
        self._full: SourceMap | None = None
        self._indexed = False
        # Per header, in file order: its line, its first key, whether it is [[key]] itself.
        self._lines: array[int] = array("q")
        self._starts: array[int] = array("q")
        self._first: list[str] = []
        self._item: list[bool] = []
        self._items: dict[str, list[int]] = {}  # key -> positions of its [[key]] headers
        self._blocks: dict[int, tuple[SourceMap, int]] = {}

    def line_of(self, path: Path) -> int | None:
        """The line of the longest known prefix of ``path`` (the same as the full scan's)."""
        if not path:
            return None
        if not self._indexed:
            self._index()
        if self._full is not None:
            return self._full.line_of(path)
        key = path[0]
        headers = self._items.get(key) if isinstance(key, str) else None
        if headers:
            if len(path) == 1:
                return self._lines[headers[0]]
            index = path[1]
            if not isinstance(index, int) or not 0 <= index < len(headers):
                return self._lines[headers[0]]
            maps = [self._block(headers[index], index)]
        else:
            maps = [self._block(-1, 0)]
            maps += [self._block(h, 0) for h, first in enumerate(self._first) if first == key]
        for n in range(len(path), 0, -1):
            for found, offset in maps:
                line = found.exact(path[:n])
                if line is not None:
                    return line + offset
        return None

    def _index(self) -> None:
        self._indexed = True
        text = self.text
        if '"""' in text or "'''" in text:
            self._full = scan(text)
            return
        line, pos = 1, 0
        names_seen: dict[str, str] = {}  # one string per section name, not one per header
        for match in _BRACKET_LINE.finditer(text):
            start = match.start()
            line += text.count("\n", pos, start)
            pos = start
            plain = _PLAIN_HEADER.match(text, start)
            if plain and len(plain.group(1)) == len(plain.group(3)):
                first, double, single = plain.group(2), len(plain.group(1)) == 2, True
            else:
                end = text.find("\n", start)
                header = _header_of(text[start : len(text) if end < 0 else end])
                if header is None:
                    continue
                first, double, single = header[0][0], header[1], len(header[0]) == 1
            if first not in self._keys:
                continue
            first = names_seen.setdefault(first, first)
            item = double and single
            if item:
                self._items.setdefault(first, []).append(len(self._first))
            self._lines.append(line)
            self._starts.append(start)
            self._first.append(first)
            self._item.append(item)
        for key, headers in self._items.items():
            if self._sizes.get(key) != len(headers):
                self._full = scan(text)  # a header the parser did not see as one
                return

    def _block(self, header: int, index: int) -> tuple[SourceMap, int]:
        """The source map of one block and the line offset of its first line.

        ``header`` -1 is the text before the first header (top-level keys); ``index`` is the
        item number of an ``[[key]]`` header, so its sub-tables resolve to that item.
        """
        cached = self._blocks.get(header)
        if cached is not None:
            return cached
        start = 0 if header < 0 else self._starts[header]
        first = 1 if header < 0 else self._lines[header]
        end = len(self.text)
        for h in range(header + 1, len(self._first)):
            if header < 0 or self._item[h] or self._first[h] != self._first[header]:
                end = self._starts[h]
                break
        scanner = _Scanner(self.text[start:end])
        if header >= 0 and self._item[header]:
            scanner.aot_counts[(self._first[header],)] = index - 1
        found = scanner.run(), first - 1
        self._blocks[header] = found
        return found


def _header_of(line: str) -> tuple[list[str], bool] | None:
    """The key parts of a ``[a.b]`` or ``[[a.b]]`` header line and whether it is doubled."""
    start = line.index("[")
    double = line.startswith("[[", start)
    parsed = parse_key(line, start + (2 if double else 1))
    if parsed is None:
        return None
    names, end = parsed
    close = "]]" if double else "]"
    if not line.startswith(close, end):
        return None
    rest = line[end + len(close) :].strip()
    if rest and not rest.startswith("#"):
        return None
    return names, double
