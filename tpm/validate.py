"""Turn a parsed TOML document into a Plan, reporting every problem in one run.

Pydantic validates shapes and types; this module maps its errors back to lines, then runs
the cross-item checks that pydantic cannot: duplicate ids, unknown references (with a
did-you-mean), self-dependencies, dependency cycles (the whole loop), unknown teams, blocked
without a reason, dates out of order, and unknown keys that are probably typos.

When some items are invalid the others are still checked: invalid items are left out of a
partial plan, so one typo does not hide the next problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from tpm.diagnostics import Diagnostic, did_you_mean
from tpm.model import Kpi, Milestone, Plan, Risk
from tpm.sourcemap import Path, SourceMap

_SECTION_NOUN = {
    "teams": "team",
    "milestones": "milestone",
    "risks": "risk",
    "kpis": "KPI",
    "decisions": "decision",
    "baselines": "baseline",
    "mitigations": "mitigation",
    "measurements": "measurement",
}


@dataclass(frozen=True)
class Checked:
    """The result of checking a document: a plan when there are no errors, and diagnostics."""

    plan: Plan | None
    diagnostics: list[Diagnostic]


class _Reporter:
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
        label = _SECTION_NOUN.get(section, section)
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


def check_document(data: dict[str, Any], file: str, sourcemap: SourceMap) -> Checked:
    """Validate a parsed document fully; return the plan only if there are no errors."""
    rep = _Reporter(data, file, sourcemap)
    plan: Plan | None
    try:
        plan = Plan.model_validate(data)
        kept = {s: list(range(len(getattr(plan, s)))) for s in _LISTS}
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        _report_pydantic(rep, errors)
        plan, kept = _partial_plan(data, errors)
    if plan is not None:
        _cross_checks(rep, plan, kept, data)
    _unknown_keys(rep, data)
    has_errors = any(d.severity == "error" for d in rep.found)
    return Checked(None if has_errors else plan, rep.found)


_LISTS = ("teams", "milestones", "risks", "kpis", "decisions", "baselines")


_UNION_MEMBERS = ("float", "int", "function-after[_ordered(), Estimate]")
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
}


def _clean_path(loc: tuple[Any, ...]) -> Path:
    # Pydantic names union members in the location ("float", "int"); drop them.
    return tuple(p for p in loc if p not in _UNION_MEMBERS)


def _report_pydantic(rep: _Reporter, errors: list[Any]) -> None:
    # A value that fails every member of a union yields one error per member: keep one.
    by_path: dict[Path, Any] = {}
    for err in errors:
        path = _clean_path(err["loc"])
        if by_path.get(path, {}).get("type") != "float_type":
            by_path[path] = err
    for path, err in by_path.items():
        kind = err["type"]
        msg = _MESSAGES.get(kind) or str(err["msg"]).replace("Input should be", "must be")
        if kind == "value_error":
            msg = str(err["msg"]).removeprefix("Value error, ")
        hint = None
        if kind == "literal_error":
            msg = "invalid value"
            hint = "allowed: " + err["ctx"]["expected"] if "ctx" in err else None
        if kind != "missing":
            msg += f" (got {_short(err.get('input'))})"
        if path == ("program",) and kind == "missing":
            hint = "every plan starts with [program] and its name and start; see tpm init"
        rep.add("error", "invalid-value", rep.where(path) + msg, path, hint)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
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
    data: dict[str, Any], errors: list[Any]
) -> tuple[Plan | None, dict[str, list[int]]]:
    """Keep what validates, salvaging invalid items, so cross checks can still run."""
    bad: dict[tuple[str, int], list[Path]] = {}
    for err in errors:
        loc = _clean_path(err["loc"])
        if len(loc) >= 2 and loc[0] in _LISTS and isinstance(loc[1], int):
            bad.setdefault((str(loc[0]), loc[1]), []).append(loc[2:])
    clean: dict[str, Any] = {}
    kept: dict[str, list[int]] = {}
    model_fields = Plan.model_fields
    for name, value in data.items():
        if name in _LISTS:
            item_type = model_fields[name].annotation.__args__[0]  # type: ignore[union-attr]
            good, idx = [], []
            for i, item in enumerate(value if isinstance(value, list) else []):
                if (name, i) in bad:
                    item = _salvage(name, item, bad[(name, i)])
                if _valid(item_type, item):
                    good.append(item)
                    idx.append(i)
            clean[name], kept[name] = good, idx
        elif name in model_fields and name != "program":
            if _valid(model_fields[name].annotation, value):  # type: ignore[arg-type]
                clean[name] = value
    program = data.get("program")
    if isinstance(program, dict):
        clean["program"] = {"name": "?", "start": dt.date(2000, 1, 1)} | {
            k: v for k, v in program.items() if k in ("name", "start") and _ok_program(k, v)
        }
    else:
        clean["program"] = {"name": "?", "start": dt.date(2000, 1, 1)}
    try:
        return Plan.model_validate(clean), kept
    except ValidationError:
        return None, {}


def _ok_program(key: str, value: Any) -> bool:
    return isinstance(value, str) if key == "name" else type(value) is dt.date


def _valid(model: type[BaseModel], value: Any) -> bool:
    try:
        model.model_validate(value)
    except ValidationError:
        return False
    return True


def _cross_checks(
    rep: _Reporter, plan: Plan, kept: dict[str, list[int]], data: dict[str, Any]
) -> None:
    if not kept:
        kept = {s: list(range(len(getattr(plan, s)))) for s in _LISTS}

    def path_of(section: str, index: int, *rest: str | int) -> Path:
        return (section, kept[section][index], *rest)

    for section in _LISTS:
        _duplicates(
            rep,
            section,
            [getattr(x, "id", getattr(x, "name", "")) for x in getattr(plan, section)],
            path_of,
        )
    # Ids of invalid items still exist as far as references go.
    ids = _raw_ids(data, "milestones")
    team_ids = _raw_ids(data, "teams")
    for i, m in enumerate(plan.milestones):
        _milestone_checks(rep, m, path_of("milestones", i), ids, team_ids)
    for i, r in enumerate(plan.risks):
        _risk_checks(rep, r, path_of("risks", i), ids, plan)
    mitigation_ids: dict[str, Path] = {}
    for i, r in enumerate(plan.risks):
        for j, mit in enumerate(r.mitigations):
            p = path_of("risks", i, "mitigations", j)
            if mit.id in mitigation_ids:
                rep.add(
                    "error",
                    "duplicate-id",
                    rep.where(p) + f"mitigation id {mit.id!r} is used twice",
                    p + ("id",),
                    f"first at line {rep.map.line_of(mitigation_ids[mit.id])}",
                )
            else:
                mitigation_ids[mit.id] = p
    for i, k in enumerate(plan.kpis):
        _kpi_checks(rep, k, path_of("kpis", i))
    _cycles(rep, plan, path_of)
    start, as_of = plan.program.start, plan.program.as_of
    if as_of is not None and data.get("program", {}).get("start") is not None and as_of < start:
        rep.add("warning", "date-order", "program: as_of is before start", ("program", "as_of"))
    target = plan.program.target
    if target is not None and isinstance(data.get("program"), dict) and target < start:
        rep.add("error", "date-order", "program: target is before start", ("program", "target"))


def _raw_ids(data: dict[str, Any], section: str) -> set[str]:
    items = data.get(section)
    if not isinstance(items, list):
        return set()
    return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}


def _duplicates(rep: _Reporter, section: str, ids: list[str], path_of: Any) -> None:
    first: dict[str, int] = {}
    key = "name" if section == "baselines" else "id"
    for i, ident in enumerate(ids):
        if ident in first:
            p = path_of(section, i)
            noun = _SECTION_NOUN[section]
            rep.add(
                "error",
                "duplicate-id",
                f"{noun} {key} {ident!r} is used twice",
                p + (key,),
                f"first defined at line {rep.map.line_of(path_of(section, first[ident]))}",
            )
        else:
            first[ident] = i


def _milestone_checks(
    rep: _Reporter, m: Milestone, p: Path, ids: set[str], team_ids: set[str]
) -> None:
    seen: set[str] = set()
    for j, dep in enumerate(m.depends_on):
        dp = p + ("depends_on", j)
        if dep.id == m.id:
            rep.add(
                "error",
                "self-dependency",
                rep.where(p + ("depends_on",)) + f"{m.id!r} depends on itself",
                dp,
            )
        elif dep.id not in ids:
            rep.add(
                "error",
                "unknown-reference",
                rep.where(p + ("depends_on",)) + f"unknown milestone {dep.id!r}",
                dp,
                did_you_mean(dep.id, ids),
            )
        elif dep.id in seen:
            rep.add(
                "warning",
                "duplicate-dependency",
                rep.where(p + ("depends_on",)) + f"{dep.id!r} is listed twice",
                dp,
            )
        seen.add(dep.id)
    if team_ids and m.team and m.team not in team_ids:
        rep.add(
            "error",
            "unknown-team",
            rep.where(p + ("team",)) + f"unknown team {m.team!r}",
            p + ("team",),
            did_you_mean(m.team, team_ids) or "declare it under [[teams]]",
        )
    if m.status == "blocked" and not m.blocked_reason.strip():
        rep.add(
            "error",
            "blocked-without-reason",
            rep.where(p + ("status",)) + "status is blocked but blocked_reason is empty",
            p + ("status",),
            "say what blocks it in blocked_reason",
        )
    if m.actual_start and m.actual_finish and m.actual_finish < m.actual_start:
        rep.add(
            "error",
            "date-order",
            rep.where(p + ("actual_finish",))
            + f"actual_finish {m.actual_finish} is before actual_start {m.actual_start}",
            p + ("actual_finish",),
        )
    if m.status == "done" and m.actual_finish is None:
        rep.add(
            "warning",
            "done-without-finish",
            rep.where(p + ("status",)) + "status is done but actual_finish is missing",
            p + ("status",),
            "set actual_finish; the schedule assumes it finished as planned",
        )
    if m.status in ("in_progress", "blocked") and m.actual_start is None and m.percent_complete > 0:
        rep.add(
            "warning",
            "started-without-start",
            rep.where(p + ("status",)) + "work has progress but no actual_start",
            p + ("status",),
        )
    if m.actual_finish is not None and m.status not in ("done", "cancelled"):
        rep.add(
            "warning",
            "finish-not-done",
            rep.where(p + ("actual_finish",)) + f"has actual_finish but status is {m.status}",
            p + ("actual_finish",),
        )


def _risk_checks(rep: _Reporter, r: Risk, p: Path, ids: set[str], plan: Plan) -> None:
    for j, target in enumerate(r.affects):
        if target not in ids:
            rep.add(
                "error",
                "unknown-reference",
                rep.where(p + ("affects",)) + f"unknown milestone {target!r}",
                p + ("affects", j),
                did_you_mean(target, ids),
            )
    for j, mit in enumerate(r.mitigations):
        mp = p + ("mitigations", j)
        if mit.status == "done" and mit.done_on is None:
            rep.add(
                "warning",
                "done-without-date",
                rep.where(mp + ("status",)) + "mitigation is done but done_on is missing",
                mp + ("status",),
                "set done_on to the day it was done",
            )


def _kpi_checks(rep: _Reporter, k: Kpi, p: Path) -> None:
    if k.amber is None:
        return
    better = k.amber < k.target if k.direction == "higher_is_better" else k.amber > k.target
    if not better and k.amber != k.target:
        rep.add(
            "error",
            "invalid-threshold",
            rep.where(p + ("amber",))
            + f"amber {k.amber} is on the wrong side of target {k.target} for {k.direction}",
            p + ("amber",),
        )


def _cycles(rep: _Reporter, plan: Plan, path_of: Any) -> None:
    import networkx as nx

    graph = nx.DiGraph()
    index: dict[str, int] = {}
    for i, m in enumerate(plan.milestones):
        index.setdefault(m.id, i)
        graph.add_node(m.id)
    for m in plan.milestones:
        for dep in m.depends_on:
            if dep.id in index and dep.id != m.id:
                graph.add_edge(dep.id, m.id)
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        loop = _one_cycle(graph.subgraph(component))
        first = min(loop, key=lambda n: index[n])
        k = loop.index(first)
        loop = loop[k:] + loop[:k]
        shown = " -> ".join([*loop, loop[0]])
        rep.add(
            "error",
            "cycle",
            f"dependency cycle: {shown}",
            path_of("milestones", index[first], "depends_on"),
            "remove one of these links",
        )


def _one_cycle(graph: Any) -> list[str]:
    import networkx as nx

    start = min(graph.nodes)
    edges = nx.find_cycle(graph, source=start)
    return [str(u) for u, _v in edges]


def _unknown_keys(rep: _Reporter, data: dict[str, Any]) -> None:
    for path, model, node in _walk(Plan, data, ()):
        known = set(model.model_fields)
        for key in node:
            if key not in known:
                rep.add(
                    "warning",
                    "unknown-key",
                    rep.where(path + (key,)) + f"unknown key {key!r} is kept as is",
                    path + (key,),
                    did_you_mean(key, known),
                )


def _walk(
    model: type[BaseModel], node: Any, path: Path
) -> Iterator[tuple[Path, type[BaseModel], dict[str, Any]]]:
    if not isinstance(node, dict):
        return
    yield path, model, node
    for name, info in model.model_fields.items():
        child = node.get(name)
        sub = _model_in(info.annotation)
        if sub is None or child is None:
            continue
        if isinstance(child, list):
            for i, item in enumerate(child):
                yield from _walk(sub, item, path + (name, i))
        else:
            yield from _walk(sub, child, path + (name,))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
