"""Turn a parsed TOML document into a Plan, reporting every problem in one run.

Pydantic validates shapes and types; this module maps its errors back to lines and into
words a person can act on, then hands the plan to the cross-item checks
(``tpm.check.references``) that pydantic cannot do.

When some items are invalid the others are still checked: invalid items are salvaged (bad
fields dropped or stood in for) into a partial plan, so one typo does not hide the next
problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from tpm.check.diagnostics import Diagnostic, Reporter, did_you_mean
from tpm.check.references import LISTS, cross_checks, unknown_keys
from tpm.plan.model import Plan
from tpm.plan.sourcemap import LineMap, Path


@dataclass(frozen=True)
class Checked:
    """The result of checking a document: a plan when there are no errors, and diagnostics."""

    plan: Plan | None
    diagnostics: list[Diagnostic]


def check_document(
    data: dict[str, Any],
    file: str,
    sourcemap: LineMap | Callable[[], LineMap],
    *,
    locate_warnings: bool = True,
    consume: bool = False,
    unknown: bool = True,
) -> Checked:
    """Validate a parsed document fully; return the plan only if there are no errors.

    Valid items' tables in ``data`` are swapped for their models (see
    :func:`_validate_items`). ``consume`` True lets invalid items' tables go too, for their
    salvaged models: the least memory, but ``data`` must then not be checked again (the
    stand-ins would pass). ``locate_warnings`` False leaves warnings without a line when
    there are no errors. ``unknown`` False skips the walk for unknown keys (warnings only, so
    the plan returned is the same): for callers that never show warnings.
    """
    rep = Reporter(data, file, sourcemap, locate_warnings)
    deep = _too_deep(data)
    if deep is not None:
        msg = f"values are nested more than {MAX_DEPTH} levels deep; tpm cannot save that"
        rep.add("error", "invalid-value", rep.where(deep) + msg, deep)
        return Checked(None, rep.diagnostics())
    data = _dedupe_links(rep, data)
    top_errors = _validate_top(rep, data)
    items, kept, all_valid = _validate_items(rep, data, consume)
    plan: Plan | None
    if not top_errors and all_valid:
        plan = Plan.model_validate(data)
        kept = {}
    else:
        plan = _partial_plan(data, top_errors, items)
    if plan is not None:
        cross_checks(rep, plan, kept, data)
    if unknown:
        unknown_keys(rep, data)
    if any(d.severity == "error" for d in rep.found):
        rep.locate_deferred()
    found = rep.diagnostics()
    has_errors = any(d.severity == "error" for d in found)
    return Checked(None if has_errors else plan, found)


def _validate_top(rep: Reporter, data: dict[str, Any]) -> list[Any]:
    """Validate everything but the items of the lists; report and return the errors.

    The items are validated one at a time afterwards (:func:`_validate_items`), so a plan of
    many invalid items never holds all their errors at once. The top level goes first so
    that its errors are listed even when the items' fill the quota of a kind.
    """
    top = {k: [] if k in LISTS and type(v) is list else v for k, v in data.items()}
    try:
        Plan.model_validate(top)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        _report_pydantic(rep, errors, empty=not data)
        return errors
    return []


def _dedupe_links(rep: Reporter, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with repeated plain ids in each ``depends_on`` dropped, before validation.

    One warning per repeated id says how often it was listed; validating (and keeping in
    memory) millions of copies of one dependency is what made memory grow with repetition
    rather than with the plan. Returns a shallow copy when something was dropped.
    """
    milestones = data.get("milestones")
    if not isinstance(milestones, list):
        return data
    copied: list[Any] | None = None
    for i, m in enumerate(milestones):
        deps = m.get("depends_on") if isinstance(m, dict) else None
        if not isinstance(deps, list) or len(deps) < 2:
            continue
        seen: dict[str, int] = {}
        repeats: dict[str, int] = {}
        kept = []
        for j, dep in enumerate(deps):
            if isinstance(dep, str):
                if dep in seen:
                    repeats[dep] = repeats.get(dep, 0) + 1
                    continue
                seen[dep] = j
            kept.append(dep)
        if len(kept) > len(milestones):
            # More distinct links than milestones: some must be unknown. Validating them all
            # would cost memory in proportion to the list; the first ones say enough.
            path: Path = ("milestones", i, "depends_on")
            rep.add(
                "error",
                "unknown-reference",
                rep.where(path) + f"lists {len(kept)} different milestones but the plan has "
                f"only {len(milestones)}; only the first {len(milestones)} are checked",
                path,
                "remove the links to milestones that do not exist",
            )
            kept = kept[: len(milestones)]
        elif not repeats:
            continue
        for dep, n in repeats.items():
            at: Path = ("milestones", i, "depends_on", seen[dep])
            times = "twice" if n == 1 else f"{n + 1} times"
            rep.add(
                "warning",
                "duplicate-dependency",
                rep.where(at) + f"{dep!r} is listed {times}",
                at,
            )
        if copied is None:
            copied = list(milestones)
        copied[i] = {**m, "depends_on": kept}
    return data if copied is None else {**data, "milestones": copied}


