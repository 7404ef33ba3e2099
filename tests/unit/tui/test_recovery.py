"""Recovery files without a terminal: whose they are, when they are offered, how a restore
merges with a file that changed since (the App's side is in tests/tui/test_tui_crash.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import pytest

from tpm.plan.model import Kpi, Measurement, Milestone
from tpm.plan.storage import dumps
from tpm.tui import edits, recovery
from tpm.tui.session import MergeConflicts, PlanSession

TODAY = dt.date(2026, 4, 15)
FIXTURE = Path(__file__).resolve().parents[2] / "tui" / "data" / "fixture.toml"


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    shutil.copy(FIXTURE, path)
    return path


def edited_session(plan: Path) -> PlanSession:
    """A session with fraud-rules marked done, unsaved."""
    s = PlanSession(plan)
    s.reload()
    m = s.find("milestones", "fraud-rules")
    assert isinstance(m, Milestone)
    s.replace("done", "milestones", "fraud-rules", edits.mark_done(m, TODAY))
    return s


def keep(s: PlanSession, autosave: recovery.Autosave) -> None:
    assert s.plan is not None and s.base_text is not None
    assert autosave.write(autosave.ticket(), dumps(s.plan), s.base_text, s.digest)


def test_a_running_sessions_autosave_is_offered_only_after_it_ends(plan: Path) -> None:
    s = edited_session(plan)
    autosave = recovery.Autosave(plan)
    keep(s, autosave)
    assert stat.S_IMODE(autosave.file.stat().st_mode) == 0o600
    assert stat.S_IMODE(autosave.file.parent.stat().st_mode) == 0o700
    assert recovery.find(plan) is None  # a second TUI on the plan must not take it over
    autosave.release()  # what the kernel does when the process dies, however it dies
    kept = recovery.find(plan)
    assert kept is not None and kept.file == autosave.file
    assert kept.base_digest == s.digest and kept.base_text == plan.read_text(encoding="utf-8")
    recovery.discard(kept)
    assert recovery.find(plan) is None and list(autosave.file.parent.iterdir()) == []


def test_a_write_taken_before_a_save_never_brings_the_file_back(plan: Path) -> None:
    s = edited_session(plan)
    autosave = recovery.Autosave(plan)
    keep(s, autosave)
    slow = autosave.ticket()  # a worker started rendering the plan...
    autosave.discard()  # ...and the user saved meanwhile
    assert not autosave.write(slow, "stale", None, None)
    assert not autosave.file.exists()
    older, newer = autosave.ticket(), autosave.ticket()
    assert autosave.write(newer, "new", None, None)
    assert not autosave.write(older, "old", None, None)  # an older render never wins


def test_each_session_keeps_its_own_file_and_the_newest_is_offered_first(plan: Path) -> None:
    first, second = recovery.Autosave(plan), recovery.Autosave(plan)
    first.write(first.ticket(), "first", None, None)
    second.write(second.ticket(), "second", None, None)
    first.release()
    second.release()
    found = recovery.find_all(plan)
    assert sorted(k.text for k in found) == ["first", "second"]
    assert found[0].written >= found[1].written


def test_a_recovery_of_another_plan_with_the_same_name_is_not_offered(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, other = tmp_path / "a" / "plan.toml", tmp_path / "b" / "plan.toml"
    autosave = recovery.Autosave(one)
    autosave.write(autosave.ticket(), "x", None, None)
    autosave.release()
    assert recovery.find(other) is None and recovery.find(one) is not None


def test_a_restore_onto_a_changed_file_merges_by_id_and_keeps_the_others_changes(
    plan: Path,
) -> None:
    """Edits kept after kill -9; meanwhile `tpm kpi record` and a teammate changed the file."""
    s = edited_session(plan)
    base_text, base_digest = plan.read_text(encoding="utf-8"), s.digest
    assert s.plan is not None and s.base_plan is not None
    mine, base = s.plan, s.base_plan
    # The others: a new milestone at the top, and a measurement (as tpm kpi record writes).
    text = base_text.replace(
        "[[milestones]]",
        '[[milestones]]\nid = "teammate-new"\ntitle = "New"\nduration = 1\n\n[[milestones]]',
        1,
    )
    plan.write_text(text, encoding="utf-8")
    other = PlanSession(plan)
    other.reload()
    kpi = other.plan.kpis[0]  # type: ignore[union-attr]
    measured = Measurement(date=TODAY, value=42.0)
    other.replace(
        "kpi record",
        "kpis",
        kpi.id,
        kpi.model_copy(update={"measurements": [*kpi.measurements, measured]}),
    )
    other.save()

    restored = PlanSession(plan)
    restored.reload()
    restored.resume(mine, base, base_text, base_digest)
    theirs = restored.merge_with_disk()
    assert theirs  # the others' changes are reported
    assert restored.plan is not None
    ids = [m.id for m in restored.plan.milestones]
    assert "teammate-new" in ids and ids.count("fraud-rules") == 1
    m = restored.find("milestones", "fraud-rules")
    assert isinstance(m, Milestone) and m.status == "done"
    k = restored.find("kpis", kpi.id)
    assert isinstance(k, Kpi) and measured in k.measurements
    assert restored.dirty and not restored.changed_on_disk()
    restored.save()  # and the merged plan passes tpm check and saves


def test_a_field_both_changed_is_a_conflict_not_a_silent_overwrite(plan: Path) -> None:
    s = edited_session(plan)
    base_text, base_digest = plan.read_text(encoding="utf-8"), s.digest
    assert s.plan is not None and s.base_plan is not None
    mine, base = s.plan, s.base_plan
    other = PlanSession(plan)
    other.reload()
    m = other.find("milestones", "fraud-rules")
    assert isinstance(m, Milestone)
    other.replace("cancel", "milestones", m.id, m.model_copy(update={"status": "cancelled"}))
    other.save()

    restored = PlanSession(plan)
    restored.reload()
    restored.resume(mine, base, base_text, base_digest)
    with pytest.raises(MergeConflicts) as caught:
        restored.merge_with_disk()
    assert any("fraud-rules" in c.describe() for c in caught.value.conflicts)
