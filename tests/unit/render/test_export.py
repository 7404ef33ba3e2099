"""tpm export: JSON, CSV (no formula injection), ICS (RFC 5545) and Mermaid (one safe gantt)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from report_plans import HOSTILE_TITLES, ICS_PROPERTIES, SMALL, hostile_plan

from tpm.commands.export import FORMATS, exporter
from tpm.render.export.csv import safe_cell
from tpm.render.export.ics import escape_text, fold
from tpm.render.markdown.mermaid import sanitize

RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    path = tmp_path / "evil.toml"
    path.write_text(hostile_plan(), encoding="utf-8")
    return path


def export(run_cli: RunCli, plan: Path, fmt: str, *more: str) -> str:
    code, out, err = run_cli("export", plan, "--format", fmt, *more)
    assert code == 0, err
    return out


def test_registry_lists_every_format_and_each_loads() -> None:
    assert {"json", "csv", "ics", "mermaid"} <= set(FORMATS)
    for name in FORMATS:
        assert callable(exporter(name))


@pytest.mark.parametrize("fmt", ["json", "csv", "ics", "mermaid"])
def test_exports_are_deterministic(run_cli: RunCli, small: Path, fmt: str) -> None:
    assert export(run_cli, small, fmt) == export(run_cli, small, fmt)


def test_json(run_cli: RunCli, small: Path) -> None:
    data = json.loads(export(run_cli, small, "json"))
    assert list(data)[:4] == ["program", "as_of", "status", "schedule"]
    assert data["status"]["rag"] == "red"
    rules = [f["rule"] for a in data["status"]["areas"] for f in a["findings"]]
    assert "risks.critical-unmitigated" in rules
    assert [m["id"] for m in data["milestones"]] == ["design", "api", "ui", "launch", "dropped"]
    api = data["milestones"][1]
    assert (api["finish"], api["baseline_finish"], api["variance_days"]) == (
        "2026-03-26",
        "2026-03-20",
        4.0,
    )


def test_csv_rows_and_dates(run_cli: RunCli, small: Path) -> None:
    text = export(run_cli, small, "csv")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == ["design", "api", "ui", "launch", "dropped"]
    launch = rows[3]
    assert (launch["finish"], launch["due"], launch["critical"]) == (
        "2026-04-07",
        "2026-04-10",
        "true",
    )
    assert rows[4]["start"] == ""  # cancelled: not scheduled


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        pytest.param("=1+1", "'=1+1", id="equals"),
        pytest.param("+1", "'+1", id="plus"),
        pytest.param("-1", "'-1", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\tx", "'\tx", id="tab"),
        pytest.param("\rx", "'\rx", id="carriage-return"),
        pytest.param("a=1", "a=1", id="not-leading"),
        pytest.param("", "", id="empty"),
        pytest.param("\x00=cmd|' /C calc'!A0", "'\x00=cmd|' /C calc'!A0", id="nul-before"),
        pytest.param("\n=1+1", "'\n=1+1", id="line-feed-before"),
        pytest.param("\u00a0=1+1", "'\u00a0=1+1", id="no-break-space-before"),
        pytest.param("\u200b\ufeff+1", "'\u200b\ufeff+1", id="zero-width-before"),
        pytest.param(" \u2060 @SUM(A1)", "' \u2060 @SUM(A1)", id="spaces-and-joiner-before"),
        pytest.param("\u00a0plain", "\u00a0plain", id="no-break-space-then-text"),
    ],
)
def test_csv_formula_guard(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_csv_hostile_plan(run_cli: RunCli, evil: Path) -> None:
    rows = list(csv.reader(io.StringIO(export(run_cli, evil, "csv"))))
    assert all(len(r) == len(rows[0]) for r in rows)
    titles = [r[1] for r in rows[1:]]
    assert titles == [safe_cell(t) for t in HOSTILE_TITLES]  # newlines and quotes round-trip
    assert '\'=HYPERLINK("http://x")' in titles
    for row in rows[1:]:
        for cell in (row[0], row[1], row[2], row[3]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert rows[1][12] == "-17"  # numbers tpm computes stay numbers


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        pytest.param("a,b;c", "a\\,b\\;c", id="comma-semicolon"),
        pytest.param("back\\slash", "back\\\\slash", id="backslash"),
        pytest.param("one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour", id="newlines"),
        pytest.param("bell\x07tab\t", "belltab ", id="controls"),
    ],
)
def test_ics_text_escaping(text: str, escaped: str) -> None:
    assert escape_text(text) == escaped


def test_ics_folding_keeps_utf8_whole() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")[:-1]
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line
    assert fold("SHORT:x") == "SHORT:x\r\n"


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_ics_events(run_cli: RunCli, small: Path) -> None:
    text = export(run_cli, small, "ics")
    raw = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw)
    assert "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 3  # target + api + launch (the dated milestones)
    assert "DTSTART;VALUE=DATE:20260327" in lines and "DTEND;VALUE=DATE:20260328" in lines
    assert set(line for line in lines if line.startswith("DTSTAMP")) == {"DTSTAMP:20260320T000000Z"}
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 3
    later = export(run_cli, small, "ics", "--as-of", "2026-03-27")
    assert uids == [line for line in unfold(later) if line.startswith("UID:")]


def test_ics_event_on_the_last_representable_day_has_no_impossible_end(
    run_cli: RunCli, small: Path
) -> None:
    small.write_text(SMALL.replace("target = 2026-04-10", "target = 9999-12-31"), "utf-8")
    lines = unfold(export(run_cli, small, "ics"))
    start = lines.index("DTSTART;VALUE=DATE:99991231")
    event = lines[start : lines.index("END:VEVENT", start)]
    assert not [line for line in event if line.startswith("DTEND")]  # one day (RFC 5545)
    ends = [line for line in lines if line.startswith("DTEND")]
    assert len(ends) == lines.count("BEGIN:VEVENT") - 1  # the other events keep theirs


def test_ics_hostile_plan_cannot_add_properties(run_cli: RunCli, evil: Path) -> None:
    lines = unfold(export(run_cli, evil, "ics"))
    names = {re.match(r"[A-Z-]+", line).group(0) for line in lines}  # type: ignore[union-attr]
    assert names == ICS_PROPERTIES
    assert lines.count("BEGIN:VEVENT") == 1 + sum(1 for i in range(14) if i % 3 == 0)


def test_mermaid_tags(run_cli: RunCli, small: Path) -> None:
    text = export(run_cli, small, "mermaid")
    assert text.startswith("gantt\n") and "```" not in text
    assert "    Design signed off :done, m0, 2026-03-02, 2026-03-10" in text
    assert "    Launch :crit, milestone, m3, 2026-04-07, 0d" in text
    assert "    Login API :crit, active, m1, 2026-03-10, 2026-03-27" in text  # end exclusive
    assert "Old SSO bridge" not in text  # cancelled
    assert text.index("section Web") < text.index("section API")


@pytest.mark.parametrize(
    ("title", "label"),
    [
        pytest.param("a: b", "a b", id="colon"),
        pytest.param("x # y ; z", "x y z", id="hash-semicolon"),
        pytest.param("line\nbreak", "line break", id="newline"),
        pytest.param("`tick`", "tick", id="backtick"),
        pytest.param("%% comment", "% comment", id="comment"),
        pytest.param("section Evil", "task section Evil", id="keyword"),
        pytest.param("click m0 call x()", "task click m0 call x()", id="click"),
        pytest.param("R&D", "R and D", id="ampersand"),
        pytest.param("::", "untitled", id="nothing-left"),
        pytest.param("Café 10%", "Café 10%", id="unicode-kept"),
    ],
)
def test_mermaid_sanitize(title: str, label: str) -> None:
    assert sanitize(title) == label


def test_mermaid_hostile_plan_is_one_gantt(run_cli: RunCli, evil: Path) -> None:
    lines = export(run_cli, evil, "mermaid").splitlines()
    assert lines[0] == "gantt" and lines.count("gantt") == 1
    for line in lines[4:]:
        assert line.startswith("    section ") or re.fullmatch(
            r"    [^:#;`\n]+ :(crit, )?(active, )?m\d+, \d{4}-\d\d-\d\d, \d{4}-\d\d-\d\d", line
        ), line


def test_export_output_file_and_plan_guard(run_cli: RunCli, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.ics"
    code, stdout, _ = run_cli("export", small, "--format", "ics", "-o", out)
    assert (code, stdout) == (0, "")
    assert out.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    code, _, err = run_cli("export", small, "--format", "csv", "-o", small)
    assert code == 2 and "refusing" in err
    assert small.read_text(encoding="utf-8") == SMALL


def test_unknown_format_is_a_usage_error(run_cli: RunCli, small: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("export", small, "--format", "xlsx")
    assert exc.value.code == 2
