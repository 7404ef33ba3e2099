"""Layout: tables fit the width with headers over their cells, the timeline fits the program
span, the KPI chart has round ticks, panels wrap under their text; pure helpers by table."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.pilot import Pilot
from tuihelp import AS_OF, drive, screen_text, settle

from tpm.tui.app import TpmApp
from tpm.tui.widgets.chart import date_ticks, nice_ticks
from tpm.tui.widgets.gantt import Gantt, ticks
from tpm.tui.widgets.text import Doc, hanging
from tpm.tui.widgets.vtable import Column, VTable, layout

# ------------------------------------------------------------ pure helpers

COLS = (
    Column("id", "Id", 10, min_width=6),
    Column("title", "Title", 10, flex=True, max_width=30),
    Column("owner", "Owner", 8, drop=1),
    Column("start", "Start", 10, drop=2),
    Column("finish", "Finish", 10),
)


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        pytest.param(
            120,
            [("id", 10), ("title", 30), ("owner", 8), ("start", 10), ("finish", 10)],
            id="wide-flex-capped",
        ),
        pytest.param(
            60,
            [("id", 10), ("title", 18), ("owner", 8), ("start", 10), ("finish", 10)],
            id="flex-takes-spare",
        ),
        pytest.param(
            45, [("id", 10), ("title", 14), ("owner", 8), ("finish", 10)], id="drops-start-first"
        ),
        pytest.param(36, [("id", 10), ("title", 14), ("finish", 10)], id="then-owner"),
        pytest.param(28, [("id", 6), ("title", 10), ("finish", 10)], id="then-shrinks-id"),
    ],
)
def test_column_layout(available: int, expected: list[tuple[str, int]]) -> None:
    got = [(COLS[i].key, w) for i, w in layout(COLS, available)]
    assert got == expected
    assert sum(w for _k, w in got) + len(got) - 1 <= max(available, 28)


@pytest.mark.parametrize("available", [116, 130])
def test_kpi_table_gives_spare_room_to_the_names(available: int) -> None:
    """About 120 columns: the KPI table used 105 of 116 cells, cutting names at 30
    ("Payment authorisation success…") beside blank cells."""
    from tpm.tui.screens.kpis import COLUMNS as KPI_COLUMNS

    got = {KPI_COLUMNS[i].key: w for i, w in layout(KPI_COLUMNS, available)}
    assert sum(got.values()) + len(got) - 1 == available, got
    assert got["name"] > 30, got


@pytest.mark.parametrize(
    ("low", "high", "most", "ticks", "decimals"),
    [
        pytest.param(2.976, 3.324, 7, [2.9, 3.0, 3.1, 3.2, 3.3, 3.4], 1, id="conversion-percent"),
        pytest.param(800, 1400, 6, [800, 1000, 1200, 1400], 0, id="latency-ms"),
        pytest.param(0, 1, 5, [0, 0.25, 0.5, 0.75, 1.0], 2, id="quarter-steps"),
        pytest.param(0.001, 0.0042, 6, [0.001, 0.002, 0.003, 0.004, 0.005], 3, id="small"),
        pytest.param(5, 5, 4, [4.5, 5.0, 5.5], 1, id="flat-series"),
    ],
)
def test_nice_ticks(low: float, high: float, most: int, ticks: list[float], decimals: int) -> None:
    got, dec = nice_ticks(low, high, most)
    assert got == pytest.approx(ticks) and dec == decimals
    step = got[1] - got[0]
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    assert got[0] <= min(low, high) and got[-1] >= max(low, high) and len(got) <= most


@pytest.mark.parametrize(
    ("first", "last", "width", "expected"),
    [
        pytest.param(dt.date(2026, 3, 16), dt.date(2026, 4, 13), 100, 7, id="weekly"),
        pytest.param(dt.date(2026, 1, 5), dt.date(2026, 12, 28), 120, 30, id="monthly"),
        pytest.param(dt.date(2026, 1, 5), dt.date(2026, 12, 28), 40, 91, id="quarterly"),
    ],
)
def test_date_ticks_regular_and_fit(
    first: dt.date, last: dt.date, width: int, expected: int
) -> None:
    dates = date_ticks(first, last, width)
    assert len(dates) * 8 <= width
    gaps = {(b - a).days for a, b in zip(dates, dates[1:], strict=False)}
    assert all(abs(g - expected) <= 3 for g in gaps)
    assert first <= dates[0] and dates[-1] <= last


def test_hanging_indent_keeps_text_and_styles() -> None:
    line = Text("  • ")
    line.append("sandbox-delay", style="bold")
    line.append(": mitigation escalate-psp overdue by 5 days (due 2026-04-10)")
    out = hanging(line, 30, 4)
    rows = out.plain.split("\n")
    assert all(len(r) <= 30 for r in rows) and len(rows) > 1
    assert all(r.startswith("    ") and r[4] != " " for r in rows[1:])
    assert " ".join(r.strip() for r in rows) == line.plain.strip()
    assert any(span.style == "bold" for span in out.spans)


def test_doc_fields_wrap_under_their_value() -> None:
    doc = Doc().field("affects", "3ds, qa-e2e, pilot-nl, rollout (exposure critical)")
    rows = doc.render(30).plain.split("\n")
    assert rows[0].startswith("affects   3ds")
    assert all(r.startswith(" " * 10) for r in rows[1:])


# ------------------------------------------------------------ on screen


def _columns_line_up(text: str, header: str, cell: str) -> None:
    """The header label and a cell of the same column start at the same x."""
    lines = text.splitlines()
    head = next(line for line in lines if header in line and "Title" in line)
    row = next(line for line in lines if cell in line and line is not head)
    assert head.index(header) == row.index(cell), (head, row)


def test_table_headers_align_with_cells_and_fit(plan_file: Path) -> None:
    """One app, resized from 80 to 120 to 200 columns, shows the risk and milestone tables."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        for width, height in ((80, 24), (120, 40), (200, 60)):
            await pilot.resize_terminal(width, height)
            await pilot.press("4")
            await settle(app, pilot)
            text = screen_text(app)
            _columns_line_up(text, "Id", "sandbox-delay")
            _columns_line_up(text, "Title", "PSP sandbox")
            table = app.screen.query_one(VTable)
            fits = table.virtual_size.width <= table.scrollable_content_region.width
            assert fits, f"the risk table scrolls sideways at {width} columns"
            await pilot.press("2")
            await settle(app, pilot)
            text = screen_text(app)
            _columns_line_up(text, "Finish", "2026-05-21")
            table = app.screen.query_one("#ms-table", VTable)
            fits = table.virtual_size.width <= table.scrollable_content_region.width
            assert fits, f"the milestone table scrolls sideways at {width} columns"
            shown = table.shown_columns()
            assert {"id", "title", "status", "finish", "float", "critical"} <= set(shown), width
            if width >= 200:
                assert {"owner", "start", "due", "percent"} <= set(shown), shown

    drive(plan_file, scenario, size=(80, 24))


