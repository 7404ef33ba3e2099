"""The risk engine: scores, bands, the heat map, hygiene findings and register order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm.plan.model import Plan, RiskBands
from tpm.register.risks import analyse_risks, band_of

AS_OF = dt.date(2026, 3, 16)  # a Monday


def _plan(*risks: dict[str, Any], settings: dict[str, Any] | None = None) -> Plan:
    return Plan.model_validate(
        {
            "program": {"name": "P", "start": dt.date(2026, 1, 5)},
            "settings": settings or {},
            "milestones": [
                {"id": "a", "title": "A", "duration": 5},
                {"id": "b", "title": "B", "duration": 5},
                {"id": "c", "title": "C", "duration": 5},
            ],
            "risks": list(risks),
        }
    )


def _risk(rid: str = "r1", p: int = 3, i: int = 3, **extra: Any) -> dict[str, Any]:
    """A risk with perfect hygiene unless the test says otherwise."""
    base: dict[str, Any] = {
        "id": rid,
        "title": f"Risk {rid}",
        "probability": p,
        "impact": i,
        "owner": "ana",
        "trigger": "a sign",
        "affects": ["a"],
        "last_reviewed": AS_OF,
        "mitigations": [{"id": f"{rid}-m", "action": "act", "due": dt.date(2026, 4, 1)}],
    }
    base.update(extra)
    return base


@pytest.mark.parametrize(
    ("score", "edges", "band"),
    [
        pytest.param(1, None, "low", id="1-low"),
        pytest.param(4, None, "low", id="4-top-of-low"),
        pytest.param(5, None, "medium", id="5-bottom-of-medium"),
        pytest.param(9, None, "medium", id="9-top-of-medium"),
        pytest.param(10, None, "high", id="10-bottom-of-high"),
        pytest.param(15, None, "high", id="15-top-of-high"),
        pytest.param(16, None, "critical", id="16-bottom-of-critical"),
        pytest.param(25, None, "critical", id="25-max"),
        pytest.param(4, (2, 6, 12), "medium", id="custom-4-medium"),
        pytest.param(12, (2, 6, 12), "high", id="custom-12-high"),
        pytest.param(13, (2, 6, 12), "critical", id="custom-13-critical"),
    ],
)
def test_band_edges(score: int, edges: tuple[int, int, int] | None, band: str) -> None:
    bands = (
        RiskBands() if edges is None else RiskBands(low=edges[0], medium=edges[1], high=edges[2])
    )
    assert band_of(score, bands) == band


@pytest.mark.parametrize(
    ("risk", "score", "residual"),
    [
        pytest.param(_risk(p=4, i=5), 20, 20, id="no-residual-falls-back"),
        pytest.param(_risk(p=4, i=5, residual_probability=2, residual_impact=3), 20, 6, id="both"),
        pytest.param(_risk(p=4, i=5, residual_probability=1), 20, 5, id="residual-p-only"),
        pytest.param(_risk(p=4, i=5, residual_impact=2), 20, 8, id="residual-i-only"),
    ],
)
def test_score_and_residual(risk: dict[str, Any], score: int, residual: int) -> None:
    view = analyse_risks(_plan(risk), AS_OF).risks[0]
    assert (view.score, view.residual_score) == (score, residual)


def test_plan_band_edges_apply_to_scores_and_residuals() -> None:
    plan = _plan(
        _risk(p=2, i=3, residual_probability=1, residual_impact=2),
        settings={"risk_bands": {"low": 2, "medium": 5, "high": 8}},
    )
    view = analyse_risks(plan, AS_OF).risks[0]
    assert (view.band, view.residual_band) == ("high", "low")


HYGIENE = [
    pytest.param(_risk(), set(), id="clean"),
    pytest.param(_risk(owner=""), {"no-owner"}, id="no-owner"),
    pytest.param(_risk(owner="  "), {"no-owner"}, id="blank-owner"),
    pytest.param(_risk(trigger=""), {"no-trigger"}, id="no-trigger"),
    pytest.param(_risk(affects=[]), {"no-milestone"}, id="no-milestone"),
    pytest.param(_risk(last_reviewed=AS_OF - dt.timedelta(days=14)), set(), id="reviewed-14d-ok"),
    pytest.param(_risk(last_reviewed=AS_OF - dt.timedelta(days=15)), {"stale"}, id="15d-stale"),
    pytest.param(
        _risk(last_reviewed=None, raised=AS_OF - dt.timedelta(days=3)), set(), id="raised-recently"
    ),
    pytest.param(
        _risk(last_reviewed=None, raised=AS_OF - dt.timedelta(days=30)),
        {"stale"},
        id="never-reviewed-counts-from-raised",
    ),
    pytest.param(_risk(last_reviewed=None), {"stale"}, id="no-dates-stale"),
    pytest.param(
        _risk(mitigations=[{"id": "m", "due": AS_OF - dt.timedelta(days=1)}]),
        {"mitigation-overdue"},
        id="todo-past-due-overdue",
    ),
    pytest.param(
        _risk(mitigations=[{"id": "m", "due": AS_OF - dt.timedelta(days=1), "status": "doing"}]),
        {"mitigation-overdue"},
        id="doing-past-due-overdue",
    ),
    pytest.param(_risk(mitigations=[{"id": "m", "due": AS_OF}]), set(), id="due-today-not-overdue"),
    pytest.param(
        _risk(
            mitigations=[
                {"id": "m", "due": AS_OF - dt.timedelta(days=9), "status": "done", "done_on": AS_OF}
            ]
        ),
        set(),
        id="done-past-due-fine",
    ),
    pytest.param(_risk(p=2, i=5, mitigations=[]), {"unmitigated"}, id="high-no-mitigation"),
    pytest.param(_risk(p=4, i=5, mitigations=[]), {"unmitigated"}, id="critical-no-mitigation"),
    pytest.param(_risk(p=3, i=3, mitigations=[]), set(), id="medium-no-mitigation-ok"),
    pytest.param(
        _risk(p=4, i=5, mitigations=[{"id": "m", "status": "done", "done_on": AS_OF}]),
        {"unmitigated"},
        id="critical-only-done-mitigation",
    ),
    pytest.param(_risk(p=4, i=5, mitigations=[], status="accepted"), set(), id="accepted-exempt"),
    pytest.param(
        _risk(p=4, i=5, mitigations=[], response="accept"), set(), id="response-accept-exempt"
    ),
    pytest.param(_risk(status="occurred"), {"no-follow-up"}, id="occurred-no-follow-up"),
    pytest.param(
        _risk(status="occurred", follow_up="incident INC-7"), set(), id="occurred-followed-up"
    ),
    pytest.param(_risk(affects=["b"]), {"exposure"}, id="critical-exposure"),
    pytest.param(_risk(affects=["c"]), {"exposure"}, id="near-critical-exposure"),
]


@pytest.mark.parametrize(("risk", "codes"), HYGIENE)
def test_hygiene_codes(risk: dict[str, Any], codes: set[str]) -> None:
    register = analyse_risks(
        _plan(risk), AS_OF, critical=frozenset({"b"}), near_critical=frozenset({"c"})
    )
    assert {f.code for f in register.risks[0].findings} == codes
    assert {f.code for f in register.findings} == codes


def test_closed_risks_are_not_in_the_register_and_have_no_findings() -> None:
    register = analyse_risks(_plan(_risk("x", status="closed", owner="")), AS_OF)
    assert register.risks == () and register.findings == () and register.closed == ("x",)


def test_exposure_message_names_each_milestone_with_its_own_word() -> None:
    # Only a and b are on the critical path: c (near-critical) and d (late against a due
    # date) are never called critical.
    register = analyse_risks(
        _plan(_risk(affects=["a", "b", "c", "d"])),
        AS_OF,
        critical=frozenset({"a", "b"}),
        near_critical=frozenset({"c"}),
        late=frozenset({"b", "d"}),
    )
    view = register.risks[0]
    assert view.exposure == "critical" and view.exposed_milestones == ("a", "b", "d", "c")
    assert view.on_critical_path == ("a", "b")
    assert (view.late_milestones, view.near_critical_milestones) == (("d",), ("c",))
    assert [f.message for f in view.findings] == [
        "affects milestones a, b on the critical path; late milestone d; near-critical milestone c"
    ]


def test_a_late_milestone_ranks_between_critical_and_near_critical_exposure() -> None:
    plan = _plan(
        _risk("near", p=3, i=4, affects=["c"]),
        _risk("late", p=3, i=4, affects=["d"]),
        _risk("crit", p=3, i=4, affects=["b"]),
    )
    register = analyse_risks(plan, AS_OF, frozenset({"b"}), frozenset({"c"}), frozenset({"d"}))
    assert [(r.id, r.exposure) for r in register.risks] == [
        ("crit", "critical"),
        ("late", "late"),
        ("near", "near-critical"),
    ]


def test_register_order_score_then_exposure_then_id() -> None:
    plan = _plan(
        _risk("low1", p=1, i=2),
        _risk("z-crit", p=3, i=4, affects=["b"]),
        _risk("a-plain", p=3, i=4),
        _risk("m-near", p=4, i=3, affects=["c"]),
        _risk("top", p=5, i=5),
    )
    register = analyse_risks(plan, AS_OF, frozenset({"b"}), frozenset({"c"}))
    assert [r.id for r in register.risks] == ["top", "z-crit", "m-near", "a-plain", "low1"]


def test_heat_map_cells_hold_live_risk_ids() -> None:
    plan = _plan(
        _risk("r1", p=5, i=1),
        _risk("r2", p=5, i=1),
        _risk("r3", p=1, i=5, status="mitigating"),
        _risk("r4", p=3, i=3, status="accepted"),
        _risk("gone", p=3, i=3, status="closed"),
        _risk("hit", p=3, i=3, status="occurred", follow_up="x"),
    )
    register = analyse_risks(plan, AS_OF)
    grid = [[list(c.risk_ids) for c in row] for row in register.heat_map]
    assert grid == [
        [["r1", "r2"], [], [], [], []],  # probability 5, impact 1..5
        [[], [], [], [], []],
        [[], [], ["r4"], [], []],
        [[], [], [], [], []],
        [[], [], [], [], ["r3"]],  # probability 1
    ]
    assert register.cell(5, 1).risk_ids == ("r1", "r2")
    assert [(c.probability, c.impact, c.score) for c in register.heat_map[0][:2]] == [
        (5, 1, 5),
        (5, 2, 10),
    ]
    assert register.cell(5, 5).band == "critical" and register.cell(1, 1).band == "low"
    assert "hit" in {r.id for r in register.risks}  # occurred: listed, not mapped


def test_next_action_is_the_earliest_due_active_mitigation() -> None:
    risk = _risk(
        mitigations=[
            {"id": "late", "due": dt.date(2026, 5, 1)},
            {"id": "none"},
            {"id": "early-done", "due": dt.date(2026, 3, 1), "status": "done", "done_on": AS_OF},
            {"id": "soon", "due": dt.date(2026, 3, 20), "status": "doing"},
        ]
    )
    view = analyse_risks(_plan(risk), AS_OF).risks[0]
    assert view.next_action is not None and view.next_action.id == "soon"


def test_next_action_without_due_dates_falls_back_to_id_order() -> None:
    view = analyse_risks(_plan(_risk(mitigations=[{"id": "b"}, {"id": "a"}])), AS_OF).risks[0]
    assert view.next_action is not None and view.next_action.id == "a"


@pytest.mark.parametrize(
    ("offset", "this_week"),
    [
        pytest.param(-1, False, id="yesterday-is-overdue-not-this-week"),
        pytest.param(0, True, id="today"),
        pytest.param(6, True, id="as-of-plus-6"),
        pytest.param(7, False, id="as-of-plus-7"),
    ],
)
def test_due_this_week_window(offset: int, this_week: bool) -> None:
    risk = _risk(mitigations=[{"id": "m", "due": AS_OF + dt.timedelta(days=offset)}])
    register = analyse_risks(_plan(risk), AS_OF)
    assert [m.id for m in register.due_this_week] == (["m"] if this_week else [])
    assert [m.id for m in register.overdue] == (["m"] if offset < 0 else [])


def test_review_cadence_comes_from_the_plan() -> None:
    risk = _risk(last_reviewed=AS_OF - dt.timedelta(days=8))
    register = analyse_risks(_plan(risk, settings={"review_cadence_days": 7}), AS_OF)
    assert register.stale == ("r1",)
    assert register.risks[0].review_due == AS_OF - dt.timedelta(days=1)


def test_same_plan_gives_equal_results_and_json() -> None:
    plan = _plan(_risk("b", p=4, i=4, owner=""), _risk("a", p=2, i=2, mitigations=[]))
    one, two = analyse_risks(plan, AS_OF), analyse_risks(plan, AS_OF)
    assert one == two and one.to_json() == two.to_json()
    data = one.to_json()
    assert data["counts"] == {"low": 1, "medium": 0, "high": 0, "critical": 1}
    assert len(data["heat_map"]) == 25 and data["risks"][0]["id"] == "b"


_STATUSES = ["open", "mitigating", "accepted", "closed", "occurred"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(1, 5), st.sampled_from(_STATUSES)),
        max_size=12,
    )
)
def test_every_mappable_risk_is_in_exactly_one_cell_and_the_register_is_ordered(
    specs: list[tuple[int, int, str]],
) -> None:
    risks = [_risk(f"r{n}", p=p, i=i, status=s) for n, (p, i, s) in enumerate(specs)]
    register = analyse_risks(_plan(*risks), AS_OF)
    placed = [
        (c.probability, c.impact, rid)
        for row in register.heat_map
        for c in row
        for rid in c.risk_ids
    ]
    expected = [
        (p, i, f"r{n}")
        for n, (p, i, s) in enumerate(specs)
        if s in ("open", "mitigating", "accepted")
    ]
    assert sorted(placed) == sorted(expected)
    scores = [r.score for r in register.risks]
    assert scores == sorted(scores, reverse=True)
    assert len(register.risks) + len(register.closed) == len(specs)
