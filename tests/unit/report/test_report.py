"""tpm report: golden files, safe Markdown for hostile plans, --since FILE|REV, -o safety.

Golden files live in tests/golden/report_*.md. After a deliberate change, regenerate them
with ``TPM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report.py`` and read the diff before
committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from git_helpers import git
from markdown_it import MarkdownIt
from markdown_it.token import Token
from report_plans import HOSTILE_TITLES, OLD, SMALL, hostile_plan

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
ROOT = Path(__file__).resolve().parents[3]
RunCli = Callable[..., tuple[int, str, str]]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TPM_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with TPM_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tables(tokens: list[Token]) -> list[list[int]]:
    """Cells per row of every table in a token stream."""
    out: list[list[int]] = []
    for tok in tokens:
        if tok.type == "table_open":
            out.append([])
        elif tok.type == "tr_open":
            out[-1].append(0)
        elif tok.type in ("th_open", "td_open"):
            out[-1][-1] += 1
    return out


def assert_safe_markdown(text: str) -> list[Token]:
    """Every table is rectangular; no raw HTML and no links anywhere."""
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    for rows in tables(tokens):
        assert len(set(rows)) == 1, f"table rows have different cell counts: {rows}"
    flat = [*tokens, *(c for t in tokens for c in (t.children or []))]
    assert not [t for t in flat if t.type in ("html_block", "html_inline")]
    assert not [t for t in flat if t.type in ("link_open", "image")]
    return tokens


def test_example_plan_golden(run_cli: RunCli) -> None:
    code, out, err = run_cli("report", ROOT / "plans" / "example.toml")
    assert code == 0, err
    assert_safe_markdown(out)
    check_golden("report_example.md", out)


def test_small_plan_golden(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli("report", write(tmp_path, "small.toml", SMALL))
    assert code == 0, err
    assert_safe_markdown(out)
    check_golden("report_small.md", out)
    assert "## Changes since" not in out


def test_small_plan_since_file_golden(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    write(tmp_path, "old.toml", OLD)
    os.chdir(tmp_path)
    code, out, err = run_cli("report", plan, "--since", "old.toml")
    assert code == 0, err
    assert_safe_markdown(out)
    check_golden("report_small_since.md", out)
    assert "- **Slipped:** api +7 d" in out
    assert "- **Risks rescored:** vendor 12 → 20" in out
    assert "errors AMBER → RED" in out


def test_report_is_deterministic_and_as_of_moves_it(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    first = run_cli("report", plan)[1]
    assert run_cli("report", plan)[1] == first
    later = run_cli("report", plan, "--as-of", "2026-03-27")[1]
    assert later != first
    assert "**Period:** 2026-03-21 to 2026-03-27" in later


def test_every_section_is_present_in_order(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    write(tmp_path, "old.toml", OLD)
    out = run_cli("report", plan, "--since", tmp_path / "old.toml")[1]
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert headings == [
        "# Status report: Small program",
        "## Overall: 🔴 RED",
        "### TL;DR",
        "## Schedule",
        "## Milestones",
        "## Blockers",
        "## Risks",
        "## KPIs",
        "## Decisions and asks",
        f"## Changes since {tmp_path / 'old.toml'}",
        "## Timeline",
    ]
    tldr = out.split("### TL;DR")[1].split("##")[0]
    assert 1 <= tldr.count("\n- ") <= 5


def test_every_colour_names_its_rule(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("report", write(tmp_path, "small.toml", SMALL))[1]
    rows = [line for line in out.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == 4
    assert "`risks.critical-unmitigated`" in out and "`kpis.red-streak`" in out
    assert "Override to GREEN expired on 2026-03-13 and is ignored." in out


def cell_texts(tokens: list[Token]) -> list[str]:
    """The rendered text of every table cell."""
    out, inside = [], False
    for tok in tokens:
        if tok.type in ("th_open", "td_open"):
            inside = True
        elif tok.type in ("th_close", "td_close"):
            inside = False
        elif inside and tok.type == "inline":
            out.append("".join(c.content for c in tok.children or [] if c.type != "softbreak"))
    return out


def test_hostile_strings_cannot_break_the_report(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli("report", write(tmp_path, "evil.toml", hostile_plan()))
    assert code == 0, err
    tokens = assert_safe_markdown(out)
    check_golden("report_hostile.md", out)
    cells = cell_texts(tokens)
    for title in HOSTILE_TITLES:
        shown = " ".join(title.split())
        assert any(shown in c for c in cells), f"title not shown verbatim: {title!r}"
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 10  # no heading injected by a title (no changes section)
    assert out.count("```") == 2  # only the Mermaid fence


def test_mermaid_block_in_report_is_one_gantt(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("report", write(tmp_path, "evil.toml", hostile_plan()))[1]
    block = out.split("```mermaid\n")[1].split("```")[0]
    lines = block.splitlines()
    assert lines[0] == "gantt"
    tasks = [
        line for line in lines[1:] if not line.startswith(("    title", "    date", "    axis"))
    ]
    assert all(line.startswith("    section ") or line.count(":") == 1 for line in tasks)
    assert not any(ch in block for ch in "#;`<>")


def test_output_file_is_written_atomically(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    out = tmp_path / "report.md"
    out.write_text("old report")
    code, stdout, err = run_cli("report", plan, "-o", out)
    assert (code, stdout) == (0, "")
    assert out.read_text(encoding="utf-8") == run_cli("report", plan)[1]
    assert not list(tmp_path.glob(".*tpm-tmp*"))


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("small.toml", id="same-path"),
        pytest.param("./sub/../small.toml", id="same-file-other-spelling"),
    ],
)
def test_output_onto_the_plan_is_refused(run_cli: RunCli, tmp_path: Path, target: str) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    (tmp_path / "sub").mkdir()
    os.chdir(tmp_path)
    code, _, err = run_cli("report", plan, "-o", target)
    assert code == 2
    assert "refusing to write the output onto the plan file" in err
    assert plan.read_text(encoding="utf-8") == SMALL


def test_output_into_missing_folder(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    code, _, err = run_cli("report", plan, "-o", tmp_path / "nope" / "r.md")
    assert code == 1 and "does not exist" in err


@pytest.mark.parametrize("command", [["report"], ["export", "--format", "csv"]])
def test_plan_with_errors_prints_located_diagnostics(
    run_cli: RunCli, tmp_path: Path, command: list[str]
) -> None:
    text = '[program]\nname = "x"\nstart = 2026-01-01\n\n[[milestones]]\nid = "a"\n'
    bad = write(tmp_path, "bad.toml", text + 'title = "A"\nduration = "5"\n')
    code, out, err = run_cli(command[0], bad, *command[1:])
    assert (code, out) == (1, "")
    assert f"{bad}:8: error[invalid-value]" in err


@pytest.mark.parametrize(
    ("milestones", "runs"),
    [
        pytest.param(59, 1000, id="small-plan-full-runs"),
        pytest.param(2000, 1000, id="at-the-cap"),
        pytest.param(4000, 500, id="capped"),
        pytest.param(100_000, 200, id="floor"),
    ],
)
def test_report_forecast_runs(milestones: int, runs: int) -> None:
    from tpm.report.data import report_runs

    assert report_runs(milestones) == runs


def test_since_file_with_errors(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    old = write(tmp_path, "old.toml", "[program]\n")
    code, _, err = run_cli("report", plan, "--since", old)
    assert code == 1 and "that plan has errors" in err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository where plans/small.toml went from OLD to SMALL in two commits."""
    git(tmp_path, "init", "-q", "-b", "main")
    plan = tmp_path / "plans" / "small.toml"
    plan.parent.mkdir()
    plan.write_text(OLD, encoding="utf-8")
    git(tmp_path, "add", "plans/small.toml")
    git(tmp_path, "commit", "-q", "-m", "week 11")
    plan.write_text(SMALL, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "week 12")
    return tmp_path


