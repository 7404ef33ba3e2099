"""Nothing injected: hostile plan strings cannot change the structure of any output.

Every hostile string goes into every free-text field of one plan at once: program name,
objective and owner, team ids, names and leads, milestone ids, titles, owners, notes and
blocked reasons, risk ids, titles, descriptions, triggers, owners and mitigation actions, KPI
ids, names, units and measurement notes, decision ids, titles and rationales, and baseline
names. Ids need no particular shape in tpm (any non-empty unique string), so they are hostile
too. The outputs are then parsed, not grepped:

- Markdown (``tpm report``, ``tpm risks --md``), with markdown-it-py (CommonMark + tables):
  the token structure (blocks, and inline tokens other than plain text) must be exactly that
  of the same plan with harmless strings, so no heading, list, rule, HTML, link, image,
  emphasis or code span came from the plan; each table row has as many cells (unescaped
  ``|``) as its header; the plan's text is what a reader sees.
- Mermaid (the report's gantt block and ``export --format mermaid``): one gantt, every line a
  known gantt statement, task names free of Mermaid syntax.
- CSV: the csv module reads back one row per milestone with every cell intact; text cells that
  start with a formula character carry a leading ``'``.
- ICS: every physical line at most 75 octets; unfolded and unescaped, each SUMMARY is exactly
  the title (line breaks kept as ``\\n``, other controls dropped); no unescaped ``,`` or ``;``
  in text, and only known property names.
- JSON: parses, and titles come back exactly.
- TaskJuggler: string literals close on their line, no ``${``/``$(`` macro can expand, and
  outside strings and comments only tj3 syntax remains (balanced braces).

The number of hostile strings tried per format and injections found (zero) is printed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from markdown_it import MarkdownIt
from markdown_it.token import Token
from report_plans import ICS_PROPERTIES

from tpm.cli import main

# Every test reads the module's `outputs` (about 3 CPU seconds to build): on one xdist worker
# it is built once.
pytestmark = pytest.mark.xdist_group("injection")

HOSTILE = [
    "a|b|c",
    "|",
    "`code` and ``double``",
    "```",
    "~~~",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- comment -->",
    "<details><summary>x</summary>",
    "line1\nline2",
    "line1\r\nline2\rline3",
    "[link](javascript:alert(1))",
    "![](http://x/y.png)",
    "<http://evil.example/>",
    "[ref]: http://evil.example/",
    "**bold** _em_ ~~strike~~ *star*",
    "# heading",
    "## h2 ##",
    "---",
    "===",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "2) item",
    "> quote",
    "    indented code",
    "|---|---|",
    "&amp; &lt;b&gt; &#60;",
    "\\",
    "trailing backslash\\",
    ":colon;semi#hash",
    "%%{init: {'theme':'dark'}}%%",
    "section Evil",
    "click m0 call alert()",
    "title x\ndateFormat X",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2-2",
    "@SUM(A1)",
    "\tTabbed",
    "\rCR first",
    "a,b;c\\d",
    "comma, semi; back\\slash: colon",
    "x" * 300,
    "é ü 中文 🚀 " * 12,
    "${macro} $(HOME)",
    "\"quoted\" 'single'",
    "\u2028sep\u2029 \x85nel",
    "\x1b[31mred\x1b[0m \x07bell",
    "END:VEVENT",
]
AS_OF = dt.date(2026, 4, 1)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIGURES: Counter[str] = Counter()


def hostile_plan(h: str) -> dict[str, Any]:
    """A valid plan where every free-text field and every id is ``h`` (made unique)."""
    b, c = h + "/b", h + "/c"
    d = dt.date
    return {
        "program": {
            "name": h,
            "objective": h,
            "owner": h,
            "start": d(2026, 3, 2),
            "target": d(2026, 6, 1),
            "as_of": AS_OF,
        },
        "teams": [{"id": h, "name": h, "lead": h}],
        "milestones": [
            {
                "id": h,
                "title": h,
                "team": h,
                "owner": h,
                "notes": h,
                "duration": 5,
                "status": "done",
                "actual_start": d(2026, 3, 23),
                "actual_finish": d(2026, 3, 30),
                "due": d(2026, 3, 31),
            },
            {
                "id": b,
                "title": h,
                "team": h,
                "owner": h,
                "notes": h,
                "duration": 10,
                "depends_on": [h],
                "status": "blocked",
                "blocked_reason": h,
                "blocked_since": d(2026, 3, 16),
                "due": d(2026, 4, 10),
                "estimate": {"optimistic": 8, "likely": 10, "pessimistic": 20},
            },
            {
                "id": c,
                "title": h,
                "owner": h,
                "duration": 0,
                "depends_on": [{"id": b, "type": "FS", "lag": 1}],
                "due": d(2026, 4, 3),
            },
        ],
        "risks": [
            {
                "id": h,
                "title": h,
                "description": h,
                "category": h,
                "owner": h,
                "trigger": h,
                "probability": 5,
                "impact": 5,
                "affects": [b],
                "schedule_impact": 3,
                "last_reviewed": d(2026, 1, 5),
                "mitigations": [{"id": h, "action": h, "owner": h, "due": d(2026, 3, 20)}],
            }
        ],
        "kpis": [
            {
                "id": h,
                "name": h,
                "unit": h,
                "owner": h,
                "target": 99,
                "amber": 95,
                "measurements": [
                    {"date": d(2026, 3, 16), "value": 90, "note": h},
                    {"date": d(2026, 3, 30), "value": 80, "note": h},
                ],
            }
        ],
        "decisions": [
            {"id": h, "title": h, "decided_by": h, "rationale": h, "status": "needed"},
            {"id": b, "title": h, "decided_by": h, "date": d(2026, 3, 30), "links": [h]},
        ],
        "baselines": [
            {
                "name": h,
                "recorded": d(2026, 3, 2),
                "finish": d(2026, 4, 1),
                "milestones": [{"id": b, "start": d(2026, 3, 9), "finish": d(2026, 3, 20)}],
            }
        ],
    }


def benign(i: int) -> str:
    """A harmless stand-in for hostile string ``i`` (same plan structure)."""
    return f"Benign text {i}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """Every output for every hostile string and its benign twin: (format, key) -> text."""
    folder = tmp_path_factory.mktemp("hostile")
    found: dict[tuple[str, str], str] = {}
    for i, h in enumerate(HOSTILE):
        for key, text in ((f"h{i}", h), (f"b{i}", benign(i))):
            path = folder / f"{key}.toml"
            path.write_text(tomli_w.dumps(hostile_plan(text)), encoding="utf-8")
            for fmt, argv in COMMANDS.items():
                found[(fmt, key)] = run([argv[0], str(path), *argv[1:]])
    return found


COMMANDS = {
    "report": ["report"],
    "risks-md": ["risks", "--md"],
    "json": ["export", "--format", "json"],
    "csv": ["export", "--format", "csv"],
    "ics": ["export", "--format", "ics"],
    "mermaid": ["export", "--format", "mermaid"],
    "tjp": ["export", "--format", "tjp"],
}


def run(argv: list[str]) -> str:
    """Run tpm in process; the plan is valid, so anything but exit 0 fails."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code == 0, f"tpm {' '.join(argv)} exited {code}: {err.getvalue()}"
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def figures(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    """Print the figures once the module is done (through pytest's terminal reporter)."""
    yield FIGURES
    tried = ", ".join(f"{fmt} {FIGURES[fmt]}" for fmt in COMMANDS if FIGURES[fmt])
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if tried and capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\ninjection: hostile strings tried per format: {tried}; 0 found")


def one_line(text: str) -> str:
    """What a one-line rendering shows of ``text``: breaks and tabs as spaces, controls gone."""
    text = re.sub(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+", " ", text)
    text = re.sub(r"[\x00-\x08\x0e-\x1b\x1f\x7f]", "", text)
    return re.sub(" {2,}", " ", text).strip()


# ------------------------------------------------------------------ Markdown

MD = MarkdownIt("commonmark").enable("table")


def structure(tokens: list[Token]) -> list[str]:
    """Block token types, plus inline token types other than text, in order."""
    shape = []
    for token in tokens:
        shape.append(token.type if token.type != "fence" else f"fence:{token.info}")
        for child in token.children or []:
            if child.type not in ("text", "softbreak"):
                shape.append("  " + child.type)
    return shape


def visible_text(tokens: list[Token]) -> str:
    """The text a reader sees (inline text and code spans), lines joined by newlines."""
    parts = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
        parts.append("\n")
    return "".join(parts)


def pipes(line: str) -> int:
    """Unescaped ``|`` in a table row (a backslash escapes the next character)."""
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == "|"
        i += 1
    return count


def check_tables(text: str, tokens: list[Token]) -> None:
    lines = text.splitlines()
    for token in tokens:
        if token.type == "table_open" and token.map:
            start, end = token.map
            rows = lines[start:end]
            header = pipes(rows[0])
            for row in rows:
                assert pipes(row) == header, f"table row with a different cell count: {row!r}"


@pytest.mark.parametrize("fmt", ["report", "risks-md"])
@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=lambda i: f"s{i}")
def test_markdown_structure_is_what_the_harmless_plan_gives(
    outputs: dict[tuple[str, str], str], fmt: str, i: int
) -> None:
    hostile, harmless = outputs[(fmt, f"h{i}")], outputs[(fmt, f"b{i}")]
    tokens = MD.parse(hostile)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "link_open", "image"}, kinds
    assert structure(tokens) == structure(MD.parse(harmless))
    check_tables(hostile, tokens)
    shown = one_line(HOSTILE[i])
    if len(shown) <= 40:  # longer strings may be clipped in tables
        assert shown in visible_text(tokens), f"{shown!r} is not shown as typed"
    for fence in (t for t in tokens if t.type == "fence" and t.info == "mermaid"):
        check_gantt(fence.content)
    FIGURES[fmt] += 1


