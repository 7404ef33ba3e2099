"""The trend's history is held to the plan size limit: a commit whose plan is over it is
skipped with the reason, by its size, and the other commits still give their points."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from git_helpers import git

from tpm.report.history import git_points

PLAN = (
    '[program]\nname = "x"\nstart = 2026-03-02\nas_of = {as_of}\n\n'
    '[[milestones]]\nid = "a"\ntitle = "A"\nduration = 1\nnotes = "{notes}"\n'
)


def test_a_commit_whose_plan_is_over_the_size_limit_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpm.plan import storage

    plan = tmp_path / "plan.toml"
    git(tmp_path, "init", "-q")
    for as_of, notes in (("2026-03-02", "n"), ("2026-03-09", "n" * 5000), ("2026-03-16", "n")):
        plan.write_text(PLAN.format(as_of=as_of, notes=notes))
        git(tmp_path, "add", "plan.toml")
        git(tmp_path, "commit", "-q", "-m", as_of)
    monkeypatch.setattr(storage, "MAX_BYTES", 4000)
    points, skipped, note = git_points(plan, (), dt.date(2026, 12, 31), runs=0)
    assert note is None
    assert len(skipped) == 1 and "plan.toml at" in skipped[0].reason
    assert "is too large for a plan (0.0 MB; the limit is 0 MB)" in skipped[0].reason
    assert sorted(p.date for p in points) == [dt.date(2026, 3, 2), dt.date(2026, 3, 16)]
