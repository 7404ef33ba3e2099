"""Diagnostics: one problem in a plan, located by file, line, item and field.

Every check in tpm returns these instead of printing or raising, so the CLI, the TUI forms
and the JSON output all show the same words.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel

from tpm.plan.sourcemap import LineMap, Path

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


def sort_key(d: Diagnostic) -> tuple[str, int, str, bool, str]:
    """File, then line, then code (a "... and N more" count after its kind): print order."""
    return (d.file, d.line or 0, d.code, d.message.startswith("... and "), d.message)


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


_TABLES = ("program", "calendar", "settings", "status")


def show_id(ident: str) -> str:
    """An id as printed in a one-line message: control characters escaped, long ids cut."""
    text = ident if ident.isprintable() and ident else json.dumps(ident, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def format_path(path: Path) -> str:
    """('depends_on', 1, 'id') -> 'depends_on[2].id': keys dotted, array elements from 1."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


# A plan with a million copies of one mistake gets the first hundred listed and a count, so
# the memory and time diagnostics take are bounded whatever the input.
MAX_PER_CODE = 100


class Reporter:
    """Builds diagnostics with file, line, item and field filled in from a path."""

    def __init__(
        self,
        data: dict[str, Any],
        file: str,
        sourcemap: LineMap | Callable[[], LineMap],
        locate_warnings: bool = True,
    ) -> None:
        self.data = data
        self.file = file
        self._map = sourcemap
        self.found: list[Diagnostic] = []
        # Warnings left without a line (``locate_warnings`` False): their index and path, so
        # that :meth:`locate_deferred` can still give them one.
        self._locate_warnings = locate_warnings
        self._deferred: list[tuple[int, Path]] = []
        # Diagnostics beyond MAX_PER_CODE of one code are only counted: (severity, count).
        self._counts: dict[str, int] = {}
        self._dropped: dict[str, tuple[str, int]] = {}
        # The paths of values reported as errors (listed or only counted): cross checks
        # skip what stands in for them, so one bad value gives one error, not a cascade.
        self.refused: set[Path] = set()

    def full(self, code: str) -> bool:
        """Whether diagnostics of ``code`` are no longer listed (callers may skip the work)."""
        return self._counts.get(code, 0) >= MAX_PER_CODE

    def count(self, severity: str, code: str) -> None:
        """Count one more diagnostic of ``code`` without building it (see :meth:`full`)."""
        self._counts[code] = self._counts.get(code, 0) + 1
        worst, n = self._dropped.get(code, (severity, 0))
        self._dropped[code] = ("error" if "error" in (worst, severity) else severity, n + 1)

    def diagnostics(self) -> list[Diagnostic]:
        """The listed diagnostics, then one line per code saying how many more there were."""
        out = list(self.found)
        for code, (severity, n) in self._dropped.items():
            lines = [d.line for d in self.found if d.code == code and d.line is not None]
            out.append(
                Diagnostic(
                    severity=severity,  # type: ignore[arg-type]
                    code=code,
                    message=f"... and {n} more like the above (only the first {MAX_PER_CODE} "
                    "of a kind are listed)",
                    file=self.file,
                    line=max(lines) if lines else None,
                )
            )
        return out

    @property
    def map(self) -> LineMap:
        """The source map, built only when a diagnostic needs a line (most plans are clean)."""
        if callable(self._map):
            self._map = self._map()
        return self._map

    def split(self, path: Path) -> tuple[str | None, Path]:
        """The item a path is in ('milestone a', 'mitigation m1', 'program') and the rest."""
        if len(path) >= 2 and isinstance(path[1], int):
            section = str(path[0])
            node: Any = self.data.get(section)
            label = f"{SECTION_NOUN.get(section, section)} {_ident(node, path[1])}"
            if len(path) >= 4 and path[2] == "mitigations" and isinstance(path[3], int):
                inner = value_of(_element(node, path[1]), "mitigations")
                return f"mitigation {_ident(inner, path[3])}", path[4:]
            return label, path[2:]
        if path and path[0] in _TABLES:
            return str(path[0]), path[1:]
        return None, path

    def item_label(self, path: Path) -> str | None:
        """'milestone psp-contract' for ('milestones', 3, ...), or None at top level."""
        return self.split(path)[0]

    def add(
        self,
        severity: str,
        code: str,
        message: str,
        path: Path,
        hint: str | None = None,
    ) -> None:
        """Record a diagnostic about the value at ``path`` (located through the source map)."""
        if severity == "error":
            self.refused.add(tuple(path))
        if self.full(code):
            self.count(severity, code)
            return
        self._counts[code] = self._counts.get(code, 0) + 1
        item, rest = self.split(path)
        field = ".".join(str(p) for p in rest if isinstance(p, str)) or None
        line = None
        if severity == "error" or self._locate_warnings:
            line = self.map.line_of(path)
        else:
            self._deferred.append((len(self.found), path))
        self.found.append(
            Diagnostic(
                severity=severity,  # type: ignore[arg-type]
                code=code,
                message=message,
                file=self.file,
                line=line,
                item=item,
                field=field,
                hint=hint,
            )
        )

    def locate_deferred(self) -> None:
        """Give the warnings left without a line (see ``locate_warnings``) their lines."""
        for index, path in self._deferred:
            self.found[index] = replace(self.found[index], line=self.map.line_of(path))
        self._deferred = []

    def where(self, path: Path) -> str:
        """'milestone a, field depends_on[2].id: ' style prefix for messages."""
        item, rest = self.split(path)
        if item is None or path[0] in _TABLES:
            return format_path(path) + ": "
        return item + (f", field {format_path(rest)}" if rest else "") + ": "


def value_of(item: Any, key: str) -> Any:
    """The value of ``key`` in an item of the parsed document, or None.

    An item is a table (dict) as parsed, or its model once it validated: the check swaps
    each valid item's table for its model as it goes, so the two never fill memory together.
    """
    if isinstance(item, dict):
        return item.get(key)
    if isinstance(item, BaseModel):
        if key in type(item).__pydantic_fields__:  # (model_fields: a slower property)
            return getattr(item, key)
        return (item.__pydantic_extra__ or {}).get(key)
    return None


def is_table(item: Any) -> bool:
    """Whether an array element is a table (parsed, or already validated into its model)."""
    return isinstance(item, dict | BaseModel)


def _element(node: Any, index: int) -> Any:
    if isinstance(node, list) and 0 <= index < len(node):
        element = node[index]
        if is_table(element):
            return element
    return None


def _ident(node: Any, index: int) -> str:
    """'a' for the item with id a, '#3' for the third item when it has no usable id."""
    item = _element(node, index)
    value = value_of(item, "id")
    if value is None:
        value = value_of(item, "name")
    return show_id(value) if isinstance(value, str) and value else f"#{index + 1}"
