"""Field-level patches: each change touches its own span; every other byte stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tpm.plan import patches, readback, storage
from tpm.plan.blocks import ItemId
from tpm.plan.changes import Change, diff_plans
from tpm.plan.model import Measurement, Milestone, Override, Plan

TEXT = """\
# Checkout plan: owned by Nadia. Keep the prose here.
[program]
name = "Checkout"   # shown in reports
start = 2026-03-02

[[milestones]]
id = "a"
title = "Design"
duration = 5  # agreed in the kickoff
status = "done"

# The build waits for design sign-off.
[[milestones]]
title  =  "Build"
id = "b"
duration = 10
depends_on = ["a"]
status = "planned"

[[kpis]]
id = "nps"
name = "NPS"
target = 40
measurements = [
    { date = 2026-03-02, value = 31 },  # first survey
    { date = 2026-03-09, value = 33 },
]
"""


def load(text: str) -> Plan:
    return Plan.model_validate(storage.parse(storage.Path("p"), text.encode()).data)


def patched(text: str, edit: Any) -> str:
    """Apply an edit (a function changing a shallow copy of the plan) as patches."""
    old = load(text)
    new = old.model_copy(update={k: list(getattr(old, k)) for k in storage._LIST_SECTIONS})
    edit(new)
    out = patches.apply(text, diff_plans(old, new))
    assert load(out) == new
    return out


def set_milestone(index: int, **fields: Any) -> Any:
    def edit(plan: Plan) -> None:
        plan.milestones[index] = plan.milestones[index].model_copy(update=fields)

    return edit


def test_changing_a_value_replaces_only_its_span() -> None:
    out = patched(TEXT, set_milestone(0, duration=8))
    assert out == TEXT.replace("duration = 5  # agreed", "duration = 8  # agreed")


def test_a_new_key_goes_in_canonical_order_and_a_default_removes_its_line() -> None:
    out = patched(TEXT, set_milestone(1, due=dt.date(2026, 4, 1), depends_on=[]))
    assert out == TEXT.replace(
        'depends_on = ["a"]\nstatus = "planned"\n', 'status = "planned"\ndue = 2026-04-01\n'
    )


def test_added_item_follows_its_sibling_in_canonical_layout() -> None:
    def add(plan: Plan) -> None:
        plan.milestones.insert(1, Milestone(id="c", title="Review", duration=1))

    out = patched(TEXT, add)
    block = '\n[[milestones]]\nid = "c"\ntitle = "Review"\nduration = 1\nstatus = "planned"\n'
    assert out == TEXT.replace('status = "done"\n', 'status = "done"\n' + block, 1)


def test_removed_item_leaves_no_gap_and_keeps_other_comments() -> None:
    def remove(plan: Plan) -> None:
        del plan.milestones[0]

    out = patched(TEXT, remove)
    start = TEXT.index("[[milestones]]")
    end = TEXT.index("# The build")
    assert out == TEXT[:start] + TEXT[end:]


def test_measurement_is_one_new_line_and_inline_comments_stay() -> None:
    def record(plan: Plan) -> None:
        kpi = plan.kpis[0]
        new = Measurement(date=dt.date(2026, 3, 16), value=35)
        plan.kpis[0] = kpi.model_copy(update={"measurements": [*kpi.measurements, new]})

    out = patched(TEXT, record)
    assert out == TEXT.replace(
        "value = 33 },\n", "value = 33 },\n    { date = 2026-03-16, value = 35 },\n"
    )


def test_a_new_sub_table_is_written_as_a_table_in_canonical_place() -> None:
    def override(plan: Plan) -> None:
        rules = plan.status.model_copy(
            update={"override": Override(rag="amber", reason="vendor", expires=dt.date(2026, 5, 1))}
        )
        plan.status = rules

    out = patched(TEXT, override)
    table = '\n[status.override]\nrag = "amber"\nreason = "vendor"\nexpires = 2026-05-01\n'
    assert out == TEXT.replace("start = 2026-03-02\n", "start = 2026-03-02\n" + table)


@pytest.mark.parametrize(
    ("text", "edit", "reason"),
    [
        pytest.param(
            TEXT.replace(
                "duration = 10\n",
                "duration = 10\nestimate.optimistic = 8\n"
                "estimate.likely = 10\nestimate.pessimistic = 14\n",
            ),
            set_milestone(1, estimate=None),
            "dotted keys",
            id="dotted-keys",
        ),
        pytest.param(
            TEXT.replace(
                "[[milestones]]",
                '[status]\noverride = { rag = "red", reason = "x", '
                "expires = 2026-04-01 }\n\n[[milestones]]",
                1,
            ),
            lambda p: setattr(
                p,
                "status",
                p.status.model_copy(
                    update={"override": p.status.override.model_copy(update={"rag": "amber"})}
                ),
            ),
            "not written as [status.override]",
            id="inline-table",
        ),
        pytest.param(
            TEXT.replace('depends_on = ["a"]', 'depends_on = [\n    "a",  # hard link\n]'),
            set_milestone(1, depends_on=[]),
            None,
            id="removing-a-commented-value-is-fine",
        ),
        pytest.param(
            TEXT.replace(
                'depends_on = ["a"]', 'depends_on = [\n    "a",  # hard link\n    "x",\n]'
            ).replace(
                "[[kpis]]", '[[milestones]]\nid = "x"\ntitle = "X"\nduration = 1\n\n[[kpis]]'
            ),
            set_milestone(1, depends_on=[{"id": "x"}]),
            "comments inside it",
            id="comment-inside-a-replaced-value",
        ),
    ],
)
def test_layouts_tpm_does_not_write_are_refused_not_rewritten(
    text: str, edit: Any, reason: str | None
) -> None:
    old = load(text)
    new = old.model_copy(update={k: list(getattr(old, k)) for k in storage._LIST_SECTIONS})
    edit(new)
    changes = diff_plans(old, new)
    if reason is None:
        assert load(patches.apply(text, changes)) == new
        return
    with pytest.raises(patches.Unpatchable, match=reason.replace("[", r"\[")):
        patches.apply(text, changes)


def test_diff_names_fields_by_item_id() -> None:
    old = load(TEXT)
    new = old.model_copy(update={"milestones": list(old.milestones)})
    set_milestone(1, duration=12)(new)
    [change] = diff_plans(old, new)
    assert change.path == ("milestones", ItemId("id", "b"), "duration")
    assert (change.label(), change.old, change.new) == ("b.duration", 10, 12)


def test_diff_of_replaced_items_is_the_same_whatever_the_order_of_the_work() -> None:
    """The in-place fast path and the general one agree: an equal copy is no change, a
    repeated id still diffs the whole section."""
    old = load(TEXT)
    new = old.model_copy(update={"milestones": list(old.milestones)})
    new.milestones[0] = new.milestones[0].model_copy()  # equal copy: no change
    set_milestone(1, duration=12)(new)
    assert [c.label() for c in diff_plans(old, new)] == ["b.duration"]
    twin = new.milestones[1].model_copy(update={"id": "a"})
    doubled = old.model_copy(update={"milestones": [old.milestones[0], twin]})
    edited = doubled.model_copy(update={"milestones": [old.milestones[0], twin.model_copy()]})
    edited.milestones[1] = twin.model_copy(update={"duration": 13})
    [change] = diff_plans(doubled, edited)
    assert change.path == ("milestones",)  # repeated ids: the whole section, never by id


def test_crlf_files_stay_crlf() -> None:
    text = TEXT.replace("\n", "\r\n")
    out = patched(text, set_milestone(1, due=dt.date(2026, 4, 1)))
    assert "\n" not in out.replace("\r\n", "")


def _three_milestones() -> tuple[str, Plan]:
    from tpm.plan.model import Program

    plan = Plan(
        program=Program(name="P", start=dt.date(2026, 3, 2)),
        milestones=[Milestone(id=f"m{i}", title=f"M{i}", duration=i) for i in range(3)],
    )
    return "# team notes\n" + storage.dumps(plan), plan


def test_a_one_field_save_reads_back_only_the_changed_item(monkeypatch: Any) -> None:
    text, plan = _three_milestones()
    new = plan.model_copy(update={"milestones": list(plan.milestones)})
    new.milestones[1] = new.milestones[1].model_copy(update={"duration": 9})
    monkeypatch.setattr(readback, "verified", lambda *a: pytest.fail("read the whole file"))
    out = readback.apply_verified(text, diff_plans(plan, new), plan, new)
    assert out == text.replace("duration = 1\n", "duration = 9\n")


def test_a_patch_that_does_not_read_back_as_the_new_plan_is_refused() -> None:
    text, plan = _three_milestones()
    new = plan.model_copy(update={"milestones": list(plan.milestones)})
    new.milestones[1] = new.milestones[1].model_copy(update={"duration": 9})
    wrong = [Change(c.path, c.old, 8) for c in diff_plans(plan, new)]
    with pytest.raises(patches.Unpatchable, match="did not read back"):
        readback.apply_verified(text, wrong, plan, new)


@pytest.mark.parametrize(
    "ident", ["bell\x07", "del\x7f", "tab\there", 'say "hi"', "a\\b"], ids=repr
)
def test_an_item_whose_id_needs_escapes_is_patched_in_place(ident: str) -> None:
    text, plan = _three_milestones()
    plan.milestones[1] = plan.milestones[1].model_copy(update={"id": ident})
    text = "# team notes\n" + storage.dumps(plan)
    new = plan.model_copy(update={"milestones": list(plan.milestones)})
    new.milestones[1] = new.milestones[1].model_copy(update={"duration": 9})
    out = readback.apply_verified(text, diff_plans(plan, new), plan, new)
    assert out == text.replace("duration = 1\n", "duration = 9\n")


def test_an_id_the_file_writes_with_a_unicode_escape_is_found() -> None:
    text = TEXT.replace('id = "a"', 'id = "\\u0061"  # written escaped')
    out = patched(text, set_milestone(0, duration=6))
    assert out == text.replace("duration = 5  #", "duration = 6  #")