def assert_status_mark_clear(text: str) -> None:
    """The scale's ▼ (status date) stands apart: it never overwrites a letter of a label."""
    scale = next(line for line in text.splitlines() if "▼" in line)
    assert [w for w in scale.replace("│", " ").split() if "▼" in w] == ["▼"], scale


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80", "120", "200"])
def test_timeline_fits_the_program_span(plan_file: Path, size: tuple[int, int]) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await settle(app, pilot)
        gantt = app.screen.query_one(Gantt)
        assert gantt.zoom == "fit"
        assert gantt.virtual_size.width <= gantt.scrollable_content_region.width  # no scroll
        sched = app.analysis.schedule  # type: ignore[union-attr]
        for day in (sched.start, sched.finish, AS_OF, dt.date(2026, 5, 22)):  # + baseline
            assert gantt.covers(day)
        # The span runs to the later of the finish and the program target (marked too).
        last = max(sched.finish, gantt.target or sched.finish)
        assert gantt.covers(last)
        used = gantt._col(last) / gantt.view_cells
        assert used > 0.85  # the span fills the width, not a corner of it
        text = screen_text(app)
        assert "▼" in text and "├" in text and "Apr" in text and "May" in text
        assert_status_mark_clear(text)
        await pilot.resize_terminal(size[0] + 40, size[1])
        await settle(app, pilot)
        assert gantt._col(last) / gantt.view_cells > 0.85  # fitted again
        assert_status_mark_clear(screen_text(app))
        await pilot.press("z")  # day: scrolls, the status date in view
        await pilot.pause()
        assert gantt.zoom == "day" and gantt.step == 1 and gantt.covers(AS_OF)
        assert "zoom: day" in screen_text(app)

    drive(plan_file, scenario, size=size)


