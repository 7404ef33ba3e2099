"""``tpm risks``: the standup register in text, Markdown (golden) and JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from syrupy.assertion import SnapshotAssertion

from tpm.plan.model import Plan
from tpm.register.risks import analyse_risks
from tpm.render.markdown.risks import render_risks_md

DATA = Path(__file__).resolve().parents[1] / "data"
PLAN = DATA / "risks_register.toml"
Run = Callable[..., tuple[int, str, str]]


def _walk(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out.extend(_walk(token.children or []))
    return out


def table_shapes(markdown: str) -> list[list[int]]:
    """Cells per row of every table; asserts no raw HTML or links anywhere."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    kinds = {t.type for t in _walk(tokens)}
    assert not kinds & {"html_inline", "html_block", "link_open", "image"}, kinds
    tables: list[list[int]] = []
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append(0)
        elif token.type in ("td_open", "th_open"):
            tables[-1][-1] += 1
    return tables


def test_markdown_review_matches_golden(
    run_cli: Run, md_snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Relative paths: the review names the older plan; a golden must not hold a checkout's path.
    monkeypatch.chdir(DATA.parent.parent)
    plan = PLAN.relative_to(DATA.parent.parent)
    code, out, err = run_cli("risks", plan, "--md", "--since", plan)
    assert code == 0 and err == ""
    # The --since label is the path as given: make it the same in every checkout.
    assert out.replace(str(Path(PLAN).parent), "tests/data") == md_snapshot


def test_markdown_tables_keep_their_shape_with_hostile_titles(run_cli: Run) -> None:
    _code, out, _err = run_cli("risks", PLAN, "--md")
    shapes = table_shapes(out)
    assert len(shapes) == 5  # overdue, issues, live risks, heat map, hygiene
    for rows in shapes:
        assert len(set(rows)) == 1, rows
    assert [rows[0] for rows in shapes] == [5, 7, 7, 6, 3]
    assert shapes[3] == [6] * 6


def test_terminal_register_is_the_default(run_cli: Run) -> None:
    code, out, _err = run_cli("risks", PLAN)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Risk register: Payments | <Replatform>, as of 2026-03-16"
    assert "4 likely         | L ·" in out and "C vendor-api" in out
    # A cell with two risks spans two lines, one id each, in the impact-5 column.
    heat_map = lines[3 : lines.index("", 3)]
    first, second = [line for line in heat_map if line.endswith(("data-loss", "key-person"))]
    assert first.startswith("2 unlikely") and first.endswith("H data-loss")
    assert second.startswith("                 |")
    assert second.index("key-person") == first.index("data-loss")
    order = [line.split()[1] for line in lines if line[:3].strip().rstrip(".").isdigit()]
    assert order == ["vendor-api", "data-loss", "key-person", "outage", "docs-late"]
    assert (
        "    affects near-critical milestone docs" in out
    )  # key-person ties data-loss; exposure decides
    assert "Key person leaves [x](javascript:alert(1))" in out  # one line per title
    assert "Stale (not reviewed within 14 days): data-loss, key-person" in out


def test_json_register_carries_exposure_from_the_schedule(run_cli: Run) -> None:
    code, out, _err = run_cli("risks", PLAN, "--json")
    assert code == 0
    data = json.loads(out)
    by_id = {r["id"]: r for r in data["risks"]}
    assert by_id["vendor-api"]["exposure"] == "critical"
    assert by_id["key-person"]["exposure"] == "near-critical"
    assert by_id["docs-late"]["exposure"] == "none"
    assert [m["id"] for m in data["overdue"]] == ["vendor-stub"]
    assert [m["id"] for m in data["due_this_week"]] == ["vendor-escalate", "pairing"]
    assert data["closed"] == ["old-risk"]


def test_as_of_moves_the_week_and_staleness(run_cli: Run) -> None:
    _code, out, _err = run_cli("risks", PLAN, "--json", "--as-of", "2026-03-12")
    data = json.loads(out)
    assert data["overdue"] == [] and data["stale"] == ["data-loss"]
    assert [m["id"] for m in data["due_this_week"]] == ["vendor-stub", "vendor-escalate"]


def test_same_plan_same_bytes(run_cli: Run) -> None:
    assert run_cli("risks", PLAN, "--md") == run_cli("risks", PLAN, "--md")


def test_plan_with_errors_exits_1_with_diagnostics(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[program]\nname = "x"\nstart = 2026-01-05\n[[risks]]\nid = "r"\n')
    code, out, err = run_cli("risks", bad)
    assert code == 1 and out == "" and "error" in err


def test_md_and_json_are_exclusive(run_cli: Run) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("risks", PLAN, "--md", "--json")
    assert exc.value.code == 2


def test_empty_register_renders_valid_markdown() -> None:
    plan = Plan.model_validate({"program": {"name": "Empty", "start": dt.date(2026, 1, 5)}})
    text = render_risks_md(analyse_risks(plan, dt.date(2026, 3, 16)), plan.program.name)
    assert "No live risks." in text and table_shapes(text) == [[6] * 6]


def test_example_plan_register_is_well_formed_markdown(run_cli: Run) -> None:
    example = Path(__file__).resolve().parents[2] / "plans" / "example.toml"
    code, out, _err = run_cli("risks", example, "--md")
    assert code == 0
    shapes = table_shapes(out)
    assert shapes and all(len(set(rows)) == 1 for rows in shapes)


HOSTILE = "# x | `y` <script>alert(1)</script>\n[z](javascript:alert(1)) **b** _i_"


def test_hostile_strings_in_every_rendered_field_keep_tables_intact() -> None:
    risk = {
        "id": "r|1",
        "title": HOSTILE,
        "owner": HOSTILE,
        "probability": 4,
        "impact": 4,
        "affects": ["m"],
        "mitigations": [
            {"id": "m|`x`", "action": HOSTILE, "owner": HOSTILE, "due": dt.date(2026, 3, 17)},
            {"id": "late", "action": HOSTILE, "due": dt.date(2026, 3, 1)},
        ],
    }
    plan = Plan.model_validate(
        {
            "program": {"name": HOSTILE, "start": dt.date(2026, 1, 5)},
            "milestones": [{"id": "m", "title": "M", "duration": 1}],
            "risks": [risk, {**risk, "id": "<b>", "status": "closed"}],
        }
    )
    register = analyse_risks(plan, dt.date(2026, 3, 16), frozenset({"m"}))
    text = render_risks_md(register, plan.program.name)
    shapes = table_shapes(text)
    assert [rows[0] for rows in shapes] == [6, 10, 6, 6, 3]
    assert all(len(set(rows)) == 1 for rows in shapes)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert [t.tag for t in tokens if t.type == "heading_open"][0] == "h1"
    assert sum(t.type == "heading_open" and t.tag == "h1" for t in tokens) == 1


def test_schedule_failure_only_skips_the_exposure_check(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tpm.schedule.scheduler
    from tpm.plan.calendar import CalendarError

    def broken(*_args: object, **_kwargs: object) -> None:
        raise CalendarError("dates out of range")

    monkeypatch.setattr(tpm.schedule.scheduler, "schedule", broken)
    code, out, err = run_cli("risks", PLAN, "--json")
    assert code == 0
    assert "critical-path exposure not checked" in err and "dates out of range" in err
    assert {r["exposure"] for r in json.loads(out)["risks"]} == {"none"}
