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
            prefix = path[:n]
            line = self.lines.get(prefix)
            if line is not None:
                return line
            index = prefix[-1]
            run = self.runs.get(prefix[:-1]) if isinstance(index, int) else None
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