def test_one_app_reads_the_dashboard_milestone_detail_timeline_and_kpi_chart(
    plan_file: Path,
) -> None:
    """Screens read in one app: the dashboard's segments, the milestone detail, the
    timeline's marks and the KPI chart."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        # The dashboard: aligned segments keep their spaces (also in the SVG screenshot).
        text = screen_text(app)
        assert "Forecast  2026-06-04" in text and "Target    2026-06-30" in text, "dashboard"
        assert "GREEN Checkout conversion" in text and "RED   p95" in text, "dashboard KPIs"
        assert "2026-04-22  3ds  3-D Secure flows" in text, "dashboard next milestones"
        assert "16 sandbox-delay  PSP sandbox access late" in text, "dashboard risks"
        assert 'xml:space="preserve"' in app.export_screenshot(), "dashboard screenshot"

        # The milestone detail: label-value lines.
        await pilot.press("2")
        await settle(app, pilot)
        text = screen_text(app)
        assert "float     —" in text and "finish    2026-03-02" in text, "milestone detail"

        # The timeline marks work by shape, not only by colour.
        await pilot.press("3")
        await settle(app, pilot)
        ids = ("rollout", "api-build", "psp-contract", "3ds", "legacy-off")
        lines = screen_text(app).splitlines()
        rows = {i: next(line for line in lines if f" {i} " in line) for i in ids}
        assert "█" in rows["rollout"] and rows["rollout"].lstrip("│ ").startswith("●"), rows
        assert "▓" in rows["api-build"] and "█" not in rows["api-build"], rows
        assert "░" in rows["psp-contract"], rows
        assert rows["psp-contract"].lstrip("│ ").startswith("✓"), rows
        assert "╳" in rows["3ds"] and rows["3ds"].lstrip("│ ").startswith("✖"), rows
        assert "◆" in rows["legacy-off"], rows

        # The KPI chart: round ticks, labelled target and amber lines, a braille line.
        await pilot.press("5")
        await settle(app, pilot)
        text = screen_text(app)
        assert "3.30% ┤" in text and "3.20% ┤" in text and "3.324" not in text, "KPI ticks"
        assert "target 3.2%" in text and "amber 3%" in text, "KPI chart lines"
        assert "16 Mar" in text and "23 Mar" in text, "KPI chart dates"
        assert any(0x2800 < ord(ch) <= 0x28FF for ch in text), "KPI chart braille line"

    drive(plan_file, scenario)


@pytest.mark.parametrize("available", [76, 116])
def test_kpi_values_with_a_word_unit_are_never_cut(available: int) -> None:
    """The example's incidents KPI showed "2 inciden…" and "1 inciden…" at every width."""
    from tpm.tui.screens.kpis import COLUMNS as KPI_COLUMNS
    from tpm.tui.screens.kpis import kpi_columns

    rows = [
        ["Payment incidents (Sev1-Sev3) per week", "2 incidents", "1 incidents"],
        ["p95 checkout API latency", "1590ms", "1200ms"],
    ]
    columns = kpi_columns(rows)
    got = {columns[i].key: w for i, w in layout(columns, available)}
    assert got["latest"] >= len("2 incidents") and got["target"] >= len("1 incidents"), got
    assert kpi_columns([row[:1] + ["96.9%", "97%"] for row in rows]) == KPI_COLUMNS


@pytest.mark.parametrize("zoom", ["day", "week", "month"])
def test_a_scale_label_is_whole_or_left_out(zoom: str) -> None:
    """At the right edge the scale showed "Ap" for April (80x24 timeline): a label that does
    not fit is left out, its tick stays."""
    gantt = Gantt()
    gantt.zoom = zoom
    gantt.origin = dt.date(2026, 1, 5)
    gantt.end = gantt.origin + dt.timedelta(days=420)
    dates, label_of = ticks(gantt.origin, gantt.end, gantt.step)
    words = {w for d in dates for first in (True, False) for w in label_of(d, first).split()}
    for span in range(20, 140, 3):
        for x0 in (0, 5):
            gantt._scale_cache = None
            segments, _grid = gantt._scale(x0, span, Style())
            shown = "".join(s.text for s in segments).split()
            assert set(shown) <= words, (span, x0, shown)


@pytest.mark.parametrize("zoom", ["day", "week", "month"])
def test_status_date_mark_never_hides_a_scale_label(zoom: str) -> None:
    # Whatever day the status date falls on, the ▼ keeps a gap from every label it meets.
    gantt = Gantt()
    gantt.zoom = zoom
    start = dt.date(2026, 1, 5)
    for day in range(0, 400, 3):
        gantt.as_of = start + dt.timedelta(days=day)
        gantt.origin, gantt.end = start, start + dt.timedelta(days=420)
        gantt._scale_cache = None
        segments, _grid = gantt._scale(0, gantt._cells(), Style())
        assert_status_mark_clear("".join(s.text for s in segments))
