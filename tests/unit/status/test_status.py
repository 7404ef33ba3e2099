"""RAG rules: each rule fires on its trigger, stays quiet at its threshold, and explains itself."""

from __future__ import annotations

import datetime as dt

import pytest

from tpm.plan.model import Override, StatusRules
from tpm.status.evaluate import evaluate, evaluate_area, worst
from tpm.status.facts import (
    BlockerFacts,
    DueMiss,
    Facts,
    KpiFacts,
    RiskFacts,
    ScheduleFacts,
)
from tpm.status.rules import RULES

AS_OF = dt.date(2026, 5, 11)
TARGET = dt.date(2026, 9, 30)
D = dt.date


def sched(**kw: object) -> Facts:
    base: dict[str, object] = {"finish": D(2026, 9, 1), "target": TARGET, "margin_days": 20}
    base.update(kw)
    return Facts(AS_OF, schedule=ScheduleFacts(**base))  # type: ignore[arg-type]


def risk(**kw: object) -> Facts:
    base: dict[str, object] = {"id": "r1", "score": 20, "band": "critical", "status": "open"}
    base.update(kw)
    return Facts(AS_OF, risks=(RiskFacts(**base),))  # type: ignore[arg-type]


def kpi(*rags: str, stale: bool = False) -> Facts:
    return Facts(AS_OF, kpis=(KpiFacts("k1", tuple(rags), stale),))  # type: ignore[arg-type]


def blockers(*items: tuple[bool, int | None]) -> Facts:
    return Facts(
        AS_OF, blockers=tuple(BlockerFacts(f"b{i}", c, a) for i, (c, a) in enumerate(items))
    )


