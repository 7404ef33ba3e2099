"""The PlanSession without a terminal: edits by id, undo, checks, saving, the file on disk."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.plan.model import Milestone
from tpm.plan.storage import ChangedOnDisk, dumps
from tpm.tui import edits
from tpm.tui.history import ItemGone
from tpm.tui.session import FieldEdit, InvalidPlan, PlanSession

TODAY = dt.date(2026, 4, 15)
FIXTURE = Path(__file__).resolve().parents[2] / "tui" / "data" / "fixture.toml"


@pytest.fixture
def session(tmp_path: Path) -> PlanSession:
    path = tmp_path / "plan.toml"
    shutil.copy(FIXTURE, path)
    s = PlanSession(path)
    s.reload()
    assert s.plan is not None
    return s


def milestone(s: PlanSession, key: str) -> Milestone:
    m = s.find("milestones", key)
    assert isinstance(m, Milestone)
    return m


def teammate_inserts_first_milestone(path: Path, ident: str = "teammate-new") -> None:
    """Another writer puts a milestone at the top of the file (as `tpm` or an editor would)."""
    text = path.read_text(encoding="utf-8")
    block = f'[[milestones]]\nid = "{ident}"\ntitle = "Inserted"\nduration = 1\n\n'
    at = text.index("[[milestones]]")
    path.write_text(text[:at] + block + text[at:], encoding="utf-8")


def test_a_new_session_is_clean_and_lists_no_edits(session: PlanSession) -> None:
    assert not session.dirty and session.version == 0
    assert session.edits() == []
    assert not session.changed_on_disk()


def test_edits_apply_by_id_after_the_plan_changed_under_them(session: PlanSession) -> None:
    path = session.path
    before = milestone(session, "fraud-rules")
    teammate_inserts_first_milestone(path)
    session.reload()  # the list shifted by one since `before` was read
    session.replace("done", "milestones", "fraud-rules", edits.mark_done(before, TODAY))
    ids = [m.id for m in session.plan.milestones]  # type: ignore[union-attr]
    assert ids.count("fraud-rules") == 1 and "teammate-new" in ids
    assert milestone(session, "fraud-rules").status == "done"
    assert milestone(session, "teammate-new").title == "Inserted"


def test_editing_an_item_that_is_gone_raises(session: PlanSession) -> None:
    m = milestone(session, "fraud-rules")
    with pytest.raises(ItemGone):
        session.replace("x", "milestones", "no-such-milestone", m)


def test_undo_and_redo(session: PlanSession) -> None:
    m = milestone(session, "fraud-rules")
    session.replace("done", "milestones", m.id, edits.mark_done(m, TODAY))
    assert session.dirty and milestone(session, m.id).status == "done"
    assert session.undo() is not None
    assert not session.dirty and milestone(session, m.id) is m
    assert session.redo() is not None
    assert milestone(session, m.id).status == "done"
    assert session.redo() is None


def test_edits_lists_each_changed_field_since_load(session: PlanSession) -> None:
    m = milestone(session, "fraud-rules")
    session.replace("title", "milestones", m.id, m.model_copy(update={"title": "Fraud v2"}))
    session.delete("gone", "decisions", session.plan.decisions[0].id)  # type: ignore[union-attr]
    added = Milestone(id="late-add", title="Late", duration=2)
    session.add("added", "milestones", added)
    got = session.edits()
    assert FieldEdit("milestones", "fraud-rules", "title", m.title, "Fraud v2") in got
    assert [e.item_id for e in got if e.field is None and e.old is None] == ["late-add"]
    gone = [e for e in got if e.section == "decisions"]
    assert len(gone) == 1 and gone[0].new is None and gone[0].old["id"]
    session.undo()
    session.undo()
    session.undo()
    assert session.edits() == []


def test_save_writes_canonical_bytes_and_starts_a_new_base(session: PlanSession) -> None:
    m = milestone(session, "fraud-rules")
    session.replace("done", "milestones", m.id, edits.mark_done(m, TODAY))
    session.save()
    assert session.path.read_text(encoding="utf-8") == dumps(session.plan)  # type: ignore[arg-type]
    assert not session.dirty and session.edits() == []
    again = load_plan(session.path)
    assert again.plan is not None and again.plan.milestone(m.id).status == "done"  # type: ignore[union-attr]


def test_save_refuses_a_plan_that_fails_check(session: PlanSession) -> None:
    text = session.path.read_text(encoding="utf-8")
    m = milestone(session, "fraud-rules")
    data = m.model_dump()
    data["depends_on"] = [*data["depends_on"], {"id": "nowhere"}]
    broken = Milestone.model_validate(data)
    session.replace("link", "milestones", m.id, broken)
    with pytest.raises(InvalidPlan, match="unknown milestone 'nowhere'"):
        session.save()
    assert session.path.read_text(encoding="utf-8") == text
    assert session.dirty


def test_save_refuses_a_duplicate_id(session: PlanSession) -> None:
    text = session.path.read_text(encoding="utf-8")
    session.add("dup", "milestones", milestone(session, "fraud-rules"))
    with pytest.raises(InvalidPlan, match="fraud-rules"):
        session.save()
    assert session.path.read_text(encoding="utf-8") == text


def test_save_never_overwrites_a_change_on_disk_until_keep_mine(session: PlanSession) -> None:
    m = milestone(session, "fraud-rules")
    session.replace("done", "milestones", m.id, edits.mark_done(m, TODAY))
    teammate_inserts_first_milestone(session.path)
    theirs = session.path.read_text(encoding="utf-8")
    assert session.changed_on_disk()
    with pytest.raises(ChangedOnDisk):
        session.save()
    assert session.path.read_text(encoding="utf-8") == theirs
    session.keep_mine(session.disk_digest())
    assert session.dirty
    session.save()
    assert "teammate-new" not in session.path.read_text(encoding="utf-8")


def test_check_candidate_finds_the_item_by_id(session: PlanSession) -> None:
    m = milestone(session, "fraud-rules")
    data = m.model_dump(exclude_defaults=True) | {"depends_on": ["fraud-rules"]}
    found = session.check_candidate("milestones", "fraud-rules", data)
    assert any(d.severity == "error" and "fraud-rules" in d.message for d in found)
    deleted = session.check_candidate("milestones", "kickoff", None)
    assert any(d.severity == "error" and "kickoff" in d.message for d in deleted)
    fine = session.check_candidate("milestones", "fraud-rules", m.model_dump(exclude_defaults=True))
    assert not [d for d in fine if d.severity == "error"]


def test_comments_are_noticed(session: PlanSession) -> None:
    assert not session.has_comments
    session.path.write_text("# keep me\n" + session.path.read_text(encoding="utf-8"))
    session.reload()
    assert session.has_comments


def test_the_status_key_remembers_where_a_run_of_presses_started(session: PlanSession) -> None:
    start = milestone(session, "api-build")
    current = start
    for _ in range(3):
        origin = session.cycle_origin(current)
        assert origin is start
        result = edits.cycle_status(current, TODAY, origin).item
        session.replace("s", "milestones", start.id, result)
        session.cycle_done(origin, result)
        current = milestone(session, start.id)
    assert current == start
    other = current.model_copy(update={"title": "edited by the form"})
    assert session.cycle_origin(other) is other  # another edit starts a new run
