"""Changes since the last report: each kind of change is found, sized and sorted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Kpi, Measurement, Milestone, Mitigation, Plan, Program, Risk
from tpm.report.data import build
from tpm.report.diff import Changes, diff

AS_OF = dt.date(2026, 3, 16)


def plan(**kw: object) -> Plan:
    base: dict[str, object] = {
        "program": Program(name="p", start=dt.date(2026, 3, 2), target=dt.date(2026, 4, 30)),
        "milestones": [
            Milestone(id="a", title="A", duration=5),
            Milestone(id="b", title="B", duration=5, depends_on=["a"]),  # type: ignore[list-item]
            Milestone(id="c", title="C", duration=2, depends_on=["a"]),  # type: ignore[list-item]
        ],
        "risks": [Risk(id="r", title="R", probability=2, impact=2)],
        "kpis": [
            Kpi(
                id="k",
                name="K",
                target=10,
                amber=5,
                measurements=[Measurement(date=dt.date(2026, 3, 9), value=11)],
            )
        ],
    }
    base.update(kw)
    return Plan(**base)  # type: ignore[arg-type]


def changes(old: Plan, new: Plan) -> Changes:
    return diff(build(old, AS_OF), build(new, AS_OF), WorkCalendar.of(new), "old")


def edit_milestone(p: Plan, mid: str, **kw: object) -> Plan:
    items = [m.model_copy(update=kw) if m.id == mid else m for m in p.milestones]
    return p.model_copy(update={"milestones": items})


def edit_risks(p: Plan, risks: list[Risk]) -> Plan:
    return p.model_copy(update={"risks": risks})


BASE = plan()
Check = Callable[[Changes], bool]
CASES: list[object] = [
    pytest.param(BASE, lambda c: c.empty, id="identical-is-empty"),
    pytest.param(
        edit_milestone(BASE, "b", duration=8),
        lambda c: (
            [(m.id, m.days, m.critical) for m in c.slipped] == [("b", 3, True)]
            and c.finish is not None
            and c.finish.days == 3
        ),
        id="critical-slip-moves-the-finish",
    ),
    pytest.param(
        edit_milestone(BASE, "c", duration=4),
        lambda c: (
            [(m.id, m.days, m.critical) for m in c.slipped] == [("c", 2, False)]
            and c.finish is None
        ),
        id="non-critical-slip",
    ),
    pytest.param(
        edit_milestone(BASE, "b", duration=3),
        lambda c: [(m.id, m.days) for m in c.pulled_in] == [("b", -2)],
        id="pulled-in",
    ),
    pytest.param(
        edit_milestone(BASE, "a", status="in_progress", actual_start=dt.date(2026, 3, 2)),
        lambda c: [(s.id, s.old, s.new) for s in c.statuses] == [("a", "planned", "in_progress")],
        id="status-change",
    ),
    pytest.param(
        BASE.model_copy(update={"milestones": [*BASE.milestones[:2]]}),
        lambda c: c.removed == ("c",) and c.added == (),
        id="milestone-removed",
    ),
    pytest.param(
        edit_risks(BASE, [*BASE.risks, Risk(id="n", title="N", probability=5, impact=5)]),
        lambda c: [(r.id, r.kind, r.new_score) for r in c.risks] == [("n", "opened", 25)],
        id="risk-opened",
    ),
    pytest.param(
        edit_risks(BASE, [BASE.risks[0].model_copy(update={"status": "closed"})]),
        lambda c: [(r.id, r.kind, r.old_score) for r in c.risks] == [("r", "closed", 4)],
        id="risk-closed",
    ),
    pytest.param(
        edit_risks(BASE, [BASE.risks[0].model_copy(update={"impact": 5})]),
        lambda c: (
            [(r.id, r.kind, r.old_score, r.new_score) for r in c.risks]
            == [("r", "rescored", 4, 10)]
        ),
        id="risk-rescored",
    ),
    pytest.param(
        edit_risks(
            BASE,
            [
                BASE.risks[0].model_copy(
                    update={"mitigations": [Mitigation(id="m", due=dt.date(2026, 4, 1))]}
                )
            ],
        ),
        lambda c: c.risks == (),
        id="risk-unchanged-score-not-listed",
    ),
    pytest.param(
        BASE.model_copy(
            update={
                "kpis": [
                    BASE.kpis[0].model_copy(
                        update={
                            "measurements": [
                                *BASE.kpis[0].measurements,
                                Measurement(date=dt.date(2026, 3, 16), value=4),
                            ]
                        }
                    )
                ]
            }
        ),
        lambda c: [(k.id, k.old, k.new, k.new_value) for k in c.kpis] == [("k", "green", "red", 4)],
        id="kpi-crosses-threshold",
    ),
    pytest.param(
        edit_milestone(BASE, "c", duration=4),
        lambda c: (
            [(f.id, f.old, f.new, f.consumed) for f in c.float_consumed] == [("c", 3.0, 1.0, 2.0)]
        ),
        id="float-consumed",
    ),
]


@pytest.mark.parametrize(("new", "check"), CASES)
def test_changes(new: Plan, check: Check) -> None:
    assert check(changes(BASE, new))


def test_rag_changes_and_sorting() -> None:
    new = edit_milestone(BASE, "b", duration=40)
    new = edit_milestone(new, "c", duration=9)
    c = changes(BASE, new)
    assert [m.id for m in c.slipped] == ["b", "c"]  # biggest slip first
    assert ("Overall", "green", "red") in [(r.area, r.old, r.new) for r in c.rags]
    assert ("Schedule", "green", "red") in [(r.area, r.old, r.new) for r in c.rags]


def test_slip_counts_working_days_not_calendar_days() -> None:
    # Nothing starts before Mon 2026-03-16, so b finishes Fri 2026-03-27; one more day of
    # work puts it on Mon 2026-03-30: 3 calendar days, 1 working day.
    c = changes(BASE, edit_milestone(BASE, "b", duration=6))
    assert [(m.old, m.new, m.days) for m in c.slipped] == [
        (dt.date(2026, 3, 27), dt.date(2026, 3, 30), 1)
    ]


def test_float_consumed_reads_in_the_whole_days_the_float_column_shows() -> None:
    from tpm.render.markdown.sections import changes_section

    # c's float goes from 3 to 0.75 (shown 0) and, in a second report, from 3 to 2.5
    # (shown 2): the change of the shown column, never "2.25 d".
    used = changes_section(changes(BASE, edit_milestone(BASE, "c", duration=4.25)))
    assert "- **Float consumed:** c 3 d (3 → 0)" in used
    used = changes_section(changes(BASE, edit_milestone(BASE, "c", duration=2.5)))
    assert "- **Float consumed:** c 1 d (3 → 2)" in used
