"""tpm report: the two-minute read, --full, goldens, safe Markdown, --since FILE|REV, -o.

Golden reports are syrupy snapshots in __snapshots__/test_report/*.md. After a deliberate
change, regenerate them with ``.venv/bin/python -m pytest tests/unit/report --snapshot-update``
and read the diff before committing it.
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
from syrupy.assertion import SnapshotAssertion

SNAPSHOTS = Path(__file__).resolve().parent / "__snapshots__" / "test_report"
ROOT = Path(__file__).resolve().parents[3]
RunCli = Callable[..., tuple[int, str, str]]


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


def test_example_plan_short_report_golden(run_cli: RunCli, md_snapshot: SnapshotAssertion) -> None:
    code, out, err = run_cli("report", ROOT / "plans" / "example.toml")
    assert code == 0, err
    assert_safe_markdown(out)
    assert out == md_snapshot


def test_example_plan_full_report_golden(run_cli: RunCli, md_snapshot: SnapshotAssertion) -> None:
    code, out, err = run_cli("report", ROOT / "plans" / "example.toml", "--full")
    assert code == 0, err
    assert_safe_markdown(out)
    assert out == md_snapshot


def test_example_report_is_a_two_minute_read(run_cli: RunCli) -> None:
    """At most 60 lines, in the order of a weekly program status, none of the detail."""
    out = run_cli("report", ROOT / "plans" / "example.toml")[1]
    assert len(out.splitlines()) <= 60
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Checkout PSP migration (EU-18): 🔴 RED, ")
    assert "RED on 2026-11-09" in headings[0]
    assert headings[1:] == [
        "## Decisions needed",
        "## Escalations",
        "## Since the last report (2026-11-09, recorded snapshot)",
        "## Next two weeks",
        "## KPIs off target",
    ]
    summary = out.split("## Decisions needed")[0]
    bullets = [line for line in summary.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3 and bullets[0].startswith("- **Forecast:** finish ")
    assert "P80" in bullets[0] and "chance to meet the target" in bullets[0]
    for detail in ("`schedule.", "```mermaid", "| ID | Milestone", "Move checkout, refunds"):
        assert detail not in out
    assert "RAG over the last reports" in out and "Schedule G G A A A R" in out


def test_full_report_adds_the_detail_as_an_appendix(run_cli: RunCli) -> None:
    short = run_cli("report", ROOT / "plans" / "example.toml")[1]
    full = run_cli("report", ROOT / "plans" / "example.toml", "--full")[1]
    head = full.split("## Appendix: detail as of 2026-11-16")[0]
    assert head.rstrip() == short.rsplit("\n*Detail", 1)[0].rstrip()
    appendix = full.split("## Appendix")[1]
    for part in (
        "### RAG by area",
        "`schedule.due-date-missed`",
        "### Slip trend",
        "xychart-beta",
        "### Milestones",
        "| ID | Milestone",
        "### Risks",
        "### KPIs",
        "### Decisions and asks",
        "gantt",
    ):
        assert part in appendix, part


def test_team_names_are_not_shown_escaped(run_cli: RunCli) -> None:
    full = run_cli("report", ROOT / "plans" / "example.toml", "--full")[1]
    assert "| QA & Release |" in full and "\\&" not in full
    assert "1% > 10% > 50% > 100%" in full


def test_variance_is_against_the_current_baseline(run_cli: RunCli, tmp_path: Path) -> None:
    text = (ROOT / "plans" / "example.toml").read_text(encoding="utf-8")
    full = run_cli("report", ROOT / "plans" / "example.toml", "--full")[1]
    assert "Baseline replan-2026-09: finish 2027-03-15" in full
    oldest = write(
        tmp_path,
        "oldest.toml",
        text.replace('current_baseline = "replan-2026-09"', 'current_baseline = "kickoff"'),
    )
    assert "Baseline kickoff: finish 2027-03-01" in run_cli("report", oldest, "--full")[1]


def test_small_plan_golden(run_cli: RunCli, tmp_path: Path, md_snapshot: SnapshotAssertion) -> None:
    code, out, err = run_cli("report", write(tmp_path, "small.toml", SMALL), "--full")
    assert code == 0, err
    assert_safe_markdown(out)
    assert out == md_snapshot
    assert "### Changes since" not in out
    assert "No previous report to compare with: " in out


def test_small_plan_since_file_golden(
    run_cli: RunCli, tmp_path: Path, md_snapshot: SnapshotAssertion
) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    write(tmp_path, "old.toml", OLD)
    os.chdir(tmp_path)
    code, out, err = run_cli("report", plan, "--since", "old.toml", "--full")
    assert code == 0, err
    assert_safe_markdown(out)
    assert out == md_snapshot
    assert "- **Slipped:** api +7 working days (critical)" in out
    assert "- **Risks:** vendor 12 → 20" in out
    assert "errors AMBER → RED" in out


def test_report_is_deterministic_and_as_of_moves_it(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    first = run_cli("report", plan)[1]
    assert run_cli("report", plan)[1] == first
    later = run_cli("report", plan, "--as-of", "2026-03-27")[1]
    assert later != first
    assert "**Period:** 2026-03-21 to 2026-03-27" in later


def test_every_colour_names_its_rule_in_the_appendix(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("report", write(tmp_path, "small.toml", SMALL), "--full")[1]
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


def test_hostile_strings_cannot_break_the_report(
    run_cli: RunCli, tmp_path: Path, md_snapshot: SnapshotAssertion
) -> None:
    code, out, err = run_cli("report", write(tmp_path, "evil.toml", hostile_plan()), "--full")
    assert code == 0, err
    tokens = assert_safe_markdown(out)
    assert out == md_snapshot
    cells = cell_texts(tokens)
    for title in HOSTILE_TITLES:
        shown = " ".join(title.split())
        assert any(shown in c for c in cells), f"title not shown verbatim: {title!r}"
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 16  # no heading injected by a title (no changes section)
    assert out.count("```") == 2  # only the Mermaid fence


def test_mermaid_block_in_report_is_one_gantt(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("report", write(tmp_path, "evil.toml", hostile_plan()), "--full")[1]
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
        pytest.param(59, 2000, id="small-plan-full-runs"),
        pytest.param(1000, 2000, id="at-the-cap"),
        pytest.param(4000, 500, id="capped"),
        pytest.param(100_000, 200, id="floor"),
    ],
)
def test_report_forecast_runs(milestones: int, runs: int) -> None:
    from tpm.forecast.defaults import runs_for

    assert runs_for(milestones) == runs


def test_since_file_with_errors(run_cli: RunCli, tmp_path: Path) -> None:
    plan = write(tmp_path, "small.toml", SMALL)
    old = write(tmp_path, "old.toml", "[program]\n")
    code, _, err = run_cli("report", plan, "--since", old)
    assert code == 1 and "that file is not a valid plan" in err


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
    assert "## Since the last report (2026-03-13, HEAD\\~1 (" in out
    # Same content as comparing with the old file directly, apart from the label.
    old = write(tmp_path, "old.toml", OLD)
    by_file = run_cli("report", plan, "--since", old)[1]
    assert out.split("## Next two weeks")[1] == by_file.split("## Next two weeks")[1]
    assert out.split("- **Done:**")[1] == by_file.split("- **Done:**")[1]


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


@pytest.mark.parametrize("golden", sorted(SNAPSHOTS.glob("*.md")), ids=lambda p: p.name)
def test_every_golden_report_is_safe_markdown(golden: Path) -> None:
    tokens = assert_safe_markdown(golden.read_text(encoding="utf-8"))
    assert tables(tokens), "a report has at least one table"


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
            ["**Forecast:** all 1 milestones are done.", "# Done: 🟢 GREEN"],
            id="all-done",
        ),
    ],
)
def test_edge_plans(run_cli: RunCli, tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path, "p.toml", text)
    code, out, err = run_cli("report", path, "--as-of", "2026-02-02", "--full")
    assert code == 0, err
    assert_safe_markdown(out)
    for line in expected:
        assert line in out


def test_a_kpi_never_measured_is_not_counted_on_target(run_cli: RunCli, tmp_path: Path) -> None:
    text = SMALL + '\n[[kpis]]\nid = "nps"\nname = "Merchant NPS"\ntarget = 40\n'
    code, out, _err = run_cli("report", write(tmp_path, "plan.toml", text))
    assert code == 0
    section = out.split("## KPIs off target")[1].split("\n## ")[0]
    assert "Merchant NPS: never measured (target ≥ 40)" in section
    assert "1 of 3 KPIs on target" in section
