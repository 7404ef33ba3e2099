"""Map item paths in a TOML plan back to line numbers, and spot comments.

tomllib gives values but no positions. Diagnostics must name the line, so this module scans
the text once, tracking table headers (``[program]``, ``[[milestones]]``,
``[[risks.mitigations]]``), keys, and the elements of multi-line arrays, while skipping the
insides of strings. It is a scanner for locating, not a parser: the text has already been
parsed by tomllib when it is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_KEY = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(\.|=)""")
_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


@dataclass
class SourceMap:
    """Line numbers (1-based) of tables, keys and array elements, plus comment presence."""

    lines: dict[Path, int] = field(default_factory=dict)
    has_comments: bool = False

    def line_of(self, path: Path) -> int | None:
        """Return the line of the longest known prefix of ``path`` (None if nothing matches)."""
        for n in range(len(path), 0, -1):
            line = self.lines.get(path[:n])
            if line is not None:
                return line
        return None


def _split_dotted(name: str) -> list[str]:
    return [part.strip().strip("\"'") for part in name.split(".")]


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
        match = _KEY.match(line)
        if not match:
            return i + 1
        key_path = self._key_path(line)
        path = self.table + tuple(key_path)
        self.map.lines.setdefault(path, i + 1)
        value = line.split("=", 1)[1] if "=" in line else ""
        return self._value(lines, i, value, path)

    def _key_path(self, line: str) -> list[str]:
        head = line.split("=", 1)[0]
        return _split_dotted(head.strip())

    def _header(self, line: str, lineno: int) -> None:
        match = _HEADER.match(line)
        if not match:
            return
        names = _split_dotted(match.group(2))
        if "#" in line[match.end() :]:
            self.map.has_comments = True
        # Resolve each prefix against the current array-of-tables indices.
        path: list[str | int] = []
        for depth, name in enumerate(names):
            path.append(name)
            last = depth == len(names) - 1
            key = tuple(path)
            if last and match.group(1) == "[[":
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
                self.map.lines.setdefault(path + (element,), row + 1)

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
