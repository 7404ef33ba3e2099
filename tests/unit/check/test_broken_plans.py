"""A corpus of broken plans: each yields exactly the diagnostics its header promises.

Every file under tests/data/broken/ starts with a comment saying what is wrong, then one
``# expect: severity[code] line N: fragment`` line per diagnostic (``line -`` when the
problem has no line). The fragment must appear in the message or the hint. A file must
report every expected diagnostic and no other error, so a check that stops at the first
problem, or reports one twice, fails. Inputs that cannot carry a header (empty, binary,
non-UTF-8, a directory, a missing file, 50 MB) are generated here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tpm.check.diagnostics import Diagnostic
from tpm.check.load import load_plan

BROKEN = Path(__file__).resolve().parents[2] / "data" / "broken"
_EXPECT = re.compile(r"^# expect: (error|warning)\[([a-z-]+)\] line (\d+|-): (.+)$")


@dataclass(frozen=True)
class Expected:
    severity: str
    code: str
    line: int | None
    fragment: str

    def found_in(self, diagnostics: list[Diagnostic]) -> bool:
        return any(
            d.severity == self.severity
            and d.code == self.code
            and d.line == self.line
            and self.fragment in f"{d.message} ({d.hint})"
            for d in diagnostics
        )


def _expectations(path: Path) -> list[Expected]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _EXPECT.match(line)
        if match:
            sev, code, where, fragment = match.groups()
            found.append(Expected(sev, code, None if where == "-" else int(where), fragment))
    return found


CORPUS = sorted(BROKEN.glob("*.toml"))
RunCli = Callable[..., tuple[int, str, str]]


def test_the_corpus_is_large_and_covers_every_documented_code() -> None:
    codes = {e.code for path in CORPUS for e in _expectations(path)}
    page = BROKEN.parents[2] / "docs" / "reference" / "diagnostics.md"
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", page.read_text("utf-8"), re.MULTILINE))
    # io is covered by the generated inputs below; the rest by files in the corpus.
    assert documented - {"io"} <= codes, documented - {"io"} - codes
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_broken_plan_reports_exactly_what_its_header_expects(path: Path) -> None:
    expected = _expectations(path)
    assert expected, f"{path.name} has no '# expect:' lines"
    loaded = load_plan(path)
    shown = "\n".join(d.render() for d in loaded.diagnostics)
    assert loaded.plan is None, "a broken plan must not load"
    for exp in expected:
        assert exp.found_in(loaded.diagnostics), f"missing {exp}\ngot:\n{shown}"
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert len(errors) == sum(e.severity == "error" for e in expected), shown
    for d in loaded.diagnostics:
        assert d.file == str(path)
        assert "\n" not in d.render(), "a diagnostic is one line"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _generated(tmp_path: Path) -> dict[str, tuple[Path, str, str, int | None]]:
    """name -> (path, code, message fragment, line)"""
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    return {
        "empty": (_write(tmp_path, "empty.toml", b""), "invalid-value", "plan is empty", None),
        "whitespace": (
            _write(tmp_path, "blank.toml", b"\n  \n# only a comment\n"),
            "invalid-value",
            "plan is empty",
            None,
        ),
        "binary": (
            _write(tmp_path, "binary.toml", bytes(range(256)) * 4),
            "io",
            "binary file",
            1,
        ),
        "latin-1": (
            _write(tmp_path, "latin1.toml", '[program]\nname = "Café"\n'.encode("latin-1")),
            "io",
            "not UTF-8 text: byte 0xe9 at column 12",
            2,
        ),
        "directory": (folder, "io", "is a directory", None),
        "missing": (tmp_path / "nope.toml", "io", "no such file", None),
    }


@pytest.mark.parametrize(
    "name", ["empty", "whitespace", "binary", "latin-1", "directory", "missing"]
)
def test_input_that_is_not_a_toml_plan_gives_one_clear_error(tmp_path: Path, name: str) -> None:
    path, code, fragment, line = _generated(tmp_path)[name]
    loaded = load_plan(path)
    assert loaded.plan is None
    [diag] = [d for d in loaded.diagnostics if d.severity == "error"]
    assert (diag.code, diag.line) == (code, line)
    assert fragment in diag.message


def test_a_50_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.write(b'[program]\nname = "x"\nstart = 2026-03-02\nnotes = """\n')
        chunk = b"a line of notes that goes on and on\n" * 1000
        for _ in range(50_000_000 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(b'"""\n')
    started = time.perf_counter()
    loaded = load_plan(path)
    elapsed = time.perf_counter() - started
    [diag] = loaded.diagnostics
    assert diag.code == "io"
    assert "too large for a plan (50.0 MB; the limit is 40 MB)" in diag.message
    assert elapsed < 1.0


def _cli(*args: str | Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "tpm", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_every_broken_input_through_the_cli_exits_1_without_a_traceback(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """``tpm check`` on every broken input, in process (the same main() as the real CLI)."""
    inputs = [*CORPUS, *(p for p, *_ in _generated(tmp_path).values())]
    for path in inputs:
        code, out, err = run_cli("check", path)
        assert code == 1, f"{path.name}: exit {code}\n{err}"
        assert "Traceback" not in err + out, f"{path.name}:\n{err}"
        assert "error[" in err, f"{path.name}: no diagnostic printed\n{err}"
        for line in err.splitlines():
            assert line.startswith(str(path)), line


@pytest.mark.parametrize("name", ["binary", "latin-1"])
def test_undecodable_input_through_a_real_process_exits_1_without_a_traceback(
    tmp_path: Path, name: str
) -> None:
    """A real interpreter's stderr encoding, on the inputs whose diagnostics quote bytes."""
    path = _generated(tmp_path)[name][0]
    proc = _cli("check", path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "Traceback" not in err + out, err
    assert err.startswith(f"{path}:") and "error[io]" in err, err


def test_check_json_has_errors_and_warnings_with_every_field() -> None:
    path = BROKEN / "done-without-finish.toml"
    proc = _cli("check", "--json", path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and err == ""
    data = json.loads(out)
    assert list(data) == ["errors", "warnings"]
    keys = ["severity", "code", "message", "file", "line", "item", "field", "hint"]
    [error] = data["errors"]
    [warning] = data["warnings"]
    assert list(error) == keys and list(warning) == keys
    assert error["code"] == "invalid-value"
    assert (error["item"], error["field"], error["file"]) == ("milestone b", "duration", str(path))
    assert warning["code"] == "done-without-finish"
    assert (warning["item"], warning["field"]) == ("milestone a", "status")
    assert isinstance(warning["line"], int) and warning["hint"]
