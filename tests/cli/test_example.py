"""The bundled example plan: valid, canonical, and varied enough to fill every report section.

plans/example.toml is what a new user opens first (``make run``) and what the golden reports
are built from, so these tests pin the properties those outputs rely on: every status, link
type, risk and KPI state they render must actually occur in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.plan.model import Kpi, Plan
from tpm.plan.storage import dumps

RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The example plan, loaded once for the module."""
    loaded = load_plan(Path(__file__).resolve().parents[2] / "plans" / "example.toml")
    assert loaded.plan is not None, [d.render() for d in loaded.diagnostics]
    return loaded.plan


def _as_of(plan: Plan) -> dt.date:
    assert plan.program.as_of is not None
    return plan.program.as_of


def _rag(kpi: Kpi, value: float) -> str:
    """RAG of a value as the issue defines it: target for green, amber threshold for amber."""
    sign = 1 if kpi.direction == "higher_is_better" else -1
    if sign * (value - kpi.target) >= 0:
        return "green"
    if kpi.amber is not None and sign * (value - kpi.amber) >= 0:
        return "amber"
    return "red"


# ------------------------------------------------------------------ valid and canonical


def test_check_passes_without_warnings(example_plan: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli("check", example_plan)
    assert code == 0
    assert "warning" not in out + err
    assert load_plan(example_plan).diagnostics == []


def test_is_canonical(example_plan: Path, run_cli: RunCli) -> None:
    code, _out, err = run_cli("fmt", "--check", example_plan)
    assert code == 0, err
    loaded = load_plan(example_plan)
    assert loaded.plan is not None and loaded.source is not None
    assert dumps(loaded.plan) == loaded.source.text
    assert not loaded.source.sourcemap.has_comments, "prose belongs in notes, not in comments"


# ------------------------------------------------------------------ variety: counts


def _count(plan: Plan, what: str) -> int:
    ms = plan.milestones
    links = [d for m in ms for d in m.depends_on]
    counters: dict[str, Callable[[], int]] = {
        "milestones": lambda: len(ms),
        "teams": lambda: len(plan.teams),
        "teams used": lambda: len({m.team for m in ms}),
        "non-FS links": lambda: sum(d.type != "FS" for d in links),
        "SS links": lambda: sum(d.type == "SS" for d in links),
        "FF links": lambda: sum(d.type == "FF" for d in links),
        "leads": lambda: sum(d.lag < 0 for d in links),
        "lags": lambda: sum(d.lag > 0 for d in links),
        "events": lambda: sum(m.duration == 0 for m in ms),
        "due dates": lambda: sum(m.due is not None for m in ms),
        "three-point estimates": lambda: sum(m.estimate is not None for m in ms),
        "risks": lambda: len(plan.risks),
        "kpis": lambda: len(plan.kpis),
        "decisions": lambda: sum(d.status == "decided" for d in plan.decisions),
        "open asks": lambda: sum(d.status == "needed" for d in plan.decisions),
    }
    return counters[what]()


@pytest.mark.parametrize(
    ("what", "low", "high"),
    [
        pytest.param("milestones", 40, 60, id="40-60-milestones"),
        pytest.param("teams", 6, 12, id="6+-teams"),
        pytest.param("teams used", 6, 12, id="work-spread-over-6+-teams"),
        pytest.param("non-FS links", 3, 100, id="3+-non-FS-links"),
        pytest.param("SS links", 1, 100, id="some-SS"),
        pytest.param("FF links", 1, 100, id="some-FF"),
        pytest.param("leads", 1, 100, id="a-lead"),
        pytest.param("lags", 1, 100, id="a-lag"),
        pytest.param("events", 2, 10, id="event-milestones"),
        pytest.param("due dates", 5, 20, id="due-dates"),
        pytest.param("three-point estimates", 15, 25, id="about-a-third-estimated"),
        pytest.param("risks", 10, 15, id="10-15-risks"),
        pytest.param("kpis", 6, 8, id="6-8-kpis"),
        pytest.param("decisions", 3, 10, id="decisions"),
        pytest.param("open asks", 2, 2, id="two-open-asks"),
    ],
)
def test_has_the_variety_reports_need(plan: Plan, what: str, low: int, high: int) -> None:
    assert low <= _count(plan, what) <= high


# ------------------------------------------------------------------ milestones


def test_every_status_occurs_with_consistent_progress(plan: Plan) -> None:
    as_of = _as_of(plan)
    statuses = {m.status for m in plan.milestones}
    assert statuses == {"planned", "in_progress", "blocked", "done", "cancelled"}
    for m in plan.milestones:
        if m.status == "done":
            assert m.actual_start and m.actual_finish and m.actual_finish <= as_of, m.id
        elif m.status == "in_progress":
            assert m.actual_start and m.actual_start <= as_of and 0 < m.percent_complete < 100
        elif m.status == "blocked":
            assert m.blocked_reason and m.blocked_since and m.blocked_since <= as_of, m.id
        else:
            assert m.actual_start is None and m.actual_finish is None, m.id
        assert m.owner and m.team, m.id
    blocked = [m for m in plan.milestones if m.status == "blocked"]
    assert {m.actual_start is None for m in blocked} == {True, False}, "started and unstarted"


def test_started_work_does_not_precede_its_finish_to_start_predecessors(plan: Plan) -> None:
    by_id = {m.id: m for m in plan.milestones}
    for m in plan.milestones:
        if m.actual_start is None:
            continue
        for dep in m.depends_on:
            pred = by_id[dep.id]
            if dep.type == "FS":
                assert pred.status == "done", f"{m.id} started before {dep.id} finished"
                assert pred.actual_finish is not None and pred.actual_finish <= m.actual_start


def test_kickoff_and_replan_baselines_cover_every_milestone(plan: Plan) -> None:
    kickoff, replan = plan.baselines
    assert kickoff.name == "kickoff" and kickoff.recorded == plan.program.start
    assert plan.settings.current_baseline == replan.name
    assert replan.recorded > kickoff.recorded and replan.finish > kickoff.finish
    for baseline in (kickoff, replan):
        assert [e.id for e in baseline.milestones] == [m.id for m in plan.milestones]
        assert all(e.start <= e.finish for e in baseline.milestones)
        assert baseline.finish == max(e.finish for e in baseline.milestones)
        assert plan.program.target is not None and baseline.finish < plan.program.target


def test_snapshots_tell_eight_weeks_of_slip(plan: Plan) -> None:
    """Weekly snapshots before the status date; the finish forecast never improves."""
    snaps = plan.snapshots
    assert len(snaps) >= 8
    assert all((b.date - a.date).days == 7 for a, b in zip(snaps, snaps[1:], strict=False))
    assert plan.program.as_of is not None and snaps[-1].date < plan.program.as_of
    finishes = [s.finish for s in snaps if s.finish]
    assert finishes == sorted(finishes) and finishes[0] < finishes[-1]
    ids = {m.id for m in plan.milestones}
    assert all(e.id in ids for s in snaps for e in s.milestones)


def test_schedule_is_tight_but_real(plan: Plan) -> None:
    from tpm.schedule.scheduler import schedule

    sched = schedule(plan, _as_of(plan))
    assert sched.margin_days is not None and -5 <= sched.margin_days <= 5
    assert len(sched.critical_path) >= 5
    assert len(sched.near_critical) >= 3
    assert any(s.due is not None and s.total_float < 0 for s in sched.milestones.values()), (
        "a due date at risk"
    )
    assert sched.baseline is not None and sched.baseline.variance_days > 0, "it slipped"


# ------------------------------------------------------------------ risks


def test_risks_are_complete_and_in_every_state(plan: Plan) -> None:
    for r in plan.risks:
        assert all(
            [r.description, r.category, r.owner, r.trigger, r.raised, r.last_reviewed, r.affects]
        ), r.id
        assert "Cause:" in r.description and "Event:" in r.description, r.id
        assert "Effect:" in r.description, r.id
    statuses = {r.status for r in plan.risks}
    assert {"open", "mitigating", "accepted", "occurred", "closed"} <= statuses
    assert all(r.follow_up for r in plan.risks if r.status == "occurred")
    assert sum(r.residual_probability is not None for r in plan.risks) >= 5
    assert sum(r.proximity is not None for r in plan.risks) >= 10
    assert len({r.category for r in plan.risks}) >= 5


def test_some_risks_are_stale(plan: Plan) -> None:
    as_of, cadence = _as_of(plan), plan.settings.review_cadence_days
    stale = [
        r.id
        for r in plan.risks
        if r.status != "closed"
        and r.last_reviewed is not None
        and (as_of - r.last_reviewed).days > cadence
    ]
    assert 2 <= len(stale) < len(plan.risks) // 2


def test_mitigations_in_every_state_and_some_overdue(plan: Plan) -> None:
    as_of = _as_of(plan)
    mitigations = [m for r in plan.risks for m in r.mitigations]
    assert {m.status for m in mitigations} == {"todo", "doing", "done", "dropped"}
    assert all(m.done_on for m in mitigations if m.status == "done")
    overdue = [
        m.id
        for m in mitigations
        if m.status in ("todo", "doing") and m.due is not None and m.due < as_of
    ]
    assert len(overdue) >= 2


# ------------------------------------------------------------------ KPIs


def test_kpis_have_history_thresholds_and_owners(plan: Plan) -> None:
    as_of = _as_of(plan)
    for k in plan.kpis:
        assert k.unit and k.owner and k.amber is not None and k.baseline is not None, k.id
        assert 8 <= len(k.measurements) <= 12, k.id
        dates = [m.date for m in k.measurements]
        assert dates == sorted(dates) and dates[-1] <= as_of, k.id
        assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False)), k.id
    assert {k.direction for k in plan.kpis} == {"higher_is_better", "lower_is_better"}
    assert any(m.note for k in plan.kpis for m in k.measurements)


def test_kpis_span_green_amber_red_and_one_is_stale(plan: Plan) -> None:
    as_of = _as_of(plan)
    latest = {k.id: _rag(k, k.measurements[-1].value) for k in plan.kpis}
    assert set(latest.values()) == {"green", "amber", "red"}
    red_twice = [
        k.id for k in plan.kpis if all(_rag(k, m.value) == "red" for m in k.measurements[-2:])
    ]
    assert red_twice
    stale = [k.id for k in plan.kpis if (as_of - k.measurements[-1].date).days > k.cadence_days]
    assert len(stale) == 1


# ------------------------------------------------------------------ decisions and asks


def test_decisions_and_open_asks(plan: Plan) -> None:
    as_of = _as_of(plan)
    milestone_ids = {m.id for m in plan.milestones}
    for d in plan.decisions:
        assert d.date and d.title and d.decided_by and d.rationale and d.links, d.id
        assert any(link in milestone_ids for link in d.links), d.id
    asks = [d for d in plan.decisions if d.status == "needed"]
    assert all(d.needed_by is not None and d.needed_by > as_of for d in asks)
