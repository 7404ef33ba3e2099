"""Cross-item checks that pydantic cannot do, run on a (possibly partial) valid Plan.

Duplicate ids, unknown references (with a did-you-mean), self-dependencies, dependency
cycles (the whole loop), unknown teams, blocked without a reason, dates out of order, KPI
thresholds on the wrong side, and unknown keys that are probably typos. Each check reports
through a Reporter so that every finding carries its file, line, item and field.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from tpm.check.cycles import dependency_loops, show_loop
from tpm.check.diagnostics import SECTION_NOUN, Reporter, did_you_mean, is_table, value_of
from tpm.check.progress import progress_checks
from tpm.plan.links import dissolved_links
from tpm.plan.model import Kpi, Milestone, Plan, Risk
from tpm.plan.sourcemap import Path

LISTS = ("teams", "milestones", "risks", "kpis", "decisions", "baselines", "snapshots")


def cross_checks(
    rep: Reporter, plan: Plan, kept: dict[str, list[int]], data: dict[str, Any]
) -> None:
    if not kept:
        kept = {s: list(range(len(getattr(plan, s)))) for s in LISTS}

    def path_of(section: str, index: int, *rest: str | int) -> Path:
        return (section, kept[section][index], *rest)

    for section in LISTS[:-1]:  # snapshots have no id
        _duplicates(
            rep,
            section,
            [x.name if section == "baselines" else x.id for x in getattr(plan, section)],
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
            if not mit.id.strip():
                continue
            if mit.id in mitigation_ids:
                rep.add(
                    "error",
                    "duplicate-id",
                    f"mitigation id {mit.id!r} is used twice",
                    p + ("id",),
                    f"first defined at line {rep.map.line_of(mitigation_ids[mit.id])}",
                )
            else:
                mitigation_ids[mit.id] = p
    for i, k in enumerate(plan.kpis):
        _kpi_checks(rep, k, path_of("kpis", i))
    for i, snap in enumerate(plan.snapshots):
        for j, entry in enumerate(snap.milestones):
            if entry.id not in ids:
                p = path_of("snapshots", i, "milestones", j, "id")
                rep.add(
                    "warning",
                    "unknown-reference",
                    f"snapshot {snap.date}: unknown milestone {entry.id!r}",
                    p,
                    did_you_mean(entry.id, ids)
                    or "rename it to the milestone's current id, or delete the entry",
                )
    _current_baseline(rep, plan)
    _cycles(rep, plan, path_of)
    _cancelled_in_chains(rep, plan, path_of)
    if plan.program.as_of is not None and not kept_partial(kept, plan):
        progress_checks(rep, plan, plan.program.as_of)
    _empty_ids(rep, data)
    raw_program = data.get("program")
    if isinstance(raw_program, dict) and "start" in raw_program:
        _program_dates(rep, plan)


def _current_baseline(rep: Reporter, plan: Plan) -> None:
    name = plan.settings.current_baseline
    names = {b.name for b in plan.baselines}
    if name is not None and name not in names:
        rep.add(
            "error",
            "unknown-reference",
            f"settings.current_baseline: no baseline is named {name!r}",
            ("settings", "current_baseline"),
            did_you_mean(name, names) or "record it with: tpm baseline PLAN --name NAME",
        )


def _program_dates(rep: Reporter, plan: Plan) -> None:
    start, as_of, target = plan.program.start, plan.program.as_of, plan.program.target
    if as_of is not None and as_of < start:
        rep.add(
            "warning",
            "date-order",
            f"program.as_of: {as_of} is before start {start}",
            ("program", "as_of"),
        )
    if target is not None and target < start:
        rep.add(
            "error",
            "date-order",
            f"program.target: {target} is before start {start}",
            ("program", "target"),
        )


def _empty_ids(rep: Reporter, data: dict[str, Any]) -> None:
    """An empty id cannot be referred to; pydantic accepts it, so it is caught here."""
    for section in LISTS[:-1]:
        key = "name" if section == "baselines" else "id"
        for i, item in enumerate(_tables(data.get(section))):
            if _blank(value_of(item, key)):
                p: Path = (section, i, key)
                rep.add("error", "invalid-value", rep.where(p) + f"{key} is empty", p)
            if section == "risks":
                for j, mit in enumerate(_tables(value_of(item, "mitigations"))):
                    if _blank(value_of(mit, "id")):
                        p = (section, i, "mitigations", j, "id")
                        rep.add("error", "invalid-value", rep.where(p) + "id is empty", p)


def _tables(node: Any) -> Iterator[Any]:
    """The tables of an array (parsed or validated, see ``value_of``); a non-table element
    yields None, whose values are all None."""
    if isinstance(node, list):
        for x in node:
            yield x if is_table(x) else None


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _raw_ids(data: dict[str, Any], section: str) -> set[str]:
    items = data.get(section)
    if not isinstance(items, list):
        return set()
    found = (value_of(i, "id") for i in items)
    return {i for i in found if isinstance(i, str)}


def _duplicates(rep: Reporter, section: str, ids: list[str], path_of: Any) -> None:
    first: dict[str, int] = {}
    key = "name" if section == "baselines" else "id"
    for i, ident in enumerate(ids):
        if not ident.strip():
            continue  # reported as an empty id (or a missing one)
        if ident in first:
            p = path_of(section, i)
            noun = SECTION_NOUN[section]
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
    rep: Reporter, m: Milestone, p: Path, ids: set[str], team_ids: set[str]
) -> None:
    seen: set[str] = set()
    for j, dep in enumerate(m.depends_on):
        dp = p + ("depends_on", j)
        if dep.id == m.id:
            rep.add(
                "error",
                "self-dependency",
                rep.where(dp) + f"{m.id!r} depends on itself",
                dp,
            )
        elif dep.id not in ids and rep.full("unknown-reference"):
            rep.count("error", "unknown-reference")  # skip the costly did-you-mean
        elif dep.id not in ids:
            rep.add(
                "error",
                "unknown-reference",
                rep.where(dp) + f"unknown milestone {dep.id!r}",
                dp,
                did_you_mean(dep.id, ids),
            )
        elif dep.id in seen:
            rep.add(
                "warning",
                "duplicate-dependency",
                rep.where(dp) + f"{dep.id!r} is listed twice",
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


def _risk_checks(rep: Reporter, r: Risk, p: Path, ids: set[str], plan: Plan) -> None:
    for j, target in enumerate(r.affects):
        if target not in ids:
            rep.add(
                "error",
                "unknown-reference",
                rep.where(p + ("affects", j)) + f"unknown milestone {target!r}",
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


def _kpi_checks(rep: Reporter, k: Kpi, p: Path) -> None:
    if k.amber is None or {p + ("target",), p + ("amber",)} & rep.refused:
        return  # a refused target or amber has its own error; its stand-in proves nothing
    better = k.amber < k.target if k.direction == "higher_is_better" else k.amber > k.target
    if not better and k.amber != k.target:
        rep.add(
            "error",
            "invalid-threshold",
            rep.where(p + ("amber",))
            + f"amber {k.amber} is on the wrong side of target {k.target} for {k.direction}",
            p + ("amber",),
        )


def kept_partial(kept: dict[str, list[int]], plan: Plan) -> bool:
    """True when some milestones were dropped as invalid (indices no longer match the file)."""
    return kept.get("milestones", list(range(len(plan.milestones)))) != list(
        range(len(plan.milestones))
    )


def _cancelled_in_chains(rep: Reporter, plan: Plan, path_of: Any) -> None:
    """A note per cancelled milestone that others depend on: its links are dissolved."""
    cancelled = {m.id for m in plan.milestones if m.status == "cancelled"}
    if not cancelled:
        return
    successors: dict[str, list[str]] = {}
    for m in plan.milestones:
        if m.status != "cancelled":
            for dep in m.depends_on:
                if dep.id in cancelled and m.id not in successors.setdefault(dep.id, []):
                    successors[dep.id].append(m.id)
    links = dissolved_links(plan)
    for i, m in enumerate(plan.milestones):
        after = successors.get(m.id)
        if m.status != "cancelled" or not after:
            continue
        drivers = sorted({d.id for s in after for d in links.get(s, []) if d.id not in cancelled})
        shown = ", ".join(after[:5]) + (f" and {len(after) - 5} more" if len(after) > 5 else "")
        if drivers:
            lead = ", ".join(drivers[:5]) + (" ..." if len(drivers) > 5 else "")
            verb = "drives" if len(drivers) == 1 else "drive"
            what = f"its links are dissolved: {lead} now {verb} {shown}"
        else:
            what = f"{shown} lose their link to it (it has no live predecessor)"
        p = path_of("milestones", i, "status")
        rep.add(
            "warning",
            "cancelled-in-chain",
            rep.where(p) + f"is cancelled; {what}",
            p,
            "link the successors to what they really wait for, or remove the links to it",
        )


def _cycles(rep: Reporter, plan: Plan, path_of: Any) -> None:
    """One error per dependency loop, naming the shortest loop through its first milestone."""
    index: dict[str, int] = {}
    for i, m in enumerate(plan.milestones):
        index.setdefault(m.id, i)
    linked: dict[str, dict[str, None]] = {ident: {} for ident in index}  # ordered sets
    for m in plan.milestones:
        for dep in m.depends_on:
            into = linked.get(dep.id)
            if into is not None and dep.id != m.id:
                into[m.id] = None
    for loop in dependency_loops(index, linked):
        rep.add(
            "error",
            "cycle",
            "dependency cycle: " + show_loop([*loop, loop[0]]),
            path_of("milestones", index[loop[0]], "depends_on"),
            "remove one of these links",
        )


def unknown_keys(rep: Reporter, data: dict[str, Any]) -> None:
    """Warn about every key no model declares: kept on save, but usually a typo."""
    _unknown_in(rep, Plan, data, ())


def _unknown_in(rep: Reporter, model: type[BaseModel], node: Any, path: Path) -> None:
    if not is_table(node):
        return
    known = model.model_fields
    # A validated item (see value_of) keeps exactly its unknown keys as extras.
    keys = node.keys() if isinstance(node, dict) else (node.__pydantic_extra__ or {}).keys()
    if not keys <= known.keys():
        for key in keys:
            if key in known:
                continue
            if rep.full("unknown-key"):  # only counted: skip the did-you-mean
                rep.count("warning", "unknown-key")
            else:
                rep.add(
                    "warning",
                    "unknown-key",
                    rep.where(path + (key,)) + f"unknown key {key!r} is kept as is",
                    path + (key,),
                    did_you_mean(key, known),
                )
    for name, sub in _submodels(model):
        child = value_of(node, name)
        if child is None:
            continue
        if not isinstance(child, list):
            _unknown_in(rep, sub, child, (*path, name))
            continue
        # Most array items are flat tables with known keys: skip those without a path.
        leaf = sub.model_fields.keys() if not _submodels(sub) else None
        for i, item in enumerate(child):
            if leaf is not None and _known_keys_only(item, leaf):
                continue
            _unknown_in(rep, sub, item, (*path, name, i))


def _known_keys_only(item: Any, known: Any) -> bool:
    if type(item) is dict:
        return bool(item.keys() <= known)
    return isinstance(item, BaseModel) and not item.__pydantic_extra__


@functools.cache
def _submodels(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel]], ...]:
    """The fields of a model that hold tables (or arrays of tables), with their models."""
    found = ((name, _model_in(info.annotation)) for name, info in model.model_fields.items())
    return tuple((name, sub) for name, sub in found if sub is not None)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
