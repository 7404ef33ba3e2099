"""Screen 5: KPIs with target, latest, RAG and trend; a chart of the selected one."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from tpm.render.text.kpis import trend_label
from tpm.tui.analysis import Analysis
from tpm.tui.messages import DeleteRequested, EditRequested, QuickEdit, SubItemsRequested
from tpm.tui.screens.base import PlanScreen, missing_text, with_unit
from tpm.tui.widgets.chart import KpiChart, Series
from tpm.tui.widgets.palette import themed
from tpm.tui.widgets.rag import rag_text
from tpm.tui.widgets.vtable import Column, VTable

# With too little room the owner goes first, then the history sparkline; spare room goes
# to the names, never to blank cells.
COLUMNS = (
    Column("name", "KPI", 18, flex=True, max_width=60),
    Column("latest", "Latest", 10, right=True),
    Column("target", "Target", 10, right=True),
    Column("rag", "RAG", 5),
    Column("trend", "Trend", 8),
    Column("stale", "Fresh", 5),
    Column("spark", "History", 12, drop=2),
    Column("owner", "Owner", 12, drop=1, flex=True, max_width=18),
)


VALUE_WIDTH_MAX = 16  # a value with its unit ("2 incidents", "1,250.5 ms") is rarely longer


def kpi_columns(rows: Sequence[Sequence[str | Text]]) -> tuple[Column, ...]:
    """The columns for these rows: the latest and target values as wide as the longest of
    them (at least as in COLUMNS), so a value with a word unit is never cut ("2 inciden…")."""
    out = list(COLUMNS)
    for n in (1, 2):  # latest, target
        longest = max((len(str(row[n])) for row in rows), default=0)
        width = min(max(out[n].width, longest), VALUE_WIDTH_MAX)
        out[n] = dataclasses.replace(out[n], width=width)
    return tuple(out)


class KpisScreen(PlanScreen):
    """The accountability numbers and how they move."""

    BINDINGS = [
        Binding("m", "quick('measure')", "Measure"),
        Binding("e", "edit", "Edit"),
        Binding("a", "add", "Add"),
        Binding("delete", "delete", "Delete", show=False),
        Binding("v", "measurements", "Measurements"),
    ]

    def body(self) -> ComposeResult:
        with Vertical():
            yield VTable(COLUMNS, id="kpi-table")
            yield KpiChart(id="kpi-chart")

    def on_mount(self) -> None:
        self.query_one(VTable).focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        table = self.query_one("#kpi-table", VTable)
        if analysis.kpis is None:
            table.empty_text = missing_text(analysis, "kpis") or "no KPIs"
            table.set_rows([], [])
            return
        keys: list[str] = []
        rows: list[list[str | Text]] = []
        for k in analysis.kpis:
            latest = k.latest.value if k.latest else None
            trend = trend_label(k)
            keys.append(k.id)
            rows.append(
                [
                    k.name,
                    with_unit(latest, k.unit),
                    with_unit(k.target, k.unit),
                    rag_text(k.rag, pad=False),
                    trend,
                    Text("stale", style=themed("bold $amber")) if k.stale else "ok",
                    Text(k.sparkline, style=themed("$blue")),
                    k.owner or "—",
                ]
            )
        table.empty_text = "no KPIs (a adds one)"
        columns = kpi_columns(rows)
        if columns != tuple(table.columns):
            table.set_columns(columns)
        table.set_rows(keys, rows)
        table.border_title = f"KPIs: {len(keys)} as of {analysis.as_of}"
        self.show_chart(table.current_key)

    def show_chart(self, key: str | None) -> None:
        """Chart the selected KPI's history against its target and amber lines."""
        analysis = self.tpm.analysis
        chart = self.query_one(KpiChart)
        kpi = next((k for k in analysis.kpis or () if k.id == key), None) if analysis else None
        if kpi is None:
            chart.show(None)
            return
        points = tuple((p.date, p.value) for p in kpi.history)
        title = f"{kpi.name} ({kpi.direction.replace('_', ' ')})"
        chart.show(Series(title, points, kpi.target, kpi.amber, kpi.unit))

    def on_vtable_highlighted(self, event: VTable.Highlighted) -> None:
        self.show_chart(event.key)

    def on_vtable_selected(self, event: VTable.Selected) -> None:
        self.request(EditRequested("kpis", event.key))

    def _current(self) -> str | None:
        key = self.query_one("#kpi-table", VTable).current_key
        if key is None:
            self.notify("no KPI selected", severity="warning")
        return key

    def action_quick(self, op: str) -> None:
        """Record a measurement of the selected KPI."""
        if key := self._current():
            self.request(QuickEdit("kpis", key, op))

    def action_edit(self) -> None:
        """Edit the selected KPI."""
        if key := self._current():
            self.request(EditRequested("kpis", key))

    def action_add(self) -> None:
        """Add a KPI."""
        self.request(EditRequested("kpis", None))

    def action_delete(self) -> None:
        """Delete the selected KPI."""
        if key := self._current():
            self.request(DeleteRequested("kpis", key))

    def action_measurements(self) -> None:
        """Edit or delete one of the selected KPI's measurements."""
        if key := self._current():
            self.request(SubItemsRequested("measurements", key))
