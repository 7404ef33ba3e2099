"""What each edit form shows, and the conversion between form text and plan data.

A form field holds text. Converting it back gives the value TOML would hold (numbers,
dates, arrays, tables); text that does not convert is passed on unchanged so that the
plan validation (the same as ``tpm check``) reports it in its own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel

from tpm.plan.model import (
    DecisionStatus,
    Direction,
    MilestoneStatus,
    MitigationStatus,
    RiskResponse,
    RiskStatus,
)

MISSING = object()


@dataclass(frozen=True)
class FieldSpec:
    """One form field: the plan key, how its text converts, and the choices of a select."""

    name: str
    kind: str = "text"  # text, number, date, choice, ids, deps, estimate
    choices: tuple[str, ...] = ()
    hint: str = ""


def _choice(name: str, literal: object, optional: bool = False) -> FieldSpec:
    values = tuple(get_args(literal))
    return FieldSpec(name, "choice", (("",) if optional else ()) + values)


FORMS: dict[str, tuple[FieldSpec, ...]] = {
    "milestones": (
        FieldSpec("id"),
        FieldSpec("title"),
        FieldSpec("team"),
        FieldSpec("owner"),
        FieldSpec("duration", "number", hint="working days; 0 = event"),
        FieldSpec("depends_on", "deps", hint="ids, comma-separated; id:SS+2 for type and lag"),
        _choice("status", MilestoneStatus),
        FieldSpec("percent_complete", "number"),
        FieldSpec("actual_start", "date", hint="YYYY-MM-DD"),
        FieldSpec("actual_finish", "date", hint="YYYY-MM-DD"),
        FieldSpec("due", "date", hint="YYYY-MM-DD"),
        FieldSpec("estimate", "estimate", hint="optimistic/likely/pessimistic, e.g. 3/5/12"),
        FieldSpec("blocked_reason"),
        FieldSpec("blocked_since", "date", hint="YYYY-MM-DD"),
        FieldSpec("notes"),
    ),
    "risks": (
        FieldSpec("id"),
        FieldSpec("title"),
        FieldSpec("description"),
        FieldSpec("category"),
        FieldSpec("owner"),
        FieldSpec("probability", "number", hint="1..5"),
        FieldSpec("impact", "number", hint="1..5"),
        _choice("status", RiskStatus),
        _choice("response", RiskResponse, optional=True),
        FieldSpec("trigger"),
        FieldSpec("affects", "ids", hint="milestone ids, comma-separated"),
        FieldSpec("schedule_impact", "number", hint="working days of slip"),
        FieldSpec("proximity", "date"),
        FieldSpec("raised", "date"),
        FieldSpec("last_reviewed", "date"),
        FieldSpec("residual_probability", "number"),
        FieldSpec("residual_impact", "number"),
        FieldSpec("follow_up"),
    ),
    "mitigations": (
        FieldSpec("id"),
        FieldSpec("action"),
        FieldSpec("owner"),
        FieldSpec("due", "date"),
        _choice("status", MitigationStatus),
        FieldSpec("done_on", "date"),
    ),
    "kpis": (
        FieldSpec("id"),
        FieldSpec("name"),
        FieldSpec("unit"),
        FieldSpec("owner"),
        _choice("direction", Direction),
        FieldSpec("target", "number"),
        FieldSpec("amber", "number", hint="threshold between amber and red"),
        FieldSpec("baseline", "number"),
        FieldSpec("cadence_days", "number"),
    ),
    "measurements": (
        FieldSpec("date", "date"),
        FieldSpec("value", "number"),
        FieldSpec("note"),
    ),
    "decisions": (
        FieldSpec("id"),
        FieldSpec("date", "date"),
        FieldSpec("title"),
        FieldSpec("decided_by"),
        FieldSpec("rationale"),
        FieldSpec("links", "ids"),
        _choice("status", DecisionStatus),
        FieldSpec("needed_by", "date"),
    ),
}

# Fields a new item starts with (the required ones get a visible stand-in).
NEW_ITEM: dict[str, dict[str, object]] = {
    "milestones": {"id": "", "title": "", "duration": 1, "status": "planned"},
    "risks": {"id": "", "title": "", "probability": 3, "impact": 3, "status": "open"},
    "mitigations": {"id": "", "status": "todo"},
    "kpis": {"id": "", "name": "", "target": 0},
    "measurements": {"value": 0},
    "decisions": {"id": "", "status": "decided"},
}

_DEP = re.compile(r"^\s*([^:\s]+)\s*(?::\s*(FS|SS|FF|SF)\s*([+-]\s*[0-9.]+)?)?\s*$", re.I)


def to_text(value: object, spec: FieldSpec) -> str:
    """The text a form field shows for a stored value."""
    if value is None:
        return ""
    if spec.kind == "deps" and isinstance(value, list):
        return ", ".join(_dep_text(_as_dict(d) if not isinstance(d, str) else d) for d in value)
    if spec.kind == "ids" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if spec.kind == "estimate":
        e = _as_dict(value)
        return f"{e['optimistic']}/{e['likely']}/{e['pessimistic']}"
    return str(value)


def _as_dict(value: object) -> dict[str, object]:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {}


def _dep_text(d: dict[str, object] | str) -> str:
    if isinstance(d, str):
        return d
    lag = d.get("lag") or 0
    if d.get("type", "FS") == "FS" and not lag:
        return str(d["id"])
    shown = f"{lag:+g}" if isinstance(lag, int | float) and lag else ""
    return f"{d['id']}:{d.get('type', 'FS')}{shown}"


def from_text(text: str, spec: FieldSpec) -> object:
    """The stored value for a field's text; MISSING when the field is empty."""
    text = text.strip()
    if not text:
        return [] if spec.kind in ("deps", "ids") else MISSING
    if spec.kind == "number":
        return _number(text)
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if spec.kind == "ids":
        return [p.strip() for p in text.split(",") if p.strip()]
    if spec.kind == "deps":
        return [_dep(p) for p in text.split(",") if p.strip()]
    if spec.kind == "estimate":
        parts = [p.strip() for p in text.split("/")]
        if len(parts) != 3:
            return text
        keys = ("optimistic", "likely", "pessimistic")
        return dict(zip(keys, (_number(p) for p in parts), strict=True))
    return text


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value


def _dep(text: str) -> str | dict[str, object]:
    match = _DEP.match(text)
    if not match:
        return text.strip()
    ident, kind, lag = match.groups()
    if not kind:
        return ident
    out: dict[str, object] = {"id": ident, "type": kind.upper()}
    if lag:
        out["lag"] = _number(lag.replace(" ", ""))
    return out


def item_texts(item: BaseModel | Mapping[str, object], section: str) -> dict[str, str]:
    """Every form field's text for an existing item (or a NEW_ITEM dict)."""
    data: Mapping[str, object] = dict(item) if isinstance(item, BaseModel) else item
    return {spec.name: to_text(data.get(spec.name), spec) for spec in FORMS[section]}


def item_data(
    texts: dict[str, str], section: str, original: BaseModel | Mapping[str, object] | None
) -> dict[str, object]:
    """The TOML-shaped item for the form's texts; keys the form does not show are kept."""
    out: dict[str, object] = {}
    if isinstance(original, BaseModel):
        shown = {s.name for s in FORMS[section]}
        for key, value in original.model_dump(exclude_defaults=True).items():
            if key not in shown:
                out[key] = value
    for spec in FORMS[section]:
        value = from_text(texts.get(spec.name, ""), spec)
        if value is not MISSING and not (value == [] and spec.kind in ("deps", "ids")):
            out[spec.name] = value
    return out
