"""KPI values near the ends of the float range: check refuses them, the rest copes, JSON is JSON.

``tpm check`` refuses KPI values beyond +-1e15 (a diagnostic naming the line, the KPI and the
field); every value it accepts goes through every command that reads a plan (the writing
ones too: ``kpi record`` of the extremes, ``baseline``, ``report --record``, ``fmt``) without
an overflow, and every JSON output is valid RFC 8259 JSON (no NaN or Infinity).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import pytest

from tpm.cli import main
from tpm.render.json_out import dumps, json_text

PLAN = """[program]
name = "x"
start = 2026-03-02
as_of = 2026-04-01

[[kpis]]
id = "k"
name = "K"
target = {target}
amber = {amber}
baseline = {baseline}
measurements = [
    {{ date = 2026-03-02, value = {v1} }},
    {{ date = 2026-03-09, value = {v2} }},
    {{ date = 2026-03-16, value = {v3} }},
]
"""
FORMATS = ["json", "csv", "ics", "mermaid", "tjp", "graphml", "dot"]
FIELDS = {"target": 1, "amber": 0.5, "baseline": 0, "v1": 1, "v2": 2, "v3": 3}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _write(tmp_path: Path, **values: float) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.format(**{**FIELDS, **values}), encoding="utf-8")
    return path


def _strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("field", "value", "line", "shown"),
    [
        pytest.param("target", 1e308, 9, "field target: must be at most 1e+15", id="target"),
        pytest.param("amber", -1.7e308, 10, "field amber: must be at least -1e+15", id="amber"),
        pytest.param("baseline", 1e16, 11, "field baseline: must be at most 1e+15", id="baseline"),
        pytest.param(
            "v2", -1e308, 14, "field measurements[2].value: must be at least", id="measurement"
        ),
    ],
)
def test_check_refuses_kpi_values_whose_arithmetic_would_overflow(
    tmp_path: Path, field: str, value: float, line: int, shown: str
) -> None:
    path = _write(tmp_path, **{field: value})
    code, _out, err = _run("check", str(path))
    assert code == 1
    assert f"{path}:{line}: error[invalid-value]: KPI k, {shown}" in err, err


# Every command that reads a plan ("{plan}" is the plan file), the writing ones included.
COMMANDS = [
    ["check", "{plan}"],
    ["check", "{plan}", "--json"],
    ["fmt", "--check", "{plan}"],
    ["schedule", "{plan}"],
    ["schedule", "{plan}", "--json"],
    ["blockers", "{plan}"],
    ["blockers", "{plan}", "--json"],
    ["forecast", "{plan}", "--runs", "20"],
    ["forecast", "{plan}", "--runs", "20", "--json"],
    ["risks", "{plan}"],
    ["risks", "{plan}", "--json"],
    ["kpi", "{plan}"],
    ["kpi", "{plan}", "--json"],
    ["report", "{plan}"],
    ["report", "{plan}", "--full"],
    ["trend", "{plan}", "--no-git"],
    ["trend", "{plan}", "--no-git", "--json"],
    *(["export", "{plan}", "--format", f] for f in FORMATS),
    ["kpi", "record", "{plan}", "k", "1e15", "--date", "2026-03-23"],
    ["kpi", "record", "{plan}", "k", "-999999999999999.5", "--date", "2026-03-23"],
    ["baseline", "{plan}", "--name", "b"],
    ["report", "{plan}", "--record"],
    ["fmt", "{plan}", "--force"],
]


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(
            {"target": 1e15, "amber": -1e15, "v1": 1e15, "v2": -1e15, "v3": 1e15}, id="ends"
        ),
        pytest.param({"baseline": -1e15, "v1": 1e-300, "v2": -1e-300, "v3": 5e-324}, id="tiny"),
        pytest.param({"target": 999_999_999_999_999, "v3": -999_999_999_999_999}, id="ints"),
    ],
)
@pytest.mark.parametrize(
    "command", COMMANDS, ids=lambda c: "-".join(a for a in c if a != "{plan}").replace("--", "")
)
def test_every_accepted_value_goes_through_every_command(
    tmp_path: Path, values: dict[str, float], command: list[str]
) -> None:
    path = _write(tmp_path, **values)
    assert _run("check", str(path))[0] == 0
    code, out, err = _run(*(str(path) if a == "{plan}" else a for a in command))
    assert code == 0, err
    assert "internal error" not in err
    if "json" in command[-1]:
        _strict_json(out)
    assert _run("check", str(path))[0] == 0  # what a writing command wrote still loads


def test_json_never_holds_nan_or_infinity() -> None:
    data = {"a": math.nan, "b": [math.inf, 1.5, {"c": -math.inf}], "d": "nan"}
    assert _strict_json(json_text(data)) == {"a": None, "b": [None, 1.5, {"c": None}], "d": "nan"}
    assert _strict_json(dumps(data)) == {"a": None, "b": [None, 1.5, {"c": None}], "d": "nan"}
