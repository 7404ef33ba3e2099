"""Markdown escaping for every string that comes from a plan.

Titles, owners, notes and ids are written by people and end up inside GitHub-flavoured
Markdown tables and prose. A ``|`` would split a table cell, a backtick would open a code
span, ``<script>`` would become raw HTML and ``[x](javascript:...)`` a link. These helpers
make any string inert: what the reader sees is exactly what the plan says, on one line.

Rules (shared by every Markdown renderer):

- Line breaks of every kind (``\\r``, ``\\n``, ``\\u2028``, ...) and tabs become one space;
  other control characters are dropped; the result is stripped. A cell or a bullet never
  spans two lines.
- ASCII punctuation that Markdown gives meaning to inline is backslash-escaped:
  ``\\ ` * [ ] < | ~ $``. The rest is escaped only where it would mean something, so
  that a team called "QA & Release" reads the same in the raw file: ``&`` only when it starts
  an entity (``&amp;`` shows as typed), ``!`` only before ``[`` (an image), ``>`` only at the
  start (a quote). ``$`` is escaped so that GitHub shows ``$x$`` as typed rather than as math.
- C1 controls, zero-width characters and bidi marks, embeddings, overrides and isolates are
  dropped (they hide or reorder text), and ``#42`` / ``GH-42`` get an invisible
  ``&#8203;`` after the ``#`` / ``-`` so that GitHub does not link an issue.
- ``_`` is escaped unless it sits between two letters or digits (``api_v2`` stays readable;
  CommonMark cannot open or close emphasis there).
- A leading ``#``, ``+``, ``-``, ``=`` or ``1.`` / ``1)`` (heading, list, setext or thematic
  break markers) is escaped, so the text is safe at the start of a line too.

Bare URLs stay text (GitHub may still show ``https://...`` as a plain autolink, which is
harmless); ``<...>`` autolinks and ``[...](...)`` links cannot form.
"""

from __future__ import annotations

import re

# Line breaks Markdown or a reader would treat as new lines, plus tab.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]+")
# Remaining C0 controls, DEL and C1 controls: invisible, and NUL is replaced by U+FFFD in
# CommonMark. Also dropped: zero-width characters (which hide or split words) and bidi
# marks, embeddings, overrides and isolates (which reorder what the reader sees).
_CONTROLS = re.compile(
    r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Punctuation escaped everywhere, and "_" unless a letter or digit sits on both sides of it.
# "$" is escaped because GitHub renders $...$ as math; "&", "!" and ">" only where they
# would start an entity, an image or (leading) a quote.
_ALWAYS = re.compile(r"[\\`*\[\]<|~$]|&(?=#?\w+;)|!(?=\[)")
# GitHub links "#42" (and "owner/repo#42", "GH-42") to an issue or pull request; a
# zero-width space entity after "#" keeps the text and breaks the link (as Renovate does).
_ISSUE_REF = re.compile(r"((?<!&)#|\bGH-)(?=\d)", re.IGNORECASE)
_UNDERSCORE = re.compile(r"_(?:(?<![^\W_]_)|(?![^\W_]))")
_LEADING = re.compile(r"^([#+\-=>])|^(\d{1,9})([.)])")


def _one_line(text: str) -> str:
    if text.isprintable() and "  " not in text and not _CONTROLS.search(text):
        return text.strip()  # the common case: nothing to collapse or drop
    text = _BREAKS.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return re.sub(r" {2,}", " ", text).strip()


def _escape_inline(text: str) -> str:
    if _ALWAYS.search(text):
        text = _ALWAYS.sub(r"\\\g<0>", text)
    if "#" in text or "-" in text:
        text = _ISSUE_REF.sub(r"\g<1>&#8203;", text)
    # Escaping only ever puts a backslash next to punctuation, so whether a "_" has a letter
    # or digit on both sides is the same before and after the line above.
    return _UNDERSCORE.sub(r"\\_", text) if "_" in text else text


def _escape_leading(text: str) -> str:
    match = _LEADING.match(text)
    if match is None:
        return text
    if match.group(1):
        return "\\" + text
    digits, mark = match.group(2), match.group(3)
    return digits + "\\" + mark + text[match.end() :]


def md_text(text: str) -> str:
    """Escape a plan string for Markdown prose (a paragraph, bullet, heading or cell).

    The result is one line that renders as exactly the characters of ``text`` (whitespace
    collapsed): no emphasis, code, links, HTML, headings or list markers can form.
    """
    return _escape_leading(_escape_inline(_one_line(text)))


def md_cell(text: str) -> str:
    """Escape a plan string for one cell of a GFM table.

    Like :func:`md_text` (``|`` becomes ``\\|``, newlines become spaces), so a row keeps its
    number of cells whatever the plan says. An empty string stays empty.
    """
    return md_text(text)


def md_cells(values: list[str]) -> str:
    """One GFM table row from already escaped cell texts: ``| a | b |``."""
    return "| " + " | ".join(values) + " |"


# ---------------------------------------------------------------- terminals

# What a terminal would act on rather than show: C0 controls except tab, newline and the
# carriage return of a CRLF; DEL; C1 controls (U+0080-U+009F, e.g. CSI U+009B); and the bidi
# embeddings, overrides and isolates that reorder what is shown.
_TERMINAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def terminal_safe(text: str) -> str:
    """Text for a terminal: every control character becomes a visible ``\\uXXXX`` escape.

    Tab, newline and CRLF stay. The escape is JSON's own, so a JSON document stays valid and
    decodes to the same strings; in plain text it shows what the plan holds (``\\u001b``
    where an ESC was) instead of letting it clear the screen or retitle the window.
    """
    if _TERMINAL.search(text) is None:
        return text
    return _TERMINAL.sub(_escaped, text)
