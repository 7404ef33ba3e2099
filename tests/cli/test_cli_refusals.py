"""tpm kpi, fmt and init refuse through tpm.errors: each refusal is raised, never printed and
returned, and ``tpm.cli.main`` prints it once with its exit code (the exact lines pinned here)."""

from __future__ import annotations

import argparse
import importlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tpm.cli import COMMANDS
from tpm.errors import TpmError

DATA = Path(__file__).resolve().parents[1] / "data"
Run = Callable[..., tuple[int, str, str]]

KPI_USAGE = (
    "usage: tpm kpi PLAN [--as-of DATE] [--json]\n"
    "       tpm kpi record PLAN KPI VALUE [--date DATE] [--note TEXT] [--replace] [--force]\n"
)
MESSY = '[program]\nstart = 2026-03-02\nname = "x"\n'
BROKEN = '[program]\nname = "x"\n'

# argv ({plan}, {messy}, {broken} and {dir} are files in tmp_path), exit code, exact stderr.
CASES = [
    pytest.param(
        ["kpi", "record", "{plan}", "latency"],
        2,
        KPI_USAGE + "tpm kpi: error: record needs PLAN KPI VALUE\n",
        id="kpi-record-missing-value",
    ),
    pytest.param(
        ["kpi", "record", "{plan}", "latency", "1e999"],
        2,
        KPI_USAGE + "tpm kpi: error: VALUE must be a finite number, not '1e999'\n",
        id="kpi-record-infinite",
    ),
    pytest.param(
        ["kpi", "{plan}", "--replace"],
        2,
        KPI_USAGE + "tpm kpi: error: --date, --note, --replace and --force are for "
        "'tpm kpi record'\n",
        id="kpi-show-with-record-option",
    ),
    pytest.param(
        ["kpi", "record", "{plan}", "latncy", "1"],
        1,
        "{plan}: error: unknown KPI 'latncy' (did you mean 'latency'? "
        "KPIs: availability, latency, nps)\n",
        id="kpi-record-unknown-kpi",
    ),
    pytest.param(
        ["kpi", "record", "{plan}", "latency", "1", "--date", "2026-03-17"],
        1,
        "{plan}: error: 2026-03-17 is after the plan's status date (as_of = 2026-03-16); every "
        "analysis reads the plan as of that date and would ignore this value, so nothing was "
        "recorded (move as_of forward in [program] first, or pass --date on or before it)\n",
        id="kpi-record-after-as-of",
    ),
    pytest.param(
        ["kpi", "{broken}"],
        1,
        "{broken}:1: error[invalid-value]: program.start: is required but missing\n",
        id="kpi-show-broken-plan",
    ),
    pytest.param(
        ["fmt", "--check", "{messy}", "{broken}"],
        1,
        "{messy}: not canonical (run: tpm fmt {messy})\n"
        "{broken}:1: error[invalid-value]: program.start: is required but missing\n",
        id="fmt-check-two-failures-in-order",
    ),
    pytest.param(
        ["init", "x", "--dir", "{plan}/sub"],
        1,
        "tpm init: cannot create {plan}/sub: Not a directory\n",
        id="init-dir-is-a-file",
    ),
    pytest.param(
        ["init", "a" * 251],
        2,
        "tpm init: the name is too long (251 characters; at most 250)\n",
        id="init-name-too-long",
    ),
    pytest.param(
        ["init", "kpis", "--dir", "{dir}"],
        1,
        "tpm init: {dir}/kpis.toml already exists; not overwriting it\n",
        id="init-exists",
    ),
]


def _argv(tmp_path: Path, argv: list[str]) -> tuple[list[str], dict[str, str]]:
    plan = tmp_path / "kpis.toml"
    shutil.copy(DATA / "kpis_small.toml", plan)
    (tmp_path / "messy.toml").write_text(MESSY, encoding="utf-8")
    (tmp_path / "broken.toml").write_text(BROKEN, encoding="utf-8")
    names = {
        "plan": str(plan),
        "messy": str(tmp_path / "messy.toml"),
        "broken": str(tmp_path / "broken.toml"),
        "dir": str(tmp_path),
    }
    return [a.format(**names) for a in argv], names


@pytest.mark.parametrize(("argv", "code", "stderr"), CASES)
def test_each_refusal_prints_one_message_and_its_exit_code(
    run_cli: Run, tmp_path: Path, argv: list[str], code: int, stderr: str
) -> None:
    args, names = _argv(tmp_path, argv)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert run_cli(*args) == (code, "", stderr.format(**names))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


@pytest.mark.parametrize(("argv", "code", "stderr"), CASES)
def test_the_command_raises_the_refusal_for_cli_main_to_print(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    stderr: str,
) -> None:
    args, _names = _argv(tmp_path, argv)
    module = importlib.import_module(COMMANDS[args[0]][0])
    parser = argparse.ArgumentParser(prog=f"tpm {args[0]}")
    module.add_arguments(parser)
    with pytest.raises(TpmError) as info:
        module.run(parser.parse_args(args[1:]))
    assert info.value.exit_code == code
    capsys.readouterr()
