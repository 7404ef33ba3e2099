"""The TUI's pure helpers: quick edits, form text <-> plan data, undo history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tuihelp import FIXTURE

from tpm.check.load import load_plan
from tpm.plan.model import Milestone, Plan
from tpm.tui import edits
from tpm.tui.formdata import FORMS, MISSING, FieldSpec, from_text, item_data, item_texts
from tpm.tui.history import Change, History, ItemGone

TODAY = dt.date(2026, 4, 15)


def plan() -> Plan:
    loaded = load_plan(FIXTURE).plan
    assert loaded is not None
    return loaded


@pytest.mark.parametrize(
    ("ident", "status", "fields"),
    [
        pytest.param("fraud-rules", "in_progress", {"actual_start": TODAY}, id="planned-starts"),
        pytest.param(
            "api-build",
            "done",
            {"actual_finish": TODAY, "percent_complete": 100},
            id="in-progress-finishes",
        ),
        pytest.param(
            "kickoff",
            "planned",
            {
                "actual_start": dt.date(2026, 3, 2),
                "actual_finish": dt.date(2026, 3, 2),
            },
            id="done-back-to-planned-keeps-dates",
        ),
        pytest.param("3ds", "in_progress", {"blocked_reason": ""}, id="blocked-unblocks"),
    ],
)
def test_cycle_status(ident: str, status: str, fields: dict[str, Any]) -> None:
    m = plan().milestone(ident)
    assert m is not None
    new = edits.cycle_status(m, TODAY).item
    assert new.status == status
    for name, value in fields.items():
        assert getattr(new, name) == value
    assert m.status != status  # the original is untouched


def test_cycle_back_to_planned_says_what_it_kept() -> None:
    m = plan().milestone("kickoff")
    assert m is not None
    notice = edits.cycle_status(m, TODAY).notice
    assert "kept actual_start 2026-03-02, actual_finish 2026-03-02 " in notice


@pytest.mark.parametrize("ident", ["fraud-rules", "api-build", "kickoff", "3ds"])
def test_a_full_round_of_the_status_key_restores_the_milestone(ident: str) -> None:
    m = plan().milestone(ident)
    assert m is not None
    origin, current, seen = m, m, []
    for _ in range(3):
        current = edits.cycle_status(current, TODAY, origin).item
        seen.append(current.status)
    if m.status == "blocked":  # blocked leaves the cycle: it comes back in progress
        assert seen == ["in_progress", "done", "planned"]
        assert current.actual_start == m.actual_start
    else:
        assert current == m, seen


def test_set_percent_starts_planned_work() -> None:
    m = plan().milestone("fraud-rules")
    assert m is not None
    new = edits.set_percent(m, 40.0, TODAY).item
    assert (new.status, new.percent_complete, new.actual_start) == ("in_progress", 40, TODAY)


def test_percent_below_100_reopens_done_work_and_says_so() -> None:
    m = plan().milestone("kickoff")
    assert m is not None and m.status == "done"
    edited = edits.set_percent(m, 90.0, TODAY)
    new = edited.item
    assert (new.status, new.percent_complete, new.actual_finish) == ("in_progress", 90, None)
    assert new.actual_start == m.actual_start
    assert "done → in progress" in edited.notice and "2026-03-02" in edited.notice


def test_set_blocked_keeps_the_first_blocked_day() -> None:
    m = plan().milestone("3ds")
    assert m is not None
    assert edits.set_blocked(m, " new reason ", TODAY).blocked_since == dt.date(2026, 4, 6)
    assert edits.set_blocked(m, " new reason ", TODAY).blocked_reason == "new reason"


def test_record_measurement_keeps_both_unless_replacing() -> None:
    k = plan().kpis[0]
    day = k.measurements[-1].date
    both = edits.record_measurement(k, 97.0, day)
    assert len(both.measurements) == len(k.measurements) + 1
    assert [m.value for m in both.measurements[-2:]] == [k.measurements[-1].value, 97]
    replaced = edits.record_measurement(k, 97.0, day, replace_day=True)
    assert len(replaced.measurements) == len(k.measurements)
    assert replaced.measurements[-1].value == 97


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        pytest.param("number", "12", 12, id="int"),
        pytest.param("number", "2.5", 2.5, id="float"),
        pytest.param("number", "ten", "ten", id="bad-number-passed-on"),
        pytest.param("date", "2026-05-01", dt.date(2026, 5, 1), id="date"),
        pytest.param("date", "May 1", "May 1", id="bad-date-passed-on"),
        pytest.param("date", "", MISSING, id="empty-is-missing"),
        pytest.param("ids", "a, b,,c", ["a", "b", "c"], id="ids"),
        pytest.param(
            "deps",
            "a, b:SS+2, c:ff-1.5",
            ["a", {"id": "b", "type": "SS", "lag": 2}, {"id": "c", "type": "FF", "lag": -1.5}],
            id="deps",
        ),
        pytest.param(
            "estimate", "3/5/12", {"optimistic": 3, "likely": 5, "pessimistic": 12}, id="estimate"
        ),
        pytest.param("estimate", "3-5", "3-5", id="bad-estimate-passed-on"),
    ],
)
def test_from_text(kind: str, text: str, value: Any) -> None:
    assert from_text(text, FieldSpec("x", kind)) == value


@pytest.mark.parametrize("section", ["milestones", "risks", "kpis", "decisions"])
def test_form_round_trip_keeps_every_item(section: str) -> None:
    for item in getattr(plan(), section):
        again = type(item).model_validate(item_data(item_texts(item, section), section, item))
        assert again == item


def test_form_keeps_unknown_keys() -> None:
    m = Milestone.model_validate({"id": "a", "title": "A", "duration": 1, "jira": "PAY-1"})
    assert item_data(item_texts(m, "milestones"), "milestones", m)["jira"] == "PAY-1"


def test_every_form_field_is_a_model_field() -> None:
    from tpm.plan.model import Decision, Kpi, Measurement, Mitigation, Risk

    models = {
        "milestones": Milestone,
        "risks": Risk,
        "kpis": Kpi,
        "decisions": Decision,
        "mitigations": Mitigation,
        "measurements": Measurement,
    }
    for section, specs in FORMS.items():
        assert {s.name for s in specs} <= set(models[section].model_fields), section


def test_history_undo_redo_and_dirty() -> None:
    p, history = plan(), History()
    m = p.milestones[6]
    change = Change("x", "milestones", 6, m, edits.mark_done(m, TODAY))
    history.record(p, change)
    assert history.dirty and p.milestones[6].status == "done"
    assert history.undo(p) is not None
    assert not history.dirty and p.milestones[6] is m
    history.redo(p)
    history.mark_saved()
    assert not history.dirty
    history.undo(p)
    assert history.dirty  # the file on disk has the edit; memory does not
    history.record(p, Change("del", "milestones", 10, p.milestones[10], None))
    assert not history.can_redo and len(p.milestones) == 10
    history.undo(p)
    assert len(p.milestones) == 11


def test_history_finds_items_by_id_not_position() -> None:
    p, history = plan(), History()
    m = p.milestones[6]
    p.milestones.insert(0, p.milestones[3].model_copy(update={"id": "inserted-meanwhile"}))
    change = history.record(p, Change("x", "milestones", 6, m, edits.mark_done(m, TODAY)))
    assert change.index == 7 and p.milestones[7].status == "done"
    assert p.milestones[6].id != m.id and p.milestones[0].id == "inserted-meanwhile"
    history.undo(p)
    assert p.milestones[7] is m


def test_history_refuses_a_change_whose_item_is_gone() -> None:
    p = plan()
    m = p.milestones[6]
    del p.milestones[6]
    with pytest.raises(ItemGone):
        History().record(p, Change("x", "milestones", 6, m, edits.mark_done(m, TODAY)))