def test_since_git_revision(run_cli: RunCli, repo: Path, tmp_path: Path) -> None:
    plan = repo / "plans" / "small.toml"
    code, out, err = run_cli("report", plan, "--since", "HEAD~1")
    assert code == 0, err
    assert_safe_markdown(out)
    assert "## Changes since HEAD\\~1 (" in out
    assert "Compared with the plan as of 2026-03-13." in out
    # Same content as comparing with the old file directly, apart from the label.
    old = write(tmp_path, "old.toml", OLD)
    by_file = run_cli("report", plan, "--since", old)[1]
    assert out.split("Compared with")[1] == by_file.split("Compared with")[1]


@pytest.mark.parametrize(
    ("rev", "words"),
    [
        pytest.param("--output=/tmp/x", "starts with '-'", id="option"),
        pytest.param("HEAD; rm -rf ~", "whitespace", id="shell"),
        pytest.param("HEAD~1..HEAD", "range", id="range"),
        pytest.param("nosuchbranch", "not a commit", id="unknown"),
    ],
)
def test_since_bad_revision(run_cli: RunCli, repo: Path, rev: str, words: str) -> None:
    code, out, err = run_cli("report", repo / "plans" / "small.toml", f"--since={rev}")
    assert (code, out) == (2, "")
    assert words in err and err.startswith("tpm report: --since")


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("report_*.md")), ids=lambda p: p.name)
def test_every_golden_report_is_safe_markdown(golden: Path) -> None:
    tokens = assert_safe_markdown(golden.read_text(encoding="utf-8"))
    assert tables(tokens), "a report has at least the area table"


def test_since_revision_with_errors(run_cli: RunCli, repo: Path) -> None:
    plan = repo / "plans" / "small.toml"
    plan.write_text("[program]\nname = 1\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    plan.write_text(SMALL, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "fixed")
    code, out, err = run_cli("report", plan, "--since", "HEAD~1")
    assert (code, out) == (1, "")
    assert "HEAD~1:small.toml" in err and "the plan at that revision has errors" in err


ALL_DONE = """
[program]
name = "Done"
start = 2026-01-05
as_of = 2026-02-02

[[milestones]]
id = "a"
title = "A"
duration = 3
status = "done"
percent_complete = 100
actual_start = 2026-01-05
actual_finish = 2026-01-09
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[program]\nname = "Empty"\nstart = 2026-01-05\n',
            ["No milestones in the plan yet.", "No scheduled milestones to chart."],
            id="no-milestones",
        ),
        pytest.param(
            ALL_DONE,
            ["All 1 milestones are done; the last finished on 2026-01-09.", "## Overall: 🟢 GREEN"],
            id="all-done",
        ),
    ],
)
def test_edge_plans(run_cli: RunCli, tmp_path: Path, text: str, expected: list[str]) -> None:
    code, out, err = run_cli("report", write(tmp_path, "p.toml", text), "--as-of", "2026-02-02")
    assert code == 0, err
    assert_safe_markdown(out)
    for line in expected:
        assert line in out
