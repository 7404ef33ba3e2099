"""Property tests of saves and merges on generated plans with comments (issue 14, "Done when").

(a) every save keeps every comment and every untouched byte; (b) disjoint edits merge to the
same plan as applying both; (c) overlapping edits are reported exactly, never merged
silently; (d) the result always loads and passes ``tpm check`` when both inputs did.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tpm.check.load import from_source
from tpm.plan import patches, storage
from tpm.plan.blocks import ItemId, scan_layout
from tpm.plan.changes import diff_plans, label
from tpm.plan.merge import merge
from tpm.plan.model import Kpi, Measurement, Milestone, Plan, Program

EXAMPLES = int(os.environ.get("TPM_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
START = dt.date(2026, 3, 2)
FIELDS = ("title", "owner", "duration", "due", "notes", "percent_complete")
words = st.text(alphabet="abcdefgh xyz#\"'\\é", min_size=0, max_size=12)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    n = draw(st.integers(2, 7))
    milestones = []
    for i in range(n):
        deps = sorted(draw(st.sets(st.integers(0, i - 1), max_size=2))) if i else []
        milestones.append(
            Milestone(
                id=f"m{i}",
                title=draw(words) or f"M{i}",
                duration=draw(st.integers(0, 20)),
                owner=draw(st.sampled_from(["", "ana", "bo"])),
                depends_on=[{"id": f"m{d}"} for d in deps],
                due=draw(st.none() | st.just(START + dt.timedelta(days=30 + i))),
            )
        )
    kpi = Kpi(
        id="nps",
        name="NPS",
        target=40,
        measurements=[
            Measurement(date=START, value=31),
            Measurement(date=START + dt.timedelta(7), value=33),
        ],
    )
    return Plan(program=Program(name="P", start=START), milestones=milestones, kpis=[kpi])


@st.composite
def commented(draw: st.DrawFn, plan: Plan) -> str:
    """The canonical text with comment lines before headers and after simple values."""
    out = []
    for n, line in enumerate(storage.dumps(plan).splitlines()):
        if line.startswith("[") and draw(st.booleans()):
            out.append(f"# note {n} before {line}")
        if " = " in line and not line.endswith("[") and draw(st.integers(0, 3)) == 0:
            line += f"  # c{n}"
        out.append(line)
    return "# generated plan\n" + "\n".join(out) + "\n"


# An edit: ("set", milestone id, field, value), ("add", new id), ("remove", id), ("measure", day)
Edit = tuple[Any, ...]


def field_values(name: str) -> st.SearchStrategy[Any]:
    return {
        "title": words.filter(bool),
        "owner": st.sampled_from(["", "cy", "dee"]),
        "duration": st.integers(0, 30),
        "due": st.none() | st.dates(START, START + dt.timedelta(200)),
        "notes": words,
        "percent_complete": st.integers(0, 99),
    }[name]


@st.composite
def edits(draw: st.DrawFn, plan: Plan, tag: str) -> list[Edit]:
    ids = [m.id for m in plan.milestones]
    depended = {d.id for m in plan.milestones for d in m.depends_on}
    out: list[Edit] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["set", "set", "set", "add", "remove", "measure"]))
        if kind == "set":
            name = draw(st.sampled_from(FIELDS))
            out.append(("set", draw(st.sampled_from(ids)), name, draw(field_values(name))))
        elif kind == "add":
            out.append(("add", f"{tag}{len(out)}", draw(words.filter(bool))))
        elif kind == "remove":
            free = [i for i in ids if i not in depended]
            if free:
                out.append(("remove", draw(st.sampled_from(free))))
        else:
            out.append(
                (
                    "measure",
                    START + dt.timedelta(draw(st.integers(1, 40))),
                    draw(st.integers(0, 99)),
                )
            )
    return out


def applied(plan: Plan, todo: list[Edit]) -> Plan:
    """The plan after the edits, replacing only the items they touch (as front ends do)."""
    new = plan.model_copy(update={"milestones": list(plan.milestones), "kpis": list(plan.kpis)})
    for edit in todo:
        index = {m.id: n for n, m in enumerate(new.milestones)}
        if edit[0] == "set" and edit[1] in index:
            m = new.milestones[index[edit[1]]]
            new.milestones[index[edit[1]]] = Milestone.model_validate(
                {**m.model_dump(), edit[2]: edit[3]}
            )
        elif edit[0] == "add":
            new.milestones.append(Milestone(id=edit[1], title=edit[2], duration=1))
        elif edit[0] == "remove" and edit[1] in index:
            del new.milestones[index[edit[1]]]
        elif edit[0] == "measure":
            kpi = new.kpis[0]
            items = [*kpi.measurements, Measurement(date=edit[1], value=edit[2])]
            items.sort(key=lambda m: m.date)
            new.kpis[0] = kpi.model_copy(update={"measurements": items})
    return new


def save(text: str, old: Plan, new: Plan) -> str:
    return patches.apply(text, diff_plans(old, new))


def load(text: str) -> Plan:
    loaded = from_source(storage.parse(storage.Path("p.toml"), text.encode("utf-8")))
    errors = [d.render() for d in loaded.diagnostics if d.severity == "error"]
    assert loaded.plan is not None and not errors, errors
    return loaded.plan


def touched(todo: list[Edit]) -> set[str]:
    return {e[1] for e in todo if e[0] in ("set", "remove")}


@dataclass
class Case:
    plan: Plan
    text: str
    ours: list[Edit]
    theirs: list[Edit]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    plan = draw(plans())
    return Case(plan, draw(commented(plan)), draw(edits(plan, "o")), draw(edits(plan, "t")))


@SETTINGS
@given(cases())
def test_a_save_keeps_every_comment_and_every_untouched_byte(case: Case) -> None:
    new = applied(case.plan, case.ours)
    out = save(case.text, case.plan, new)
    assert load(out) == new
    layout = scan_layout(case.text)
    for m in case.plan.milestones:
        if m.id not in touched(case.ours):
            span = layout.item_span(("milestones", ItemId("id", m.id)))
            assert span is not None and case.text[span[0] : span[1]] in out
    for line in case.text.splitlines():
        if line.startswith("#"):
            assert line in out.splitlines()  # comment lines between items are never dropped
    head = case.text[: case.text.index("[[milestones]]")]
    assert out.startswith(head)


def split(case: Case) -> tuple[list[Edit], list[Edit]]:
    """Make theirs disjoint from ours: no field or item both touch."""
    mine = {(e[1], e[2]) for e in case.ours if e[0] == "set"}
    gone = {e[1] for e in case.ours if e[0] == "remove"}
    edited = {e[1] for e in case.ours if e[0] == "set"}
    theirs = [
        e
        for e in case.theirs
        if not (e[0] == "set" and ((e[1], e[2]) in mine or e[1] in gone))
        and not (e[0] == "remove" and (e[1] in edited or e[1] in gone))
        and e not in case.ours  # the same measurement recorded on both sides is one change
    ]
    their_gone = {e[1] for e in theirs if e[0] == "remove"}
    ours = [e for e in case.ours if not (e[0] == "set" and e[1] in their_gone)]
    return ours, theirs


def by_id(plan: Plan) -> dict[str, Any]:
    return {
        "program": plan.program,
        "milestones": {m.id: m for m in plan.milestones},
        "measurements": sorted((m.date, m.value) for m in plan.kpis[0].measurements),
    }


def _every_milestone_removed_on_our_side() -> Case:
    """Found by hypothesis (issue 14): ours removes every milestone, theirs adds one after a
    removed one; the merge said "milestones entries are not written as [[milestones]] tables"."""
    plan = Plan(
        program=Program(name="P", start=START),
        milestones=[Milestone(id=f"m{i}", title=f"M{i}", duration=0) for i in range(2)],
        kpis=[
            Kpi(
                id="nps",
                name="NPS",
                target=40,
                measurements=[
                    Measurement(date=START, value=31),
                    Measurement(date=START + dt.timedelta(7), value=33),
                ],
            )
        ],
    )
    text = (
        '# generated plan\n[program]\nname = "P"  # c1\nstart = 2026-03-02  # c2\n\n'
        '[[milestones]]\nid = "m0"  # c5\ntitle = "M0"  # c6\nduration = 0  # c7\n'
        'status = "planned"  # c8\n\n[[milestones]]\nid = "m1"  # c11\ntitle = "M1"  # c12\n'
        'duration = 0  # c13\nstatus = "planned"  # c14\n\n[[kpis]]\nid = "nps"  # c17\n'
        'name = "NPS"  # c18\ntarget = 40  # c19\nmeasurements = [\n'
        "    { date = 2026-03-02, value = 31 },  # c21\n"
        "    { date = 2026-03-09, value = 33 },  # c22\n]\n"
    )
    day = START + dt.timedelta(1)
    ours: list[Edit] = [
        ("remove", "m0"),
        ("remove", "m0"),
        ("set", "m0", "title", "\\"),
        ("measure", day, 0),
        ("remove", "m1"),
    ]
    theirs: list[Edit] = [("measure", day, 0), ("set", "m0", "title", "\\"), ("add", "t2", "\\")]
    return Case(plan, text, ours, theirs)


@SETTINGS
@given(cases())
@example(_every_milestone_removed_on_our_side())
def test_disjoint_edits_merge_to_applying_both_and_pass_check(case: Case) -> None:
    ours_edits, theirs_edits = split(case)
    ours = save(case.text, case.plan, applied(case.plan, ours_edits))
    theirs = save(case.text, case.plan, applied(case.plan, theirs_edits))
    result = merge(case.text, ours, theirs)
    assert result.conflicts == []
    both = applied(applied(case.plan, ours_edits), theirs_edits)
    assert by_id(load(result.text)) == by_id(both)  # (b), and (d): load() runs tpm check
    for line in ours.splitlines():
        if "#" in line and line.lstrip().startswith("#"):
            assert line in result.text.splitlines()  # ours' comment lines are kept


def final_values(plan: Plan, todo: list[Edit]) -> dict[tuple[str, str], Any]:
    after = {m.id: m for m in applied(plan, todo).milestones}
    return {
        (e[1], e[2]): getattr(after[e[1]], e[2]) if e[1] in after else "gone"
        for e in todo
        if e[0] == "set"
    }


@SETTINGS
@given(cases())
def test_overlapping_edits_are_reported_exactly(case: Case) -> None:
    # Only field edits here, so the expected conflicts are exactly the shared fields.
    ours_edits = [e for e in case.ours if e[0] == "set"]
    theirs_edits = [e for e in case.theirs if e[0] == "set"]
    old = {m.id: m for m in case.plan.milestones}
    mine = final_values(case.plan, ours_edits)
    other = final_values(case.plan, theirs_edits)

    def changed(values: dict[tuple[str, str], Any], key: tuple[str, str]) -> bool:
        return storage._to_data(values[key]) != storage._to_data(getattr(old[key[0]], key[1]))

    expected = {
        f"{i}.{f}"
        for (i, f) in mine.keys() & other.keys()
        if changed(mine, (i, f)) and changed(other, (i, f)) and mine[i, f] != other[i, f]
    }
    ours = save(case.text, case.plan, applied(case.plan, ours_edits))
    theirs = save(case.text, case.plan, applied(case.plan, theirs_edits))
    result = merge(case.text, ours, theirs)
    assert {label(c.path) for c in result.conflicts} == expected
    if not expected:
        load(result.text)
    else:
        assert result.text.count("<<<<<<< ours\n") == len(expected)
