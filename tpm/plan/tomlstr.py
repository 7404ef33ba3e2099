"""TOML strings and keys, written exactly as tomli-w writes them.

The canonical layout (:mod:`tpm.plan.storage`) writes values one by one, so it needs tomli-w's
string and key formatting without a whole document around them. tomli-w exposes those only in
its private ``_writer`` module; this is the same small algorithm on tpm's side, checked
against ``tomli_w.dumps`` by a property test (tests/unit/plan/test_tomlstr.py).
"""

from __future__ import annotations

_CONTROL = frozenset(chr(i) for i in range(32)) | {chr(127)}
_ESCAPED = (frozenset('"\\') | _CONTROL) - {"\t"}
_BARE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_SHORT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def format_string(text: str, *, allow_multiline: bool) -> str:
    """A TOML basic string; multi-line (``\"\"\"``) when allowed and ``text`` has a newline."""
    multiline = allow_multiline and "\n" in text
    if multiline:
        text = text.replace("\r\n", "\n")
    out = ['"""\n' if multiline else '"']
    start = 0
    for pos, char in enumerate(text):
        if char not in _ESCAPED:
            continue
        out.append(text[start:pos])
        if multiline and char == "\n":
            out.append("\n")
        else:
            out.append(_SHORT.get(char) or f"\\u{ord(char):04x}")
        start = pos + 1
    out.append(text[start:])
    out.append('"""' if multiline else '"')
    return "".join(out)


def format_key_part(part: str) -> str:
    """A key: bare when it can be, else a quoted basic string."""
    if part and _BARE.issuperset(part):
        return part
    return format_string(part, allow_multiline=False)
