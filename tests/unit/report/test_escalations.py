"""Escalations: every one has an owner and a next action, from the plan where it has one.

A blocked reason says what is wrong; the next action says what happens next. These tests
build small plans with one blocker or risk each and check which action the report shows and
who owns it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tpm.plan.model import Decision, Milestone, Mitigation, Plan, Program, Risk, Team
from tpm.render.markdown.report import render_report
from tpm.report.data import build
from tpm.report.escalations import Escalation, is_action

AS_OF = dt.date(2026, 3, 4)  # a Wednesday
REASON = "Vendor API rejects 312 sellers"


def _plan(
    blocked: dict[str, Any] | None = None,
    *,
    risks: list[Risk] | None = None,
    decisions: list[Decision] | None = None,
    owner: str = "Program Owner",
    side: int = 3,
) -> Plan:
    stuck: dict[str, Any] = {
        "id": "kyc",
        "title": "Re-KYC",
        "team": "pay",
        "owner": "Anna",
        "duration": 5,
        "status": "blocked",
        "blocked_reason": REASON,
        "blocked_since": dt.date(2026, 3, 2),
    }
    stuck.update(blocked or {})
    return Plan(
        program=Program(name="p", start=dt.date(2026, 3, 2), as_of=AS_OF, owner=owner),
        teams=[Team(id="pay", name="Payments", lead="Lena Lead")],
        milestones=[
            Milestone(**stuck),
            Milestone(id="side", title="Side", duration=side, owner="Bob"),
            Milestone(id="end", title="End", duration=1, depends_on=["kyc"]),
        ],
        risks=risks or [],
        decisions=decisions or [],
    )


def _only(plan: Plan) -> Escalation:
    found = build(plan, AS_OF, with_forecast=False).escalations
    assert len(found) == 1, found
    return found[0]


def test_a_blocked_reason_that_is_no_action_gets_a_suggested_one_with_owner_and_date() -> None:
    e = _only(_plan())
    assert e.detail == REASON and e.action != REASON
    assert (e.source, e.owner, e.action_owner) == ("generated", "Anna", "Anna")
    assert e.action == "unblock kyc: Anna to decide the next step"
    # on the critical path: every day stuck moves the finish, so by the next working day
    assert e.critical and e.action_due == dt.date(2026, 3, 5)
    section = render_report(build(_plan(), AS_OF, with_forecast=False)).split("## Escalations")[1]
    row = next(line for line in section.splitlines() if line.startswith("| **kyc**"))
    assert f"blocked: {REASON}" in row
    assert row.endswith(
        "| Anna | *Suggested:* unblock kyc: Anna to decide the next step by 2026-03-05 |"
    )


@pytest.mark.parametrize(
    ("side", "due"),
    [(8, dt.date(2026, 3, 6)), (30, dt.date(2026, 3, 11))],
    ids=["2-days-float", "24-days-float-capped-at-a-week"],
)
def test_off_the_critical_path_the_action_is_due_before_the_float_runs_out(
    side: int, due: dt.date
) -> None:
    e = _only(_plan(side=side))  # kyc + end take 6 days; the side work takes longer
    assert not e.critical and e.action_due == due


def test_a_blocked_reason_written_as_an_action_is_the_action() -> None:
    e = _only(_plan({"blocked_reason": "Legal to sign the DPA with the vendor"}))
    assert (e.action, e.source, e.action_due) == (
        "Legal to sign the DPA with the vendor",
        "reason",
        None,
    )


def test_a_risk_mitigation_on_the_blocked_milestone_is_its_next_action() -> None:
    risk = Risk(
        id="vendor-api",
        title="Vendor API",
        owner="Rita",
        probability=2,
        impact=2,  # low: not an escalation itself
        affects=["kyc"],
        mitigations=[
            Mitigation(id="done-one", action="Old step", status="done"),
            Mitigation(id="fix", action="Get a dated fix", owner="Jonas", due=dt.date(2026, 3, 1)),
        ],
    )
    e = _only(_plan(risks=[risk]))
    assert (e.action, e.action_owner, e.source, e.source_id) == (
        "Get a dated fix",
        "Jonas",
        "mitigation",
        "vendor-api",
    )
    assert e.action_due == dt.date(2026, 3, 1) and e.overdue


def test_an_open_ask_linked_to_the_milestone_comes_first() -> None:
    ask = Decision(
        id="fee",
        title="Approve the migration fee",
        decided_by="CFO",
        status="needed",
        needed_by=dt.date(2026, 3, 10),
        links=["kyc"],
    )
    e = _only(_plan(decisions=[ask]))
    assert (e.action, e.action_owner, e.action_due, e.source) == (
        "decision needed: Approve the migration fee",
        "CFO",
        dt.date(2026, 3, 10),
        "decision",
    )


@pytest.mark.parametrize(
    ("milestone_owner", "program_owner", "expected"),
    [
        ("Anna", "Program Owner", ("Anna", "")),
        ("", "Program Owner", ("Lena Lead", "team lead")),
    ],
    ids=["own", "team-lead"],
)
def test_the_owner_falls_back_to_the_team_lead(
    milestone_owner: str, program_owner: str, expected: tuple[str, str]
) -> None:
    e = _only(_plan({"owner": milestone_owner}, owner=program_owner))
    assert (e.owner, e.owner_role) == expected
    assert e.action.startswith(f"unblock kyc: {expected[0]} to decide")


def test_a_high_risk_without_mitigation_gets_an_owner_and_a_dated_action() -> None:
    risk = Risk(id="r", title="R", probability=4, impact=4)  # high, nobody named
    plan = _plan({"status": "planned", "blocked_reason": "", "blocked_since": None}, risks=[risk])
    e = _only(plan)
    assert (e.kind, e.owner, e.owner_role) == ("risk", "Program Owner", "program owner")
    assert e.action == "Program Owner to add a mitigation or accept the risk"
    assert e.action_due == dt.date(2026, 3, 11)  # a working week: the next weekly report
    report = render_report(build(plan, AS_OF, with_forecast=False))
    assert "| Program Owner (program owner) | *Suggested:* Program Owner to add" in report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sign the DPA", True),
        ("chase Helix Pay for an export date", True),
        ("Legal to approve the contract", True),
        ("Helix Pay has not scheduled the export", False),
        ("Waiting for vendor sign-off", False),
        ("Kestrel KYC API rejects 312 sellers", False),
        ("Needs to be replanned", False),
        ("", False),
    ],
)
def test_which_reasons_read_as_actions(text: str, expected: bool) -> None:
    assert is_action(text) is expected
