"""Git history in the trend: a P80 at every point of a large plan, and the cache of analysed
commits (a trend run again analyses nothing it has analysed before).

The history: nine weekly commits of a plan of 890 independent milestones (enough that the
old budget left the oldest point without a P80), every third with a three-point estimate.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from git_helpers import git

from tpm.check.load import load_plan
from tpm.plan.model import Plan
from tpm.render.text.trend import p80_note
from tpm.report import history
from tpm.report.data import ReportData, build
from tpm.report.point_cache import cache_dir
from tpm.report.trend import HISTORY_RUNS, Collected, collect

START = dt.date(2026, 1, 5)  # a Monday
WEEKS = 9
SIZE = 890


def plan_text(week: int) -> str:
    out = [
        f'[program]\nname = "Big"\nstart = {START}\nas_of = {START + dt.timedelta(weeks=week)}\n'
    ]
    for i in range(SIZE):
        likely = 1 + (i + week) % 5
        item = f'\n[[milestones]]\nid = "m{i}"\ntitle = "M {i}"\nduration = {likely}\n'
        if i % 3 == 0:
            high = likely + 4
            item += (
                f"estimate = {{ optimistic = {likely}, likely = {likely}, pessimistic = {high} }}\n"
            )
        out.append(item)
    return "".join(out)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan]:
    root = tmp_path_factory.mktemp("big-history")
    git(root, "init", "-q", "-b", "main")
    path = root / "plan.toml"
    for week in range(WEEKS + 1):
        path.write_text(plan_text(week), encoding="utf-8")
        stamp = f"{START + dt.timedelta(weeks=week)}T12:00:00+00:00"
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"w{week}", GIT_COMMITTER_DATE=stamp, GIT_AUTHOR_DATE=stamp)
    plan = load_plan(path).plan
    assert plan is not None
    return path, plan


def _collect(path: Path, plan: Plan, cache: bool) -> Collected:
    as_of = plan.program.as_of
    assert as_of is not None
    if id(plan) not in _TODAY:  # today's point is not what is tested here: no forecast
        _TODAY[id(plan)] = build(plan, as_of, with_forecast=False)
    return collect(plan, path, as_of, ("m0",), cache=cache, now=_TODAY[id(plan)])


_TODAY: dict[int, ReportData] = {}


def test_every_git_point_has_a_p80_and_the_second_run_reads_the_cache(
    repo: tuple[Path, Plan], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, plan = repo
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("TPM_NO_CACHE", raising=False)  # the test session turns caches off
    first = _collect(path, plan, cache=True)
    git_points = [p for p in first.trend.points if p.source == "git"]
    assert len(git_points) == WEEKS
    assert all(p.p80 is not None and p.finish is not None for p in git_points)
    assert all(p.p80 >= p.finish for p in git_points if p.p80 and p.finish)
    assert {p.runs for p in git_points} == {HISTORY_RUNS}
    note = p80_note(first.trend)
    assert note is not None and "seed 0" in note
    assert f"{WEEKS} git points {HISTORY_RUNS} runs each" in note and "not forecast" not in note
    folder = cache_dir()
    assert folder is not None and folder.is_relative_to(tmp_path)
    stored = sorted(folder.rglob("*.json"))
    assert len(stored) == WEEKS

    def no_analysis(job: object) -> object:
        raise AssertionError("analysed again although cached")

    monkeypatch.setattr(history, "_analyse_job", no_analysis)
    assert _collect(path, plan, cache=True) == first
    with pytest.raises(AssertionError, match="analysed again"):
        _collect(path, plan, cache=False)  # --no-cache reads nothing
    monkeypatch.setenv("TPM_NO_CACHE", "1")
    assert cache_dir() is None
    monkeypatch.delenv("TPM_NO_CACHE")

    monkeypatch.undo()  # analysis back; a corrupt entry is analysed again and rewritten
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("TPM_NO_CACHE", raising=False)
    stored[0].write_text('{"rag": "purple"', encoding="utf-8")
    stored[1].write_text('{"date": "2026-01-05", "rag": "purple", "areas": {}}', encoding="utf-8")
    assert _collect(path, plan, cache=True) == first
    assert stored[0].read_text(encoding="utf-8").startswith('{"date"')
