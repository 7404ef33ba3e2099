"""check_document: pydantic errors in words, salvage of partly invalid plans, cross checks.

The broken-plan corpus (test_broken_plans.py) covers each code end to end; these tests pin
the behaviour around it: what a partial plan still catches, how items and fields are named,
and that a valid plan comes back with its warnings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm.check.diagnostics import Diagnostic, did_you_mean, format_path, show_id
from tpm.check.document import Checked, check_document
from tpm.plan.sourcemap import SourceMap

START = dt.date(2026, 3, 2)


def _check(**sections: Any) -> Checked:
    data = {"program": {"name": "P", "start": START}, **sections}
    return check_document(data, "plan.toml", SourceMap())


def _ms(ident: str, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "title": ident.upper(), "duration": 1, **fields}


def _codes(checked: Checked) -> list[tuple[str, str | None, str | None]]:
    return sorted((d.code, d.item, d.field) for d in checked.diagnostics)


def test_a_valid_plan_comes_back_with_no_diagnostics() -> None:
    checked = _check(milestones=[_ms("a"), _ms("b", depends_on=["a"])])
    assert checked.plan is not None and checked.diagnostics == []
    assert [m.id for m in checked.plan.milestones] == ["a", "b"]


def test_warnings_alone_keep_the_plan() -> None:
    checked = _check(milestones=[_ms("a", status="done", colour="red")])
    assert checked.plan is not None
    assert _codes(checked) == [
        ("done-without-finish", "milestone a", "status"),
        ("unknown-key", "milestone a", "colour"),
    ]


def test_a_refused_kpi_target_is_one_error_not_a_threshold_cascade() -> None:
    # The refused target's stand-in (0) must not make amber look "on the wrong side".
    def kpi(**fields: Any) -> dict[str, Any]:
        return {"id": "k", "name": "K", "target": 90, "amber": 75, **fields}

    assert _codes(_check(kpis=[kpi(target=1e308)])) == [("invalid-value", "KPI k", "target")]
    assert _codes(_check(kpis=[kpi(amber=1e308)])) == [("invalid-value", "KPI k", "amber")]
    assert _codes(_check(kpis=[kpi(amber=95)])) == [("invalid-threshold", "KPI k", "amber")]


def test_unknown_false_skips_only_the_unknown_key_warnings() -> None:
    # tpm trend checks each old revision this way: same plan and errors, no key walk.
    def data() -> dict[str, Any]:
        ms = [_ms("a", status="done", colour="red"), _ms("b", depends_on=["zz"], shade=1)]
        return {"program": {"name": "P", "start": START}, "milestones": ms}

    full = check_document(data(), "plan.toml", SourceMap())
    quick = check_document(data(), "plan.toml", SourceMap(), unknown=False)
    assert "unknown-key" in {d.code for d in full.diagnostics}
    assert [d for d in full.diagnostics if d.code != "unknown-key"] == quick.diagnostics
    assert full.plan is None and quick.plan is None  # the unknown reference is an error


def test_unknown_keys_are_found_in_nested_tables_too() -> None:
    risk = {
        "id": "r",
        "title": "R",
        "probability": 2,
        "impact": 2,
        "mitigations": [{"id": "m1", "action": "Act"}, {"id": "m2", "action": "B", "due_on": 1}],
    }
    checked = _check(
        milestones=[_ms("a"), _ms("b", depends_on=[{"id": "a", "lagg": 2}])], risks=[risk]
    )
    found = [(d.code, d.item, d.field, d.hint) for d in checked.diagnostics]
    assert found == [
        ("unknown-key", "milestone b", "depends_on.lagg", "did you mean 'lag'?"),
        ("unknown-key", "mitigation m2", "due_on", "did you mean 'done_on'?"),
    ]


def test_an_invalid_item_does_not_hide_problems_in_the_others() -> None:
    checked = _check(
        teams=[{"id": "web"}],
        milestones=[
            _ms("a", duration="5"),
            _ms("b", depends_on=["a", "ghost"], team="mobile"),
            _ms("c", status="blocked"),
        ],
    )
    assert checked.plan is None
    assert _codes(checked) == [
        ("blocked-without-reason", "milestone c", "status"),
        ("invalid-value", "milestone a", "duration"),
        ("unknown-reference", "milestone b", "depends_on"),
        ("unknown-team", "milestone b", "team"),
    ]


def test_an_invalid_item_is_still_checked_for_its_other_fields() -> None:
    checked = _check(milestones=[_ms("a", duration=-1, depends_on=["a"], status="blocked")])
    assert _codes(checked) == [
        ("blocked-without-reason", "milestone a", "status"),
        ("invalid-value", "milestone a", "duration"),
        ("self-dependency", "milestone a", "depends_on"),
    ]


def test_a_bad_dependency_table_still_counts_as_a_reference_for_the_cycle_check() -> None:
    checked = _check(
        milestones=[
            _ms("a", depends_on=[{"id": "b", "type": "XX"}]),
            _ms("b", depends_on=["a"]),
        ]
    )
    assert _codes(checked) == [
        ("cycle", "milestone a", "depends_on"),
        ("invalid-value", "milestone a", "depends_on.type"),
    ]
    cycle = next(d for d in checked.diagnostics if d.code == "cycle")
    assert cycle.message == "dependency cycle: a -> b -> a"


def test_references_to_an_invalid_milestone_are_not_reported_as_unknown() -> None:
    checked = _check(milestones=[_ms("a", title=5), _ms("b", depends_on=["a"])])
    assert _codes(checked) == [("invalid-value", "milestone a", "title")]


def test_a_valid_program_is_still_date_checked_when_other_parts_are_invalid() -> None:
    data = {
        "program": {"name": "P", "start": START, "target": dt.date(2026, 1, 1)},
        "milestones": [_ms("a", duration="x")],
    }
    checked = check_document(data, "plan.toml", SourceMap())
    assert ("date-order", "program", "target") in _codes(checked)


def test_an_invalid_start_gives_no_date_order_noise() -> None:
    data = {"program": {"name": "P", "start": "2026-03-02", "target": dt.date(2020, 1, 1)}}
    checked = check_document(data, "plan.toml", SourceMap())
    assert _codes(checked) == [("invalid-value", "program", "start")]


def test_missing_ids_are_not_duplicates_of_each_other() -> None:
    checked = _check(milestones=[{"title": "A", "duration": 1}, {"title": "B", "duration": 1}])
    assert _codes(checked) == [
        ("invalid-value", "milestone #1", "id"),
        ("invalid-value", "milestone #2", "id"),
    ]


def test_mitigations_are_named_by_their_own_id_even_under_a_broken_risk() -> None:
    risk = {"id": 7, "title": "R", "probability": 1, "impact": 1}
    risk["mitigations"] = [{"id": "m1", "status": "done"}]
    checked = _check(risks=[risk])
    assert _codes(checked) == [
        ("done-without-date", "mitigation m1", "status"),
        ("invalid-value", "risk #1", "id"),
    ]


def test_every_message_is_one_line_even_for_ids_with_newlines() -> None:
    checked = _check(milestones=[_ms("a\nb", depends_on=["x\ny"], duration=-1)])
    assert checked.diagnostics
    for diag in checked.diagnostics:
        assert "\n" not in diag.render()
    assert checked.diagnostics[0].item == 'milestone "a\\nb"'


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (float("nan"), "expected a finite number (not nan or inf) (got nan)"),
        (float("-inf"), "(got -inf)"),
        (10**40, "must be at most 100000"),
        (True, "expected a number (got true)"),
        ("3", "expected a number (got '3')"),
        ([1], "expected a number (got an array)"),
        ({"days": 1}, "expected a number (got a table)"),
        (dt.date(2026, 1, 1), "expected a number (got 2026-01-01)"),
        ("x" * 100, "(got '" + "x" * 36 + "...)"),
    ],
    ids=["nan", "-inf", "huge", "bool", "string", "array", "table", "date", "long string"],
)
def test_wrong_duration_messages(value: Any, fragment: str) -> None:
    [diag] = _check(milestones=[_ms("a", duration=value)]).diagnostics
    assert diag.message.startswith("milestone a, field duration: ")
    assert fragment in diag.message


def test_empty_document_says_so() -> None:
    [diag] = check_document({}, "plan.toml", SourceMap()).diagnostics
    assert diag.message.startswith("the plan is empty")
    assert diag.hint is not None and "tpm init" in diag.hint


def test_json_form_has_every_field() -> None:
    diag = Diagnostic("error", "cycle", "m", "f.toml", 3, "milestone a", "depends_on", "h")
    assert diag.to_json() == {
        "severity": "error",
        "code": "cycle",
        "message": "m",
        "file": "f.toml",
        "line": 3,
        "item": "milestone a",
        "field": "depends_on",
        "hint": "h",
    }
    assert diag.render() == "f.toml:3: error[cycle]: m (h)"


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("psp-contrat", ["psp-contract", "launch"], "did you mean 'psp-contract'?"),
        ("LAUNCH", ["launch"], "did you mean 'launch'?"),
        ("zzz", ["launch"], None),
        ("a", [], None),
    ],
    ids=["typo", "case", "nothing close", "no choices"],
)
def test_did_you_mean(word: str, choices: list[str], expected: str | None) -> None:
    assert did_you_mean(word, choices) == expected


def test_path_and_id_formatting() -> None:
    assert format_path(("depends_on", 1, "id")) == "depends_on[2].id"
    assert format_path(("calendar", "holidays", 0)) == "calendar.holidays[1]"
    assert show_id("é-ü") == "é-ü"
    assert show_id("a\tb") == '"a\\tb"'
    assert len(show_id("x" * 500)) == 60


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 7), max_size=3),
        min_size=1,
        max_size=8,
    )
)
def test_one_cycle_error_per_loop_and_each_loop_is_real(deps: list[list[int]]) -> None:
    import networkx as nx

    ids = [f"m{i}" for i in range(len(deps))]
    milestones = [
        _ms(ident, depends_on=[ids[d] for d in ds if d < len(ids) and d != i])
        for i, (ident, ds) in enumerate(zip(ids, deps, strict=True))
    ]
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    for m in milestones:
        graph.add_edges_from((d, m["id"]) for d in m["depends_on"])
    loops = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    cycles = [d for d in _check(milestones=milestones).diagnostics if d.code == "cycle"]
    assert len(cycles) == len(loops)
    for diag in cycles:
        shown = diag.message.removeprefix("dependency cycle: ").split(" -> ")
        assert shown[0] == shown[-1] and len(set(shown[:-1])) == len(shown) - 1
        assert all(graph.has_edge(a, b) for a, b in zip(shown, shown[1:], strict=False))
        component = next(c for c in loops if shown[0] in c)
        assert shown[0] == min(component, key=ids.index)  # starts at the first in the file


def test_a_very_long_loop_is_shown_by_its_ends() -> None:
    n = 5000
    chain = [_ms(f"m{i}", depends_on=[f"m{(i - 1) % n}"]) for i in range(n)]
    [diag] = _check(milestones=chain).diagnostics
    assert diag.message == (
        "dependency cycle: m0 -> m1 -> m2 -> m3 -> m4 -> m5 -> m6 -> m7 -> m8 -> m9 -> "
        "(4985 more) -> m4995 -> m4996 -> m4997 -> m4998 -> m4999 -> m0"
    )


PLAN_WITH_A_WARNING = """[program]
name = "P"
start = 2026-03-02

