"""One answer everywhere: `tpm forecast`, `tpm kpi`, the report and the TUI agree on the
example plan's forecast numbers and on every KPI's trend arrow and word."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tuihelp import ready, settle

from tpm.tui.app import TpmApp, build_app
from tpm.tui.widgets.text import Wrapped, clean
from tpm.tui.widgets.vtable import VTable

DATE = re.compile(r"^\d{4}-\d\d-\d\d  ")
TREND = re.compile(r"([↗↘→])(?: [^/]*/wk)? (better|worse|flat)\b")


def test_cli_report_and_tui_agree(run_cli: Any, example_plan: Path, tmp_path: Path) -> None:
    plan = tmp_path / "example.toml"
    shutil.copy(example_plan, plan)
    code, out, _ = run_cli("forecast", plan, "--json")
    assert code == 0
    fc = json.loads(out)
    p50, p80, p95 = fc["finish"]["p50"], fc["finish"]["p80"], fc["finish"]["p95"]
    odds = f"{fc['on_target'] * 100:.1f}%"

    code, report, _ = run_cli("report", plan)
    assert code == 0
    assert f"P80 {p80}, {odds} chance to meet the target" in report
    short_report = report
    code, report, _ = run_cli("report", plan, "--full")
    assert code == 0
    assert f"P50 {p50} · P80 {p80} · P95 {p95}; {odds} chance to meet target" in report

    next_two_weeks = report.split("## Next two weeks")[1].split("\n## ")[0]
    report_due = re.findall(r"^- \S+ \*\*(\S+)\*\* .*\*\*late\*\*", next_two_weeks, re.M)
    assert report_due  # the example has late work due soon

    code, kpi_text, _ = run_cli("kpi", plan)
    assert code == 0
    cli_trends: dict[str, tuple[str, str]] = {}
    for line in kpi_text.splitlines():
        match = TREND.search(line)
        if match and ": " in line:
            cli_trends[line.split(":")[0]] = (match.group(1), match.group(2))
    assert len(cli_trends) == 8  # every KPI of the example has a trend

    code, kpi_json, _ = run_cli("kpi", plan, "--json")
    names = {k["id"]: k["name"] for k in json.loads(kpi_json)["kpis"]}
    for ident, trend in cli_trends.items():
        row = next(line for line in report.splitlines() if line.startswith(f"| {names[ident]} |"))
        assert f"| {trend[0]} {trend[1]} |" in row, ident

    code, review, _ = run_cli("risks", plan, "--md")
    assert code == 0
    tables = review.split("\n## ")
    issues, live = (
        sum(1 for line in part.splitlines() if line.startswith("| **"))
        for name in ("Issues", "Live risks")
        for part in tables
        if part.startswith(name)
    )
    assert issues >= 1 and live >= 1  # the example has an occurred risk and live ones

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        schedule = app.screen.query_one("#dash-schedule", Wrapped).plain
        assert f"P80 {p80} · {odds} on time" in schedule
        assert f"P50 {p50} · P95 {p95}" in schedule
        # What is due soon: the report's list leads, late first, then by date.
        due = app.screen.query_one("#dash-due", Wrapped).plain.splitlines()
        rows = [line.split()[:2] for line in due if DATE.match(line)]
        assert [ident for _day, ident in rows[: len(report_due)]] == report_due
        late = [day for day, _ident in rows[: len(report_due)]]
        rest = [day for day, _ident in rows[len(report_due) :]]
        assert late == sorted(late) and rest == sorted(rest)
        await pilot.press("5")
        await settle(app, pilot)
        table = app.screen.query_one("#kpi-table", VTable)
        tui_trends = {}
        for row, key in enumerate(table.keys):
            cells, _style = table.row_cells(row)
            arrow, word = str(cells[4]).split()
            tui_trends[key] = (arrow, word)
        assert tui_trends == cli_trends
        # The Risks screen counts as the risk review does: occurred risks are issues.
        await pilot.press("4")
        await settle(app, pilot)
        title = str(app.screen.query_one("#risk-table", VTable).border_title)
        assert f"{live} live, {issues} occurred," in title, title
        # The Report screen is the report `tpm report` writes, compared with the same previous
        # report (the example's recorded snapshot of the week before), not a context-free one.
        await pilot.press("6")
        while app.report_pending():
            await settle(app, pilot)
        assert "was AMBER on" in short_report or "also " in short_report
        assert app.report_markdown() == short_report
        assert app.screen._text == clean(short_report)  # type: ignore[attr-defined]

    async def run() -> None:  # the plan's own status date, as the CLI uses
        app = build_app(plan, watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            await scenario(app, pilot)

    asyncio.run(run())
