"""Load a plan file into a validated Plan, or into diagnostics that say what is wrong.

This is the entry point every command and the TUI use: read (storage), parse (tomllib),
validate (pydantic + cross checks). It never raises for bad input.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tpm.diagnostics import Diagnostic, sort_key
from tpm.model import Plan
from tpm.storage import Source, StorageError, parse, read_bytes
from tpm.validate import check_document

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


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


def load_plan(path: Path) -> Loaded:
    """Read, parse and validate a plan file; every problem becomes a diagnostic."""
    name = str(path)
    try:
        raw = read_bytes(path)
        source = parse(path, raw)
    except StorageError as exc:
        return Loaded(path, None, None, [Diagnostic("error", "io", str(exc), name)])
    except tomllib.TOMLDecodeError as exc:
        return Loaded(path, None, None, [_syntax(exc, name)])
    except RecursionError:
        diag = Diagnostic("error", "toml-syntax", "nesting is too deep to read", name)
        return Loaded(path, None, None, [diag])
    return from_source(source)


def from_source(source: Source) -> Loaded:
    """Validate an already parsed source."""
    checked = check_document(source.data, str(source.path), source.sourcemap)
    diagnostics = sorted(checked.diagnostics, key=sort_key)
    return Loaded(source.path, checked.plan, source, diagnostics)


def _syntax(exc: tomllib.TOMLDecodeError, name: str) -> Diagnostic:
    text = str(exc)
    match = _AT.search(text)
    line = int(match.group(1)) if match else None
    message = _AT.sub("", text).strip()
    if match:
        message += f" (column {match.group(2)})"
    return Diagnostic("error", "toml-syntax", message, name, line)
