"""Paths and revisions: nothing reaches a shell, and ``-o`` writes only the file it names.

``--since REV`` is handed to git as one element of an argument list, after validation, so a
revision that looks like an option or holds shell syntax is refused with a message (exit 2)
and runs nothing. ``-o FILE`` refuses to write onto the plan (or the ``--since`` plan), however
the path is spelled, writes atomically and leaves no temp file behind (the other kinds of
``-o`` target are in test_output_targets.py).
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
from pathlib import Path

import pytest
from git_helpers import git

from tpm.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> tuple[int, str, str]:
    """Run tpm in process: (exit code, stdout, stderr). argparse's exit is a usage error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """A valid starter plan at tmp_path/plans/x.toml (written by tpm init)."""
    code, _out, err = run("init", "x", "--dir", str(tmp_path / "plans"))
    assert code == 0, err
    return tmp_path / "plans" / "x.toml"


# ------------------------------------------------------------------ no shell


def _calls(tree: ast.AST) -> list[tuple[str, ast.Call]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.append((ast.unparse(node.func), node))
    return found


SHELL_FUNCTIONS = {
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "pty.spawn",
}
SUBPROCESS = {"subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_output"}


def test_no_code_in_tpm_can_reach_a_shell() -> None:
    """Every process tpm starts gets an argument list; no shell=True, os.system or popen."""
    started = []
    for source in sorted((ROOT / "tpm").rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for name, call in _calls(tree):
            where = f"{source.relative_to(ROOT)}:{call.lineno}"
            assert name not in SHELL_FUNCTIONS, f"{where}: {name}"
            assert not name.startswith(("os.exec", "os.spawn")), f"{where}: {name}"
            for keyword in call.keywords:
                if keyword.arg == "shell":
                    assert isinstance(keyword.value, ast.Constant) and not keyword.value.value
            if name in SUBPROCESS:
                assert call.args and isinstance(call.args[0], ast.List), f"{where}: not a list"
                program = call.args[0].elts[0]
                assert isinstance(program, ast.Constant) and program.value == "git", where
                started.append(where.split(":")[0])
    # Only git is ever started: for report --since, the merge driver's fallback and git-setup.
    allowed = {"tpm/plan/gitrev.py", "tpm/commands/merge.py", "tpm/commands/git_setup.py"}
    assert set(started) <= allowed, started


@pytest.mark.parametrize(
    ("rev", "message"),
    [
        pytest.param("--output=/tmp/tpm-injected", "starts with '-'", id="option"),
        pytest.param("-oX", "starts with '-'", id="short-option"),
        pytest.param("HEAD; rm -rf ~", "whitespace", id="command"),
        pytest.param("HEAD;touch{MARK}", "';'", id="semicolon"),
        pytest.param("$(touch {MARK})", "whitespace", id="substitution"),
        pytest.param("`touch`", "characters git revisions do not use", id="backticks"),
        pytest.param("HEAD|tee", "characters git revisions do not use", id="pipe"),
        pytest.param("HEAD&&x", "characters git revisions do not use", id="and"),
        pytest.param("HEAD\nx", "whitespace", id="newline"),
        pytest.param("HEAD:plans/x.toml", "':'", id="rev-path"),
        pytest.param("HEAD:../../etc/passwd", "range", id="rev-dotdot"),
        pytest.param("HEAD~1..HEAD", "range", id="range"),
        pytest.param("", "empty", id="empty"),
    ],
)
def test_hostile_revisions_are_refused_before_git(
    plan: Path, tmp_path: Path, rev: str, message: str
) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "plan")
    mark = tmp_path / "pwned"
    before = listing(tmp_path)
    code, out, err = run("report", str(plan), f"--since={rev.replace('{MARK}', str(mark))}")
    assert code == 2, err
    assert message in err and err.startswith("tpm report: --since")
    assert out == "" and "Traceback" not in err
    assert listing(tmp_path) == before and not Path("/tmp/tpm-injected").exists()


def test_an_option_after_since_is_a_usage_error_not_a_revision(plan: Path) -> None:
    code, _out, err = run("report", str(plan), "--since", "--output=/tmp/tpm-injected")
    assert code == 2 and "expected one argument" in err
    assert not Path("/tmp/tpm-injected").exists()


def test_since_outside_a_repository_says_so(plan: Path) -> None:
    code, _out, err = run("report", str(plan), "--since", "HEAD")
    assert code == 2 and "not inside a git repository" in err


def test_a_plan_path_full_of_shell_syntax_is_only_a_file_name(tmp_path: Path) -> None:
    """Quotes, ``;``, ``$()`` and spaces in the plan's name reach git as plain bytes."""
    name = "a;b $(touch pwned) `id` 'q'.toml"
    code, _out, err = run("init", "x", "--dir", str(tmp_path))
    assert code == 0, err
    plan = tmp_path / name
    (tmp_path / "x.toml").rename(plan)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "plan")
    plan.write_text(plan.read_text().replace('name = "x"', 'name = "x renamed"'))
    code, out, err = run("report", str(plan), "--since", "HEAD")
    assert code == 0, err
    assert "## Since the last report (" in out and "HEAD (" in out
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    code, _out, err = run("check", str(tmp_path / "missing; touch pwned.toml"))
    assert code == 1 and "no such file" in err and not (tmp_path / "pwned").exists()


