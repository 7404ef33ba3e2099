"""The TaskJuggler export without tj3: mapping, escaping, ids, comments for what differs.

tests/test_tjp_crosscheck.py runs tj3 on exports and compares the dates; these tests pin
what the export says, so they run everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from tj3_helpers import read_dates_csv, stamp_offset

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Plan
from tpm.render.export.tjp import Clock, export_tjp, tj_id, tj_string

START = dt.date(2026, 3, 2)  # a Monday


def plan_of(milestones: list[dict[str, Any]], **extra: Any) -> Plan:
    data = {"program": {"name": "P", "start": START}, **extra, "milestones": milestones}
    return Plan.model_validate(data, strict=False)


def task_block(text: str, leaf: str) -> str:
    """The text of ``task leaf ... { ... }`` (one level of nesting)."""
    match = re.search(rf"^ *task {leaf} .*?\{{\n(.*?)^ *\}}", text, re.S | re.M)
    assert match, f"no task {leaf} in\n{text}"
    return match.group(1)


def tj3_string_value(literal: str) -> str:
    """What tj3's scanner reads from a double-quoted literal (it only unescapes \\")."""
    assert literal.startswith('"') and literal.endswith('"')
    body = literal[1:-1]
    assert re.fullmatch(r'(\\"|[^"])*', body), "the literal would end early"
    return body.replace('\\"', '"')


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("plain", "plain", id="plain"),
        pytest.param('say "hi"', 'say "hi"', id="quotes"),
        pytest.param("a\\", "a\\ ", id="trailing-backslash"),
        pytest.param('a\\"b', 'a\\"b', id="backslash-quote"),
        pytest.param("x ${projectstart} $(HOME)", "x $ {projectstart} $ (HOME)", id="macros"),
        pytest.param("two\nlines\r\tand\x00nul", "two lines and nul", id="controls"),
    ],
)
def test_strings_read_back_as_written_without_macros(text: str, shown: str) -> None:
    literal = tj_string(text)
    assert "\n" not in literal
    assert tj3_string_value(literal) == shown
    assert "${" not in literal and "$(" not in literal


def test_ids_are_valid_and_unique() -> None:
    used: set[str] = set()
    ids = [tj_id(x, used) for x in ("psp-contract", "psp_contract", "1st", "ü", "a.b")]
    assert ids == ["psp_contract", "psp_contract_2", "m_1st", "_", "a_b"]
    assert all(re.fullmatch(r"[A-Za-z_]\w*", i, re.A) for i in ids)


def test_calendar_teams_owners_due_and_events_map() -> None:
    plan = plan_of(
        [
            {"id": "a-1", "title": "A", "team": "pay", "owner": "Ann", "duration": 3},
            {"id": "b", "title": "B", "duration": 0, "depends_on": ["a-1"], "due": START},
        ],
        teams=[{"id": "pay", "name": "Payments"}],
        calendar={"workdays": ["mon", "tue", "wed", "thu", "sat"], "holidays": [START]},
    )
    export = export_tjp(plan, START)
    text = export.text
    assert export.task_ids == {"a-1": "pay.a_1", "b": "b"}
    assert "workinghours mon, tue, wed, thu, sat 9:00 - 17:00" in text
    assert "workinghours fri, sun off" in text
    assert f'leaves holiday "Holiday" {START}' in text
    assert 'task pay "Payments" {' in text
    assert "length 3d" in task_block(text, "a_1")
    assert 'resource o_Ann "Ann"' in text and "responsible o_Ann" in text
    b = task_block(text, "b")
    assert "depends pay.a_1" in b and "milestone" in b and f"maxend {START}-17:00" in b


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        pytest.param({"type": "FS", "lag": 2}, "depends a { gaplength 2d }", id="fs-lag"),
        pytest.param({"type": "FS", "lag": -1}, "depends a { onstart gaplength 3d }", id="fs-lead"),
        pytest.param({"type": "SS", "lag": 1}, "depends a { onstart gaplength 1d }", id="ss"),
        pytest.param({"type": "FF", "lag": 0}, "depends a { onstart gaplength 2d }", id="ff"),
        pytest.param({"type": "SF", "lag": 5}, "depends a { onstart gaplength 3d }", id="sf"),
        pytest.param(
            {"type": "SS", "lag": -2}, "tpm_program_start, tpm_lead_1 { onstart }", id="ss-lead"
        ),
    ],
)
def test_links_become_start_constraints(link: dict[str, Any], expected: str) -> None:
    plan = plan_of(
        [
            {"id": "a", "title": "A", "duration": 4},
            {"id": "b", "title": "B", "duration": 2, "depends_on": [{"id": "a", **link}]},
        ]
    )
    text = export_tjp(plan, START).text
    assert expected in task_block(text, "b")
    if "tpm_lead" in expected:
        assert "task tpm_lead_1 " in text and "precedes a { onstart } length 2d" in text


