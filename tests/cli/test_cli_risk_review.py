"""``tpm risks --md``: the standup risk review (changes first, a projector-sized register)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from git_helpers import git
from markdown_it import MarkdownIt
from report_plans import OLD, SMALL

RunCli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]


def columns(out: str, heading: str) -> list[int]:
    """Cells per row of the first table after ``heading``."""
    part = out.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("| ")]
    return [
        len(MarkdownIt("commonmark").enable("table").parseInline(r)[0].children or [])
        and r.count(" | ") + 1
        for r in rows
    ]


def test_review_of_the_example_starts_with_what_changed(run_cli: RunCli) -> None:
    code, out, err = run_cli("risks", ROOT / "plans" / "example.toml", "--md")
    assert code == 0, err
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings[:5] == [
        "## Since the last report (2026-11-09, recorded snapshot)",
        "## Actions by owner",
        "## Overdue mitigations",
        "## Issues (risks that occurred)",
        "## Live risks",
    ]
    assert "**Rescored, closed, occurred:** not known" in out


def test_register_fits_a_projector(run_cli: RunCli) -> None:
    out = run_cli("risks", ROOT / "plans" / "example.toml", "--md")[1]
    for heading in ("## Live risks", "## Issues (risks that occurred)"):
        assert set(columns(out, heading)) == {7}
    header = out.split("## Live risks")[1].splitlines()[2]
    for column in ("Owner", "Next action", "Reviewed"):
        assert column in header


def test_each_overdue_mitigation_is_listed_once(run_cli: RunCli) -> None:
    out = run_cli("risks", ROOT / "plans" / "example.toml", "--md")[1]
    overdue = out.split("## Overdue mitigations")[1].split("\n## ")[0]
    actions = [line.split(" | ")[3] for line in overdue.splitlines()[4:] if line.startswith("| ")]
    assert actions, "the example has overdue mitigations"
    for action in actions:
        assert out.count(action) == 1, action
    assert "mitigation-overdue" not in out


def test_occurred_risks_are_issues_not_live_risks(run_cli: RunCli) -> None:
    out = run_cli("risks", ROOT / "plans" / "example.toml", "--md")[1]
    issues = out.split("## Issues (risks that occurred)")[1].split("\n## ")[0]
    live = out.split("## Live risks")[1].split("\n## ")[0]
    assert "**seller-kyc-rejects**" in issues and "**seller-kyc-rejects**" not in live
    # The header counts what the live table lists, and the occurred risk apart.
    rows = [line for line in live.splitlines() if line.startswith("| **")]
    assert f"· {len(rows)} live risks (" in out and "· 1 occurred ·" in out


def test_per_owner_action_list(run_cli: RunCli) -> None:
    out = run_cli("risks", ROOT / "plans" / "example.toml", "--md")[1]
    owners = out.split("## Actions by owner")[1].split("\n## ")[0]
    assert "- **Sofie Jansen**: 2 actions due by Fri 2026-11-20: " in owners
    # One overdue action reads as one, pointing at the table that lists it.
    assert "- **Camille Martin**: 1 overdue action (see Overdue mitigations)\n" in owners + "\n"
    assert "1 action due by Fri 2026-11-20, 1 overdue" not in owners


def test_since_an_older_plan_lists_rescored_and_new(run_cli: RunCli, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    plan = tmp_path / "small.toml"
    plan.write_text(OLD, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "old")
    plan.write_text(SMALL, encoding="utf-8")
    code, out, err = run_cli("risks", plan, "--md", "--since", "HEAD")
    assert code == 0, err
    assert "- **Rescored:** vendor 12 → 20 ↑" in out
    assert "(↑ from 12)" in out


def test_bad_since_is_a_clear_error(run_cli: RunCli, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    plan = tmp_path / "small.toml"
    plan.write_text(SMALL, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "small")
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\n", encoding="utf-8")
    for since, code, words in [
        ("HEAD~3", 2, "is not a commit"),
        (str(notes), 1, "that file is not a valid plan"),
    ]:
        got, out, err = run_cli("risks", plan, "--md", "--since", since)
        assert (got, out) == (code, ""), since
        assert words in err and "Traceback" not in err
