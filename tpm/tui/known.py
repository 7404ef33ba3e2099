"""The ids a form field may name, its completion, and the note shown under a field that
names one the plan does not have.

A team, a dependency or an affected milestone must be one the plan declares; a mistyped one
is an error the plan check would also report, but only after the form's debounced check,
and far from the field. These pure functions let the form complete ids as you type and flag
an unknown one at once, with the closest declared id ("did you mean 'payments'?").

Owners are free text in a plan, so their "declared ids" are the names the plan already uses
(the program owner, team leads, owners of milestones, risks, mitigations and KPIs, who
decided). A name close to one of those is flagged as a likely typo; a new name is only noted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tpm.check.diagnostics import did_you_mean
from tpm.plan.model import Plan

# The source of a field's ids: (form section, field) -> source name.
SOURCES: dict[tuple[str, str], str] = {
    ("milestones", "team"): "teams",
    ("milestones", "owner"): "people",
    ("milestones", "depends_on"): "milestones",
    ("risks", "owner"): "people",
    ("risks", "affects"): "milestones",
    ("mitigations", "owner"): "people",
    ("kpis", "owner"): "people",
    ("decisions", "decided_by"): "people",
    ("decisions", "links"): "items",
}
MULTI = {"depends_on", "affects", "links"}  # comma-separated lists
NOUN = {"teams": "team", "milestones": "milestone", "people": "owner", "items": "id"}
_LINK = re.compile(r"\s*:\s*(FS|SS|FF|SF)\b.*$|\s*:\s*$", re.I)  # a dependency's type and lag


@dataclass(frozen=True)
class Note:
    """What the form says under a field: ``error`` (an unknown declared id), ``warning``
    (probably a typo of a known name) or ``info``."""

    severity: str
    message: str


def known_ids(plan: Plan, source: str, own_id: str = "") -> tuple[str, ...]:
    """The values a field of ``source`` may name, sorted; ``own_id`` (the item being edited)
    is left out of the milestones, since a milestone cannot depend on itself."""
    found: Iterable[str]
    if source == "teams":
        found = (t.id for t in plan.teams)
    elif source == "milestones":
        found = (m.id for m in plan.milestones if m.id != own_id)
    elif source == "people":
        found = _people(plan)
    elif source == "items":
        lists = (plan.milestones, plan.risks, plan.kpis, plan.decisions)
        found = (item.id for items in lists for item in items)
    else:
        found = ()
    return tuple(sorted({f for f in found if f}, key=str.casefold))


def _people(plan: Plan) -> Iterable[str]:
    yield plan.program.owner
    yield from (t.lead for t in plan.teams)
    yield from (m.owner for m in plan.milestones)
    for r in plan.risks:
        yield r.owner
        yield from (m.owner for m in r.mitigations)
    yield from (k.owner for k in plan.kpis)
    yield from (d.decided_by for d in plan.decisions)


def tokens(text: str, multi: bool) -> list[str]:
    """The ids a field's text names: for a list, each comma-separated entry without its
    dependency type and lag (``qa:SS+2`` names ``qa``)."""
    if not multi:
        return [text.strip()] if text.strip() else []
    parts = (_LINK.sub("", p).strip() for p in text.split(","))
    return [p for p in parts if p]


def complete(value: str, ids: Sequence[str], multi: bool) -> str | None:
    """The field's text with its last id completed to the first declared id it begins
    (case-insensitive), or None. An exact id, or a dependency with a type, is not completed."""
    head, _, last = value.rpartition(",") if multi else ("", "", value)
    word = last.lstrip()
    if not word or ":" in word or word in ids:
        return None
    folded = word.casefold()
    for candidate in sorted(ids, key=lambda c: (not c.startswith(word), c.casefold())):
        if candidate.casefold().startswith(folded) and len(candidate) > len(word):
            return value + candidate[len(word) :]
    return None


def matches(value: str, ids: Sequence[str], multi: bool) -> list[str]:
    """Declared ids the last entry of the text could become (all of them when it is empty),
    leaving out the ones a list already names."""
    last = value.rpartition(",")[2] if multi else value
    word = _LINK.sub("", last).strip().casefold()
    named = set(tokens(value, multi)) if multi else set()
    return [i for i in ids if i.casefold().startswith(word) and i not in named]


def note(text: str, source: str, ids: Sequence[str], multi: bool) -> Note | None:
    """The note for a field that names ids the plan does not have, or None."""
    if not ids:  # nothing declared (a plan without teams): any text is fine
        return None
    known = set(ids)
    unknown = [t for t in tokens(text, multi) if t not in known and not _is_url(t)]
    if not unknown:
        return None
    first = unknown[0]
    hint = did_you_mean(first, ids)
    noun = NOUN.get(source, "id")
    if source == "people":
        if hint:
            return Note("warning", f"{first!r} is not named elsewhere in the plan: {hint}")
        return Note("info", f"new {noun}: {first!r} is not named elsewhere in the plan")
    names = ", ".join(repr(u) for u in unknown)
    plural = "s" if len(unknown) > 1 else ""
    severity = "info" if source == "items" else "error"
    return Note(severity, f"unknown {noun}{plural} {names}" + (f": {hint}" if hint else ""))


def _is_url(text: str) -> bool:
    return "://" in text or text.startswith(("www.", "/"))


def field_ids(plan: Plan, section: str, own_id: str = "") -> dict[str, tuple[str, ...]]:
    """For each field of a form that names ids: the ids it may name."""
    return {
        name: known_ids(plan, source, own_id)
        for (form, name), source in SOURCES.items()
        if form == section
    }