# ------------------------------------------------------------------ Mermaid

GANTT = [
    re.compile(r"gantt"),
    re.compile(r"    title [^:;#`%\n]*(?:%[^%:;#`\n][^:;#`\n]*)*"),
    re.compile(r"    dateFormat YYYY-MM-DD"),
    re.compile(r"    axisFormat %d %b"),
    re.compile(r"    section [^:;#`\n]+"),
    re.compile(
        r"    (?P<name>[^:;#`\n]+) :(?:(?:crit|done|active|milestone), )*m\d+, "
        r"\d{4}-\d\d-\d\d, (?:\d{4}-\d\d-\d\d|0d)"
    ),
]
_KEYWORDS = ("title", "section", "dateformat", "axisformat", "excludes", "click", "acc")


def check_gantt(block: str) -> None:
    lines = block.rstrip("\n").split("\n")
    assert lines[0] == "gantt" and lines.count("gantt") == 1
    for line in lines:
        assert any(p.fullmatch(line) for p in GANTT), f"not a gantt statement: {line!r}"
        assert "%%" not in line, line
        match = GANTT[-1].fullmatch(line)
        if match:
            first = match.group("name").split(" ", 1)[0].lower()
            assert not first.startswith(_KEYWORDS) or first == "task", line


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=lambda i: f"s{i}")
def test_mermaid_stays_one_valid_gantt(outputs: dict[tuple[str, str], str], i: int) -> None:
    check_gantt(outputs[("mermaid", f"h{i}")])
    assert outputs[("mermaid", f"h{i}")].count("\n") == outputs[("mermaid", f"b{i}")].count("\n")
    FIGURES["mermaid"] += 1