# ------------------------------------------------------------------ -o FILE


def _spellings(plan: Path) -> dict[str, Path]:
    link = plan.parent / "link.toml"
    link.symlink_to(plan)
    hard = plan.parent / "hard.toml"
    os.link(plan, hard)
    cwd_relative = Path(os.path.relpath(plan, Path.cwd()))
    return {
        "same": plan,
        "dotdot": plan.parent / ".." / plan.parent.name / plan.name,
        "dot": plan.parent / "." / plan.name,
        "relative": cwd_relative,
        "symlink": link,
        "hardlink": hard,
    }


@pytest.mark.parametrize("spelling", ["same", "dotdot", "dot", "relative", "symlink", "hardlink"])
@pytest.mark.parametrize(
    "command", [["report"], ["export", "--format", "json"], ["export", "--format", "tjp"]]
)
def test_output_never_overwrites_the_plan(plan: Path, spelling: str, command: list[str]) -> None:
    target = _spellings(plan)[spelling]
    before_bytes = plan.read_bytes()
    before = listing(plan.parent)
    code, out, err = run(command[0], str(plan), *command[1:], "-o", str(target))
    assert code == 2, (code, err)
    assert "refusing to write the output onto the plan file" in err and out == ""
    assert plan.read_bytes() == before_bytes
    assert listing(plan.parent) == before  # no temp file left behind


def test_output_never_overwrites_the_since_plan(plan: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.toml"
    old.write_bytes(plan.read_bytes())
    code, _out, err = run("report", str(plan), "--since", str(old), "-o", str(old))
    assert code == 2 and "refusing" in err
    assert old.read_bytes() == plan.read_bytes()


def test_output_writes_exactly_the_named_file(plan: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("keep me")
    before = listing(tmp_path)
    code, stdout, err = run("report", str(plan), "-o", str(out_dir / "status.md"))
    assert code == 0, err
    assert stdout == "" and "wrote" in err
    assert listing(tmp_path) == sorted([*before, "out/status.md"])
    first = (out_dir / "status.md").read_text()
    assert first.startswith("# x: ")
    # Overwriting an existing output replaces it atomically; nothing else changes.
    code, _stdout, err = run("report", str(plan), "-o", str(out_dir / "status.md"))
    assert code == 0 and (out_dir / "status.md").read_text() == first
    # An output that is the user's own symlink is written through: the link stays a link.
    (out_dir / "link.md").symlink_to(elsewhere)
    code, _stdout, err = run("export", str(plan), "--format", "csv", "-o", str(out_dir / "link.md"))
    assert code == 0, err
    assert (out_dir / "link.md").is_symlink()
    assert elsewhere.read_text().startswith("id,title")
    assert listing(tmp_path) == sorted([*before, "out/link.md", "out/status.md"])


@pytest.mark.parametrize(
    ("where", "code", "message"),
    [
        pytest.param("missing/dir/out.md", 1, "does not exist", id="missing-folder"),
        pytest.param(".", 2, "is a directory", id="a-folder"),
    ],
)
def test_unusable_outputs_are_refused_and_nothing_is_written(
    plan: Path, tmp_path: Path, where: str, code: int, message: str
) -> None:
    before = listing(tmp_path)
    got, _out, err = run("report", str(plan), "-o", str(tmp_path / where))
    assert got == code and message in err
    assert listing(tmp_path) == before
