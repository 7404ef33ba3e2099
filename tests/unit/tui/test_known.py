"""Id completion and the unknown-id note of the edit forms, without a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.plan.model import Plan
from tpm.tui.known import complete, field_ids, known_ids, matches, note

FIXTURE = Path(__file__).resolve().parents[2] / "tui" / "data" / "fixture.toml"
TEAMS = ("backend", "qa", "web")
MILESTONES = ("3ds", "api-build", "api-design", "qa-e2e")


def fixture() -> Plan:
    plan = load_plan(FIXTURE).plan
    assert plan is not None
    return plan


def test_each_form_offers_the_ids_its_fields_name() -> None:
    plan = fixture()
    ms = field_ids(plan, "milestones", own_id="api-build")
    assert ms["team"] == TEAMS
    assert "api-build" not in ms["depends_on"] and "api-design" in ms["depends_on"]
    # Owners: every name the plan uses (program owner, team leads, item owners).
    assert {"Dana TPM", "Ana", "Bo", "Cy", "Eli", "Hal"} <= set(ms["owner"])
    assert set(field_ids(plan, "risks")) == {"owner", "affects"}
    assert set(field_ids(plan, "mitigations")) == {"owner"}
    assert set(field_ids(plan, "kpis")) == {"owner"}
    assert set(field_ids(plan, "decisions")) == {"decided_by", "links"}
    assert "psp-choice" in known_ids(plan, "items") and "fraud-gap" in known_ids(plan, "items")


@pytest.mark.parametrize(
    ("value", "multi", "expected"),
    [
        pytest.param("ba", False, "backend", id="prefix"),
        pytest.param("BA", False, "BAckend", id="any-case-keeps-typed"),
        pytest.param("qa", False, None, id="exact-id"),
        pytest.param("", False, None, id="empty"),
        pytest.param("zz", False, None, id="no-match"),
        pytest.param("3ds, api-b", True, "3ds, api-build", id="last-of-list"),
        pytest.param("3ds, ", True, None, id="nothing-typed-yet"),
        pytest.param("api-build:SS", True, None, id="typed-dependency"),
    ],
)
def test_complete(value: str, multi: bool, expected: str | None) -> None:
    ids = TEAMS if not multi else MILESTONES
    assert complete(value, ids, multi) == expected


def test_matches_leave_out_what_a_list_already_names() -> None:
    assert matches("qa-e2e, api", MILESTONES, True) == ["api-build", "api-design"]
    assert matches("", TEAMS, False) == list(TEAMS)


@pytest.mark.parametrize(
    ("text", "source", "multi", "severity", "words"),
    [
        pytest.param("bakend", "teams", False, "error", "unknown team 'bakend'", id="team"),
        pytest.param(
            "qa-e2e, api-bild:SS+2, 3ds",
            "milestones",
            True,
            "error",
            "unknown milestone 'api-bild': did you mean 'api-build'?",
            id="dependency-with-lag",
        ),
        pytest.param(
            "nope, nada", "milestones", True, "error", "milestones 'nope', 'nada'", id="two"
        ),
        pytest.param("Eil", "people", False, "warning", "did you mean 'Eli'?", id="owner-typo"),
        pytest.param("Zoe Newhire", "people", False, "info", "new owner", id="new-owner"),
        pytest.param("api-bild", "items", True, "info", "did you mean 'api-build'?", id="link"),
    ],
)
def test_unknown_ids_are_flagged_with_the_closest(
    text: str, source: str, multi: bool, severity: str, words: str
) -> None:
    ids = {
        "teams": TEAMS,
        "milestones": MILESTONES,
        "people": ("Ana", "Eli"),
        "items": MILESTONES,
    }[source]
    found = note(text, source, ids, multi)
    assert found is not None and found.severity == severity
    assert words in found.message


@pytest.mark.parametrize(
    ("text", "source", "ids"),
    [
        pytest.param("web", "teams", TEAMS, id="declared"),
        pytest.param("qa-e2e:FF+2, 3ds", "milestones", MILESTONES, id="declared-list"),
        pytest.param("anything", "teams", (), id="plan-without-teams"),
        pytest.param("https://x.example/adr/7", "items", MILESTONES, id="url-link"),
    ],
)
def test_known_ids_are_not_flagged(text: str, source: str, ids: tuple[str, ...]) -> None:
    assert note(text, source, ids, True) is None