# (facts, rules, rule id expected to fire or None, area colour)
CASES = [
    pytest.param(sched(), StatusRules(), None, "green", id="schedule-green-ample-margin"),
    pytest.param(
        sched(finish=D(2026, 10, 2), margin_days=-2),
        StatusRules(),
        "schedule.finish-after-target",
        "red",
        id="finish-after-target-fires",
    ),
    pytest.param(
        sched(finish=TARGET, margin_days=0),
        StatusRules(schedule_amber_margin_days=0),
        None,
        "green",
        id="finish-on-target-is-not-late",
    ),
    pytest.param(
        sched(due_misses=(DueMiss("m1", D(2026, 6, 1), -3),)),
        StatusRules(),
        "schedule.due-date-missed",
        "red",
        id="due-date-missed-fires",
    ),
    pytest.param(
        sched(due_misses=()), StatusRules(), None, "green", id="due-date-missed-quiet-at-zero"
    ),
    pytest.param(
        sched(margin_days=4.5),
        StatusRules(),
        "schedule.low-margin",
        "amber",
        id="low-margin-fires-below-5",
    ),
    pytest.param(
        sched(margin_days=5), StatusRules(), None, "green", id="low-margin-quiet-at-threshold"
    ),
    pytest.param(
        sched(margin_days=8),
        StatusRules(schedule_amber_margin_days=10),
        "schedule.low-margin",
        "amber",
        id="low-margin-threshold-from-plan",
    ),
    pytest.param(
        sched(p80=D(2026, 10, 1)),
        StatusRules(),
        "schedule.p80-after-target",
        "amber",
        id="p80-after-target-fires",
    ),
    pytest.param(
        sched(p80=TARGET), StatusRules(), None, "green", id="p80-on-target-quiet-at-threshold"
    ),
    pytest.param(
        risk(), StatusRules(), "risks.critical-unmitigated", "red", id="critical-unmitigated"
    ),
    pytest.param(
        risk(status="occurred", follow_up=True),
        StatusRules(),
        "risks.critical-unmitigated",
        "red",
        id="critical-occurred-counts",
    ),
    pytest.param(
        risk(active_mitigation=True),
        StatusRules(),
        "risks.critical-open",
        "amber",
        id="critical-mitigating-is-amber",
    ),
    pytest.param(
        risk(status="accepted"),
        StatusRules(),
        "risks.critical-open",
        "amber",
        id="critical-accepted-is-amber",
    ),
    pytest.param(
        risk(status="closed"), StatusRules(), None, "green", id="critical-closed-is-quiet"
    ),
    pytest.param(
        risk(score=12, band="high"),
        StatusRules(),
        "risks.high-unmitigated",
        "amber",
        id="high-unmitigated",
    ),
    pytest.param(
        risk(score=12, band="high", active_mitigation=True),
        StatusRules(),
        None,
        "green",
        id="high-mitigated-is-quiet",
    ),
    pytest.param(risk(score=9, band="medium"), StatusRules(), None, "green", id="medium-is-quiet"),
    pytest.param(
        risk(score=6, band="medium", overdue_mitigations=("m1",)),
        StatusRules(),
        "risks.mitigation-overdue",
        "amber",
        id="mitigation-overdue",
    ),
    pytest.param(
        risk(score=6, band="medium", status="occurred"),
        StatusRules(),
        "risks.occurred-no-follow-up",
        "amber",
        id="occurred-no-follow-up",
    ),
    pytest.param(
        risk(score=6, band="medium", status="occurred", follow_up=True),
        StatusRules(),
        None,
        "green",
        id="occurred-with-follow-up-is-quiet",
    ),
    pytest.param(kpi("green", "red", "red"), StatusRules(), "kpis.red-streak", "red", id="red-2"),
    pytest.param(
        kpi("red", "amber", "red"),
        StatusRules(),
        "kpis.red-latest",
        "amber",
        id="red-once-is-amber-below-streak",
    ),
    pytest.param(
        kpi("red", "red"),
        StatusRules(kpi_red_streak=3),
        "kpis.red-latest",
        "amber",
        id="red-streak-threshold-from-plan",
    ),
    pytest.param(kpi("red", "red", "green"), StatusRules(), None, "green", id="red-streak-broken"),
    pytest.param(kpi("green", "amber"), StatusRules(), "kpis.amber-latest", "amber", id="amber"),
    pytest.param(kpi("green", stale=True), StatusRules(), "kpis.stale", "amber", id="kpi-stale"),
    pytest.param(kpi("amber", "green"), StatusRules(), None, "green", id="kpi-green-latest"),
    pytest.param(
        blockers((True, 1), (True, 1), (True, 1)),
        StatusRules(),
        "blockers.critical-many",
        "red",
        id="three-critical-blockers-red",
    ),
    pytest.param(
        blockers((True, 1), (True, 1)),
        StatusRules(),
        "blockers.critical",
        "amber",
        id="two-critical-blockers-amber",
    ),
    pytest.param(
        blockers((True, 1)),
        StatusRules(blockers_red_count=1),
        "blockers.critical-many",
        "red",
        id="blockers-red-count-from-plan",
    ),
    pytest.param(blockers((False, 11)), StatusRules(), "blockers.aged", "amber", id="blocker-aged"),
    pytest.param(
        blockers((False, 10)), StatusRules(), None, "green", id="blocker-aged-quiet-at-threshold"
    ),
    pytest.param(
        blockers((False, None)), StatusRules(), None, "green", id="non-critical-fresh-blocker"
    ),
]


@pytest.mark.parametrize(("facts", "rules", "rule_id", "rag"), CASES)
def test_rule_table(facts: Facts, rules: StatusRules, rule_id: str | None, rag: str) -> None:
    status = evaluate(facts, rules)
    fired = {f.rule for a in status.areas for f in a.findings if f.rag != "green"}
    assert fired == ({rule_id} if rule_id else set())
    area = rule_id.split(".")[0] if rule_id else None
    colours = {a.area: a.rag for a in status.areas}
    if area:
        assert colours[area] == rag  # type: ignore[index]
    assert status.rag == rag


def test_every_rule_is_covered_by_the_table() -> None:
    """Each declared rule fires in at least one case above."""
    covered = {c.values[2] for c in CASES}
    assert {r.id for r in RULES} <= covered