def _validate_items(
    rep: Reporter, data: dict[str, Any], consume: bool
) -> tuple[dict[str, list[Any]], dict[str, list[int]], bool]:
    """Validate the items of the document's lists one at a time.

    Returns, per list, the models a plan can be built from (valid items, and invalid ones
    salvaged: see :func:`_salvage`) with their indices in the file, and whether every item
    was valid. Each invalid item's errors are reported as it is met and then dropped, so
    memory holds one item's errors, not the document's.

    Each valid item's table is swapped for its model in place: the parsed tables and the
    models together were the peak of a large load. With ``consume``, so is an invalid item
    whose salvage only stood in for scalar fields other than its id; any other invalid item
    stays a table in the document (the cross checks read its raw id and nested tables from
    there). Readers of the document use ``diagnostics.value_of``, which reads both.
    """
    fields = Plan.model_fields
    shared: dict[frozenset[str], set[str]] = {}
    models: dict[str, list[Any]] = {}
    kept: dict[str, list[int]] = {}
    all_valid = True
    for name in LISTS:
        items = data.get(name)
        if type(items) is not list:
            continue
        model = fields[name].annotation.__args__[0]  # type: ignore[union-attr]
        validate = model.model_validate
        good: list[Any] = []
        idx: list[int] = []
        for i, item in enumerate(items):
            try:
                made = validate(item)
            except ValidationError as exc:
                all_valid = False
                made, swap = _salvaged(rep, name, i, item, exc.errors(include_url=False), validate)
                if made is None:
                    continue
                swap = swap and consume
            else:
                swap = True
            if swap and type(item) is dict:
                items[i] = made
            if made is not item:  # a model passed in had its fields shared when it was made
                _share_fields_set(made, shared)
            good.append(made)
            idx.append(i)
        models[name], kept[name] = good, idx
    return models, kept, all_valid


def _salvaged(
    rep: Reporter,
    section: str,
    index: int,
    item: Any,
    errors: list[Any],
    validate: Callable[[Any], BaseModel],
) -> tuple[BaseModel | None, bool]:
    """Report an invalid item's errors; return its salvaged model (None when it has none)
    and whether that model may stand for the item in the document too: true when only
    top-level fields other than the item's id or name were replaced, so every reader of
    the document (ids, labels, nested tables, unknown keys) sees what the file says."""
    for err in errors:
        err["loc"] = (section, index, *err["loc"])
    _report_pydantic(rep, errors, empty=False)
    bad = [_clean_path(err["loc"])[2:] for err in errors]
    fixed = _salvage(section, item, bad)
    if fixed is None:
        return None, False
    try:
        made = validate(fixed)
    except ValidationError:
        return None, False
    return made, all(len(loc) == 1 and loc[0] not in ("id", "name") for loc in bad)