def test_several_links_from_one_predecessor_merge_into_the_tightest() -> None:
    deps = [{"id": "a", "type": "SS", "lag": 1}, {"id": "a", "type": "FS", "lag": 1}]
    plan = plan_of(
        [
            {"id": "a", "title": "A", "duration": 4},
            {"id": "b", "title": "B", "duration": 2, "depends_on": deps},
        ]
    )
    assert "depends a { gaplength 1d }" in task_block(export_tjp(plan, START).text, "b")


def test_progress_pins_actual_dates_and_anchors_work_not_started() -> None:
    as_of = START + dt.timedelta(days=14)
    plan = plan_of(
        [
            {
                "id": "d",
                "title": "Done",
                "duration": 3,
                "status": "done",
                "actual_start": START,
                "actual_finish": START + dt.timedelta(days=3),
            },
            {
                "id": "w",
                "title": "Working",
                "duration": 4,
                "status": "in_progress",
                "percent_complete": 50,
                "actual_start": START + dt.timedelta(days=7),
                "depends_on": ["d"],
            },
            {"id": "n", "title": "Next", "duration": 1, "depends_on": ["w"]},
            {"id": "x", "title": "Dropped", "duration": 1, "status": "cancelled"},
        ]
    )
    text = export_tjp(plan, as_of).text
    done = task_block(text, "d")
    assert f"start {START}" in done and "end 2026-03-05-17:00" in done and "complete 100" in done
    working = task_block(text, "w")
    # Started 03-09, status date 03-16: 5 days elapsed, then 2 remaining held by its links.
    assert 'task elapsed "Work so far" { start 2026-03-09 length 5d }' in working
    assert 'task rest "Remaining work" { depends w.elapsed, d length 2d }' in working
    assert "depends tpm_status_date, w" in task_block(text, "n")
    assert "task tpm_status_date" in text and f"now {as_of}" in text
    assert "task x " not in text and "cancelled milestones (removed, as in tpm): ['x']" in text


def test_tenths_of_days_switch_to_a_ten_hour_day() -> None:
    plan = plan_of([{"id": "a", "title": "A", "duration": 0.3}])
    export = export_tjp(plan, START)
    assert export.clock == Clock(start=480, minutes=600, resolution=60)
    assert "workinghours mon, tue, wed, thu, fri 8:00 - 18:00" in export.text
    assert "dailyworkinghours 10" in export.text and "length 3h" in export.text


def test_what_cannot_be_exact_is_said_in_a_comment() -> None:
    plan = plan_of(
        [
            {"id": "a", "title": "A", "duration": 0.013},
            {
                "id": "b",
                "title": "B",
                "duration": 1,
                "status": "in_progress",
                "percent_complete": 50,
            },
        ]
    )
    export = export_tjp(plan, START)
    assert export.clock.resolution == 5
    assert any("a: length of 0.013 working days rounded to 5min" in n for n in export.unmapped)
    assert any("b: in progress without actual_start" in n for n in export.unmapped)
    for note in export.unmapped:
        assert f"# - {note.strip()}" in export.text or note.strip() in export.text


def test_program_target_risks_and_estimates_are_listed_as_not_exported() -> None:
    plan = plan_of(
        [
            {
                "id": "a",
                "title": "A",
                "duration": 2,
                "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 4},
            }
        ],
        program={"name": "P", "start": START, "target": dt.date(2026, 9, 30)},
        risks=[{"id": "r", "title": "R", "probability": 2, "impact": 3}],
    )
    text = export_tjp(plan, START).text
    assert "# - program target 2026-09-30" in text
    assert "# - 1 three-point estimates (tpm forecast)" in text and "# - 1 risks" in text


def test_the_same_plan_gives_the_same_bytes(example_plan: Path) -> None:
    from tpm.check.load import load_plan

    plan = load_plan(example_plan).plan
    assert plan is not None
    as_of = dt.date(2026, 11, 16)
    assert export_tjp(plan, as_of).text == export_tjp(plan.model_copy(deep=True), as_of).text