# ------------------------------------------------------------------ CSV

TEXT_COLUMNS = ("id", "title", "team", "owner")


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=lambda i: f"s{i}")
def test_csv_round_trips_and_defuses_formulas(outputs: dict[tuple[str, str], str], i: int) -> None:
    h = HOSTILE[i]
    rows = list(csv.reader(io.StringIO(outputs[("csv", f"h{i}")], newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == 3 and all(len(r) == len(header) for r in body)
    expected_ids = [h, h + "/b", h + "/c"]
    for row, ident in zip(body, expected_ids, strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["id"] == spreadsheet_safe(ident)
        assert cells["title"] == spreadsheet_safe(h)
        assert cells["owner"] == spreadsheet_safe(h)
        for column in TEXT_COLUMNS:
            assert not cells[column].startswith(FORMULA_START), (column, cells[column])
    FIGURES["csv"] += 1


# ------------------------------------------------------------------ ICS


def ics_unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def ics_expected(text: str) -> str:
    """The text an RFC 5545 reader gets back: breaks as newlines, tabs as spaces, no controls."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=lambda i: f"s{i}")
def test_ics_is_escaped_and_folded(outputs: dict[tuple[str, str], str], i: int) -> None:
    h = HOSTILE[i]
    text = outputs[("ics", f"h{i}")]
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
        assert "\r" not in line and "\n" not in line
    unfolded = text[:-2].replace("\r\n ", "").split("\r\n")
    summaries = []
    for line in unfolded:
        name, _, value = line.partition(":")
        assert name.split(";")[0] in ICS_PROPERTIES, f"unknown property line {line!r}"
        if name in ("SUMMARY", "DESCRIPTION", "X-WR-CALNAME"):
            assert not re.search(r"(?<!\\)(?:\\\\)*[,;]", value.replace("\\\\", "")), value
            if name == "SUMMARY":
                summaries.append(ics_unescape(value))
    assert unfolded.count("BEGIN:VEVENT") == 4  # the program target and three due dates
    assert summaries.count(f"Due: {ics_expected(h)}") == 3
    assert f"{ics_expected(h)}: program target" in summaries
    FIGURES["ics"] += 1


# ------------------------------------------------------------------ JSON


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=lambda i: f"s{i}")
def test_json_round_trips_the_strings_exactly(outputs: dict[tuple[str, str], str], i: int) -> None:
    h = HOSTILE[i]
    data = json.loads(outputs[("json", f"h{i}")])
    found = set(strings_in(data))
    assert {h, h + "/b", h + "/c"} <= found
    assert data["program"] == h
    FIGURES["json"] += 1


# ------------------------------------------------------------------ TaskJuggler

TJ_OUTSIDE = re.compile(r"[A-Za-z0-9_.:{}\-+, %]*")


def tj_split(line: str) -> tuple[str, list[str]]:
    """(the line outside string literals and comments, the string literals' contents)."""
    outside, strings, i = [], [], 0
    while i < len(line):
        ch = line[i]
        if ch == "#":
            break
        if ch == '"':
            j, content = i + 1, []
            while j < len(line) and line[j] != '"':
                if line[j] == "\\" and j + 1 < len(line) and line[j + 1] == '"':
                    content.append('"')
                    j += 2
                    continue
                content.append(line[j])
                j += 1
            assert j < len(line), f"string literal not closed on its line: {line!r}"
            strings.append("".join(content))
            i = j + 1
            continue
        outside.append(ch)
        i += 1
    return "".join(outside), strings


@pytest.mark.parametrize("i", range(len(HOSTILE)), ids=lambda i: f"s{i}")
def test_taskjuggler_strings_stay_strings(outputs: dict[tuple[str, str], str], i: int) -> None:
    text = outputs[("tjp", f"h{i}")]
    depth = 0
    all_strings = []
    for line in text.splitlines():
        outside, strings = tj_split(line)
        assert TJ_OUTSIDE.fullmatch(outside), f"plan text outside a string: {line!r}"
        depth += outside.count("{") - outside.count("}")
        assert depth >= 0
        for s in strings:
            assert "${" not in s and "$(" not in s, s
        all_strings += strings
    assert depth == 0
    assert len(text.splitlines()) == len(outputs[("tjp", f"b{i}")].splitlines())
    # tj3 strings are one line: breaks and controls become spaces, "${" and "$(" get a space.
    shown = " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", HOSTILE[i]).split())
    shown = shown.replace("${", "$ {").replace("$(", "$ (")
    assert shown.rstrip() in [s.rstrip() for s in all_strings]
    FIGURES["tjp"] += 1


def test_every_hostile_plan_is_valid(tmp_path: Path) -> None:
    """The attack only counts if tpm accepts the plan: ids and texts are all allowed."""
    for i, h in enumerate(HOSTILE):
        path = tmp_path / f"{i}.toml"
        path.write_text(tomli_w.dumps(hostile_plan(h)), encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            assert main(["check", str(path)]) == 0, (h, out.getvalue())
