"""Where a TOML value, string or line ends in a text, found without parsing it.

The layout map (``tpm.plan.blocks``) and the patches (``tpm.plan.patches``) work on spans of
the file's text. They need to step over one value (a multi-line array, a string holding a
bracket or a ``#``) and to know which lines are inside multi-line strings, where a line may
look like a header or a key. The text must already be valid TOML (tomllib read it).
"""

from __future__ import annotations

import re


def line_end(text: str, pos: int) -> int:
    """Just after the newline that ends the line containing ``pos`` (comments included)."""
    eol = text.find("\n", pos)
    return len(text) if eol < 0 else eol + 1


_BASIC_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _string_end(text: str, i: int) -> int:
    """Just after the string that starts at ``i``."""
    if text.startswith('"""', i):
        start = i + 3
        while (end := text.find('"""', start)) >= 0:
            run = end  # the backslashes just before: an odd run escapes the first quote
            while run > i + 3 and text[run - 1] == "\\":
                run -= 1
            if (end - run) % 2 == 0:
                return _after_quotes(text, end + 3, '"')
            start = end + 1
        return len(text)
    if text.startswith("'''", i):
        end = text.find("'''", i + 3)
        if end < 0:
            return len(text)
        return _after_quotes(text, end + 3, "'")
    if text[i] == '"':
        m = _BASIC_STRING.match(text, i)
        return m.end() if m else len(text)
    end = text.find("'", i + 1)
    return len(text) if end < 0 else end + 1


def _after_quotes(text: str, end: int, quote: str) -> int:
    """Up to two quotes after the closing three belong to the string."""
    extra = 0
    while extra < 2 and text.startswith(quote, end + extra):
        extra += 1
    return end + extra


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


# Code on one line up to a point: anything but quotes, comments and newlines, or whole
# one-line strings. A triple quote it reaches is outside strings and comments: it opens one.
_CODE = re.compile(r"""(?:[^"'#\n]|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')*""")


def multiline_strings(text: str) -> list[tuple[int, int]]:
    """(start, end) of each multi-line string, in order.

    Triple quotes are found with ``str.find``; one opens a string when the code before it on
    its line (from the end of the previous multi-line string, when that is on the same line)
    holds no comment or unclosed one-line string; the string ends where ``_string_end`` says.
    Triple quotes inside strings and comments are skipped. A text without them costs one
    search (two when it has a ``'''``).
    """
    out: list[tuple[int, int]] = []
    both = "'" in text and "'''" in text
    ahead = {'"""': text.find('"""'), "'''": text.find("'''") if both else -1}
    base = 0  # the end of the last multi-line string: code starts there
    pos = 0
    while True:
        if both:
            for mark, at in ahead.items():
                if 0 <= at < pos:
                    ahead[mark] = text.find(mark, pos)
            found = [at for at in ahead.values() if at >= 0]
            at = min(found) if found else -1
        else:
            at = text.find('"""', pos) if pos else ahead['"""']
        if at < 0:
            return out
        code = max(text.rfind("\n", 0, at) + 1, base)
        before = text[code:at]  # usually "notes = ": no string or comment to step over
        if '"' in before or "'" in before or "#" in before:
            m = _CODE.match(text, code, at)
            if m is None or m.end() != at:
                pos = at + 1  # inside a one-line string or a comment
                continue
        end = _string_end(text, at)
        out.append((at, end))
        base = pos = end