def test_reading_tj3_dates_back() -> None:
    cal = WorkCalendar(START, ["mon", "tue", "wed", "thu", "fri"], [])
    rows = read_dates_csv('"Id";"Start";"End"\n"t.a";"2026-03-06 17:00";"2026-03-07 00:00"\n')
    start, end = rows["t.a"]
    assert stamp_offset(cal, start) == 5.0  # Friday 17:00 is Monday morning's offset
    assert stamp_offset(cal, end) == 5.0  # Saturday: the next working day's start
    assert stamp_offset(cal, "2026-03-02 13:00") == 0.5


def test_cli_writes_the_tjp_file(run_cli, tmp_path: Path, example_plan: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.tjp"
    code, _stdout, _stderr = run_cli("export", example_plan, "--format", "tjp", "-o", out)
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# TaskJuggler 3 project exported by tpm")
    assert 'taskreport tpm_dates "tpm-dates"' in text


def test_the_cross_check_allows_a_night_only_where_the_model_documents_it() -> None:
    """tj3_helpers.compare (the cross-check and the benchmark) lets an event's date differ by
    a night at the same instant only after a lead or following such an event; the same
    night after a positive lag, or a whole day, is still a difference."""
    from tj3_helpers import EVENT_AFTER_A_LEAD, compare

    from tpm.schedule.scheduler import schedule

    plan = plan_of(
        [
            {"id": "build", "title": "Build", "duration": 5},
            {"id": "launch", "title": "Launch", "duration": 0, "depends_on": ["build"]},
            {"id": "dry-run", "title": "Dry run", "duration": 0}
            | {"depends_on": [{"id": "launch", "lag": -1}]},
            {"id": "go", "title": "Go", "duration": 0, "depends_on": ["dry-run"]},
            {"id": "later", "title": "Later", "duration": 0}
            | {"depends_on": [{"id": "launch", "lag": 1}]},
        ]
    )
    export = export_tjp(plan, START)
    sched = schedule(plan, START)
    cal, clock = sched.calendar, export.clock

    def stamp(x: float, morning: bool) -> str:
        """Offset x as tj3 writes it: the morning of day x, or the evening of day x - 1."""
        if morning:
            return f"{cal.day(int(x))} {clock.start // 60:02d}:00"
        return f"{cal.day(int(x) - 1)} {(clock.start + clock.minutes) // 60:02d}:00"

    def rows(mornings: set[str], shift: dict[str, int]) -> dict[str, tuple[str, str]]:
        out = {}
        for mid, ms in sched.milestones.items():
            es, ef = ms.early_start + shift.get(mid, 0), ms.early_finish + shift.get(mid, 0)
            if ms.duration == 0:
                at = stamp(es, mid in mornings)
                out[export.task_ids[mid]] = (at, at)
            else:
                out[export.task_ids[mid]] = (stamp(es, True), stamp(ef, False))
        return out

    # As tj3 answers: the event after the lead, and the one after it, the next morning.
    agreement = compare(plan, sched, export, rows({"dry-run", "go"}, {}))
    assert agreement.differences == []
    assert agreement.exceptions[EVENT_AFTER_A_LEAD] == 2
    # The same night after a positive lag is not a documented difference.
    bad = compare(plan, sched, export, rows({"dry-run", "go", "later"}, {}))
    assert [line.split()[0] for line in bad.differences] == ["later"]
    # Nor is a whole day after the lead.
    bad = compare(plan, sched, export, rows({"dry-run", "go"}, {"dry-run": 1, "go": 1}))
    assert [line.split()[0] for line in bad.differences] == ["dry-run", "go"]


def test_a_lead_from_a_start_recorded_after_the_status_date_holds_started_work() -> None:
    # p's recorded start (Monday 9 March) lies after the status date (Wednesday 4 March):
    # SS -1 from it holds r's remaining work until Friday 6 March, a fixed date in tj3 terms.
    started = {"status": "in_progress", "actual_start": START, "percent_complete": 50}
    plan = plan_of(
        [
            {"id": "p", "title": "P", "duration": 5} | started | {"actual_start": "2026-03-09"},
            {"id": "r", "title": "R", "duration": 4}
            | started
            | {"depends_on": [{"id": "p", "type": "SS", "lag": -1}]},
        ]
    )
    text = export_tjp(plan, dt.date(2026, 3, 4)).text
    at = re.search(r'task (tpm_at_\d+) "Earliest start by a lead" \{ start (\S+) milestone', text)
    assert at and at.group(2) == "2026-03-06"
    rest = re.search(r'task r .*?task rest "Remaining work" \{ depends ([^}]*?) length', text, re.S)
    assert rest and at.group(1) in rest.group(1)
