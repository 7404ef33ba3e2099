"""Plan text never drives the terminal: every command's output escapes control characters.

A plan whose every string (ids included) carries ESC/CSI, OSC (window title), BEL, C1 and bidi
override characters goes through every command that prints. Nothing a terminal would act on
may reach standard output or standard error; the escape is JSON's own ``\\uXXXX``, so JSON
outputs still parse and give back the plan's exact strings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tpm.cli import main

EVIL = "\x1b[2J\x1b]0;pwned\x07\x9b31m\x9d2;t\x9c\u202e\x7f"
# What a terminal acts on: C0 except tab/newline/CRLF, DEL, C1, bidi embeddings/overrides.
RAW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def _s(text: str) -> str:
    return text + EVIL


def _plan() -> dict[str, Any]:
    d = dt.date
    return {
        "program": {"name": _s("Prog"), "objective": _s("obj"), "owner": _s("own"),
                    "start": d(2026, 3, 2), "as_of": d(2026, 4, 1)},
        "teams": [{"id": _s("web"), "name": _s("Web"), "lead": _s("lead")}],
        "milestones": [
            {"id": _s("a"), "title": _s("A"), "duration": 5, "team": _s("web"),
             "owner": _s("o"), "notes": _s("n"), "due": d(2026, 3, 4)},
            {"id": _s("b"), "title": _s("B"), "duration": 3, "depends_on": [_s("a")],
             "status": "blocked", "blocked_reason": _s("vendor"),
             "blocked_since": d(2026, 3, 20)},
        ],
        "risks": [
            {"id": _s("r"), "title": _s("R"), "description": _s("d"), "trigger": _s("t"),
             "owner": _s("o"), "probability": 4, "impact": 5, "affects": [_s("b")],
             "mitigations": [{"id": _s("m"), "action": _s("act"), "due": d(2026, 3, 1)}]},
        ],
        "kpis": [
            {"id": _s("k"), "name": _s("K"), "unit": _s("u"), "target": 99, "amber": 95,
             "measurements": [{"date": d(2026, 3, 2), "value": 97, "note": _s("n")},
                              {"date": d(2026, 3, 9), "value": 90}]},
        ],
        "decisions": [{"id": _s("d1"), "title": _s("T"), "status": "needed",
                       "needed_by": d(2026, 4, 8), "rationale": _s("why")}],
    }  # fmt: skip


COMMANDS = [
    ["check"],
    ["schedule"],
    ["schedule", "--json"],
    ["blockers"],
    ["blockers", "--json"],
    ["why", _s("b")],
    ["why", "--json", _s("b")],
    ["forecast", "--runs", "30"],
    ["forecast", "--runs", "30", "--json"],
    ["risks"],
    ["risks", "--md"],
    ["risks", "--json"],
    ["kpi"],
    ["kpi", "--json"],
    ["report"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "ics"],
    ["export", "--format", "mermaid"],
    ["export", "--format", "tjp"],
]


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("term") / "plan.toml"
    path.write_text(tomli_w.dumps(_plan()), encoding="utf-8")
    return path


class Terminal(io.StringIO):
    """Standard output as a terminal (export escapes only there)."""

    def isatty(self) -> bool:
        return True


def _run(argv: list[str], out: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = out or Terminal(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_the_hostile_plan_is_valid(plan_file: Path) -> None:
    code, _out, err = _run(["check", str(plan_file)])
    assert code == 0, err


def _id(command: list[str]) -> str:
    return "-".join(a.strip("-") for a in command if a.isascii() and a.isprintable())


@pytest.mark.parametrize("command", COMMANDS, ids=_id)
def test_no_terminal_control_reaches_the_terminal(plan_file: Path, command: list[str]) -> None:
    code, out, err = _run([command[0], str(plan_file), *command[1:]])
    assert code == 0, err
    assert out, "the command printed nothing, so the test would prove nothing"
    assert RAW.search(out) is None, RAW.search(out)
    assert RAW.search(err) is None, RAW.search(err)
    if "--json" in command or command[-1] == "json":
        strings = set(_strings(json.loads(out)))
        assert any(s.endswith(EVIL) for s in strings), "the plan's strings came back changed"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in [*value.keys(), *value.values()] for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("fmt", ["csv", "ics", "tjp", "mermaid"])
def test_export_piped_or_redirected_gives_the_bytes_o_writes(
    plan_file: Path, tmp_path: Path, fmt: str
) -> None:
    code, piped, err = _run(["export", str(plan_file), "--format", fmt], io.StringIO())
    assert code == 0, err
    target = tmp_path / f"out.{fmt}"
    code, _out, err = _run(["export", str(plan_file), "--format", fmt, "-o", str(target)])
    assert code == 0, err
    assert piped == target.read_bytes().decode("utf-8")


def test_an_error_message_naming_a_hostile_file_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "x\x1b]0;pwned\x07.toml"
    code, out, err = _run(["schedule", str(path)])
    assert code == 1 and "\\u001b]0;pwned\\u0007" in out + err
    assert RAW.search(out + err) is None


def test_text_stays_readable_where_escaping_shows_the_control() -> None:
    from tpm.render.escape import terminal_safe

    assert terminal_safe("a\x1b[31mb\r\nc\td") == "a\\u001b[31mb\r\nc\td"
    assert (
        json.loads(terminal_safe(json.dumps("x\x9b\u202ey", ensure_ascii=False))) == "x\x9b\u202ey"
    )


def test_usage_errors_echo_hostile_arguments_escaped(plan_file: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit):
        main(["schedule", str(plan_file), "\x1b]0;pwned\x07"])
    assert "\\u001b]0;pwned\\u0007" in err.getvalue() and RAW.search(err.getvalue()) is None
