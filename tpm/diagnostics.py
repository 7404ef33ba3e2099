"""Diagnostics: one problem in a plan, located by file, line, item and field.

Every check in tpm returns these instead of printing or raising, so the CLI, the TUI forms
and the JSON output all show the same words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from tpm.sourcemap import Path, SourceMap

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


# ---------------------------------------------------------------- locating

SECTION_NOUN = {
    "teams": "team",
    "milestones": "milestone",
    "risks": "risk",
    "kpis": "KPI",
    "decisions": "decision",
    "baselines": "baseline",
    "mitigations": "mitigation",
    "measurements": "measurement",
}


class Reporter:
    """Builds diagnostics with file, line, item and field filled in from a path."""

    def __init__(self, data: dict[str, Any], file: str, sourcemap: SourceMap) -> None:
        self.data = data
        self.file = file
        self.map = sourcemap
        self.found: list[Diagnostic] = []

    def item_label(self, path: Path) -> str | None:
        """'milestone psp-contract' for ('milestones', 3, ...), or None at top level."""
        if len(path) < 2 or not isinstance(path[1], int):
            return None
        section = str(path[0])
        node: Any = self.data.get(section)
        label = SECTION_NOUN.get(section, section)
        ident = _ident(node, path[1])
        if len(path) >= 4 and path[2] == "mitigations" and isinstance(path[3], int):
            inner = node[path[1]].get("mitigations") if ident is not None else None
            ident = _ident(inner, path[3]) or f"#{path[3] + 1}"
            label = "mitigation"
        return f"{label} {ident}" if ident is not None else f"{label} #{path[1] + 1}"

    def add(
        self,
        severity: str,
        code: str,
        message: str,
        path: Path,
        hint: str | None = None,
    ) -> None:
        item = self.item_label(path)
        fields = [str(p) for p in path if isinstance(p, str)]
        field = fields[-1] if len(fields) > 1 or (fields and item is None) else None
        if path and path[0] in ("program", "calendar", "settings", "status") and not item:
            item = str(path[0])
            field = ".".join(fields[1:]) or None
        self.found.append(
            Diagnostic(
                severity=severity,  # type: ignore[arg-type]
                code=code,
                message=message,
                file=self.file,
                line=self.map.line_of(path),
                item=item,
                field=field,
                hint=hint,
            )
        )

    def where(self, path: Path) -> str:
        """'milestone a, field depends_on: ' style prefix for messages."""
        item = self.item_label(path)
        fields = [str(p) for p in path if isinstance(p, str)][1:]
        if item is None:
            return ".".join(str(p) for p in path) + ": "
        if path[0] == "risks" and len(path) > 2 and path[2] == "mitigations":
            fields = fields[1:]
        return f"{item}" + (f", field {'.'.join(fields)}" if fields else "") + ": "


def _ident(node: Any, index: int) -> str | None:
    if isinstance(node, list) and 0 <= index < len(node) and isinstance(node[index], dict):
        value = node[index].get("id", node[index].get("name"))
        if isinstance(value, str):
            return value
    return None