[[milestones]]
id = "a"
title = "A"
duration = 1

[[milestones]]
id = "b"
title = "B"
duration = 1
depends_on = ["a", "a"]
"""


@pytest.mark.parametrize(
    ("text", "plan_loads", "line"),
    [
        pytest.param(PLAN_WITH_A_WARNING, True, None, id="warnings-left-unlocated"),
        pytest.param(
            PLAN_WITH_A_WARNING.replace('id = "b"', 'id = "a"'), False, 11, id="errors-located"
        ),
        pytest.param(  # an invalid value and an unknown id: both errors, each on its line
            PLAN_WITH_A_WARNING.replace("duration = 1\n\n", 'duration = "five"\n\n', 1).replace(
                '["a", "a"]', '["zz"]'
            ),
            False,
            8,
            id="invalid-value-and-unknown-id",
        ),
    ],
)
def test_load_without_locating_warnings(
    tmp_path: Path, text: str, plan_loads: bool, line: int | None
) -> None:
    """The TUI's load skips the scan for line numbers unless the plan has errors."""
    from tpm.check.load import load_plan

    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    located = load_plan(path)
    quick = load_plan(path, locate_warnings=False)
    assert (quick.plan is not None) == plan_loads
    assert [d.code for d in quick.diagnostics] == [d.code for d in located.diagnostics]
    if not plan_loads:  # every error, each with its line, as `tpm check` shows them
        assert [d.render() for d in quick.diagnostics] == [d.render() for d in located.diagnostics]
    assert quick.diagnostics[0].line == line
    assert located.diagnostics[0].line is not None