def _share_fields_set(model: BaseModel, shared: dict[frozenset[str], set[str]]) -> None:
    """Let items that set the same fields share one ``__pydantic_fields_set__``.

    Pydantic gives every model its own set of the field names it was given (216 bytes, a
    third of a plain milestone with its dependency). tpm never reads it (nothing dumps with
    ``exclude_unset``), and a copy (``model_copy``) gets its own set again.
    """
    own = model.__pydantic_fields_set__
    one = shared.setdefault(frozenset(own), own)
    if one is not own:
        object.__setattr__(model, "__pydantic_fields_set__", one)
    for value in model.__dict__.values():
        if type(value) is list and value and isinstance(value[0], BaseModel):
            for child in value:
                _share_fields_set(child, shared)


MAX_DEPTH = 50


def _too_deep(data: dict[str, Any]) -> Path | None:
    """The path to the first value nested deeper than MAX_DEPTH, or None (no recursion)."""
    if not _deeper_than(data, MAX_DEPTH):
        return None
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if len(path) > MAX_DEPTH:
            return path[: 3 if isinstance(path[1], int) else 2]
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            if isinstance(child, dict | list):
                stack.append(((*path, key), child))
    return None


def _deeper_than(data: dict[str, Any], limit: int) -> bool:
    """Whether any value is nested more than ``limit`` levels: the fast yes/no of _too_deep.

    Keeps only depths, not paths, and compares exact types (the parser makes plain dicts and
    lists): three times faster, which matters on every load of a large plan.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > limit:
            return True
        for child in node.values() if type(node) is dict else node:
            kind = type(child)
            if kind is dict or kind is list:
                push((child, depth + 1))
    return False


_MESSAGES = {
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "int_from_float": "expected a whole number",
    "string_type": "expected a string in quotes",
    "bool_type": "expected true or false",
    "date_type": "expected a TOML date such as 2026-03-02 (no quotes)",
    "list_type": "expected an array [...]",
    "model_type": "expected a table",
    "dict_type": "expected a table",
    "finite_number": "expected a finite number (not nan or inf)",
    "missing": "is required but missing",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "too_short": "needs at least {min_length} values",
    "too_long": "needs at most {max_length} values",
}
# Type errors say less than constraint errors; of a union's type errors, keep the number one.
_RANK = {"int_type": 0, "float_type": 1}


def _clean_path(loc: tuple[Any, ...]) -> Path:
    # Pydantic names union members in the location ("float", "int", "function-after[...]").
    return tuple(p for p in loc if p not in ("float", "int") and not str(p).startswith("function-"))


def _report_pydantic(rep: Reporter, errors: list[Any], empty: bool) -> None:
    # A value that fails every member of a union yields one error per member: keep one.
    by_path: dict[Path, Any] = {}
    for err in errors:
        path = _clean_path(err["loc"])
        kept = by_path.get(path)
        if kept is None or _RANK.get(err["type"], 2) > _RANK.get(kept["type"], 2):
            by_path[path] = err
    for path, err in by_path.items():
        if rep.full("invalid-value"):  # only counted: skip the words
            rep.count("error", "invalid-value")
            rep.refused.add(path)
            continue
        msg, hint = _describe(path, err)
        msg = rep.where(path) + msg
        if path == ("program",) and err["type"] == "missing":
            if empty:
                msg = "the plan is empty: it needs a [program] table with name and start"
            hint = "every plan starts with [program] and its name and start; see tpm init"
        rep.add("error", "invalid-value", msg, path, hint)


def _describe(path: Path, err: Any) -> tuple[str, str | None]:
    """The words for one pydantic error, and a hint."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if isinstance(value, float) and not math.isfinite(value):
        kind = "finite_number"
    if kind in _MESSAGES:
        msg = _MESSAGES[kind].format(
            **{k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()}
        )
    elif kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
    else:
        msg = str(err["msg"]).replace("Input should be", "must be")
    hint = None
    if kind == "literal_error":
        msg = "invalid value"
        allowed = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", allowed)
        close = did_you_mean(value, choices) if isinstance(value, str) else None
        hint = (f"{close} " if close else "") + f"allowed: {allowed}"
    if kind == "model_type" and len(path) >= 2 and path[-2] == "depends_on":
        msg = "expected a milestone id in quotes or a table { id = ..., type = ..., lag = ... }"
    if kind == "missing":
        return msg, hint
    if kind in ("too_short", "too_long") and isinstance(value, list):
        return msg + f" (got {len(value)})", hint
    if kind == "value_error" and isinstance(value, dict | list):
        return msg, hint
    return msg + f" (got {_short(value)})", hint


