"""The iCalendar export read back by a real parser (icalendar): what a calendar app imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from report_plans import HOSTILE_TITLES, SMALL, hostile_plan

from tpm.check.load import load_plan

RunCli = Callable[..., tuple[int, str, str]]


def _calendar(run_cli, text: str, tmp_path: Path) -> tuple[icalendar.Calendar, Path]:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("export", path, "--format", "ics")
    assert code == 0, err
    return icalendar.Calendar.from_ical(out), path


def test_each_due_date_is_one_all_day_event_with_the_title(run_cli: RunCli, tmp_path: Path) -> None:
    cal, path = _calendar(run_cli, SMALL, tmp_path)
    plan = load_plan(path).plan
    assert plan is not None
    events = cal.walk("VEVENT")
    due = {f"Due: {m.title}": m.due for m in plan.milestones if m.due is not None}
    read = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    target = read.pop(f"{plan.program.name}: program target")
    assert target == plan.program.target
    assert read == due
    for event in events:
        start = event.decoded("DTSTART")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        assert event.decoded("DTEND") == start + dt.timedelta(days=1)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_hostile_titles_come_back_exactly(run_cli: RunCli, tmp_path: Path) -> None:
    cal, _path = _calendar(run_cli, hostile_plan(), tmp_path)
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    dated = [t for i, t in enumerate(HOSTILE_TITLES) if i % 3 == 0]
    for title in dated:
        # Control characters other than tab/newline cannot be carried by iCalendar text.
        assert any(s.startswith("Due: ") and _printable(title) in _printable(s) for s in summaries)
    assert len(cal.walk("VEVENT")) == 1 + len(dated)


def _printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable() or c in "\n\t").strip()


@pytest.mark.parametrize("field", ["SUMMARY", "DESCRIPTION", "CATEGORIES"])
def test_no_event_gains_properties_from_plan_text(
    run_cli: RunCli, tmp_path: Path, field: str
) -> None:
    cal, _path = _calendar(run_cli, hostile_plan(), tmp_path)
    for event in cal.walk("VEVENT"):
        assert field in event
        assert set(event) <= {
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "DESCRIPTION",
            "CATEGORIES",
            "TRANSP",
        }
