"""Load a plan file into a validated Plan, or into diagnostics that say what is wrong.

This is the entry point every command and the TUI use: read (storage), parse (tomllib),
validate (pydantic + cross checks). It never raises for bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tpm.check.diagnostics import Diagnostic, sort_key
from tpm.check.document import check_document
from tpm.plan.model import Plan
from tpm.plan.storage import Source, StorageError, TOMLDecodeError, parse, read_bytes

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_TUPLE = re.compile(r"\((?:'[^']*',? ?)+\)")
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class Loaded:
    """A plan file after loading: the plan (None when it has errors) and what was found."""

    path: Path
    plan: Plan | None
    source: Source | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        """True when the plan loaded without errors (warnings allowed)."""
        return self.plan is not None


def load_plan(path: Path, locate_warnings: bool = True) -> Loaded:
    """Read, parse and validate a plan file; every problem becomes a diagnostic.

    ``locate_warnings`` False leaves warnings without a line when the plan has no errors;
    errors always have theirs. The TUI, which shows only errors, loads this way.
    """
    name = str(path)
    try:
        raw = read_bytes(path)
        source = parse(path, raw)
    except StorageError as exc:
        return Loaded(path, None, None, [Diagnostic("error", "io", str(exc), name, exc.line)])
    except TOMLDecodeError as exc:
        return Loaded(path, None, None, [_syntax(exc, name, raw.count(b"\n") + 1)])
    except RecursionError:
        diag = Diagnostic("error", "toml-syntax", "nesting is too deep to read", name)
        return Loaded(path, None, None, [diag])
    return from_source(source, locate_warnings)


def from_source(source: Source, locate_warnings: bool = True) -> Loaded:
    """Validate an already parsed source (``locate_warnings``: see :func:`load_plan`).

    The source's document is checked once and consumed: its items become models, or for
    invalid items their salvaged stand-ins (see ``check_document``).
    """
    checked = check_document(
        source.data,
        str(source.path),
        lambda: source.locator,
        locate_warnings=locate_warnings,
        consume=True,
    )
    diagnostics = sorted(checked.diagnostics, key=sort_key)
    return Loaded(source.path, checked.plan, source, diagnostics)


# What usually causes tomllib's terser messages, as a hint for the person fixing it.
_HINTS = {
    "Cannot overwrite a value": "a key or table is defined twice",
    "Cannot declare": "a table is defined twice, or a key and a table share a name",
    "Illegal character '\\n'": "a string is not closed on this line",
    "Unclosed array": "an array is missing its closing ]",
    "Unclosed inline table": "an inline table must close on the line it opens",
    "Invalid value": "strings need quotes; dates look like 2026-03-02",
    "Invalid date or datetime": "dates look like 2026-03-02 and must exist",
    "Expected '=' after a key in a key/value pair": "every line is key = value",
}


def _syntax(exc: TOMLDecodeError, name: str, last_line: int) -> Diagnostic:
    text = str(exc)
    match = _AT.search(text)
    line = int(match.group(1)) if match else None
    message = _AT.sub("", text).strip()
    if match:
        message += f" (column {match.group(2)})"
    elif "(at end of document)" in message:
        message = message.replace("(at end of document)", "(at the end of the file)")
        line = last_line
        unclosed = "the file ends inside an unclosed array, string or table"
        return Diagnostic("error", "toml-syntax", message, name, line, hint=unclosed)
    # "Cannot declare ('risks', 'x') twice" -> "Cannot declare [risks.x] twice"
    message = _TUPLE.sub(lambda m: "[" + ".".join(_QUOTED.findall(m.group())) + "]", message)
    hint = next((h for start, h in _HINTS.items() if message.startswith(start)), None)
    return Diagnostic("error", "toml-syntax", message, name, line, hint=hint)