def _short(value: Any) -> str:
    """A value as the user wrote it in TOML, cut short."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# Stand-ins for required fields whose value was invalid, so the rest of an item is checked.
_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    "teams": {"id": ""},
    "milestones": {"id": "", "title": "", "duration": 0},
    "risks": {"id": "", "title": "", "probability": 1, "impact": 1},
    "kpis": {"id": "", "name": "", "target": 0},
    "decisions": {"id": ""},
    "baselines": {"name": "", "recorded": dt.date(2000, 1, 1), "finish": dt.date(2000, 1, 1)},
    "snapshots": {"date": dt.date(2000, 1, 1), "rag": "green"},
}


def _salvage(section: str, item: Any, bad: list[Path]) -> Any:
    """The item with its invalid fields (or invalid list elements) removed or stood in for."""
    if not isinstance(item, dict):
        return None
    fixed = dict(item)
    for loc in sorted(bad, key=lambda p: [str(x) for x in p], reverse=True):
        if not loc:
            return None
        name = loc[0]
        value = fixed.get(name)
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(value, list):
            element = value[loc[1]] if loc[1] < len(value) else None
            rest = [v for i, v in enumerate(value) if i != loc[1]]
            # A bad dependency table still names its predecessor: keep the reference.
            if (
                isinstance(element, dict)
                and isinstance(element.get("id"), str)
                and name in ("depends_on",)
            ):
                rest.insert(loc[1], element["id"])
            fixed[name] = rest
        else:
            fixed.pop(name, None)
            if name in _PLACEHOLDERS[section]:
                fixed[name] = _PLACEHOLDERS[section][name]
    for name, stand_in in _PLACEHOLDERS[section].items():
        fixed.setdefault(name, stand_in)
    return fixed


def _partial_plan(
    data: dict[str, Any], errors: list[Any], items: dict[str, list[Any]]
) -> Plan | None:
    """A plan of what validates, with stand-ins for invalid top-level values, so the cross
    checks can still run; ``errors`` are the top level's, ``items`` the lists' models."""
    clean: dict[str, Any] = dict(items)
    model_fields = Plan.model_fields
    for name, value in data.items():
        if name in model_fields and name not in LISTS and name != "program":
            if _valid(model_fields[name].annotation, value):  # type: ignore[arg-type]
                clean[name] = value
    program = data.get("program")
    stand_in = {"name": "?", "start": dt.date(2000, 1, 1)}
    clean["program"] = stand_in
    if isinstance(program, dict):
        locs = [_clean_path(err["loc"]) for err in errors]
        bad_keys = {loc[1] for loc in locs if len(loc) > 1 and loc[0] == "program"}
        fixed = {k: v for k, v in program.items() if k not in bad_keys}
        clean["program"] = stand_in | fixed
    try:
        return Plan.model_validate(clean)
    except ValidationError:
        return None


def _valid(model: type[BaseModel], value: Any) -> bool:
    try:
        model.model_validate(value)
    except ValidationError:
        return False
    return True
