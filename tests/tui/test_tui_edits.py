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
from tpm.tui.history import Change, History

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
            {"actual_start": None, "actual_finish": None, "percent_complete": 0},
            id="done-back-to-planned",
        ),
        pytest.param("3ds", "in_progress", {"blocked_reason": ""}, id="blocked-unblocks"),
    ],
)
def test_cycle_status(ident: str, status: str, fields: dict[str, Any]) -> None:
    m = plan().milestone(ident)
    assert m is not None
    new = edits.cycle_status(m, TODAY)
    assert new.status == status
    for name, value in fields.items():
        assert getattr(new, name) == value
    assert m.status != status  # the original is untouched


def test_set_percent_starts_planned_work() -> None:
    m = plan().milestone("fraud-rules")
    assert m is not None
    new = edits.set_percent(m, 40.0, TODAY)
    assert (new.status, new.percent_complete, new.actual_start) == ("in_progress", 40, TODAY)


def test_set_blocked_keeps_the_first_blocked_day() -> None:
    m = plan().milestone("3ds")
    assert m is not None
    assert edits.set_blocked(m, " new reason ", TODAY).blocked_since == dt.date(2026, 4, 6)
    assert edits.set_blocked(m, " new reason ", TODAY).blocked_reason == "new reason"


def test_record_measurement_replaces_the_same_day() -> None:
    k = plan().kpis[0]
    once = edits.record_measurement(k, 97.0, dt.date(2026, 4, 13))
    assert len(once.measurements) == len(k.measurements)
    assert once.measurements[-1].value == 97


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
