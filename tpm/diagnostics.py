"""Diagnostics: one problem in a plan, located by file, line, item and field.

Every check in tpm returns these instead of printing or raising, so the CLI, the TUI forms
and the JSON output all show the same words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a plan."""

    severity: Severity
    code: str
    message: str
    file: str = ""
    line: int | None = None
    item: str | None = None
    field: str | None = None
    hint: str | None = None

    def render(self) -> str:
        """The one-line form: ``PLAN:LINE: error[code]: message (hint)``."""
        where = self.file or "<plan>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by ``tpm check --json``."""
        return asdict(self)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean ...?' hint for a misspelt id or key, or None."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean {close[0]!r}?" if close else None


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Only the errors."""
    return [d for d in diagnostics if d.severity == "error"]


def sort_key(d: Diagnostic) -> tuple[str, int, str, str]:
    """File, then line, then code: the order diagnostics are printed in."""
    return (d.file, d.line or 0, d.code, d.message)
