"""Convention 10: people read whole working days, rounded so nothing late reads as on time.

One plan with fractional offsets: *a* (2.25 d) is due on Tuesday, the end of day 2, and
finishes a quarter of a day into Wednesday (float -0.25); the event *e* follows it, *b* (1 d)
follows *e*, and *c* (0.5 d) floats 2.75 days before the Friday target.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from schedule_helpers import MONDAY, ms, plan_of

from tpm.plan.model import Plan
from tpm.plan.storage import dumps

TUESDAY = dt.date(2026, 3, 3)


def fractional_plan() -> Plan:
    """The plan of this module's docstring."""
    return plan_of(
        ms("a", 2.25, due=TUESDAY),
        ms("e", 0, "a"),
        ms("b", 1, "e"),
        ms("c", 0.5),
        target=dt.date(2026, 3, 6),
        as_of=MONDAY,
    )


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "f.toml"
    path.write_text(dumps(fractional_plan()), encoding="utf-8")
    return path


def _rows(out: str) -> dict[str, list[str]]:
    """The milestone table of ``tpm schedule``: id -> cells."""
    lines = out.splitlines()
    head = next(k for k, line in enumerate(lines) if line.startswith("id "))
    rows = {}
    for line in lines[head + 2 :]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = cells
    return rows


def test_schedule_text_shows_whole_days_and_json_keeps_the_exact_ones(
    run_cli: Any, plan_file: Path
) -> None:
    code, out, _err = run_cli("schedule", plan_file)
    assert code == 0
    rows = _rows(out)
    # id status dur start finish ES EF LS LF float free ...
    assert rows["a"][2] == "2.25"  # the plan's own duration, as written
    assert rows["a"][9] == "-1"  # -0.25 of float: late, never "0"
    assert rows["c"][9:11] == ["2", "2"]  # 2.75 of float is not 3 days to spare
    # Working day numbers: a runs days 1 to 3; the event after it is on day 3, like a's
    # finish; b starts on day 3 (at 2.25) and ends on day 4.
    assert rows["a"][5:7] == ["1", "3"]
    assert rows["e"][5:9] == ["3", "3", "3", "3"]
    assert rows["b"][5:7] == ["3", "4"]
    assert "finish   2026-03-05  (working day 4)" in out
    assert "margin +1 day (early)" in out  # 1.75 working days to the end of Friday
    data = json.loads(run_cli("schedule", plan_file, "--json")[1])
    floats = {m["id"]: m["total_float"] for m in data["milestones"]}
    assert floats["a"] == -0.25 and floats["c"] == 2.75


def test_why_and_blockers_round_towards_worse(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(dumps(fractional_plan()), encoding="utf-8")
    out = run_cli("why", path, "a")[1]
    assert "(critical, late: float -1)" in out
    blocked = plan_of(
        ms("a", 3.25),
        ms("c", 0.5, status="blocked", blocked_reason="legal"),
        ms("d", 0, "a", "c"),
        as_of=MONDAY,
    )
    path.write_text(dumps(blocked), encoding="utf-8")
    out = run_cli("blockers", path)[1]
    # Stuck 5 more days, c finishes at 5.5 against a finish of 3.25: 2.25 days of slip.
    row = next(line.split() for line in out.splitlines() if line.startswith("1 "))
    assert row[:4] == ["1", "c", "blocked", "3"]
    data = json.loads(run_cli("blockers", path, "--json")[1])
    assert data["blockers"][0]["slip_days"] == 2.25


def test_markdown_report_shows_whole_days(run_cli: Any, plan_file: Path) -> None:
    code, out, err = run_cli("report", plan_file, "--full")
    assert code == 0, err
    assert "a (due 2026-03-03, 1 d late)" in out
    rows = {c[1].strip(): c for c in (line.split("|") for line in out.splitlines()) if len(c) > 2}
    assert rows["a"][-2].strip() == "-1" and rows["c"][-2].strip() == "2"


def test_calendar_export_descriptions_show_whole_days(run_cli: Any, plan_file: Path) -> None:
    code, out, err = run_cli("export", plan_file, "-f", "ics")
    assert code == 0, err
    text = out.replace("\r\n ", "")  # unfold iCalendar lines
    assert "a (planned): forecast finish 2026-03-04\\, float -1 working days" in text