def test_every_colour_names_a_rule_and_explains_it() -> None:
    facts = Facts(
        AS_OF,
        schedule=ScheduleFacts(D(2026, 10, 5), TARGET, -3.0, None, ()),
        kpis=(KpiFacts("k1", ("amber",)),),
    )
    status = evaluate(facts, StatusRules())
    for area in status.areas:
        assert area.findings, area.area
        assert all(f.rule.startswith(area.area + ".") and f.message for f in area.findings)
    assert status.area("schedule").reason == (
        "Forecast finish 2026-10-05 is 3 working days after the target 2026-09-30."
    )
    assert status.area("risks").findings[0].rule == "risks.under-control"
    assert status.reason.startswith("Schedule: Forecast finish 2026-10-05")


def test_overall_is_the_worst_area() -> None:
    facts = Facts(
        AS_OF,
        schedule=ScheduleFacts(D(2026, 9, 28), TARGET, 2.0),
        kpis=(KpiFacts("k", ("red", "red")),),
    )
    status = evaluate(facts, StatusRules())
    assert [a.rag for a in status.areas] == ["amber", "green", "red", "green"]
    assert status.rag == "red"
    assert worst([]) == "green"


def test_area_lists_red_before_amber() -> None:
    facts = Facts(
        AS_OF, schedule=ScheduleFacts(D(2026, 10, 2), TARGET, -2.0, D(2026, 10, 9)), kpis=()
    )
    area = evaluate_area("schedule", facts, StatusRules())
    assert [f.rag for f in area.findings] == ["red", "amber"]
    assert "P80" not in area.reason


RED = Facts(AS_OF, kpis=(KpiFacts("k", ("red", "red")),))


@pytest.mark.parametrize(
    ("override", "rag", "applied", "note"),
    [
        pytest.param(
            Override(rag="amber", reason="Vendor fix lands Monday", expires=D(2026, 5, 15)),
            "amber",
            True,
            None,
            id="active",
        ),
        pytest.param(
            Override(rag="amber", reason="Vendor fix", expires=AS_OF),
            "amber",
            True,
            None,
            id="active-on-its-expiry-day",
        ),
        pytest.param(
            Override(rag="green", reason="Vendor fix", expires=D(2026, 5, 10)),
            "red",
            False,
            "Override to GREEN expired on 2026-05-10 and is ignored.",
            id="expired",
        ),
        pytest.param(
            Override(rag="green", reason="  ", expires=D(2026, 6, 1)),
            "red",
            False,
            "Override to GREEN ignored: it gives no reason.",
            id="no-reason",
        ),
    ],
)
def test_override(override: Override, rag: str, applied: bool, note: str | None) -> None:
    status = evaluate(RED, StatusRules(override=override))
    assert (status.rag, status.computed, status.override_applied) == (rag, "red", applied)
    assert status.notes == ((note,) if note else ())
    if applied:
        assert status.reason.startswith(f"Overridden to {rag.upper()} until {override.expires}")
        assert "the rules say RED" in status.reason


def _plan_status(**kw: object) -> tuple[str, set[str]]:
    from tpm.plan.model import Milestone, Plan, Program
    from tpm.report.data import build

    base: dict[str, object] = {
        "program": Program(name="p", start=D(2026, 3, 2), target=D(2026, 3, 31)),
        "milestones": [Milestone(id="a", title="A", duration=5, due=D(2026, 3, 6))],
    }
    base.update(kw)
    status = build(Plan(**base), D(2026, 3, 4)).status  # type: ignore[arg-type]
    return status.rag, {f.rule for a in status.areas for f in a.findings}


def test_facts_from_a_real_plan() -> None:
    from tpm.plan.model import Risk

    # a starts on the status date (Wed 2026-03-04), needs 5 days, due Fri: 2 days late.
    rag, rules = _plan_status()
    assert rag == "red" and "schedule.due-date-missed" in rules
    accepted = Risk(id="r", title="R", probability=5, impact=4, response="accept")
    _, rules = _plan_status(risks=[accepted])
    assert "risks.critical-open" in rules and "risks.critical-unmitigated" not in rules
