"""The plan-file commands as a user runs them: tpm check, fmt, init and schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.plan.storage import dumps

Run = Callable[..., tuple[int, str, str]]

VALID = """\
[program]
name = "Checkout"
start = 2026-03-02

[[milestones]]
id = "a"
title = "A"
duration = 5
status = "planned"

[[milestones]]
id = "b"
title = "B"
duration = 3
depends_on = ["a"]
status = "planned"
"""

MESSY = """\
[[milestones]]
title = "A"
id = "a"
duration = 5
percent_complete = 0

[program]
start = 2026-03-02
name = "Checkout"
"""

COMMENTED = VALID.replace("duration = 5\n", "duration = 5  # two sprints\n")


def _write(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- check


def test_check_valid_plan_exits_0(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    code, out, err = run_cli("check", path)
    assert (code, out, err) == (0, f"{path}: ok\n", "")


def test_check_prints_warnings_but_exits_0(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, VALID.replace('title = "B"', 'titel = "B"\ntitle = "B"'))
    code, out, err = run_cli("check", path)
    assert code == 0
    assert out == f"{path}: ok, 1 warning\n"
    assert err == (
        f"{path}:13: warning[unknown-key]: milestone b, field titel: unknown key 'titel' is "
        "kept as is (did you mean 'title'?)\n"
    )


def test_check_broken_plan_exits_1_with_one_line_per_problem(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, VALID.replace('["a"]', '["a", "c"]').replace("= 5", "= -5"))
    code, out, err = run_cli("check", path)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{path}:8: error[invalid-value]: milestone a, field duration: must be at least 0 (got -5)",
        f"{path}:15: error[unknown-reference]: milestone b, field depends_on[2]: "
        "unknown milestone 'c'",
    ]


def test_check_json_for_a_valid_plan(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    code, out, _err = run_cli("check", "--json", path)
    assert code == 0
    assert json.loads(out) == {"errors": [], "warnings": []}


def test_check_without_a_plan_is_a_usage_error(run_cli: Run) -> None:
    with pytest.raises(SystemExit) as info:
        run_cli("check")
    assert info.value.code == 2


# ---------------------------------------------------------------- fmt


def test_fmt_rewrites_canonically_then_has_nothing_to_do(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, MESSY)
    code, out, _err = run_cli("fmt", path)
    assert (code, out) == (0, f"{path}: formatted\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith('[program]\nname = "Checkout"\nstart = 2026-03-02\n')
    assert "percent_complete" not in text  # a default, left out
    assert run_cli("fmt", path) == (0, "", "")
    assert path.read_text(encoding="utf-8") == text


def test_fmt_check_exit_codes_and_writes_nothing(run_cli: Run, tmp_path: Path) -> None:
    messy = _write(tmp_path, MESSY, "messy.toml")
    canonical = _write(tmp_path, VALID, "canonical.toml")
    code, _out, err = run_cli("fmt", "--check", messy)
    assert code == 1
    assert err == f"{messy}: not canonical (run: tpm fmt {messy})\n"
    assert messy.read_text(encoding="utf-8") == MESSY
    assert run_cli("fmt", "--check", canonical) == (0, "", "")
    assert run_cli("fmt", "--check", canonical, messy)[0] == 1


@pytest.mark.parametrize(
    "raw",
    [b"\xef\xbb\xbf" + VALID.encode(), VALID.replace("\n", "\r\n").encode()],
    ids=["byte-order mark", "CRLF"],
)
def test_fmt_check_treats_bom_and_crlf_as_not_canonical(
    run_cli: Run, tmp_path: Path, raw: bytes
) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes(raw)
    assert run_cli("fmt", "--check", path)[0] == 1
    assert run_cli("fmt", path)[0] == 0
    assert path.read_bytes() == VALID.encode()


def test_fmt_refuses_to_drop_comments_without_force(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, COMMENTED)
    loaded = load_plan(path)
    assert loaded.source is not None and loaded.source.sourcemap.has_comments
    code, _out, err = run_cli("fmt", path)
    assert code == 1
    assert "has comments, which tpm fmt cannot keep" in err and "--force" in err
    assert path.read_text(encoding="utf-8") == COMMENTED
    code, out, _err = run_cli("fmt", "--force", path)
    assert (code, out) == (0, f"{path}: formatted\n")
    assert path.read_text(encoding="utf-8") == VALID


def test_fmt_reports_a_broken_plan_and_still_formats_the_others(
    run_cli: Run, tmp_path: Path
) -> None:
    broken = _write(tmp_path, VALID.replace("= 5", '= "5"'), "broken.toml")
    messy = _write(tmp_path, MESSY, "messy.toml")
    code, out, err = run_cli("fmt", broken, messy)
    assert code == 1
    assert "error[invalid-value]" in err and str(broken) in err
    assert out == f"{messy}: formatted\n"
    assert broken.read_text(encoding="utf-8") == VALID.replace("= 5", '= "5"')


# ---------------------------------------------------------------- init


def test_init_writes_a_valid_canonical_plan(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _err = run_cli("init", "payments")
    path = Path("plans/payments.toml")
    assert (code, out) == (0, f"wrote {path}; next: tpm check {path}\n")
    loaded = load_plan(path)
    assert loaded.plan is not None and loaded.diagnostics == []
    assert loaded.plan.program.name == "payments"
    assert loaded.source is not None and dumps(loaded.plan) == loaded.source.text
    assert run_cli("check", path)[0] == 0


def test_init_accepts_a_name_with_the_suffix(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("init", "x.toml", "--dir", tmp_path)[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["x.toml"]


def test_init_never_overwrites(run_cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, "precious\n", "mine.toml")
    code, _out, err = run_cli("init", "mine", "--dir", tmp_path)
    assert code == 1
    assert "already exists; not overwriting it" in err
    assert path.read_text(encoding="utf-8") == "precious\n"


@pytest.mark.parametrize("name", ["../escape", "a/b", "", "-x", "sp ace", ".hidden"])
def test_init_bad_name_is_a_usage_error(run_cli: Run, tmp_path: Path, name: str) -> None:
    code, _out, err = run_cli("init", "--dir", tmp_path, "--", name)
    assert code == 2
    assert "invalid name" in err
    assert list(tmp_path.iterdir()) == []


def test_init_into_a_folder_that_cannot_exist(run_cli: Run, tmp_path: Path) -> None:
    blocker = _write(tmp_path, "", "file")
    code, _out, err = run_cli("init", "x", "--dir", blocker / "sub")
    assert code == 1
    assert "cannot create" in err


# ---------------------------------------------------------------- schema


def test_schema_is_json_schema_of_the_plan(run_cli: Run) -> None:
    code, out, _err = run_cli("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"].startswith("http://json-schema.org/")
    assert schema["required"] == ["program"]
    assert {"program", "milestones", "risks", "kpis"} <= set(schema["properties"])
    milestone = schema["$defs"]["Milestone"]
    assert set(milestone["required"]) == {"id", "title", "duration"}
    assert milestone["properties"]["duration"]["description"]
