"""Screen 4: the risk register sorted by score, the heat map beside it, hygiene findings."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from tpm.tui.engine import Analysis
from tpm.tui.messages import DeleteRequested, EditRequested, QuickEdit, SubItemsRequested
from tpm.tui.screens.base import PlanScreen, missing_text
from tpm.tui.widgets.heatmap import BAND_STYLE, HeatMap
from tpm.tui.widgets.vtable import Column, VTable

COLUMNS = (
    Column("score", "Score", 5, right=True),
    Column("band", "Band", 8),
    Column("id", "Id", 14),
    Column("title", "Title", 16, flex=True),
    Column("owner", "Owner", 8),
    Column("reviewed", "Reviewed", 10),
    Column("next", "Next action", 18, flex=True),
    Column("status", "Status", 10),
)


class RisksScreen(PlanScreen):
    """The register for a standup, filterable by heat-map cell."""

    BINDINGS = [
        Binding("r", "quick('reviewed')", "Reviewed today"),
        Binding("p", "quick('probability')", "Probability"),
        Binding("i", "quick('impact')", "Impact"),
        Binding("e", "edit", "Edit"),
        Binding("a", "add", "Add"),
        Binding("delete", "delete", "Delete", show=False),
        Binding("m", "mitigations", "Mitigations"),
        Binding("D", "decisions", "Decisions"),
        Binding("h", "heatmap", "Heat map"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cell: tuple[int, int] | None = None

    def body(self) -> ComposeResult:
        with Horizontal(classes="split"):
            yield VTable(COLUMNS, id="risk-table")
            with Vertical(id="risk-side", classes="detail"):
                yield HeatMap(id="heatmap")
                with VerticalScroll(id="risk-side-scroll"):
                    yield Static("", id="risk-detail")
                    yield Static("", id="risk-hygiene")

    def on_mount(self) -> None:
        self.query_one(VTable).focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        register = analysis.risks
        table = self.query_one("#risk-table", VTable)
        if register is None:
            table.empty_text = missing_text(analysis, "risks") or "no risks"
            table.set_rows([], [])
            return
        cells = {}
        for row in register.heat_map:
            for c in row:
                cells[(c.probability, c.impact)] = (c.band, c.risk_ids)
        self.query_one(HeatMap).show(cells)
        self.refill()

    def refill(self) -> None:
        """Rebuild the table from the register and the heat-map filter."""
        analysis = self.tpm.analysis
        if analysis is None or analysis.risks is None:
            return
        register = analysis.risks
        keys, rows, styles = [], [], []
        for r in register.risks:
            if self.cell and (r.probability, r.impact) != self.cell:
                continue
            nxt = r.next_action
            action = f"{nxt.action} ({nxt.due})" if nxt and nxt.due else (nxt.action if nxt else "")
            keys.append(r.id)
            rows.append(
                [
                    str(r.score),
                    Text(r.band, style=BAND_STYLE[r.band]),
                    r.id,
                    r.title,
                    r.owner or "—",
                    Text(str(r.reviewed or "never"), style="bold #e3b341" if r.stale else ""),
                    action,
                    r.status,
                ]
            )
            styles.append("")
        table = self.query_one("#risk-table", VTable)
        table.empty_text = "no live risks" + (" in this cell (escape clears)" if self.cell else "")
        table.set_rows(keys, rows, styles)
        where = f" — cell P{self.cell[0]} x I{self.cell[1]}" if self.cell else ""
        table.border_title = f"Risks: {len(keys)} live, {len(register.closed)} closed{where}"
        self._hygiene(register)
        self.show_detail(table.current_key)

    def _hygiene(self, register: Any) -> None:
        text = Text("Hygiene\n", style="bold underline")
        for f in register.findings:
            text.append(f"• {f.risk_id}: {f.message}\n", style="#e3b341")
        if not register.findings:
            text.append("no findings\n", style="green")
        self.query_one("#risk-hygiene", Static).update(text)

    def show_detail(self, key: str | None) -> None:
        """Details and mitigations of the selected risk."""
        analysis = self.tpm.analysis
        widget = self.query_one("#risk-detail", Static)
        r = analysis.risks.risk(key) if analysis and analysis.risks and key else None
        if r is None:
            widget.update("")
            return
        out = Text(f"{r.title}\n", style="bold")
        out.append(f"P{r.probability} x I{r.impact} = {r.score} ({r.band})", style="")
        out.append(f"  residual {r.residual_score} ({r.residual_band})\n", style="dim")
        out.append(f"owner {r.owner or '—'} · {r.status} · response {r.response or '—'}\n")
        if r.trigger:
            out.append(f"trigger: {r.trigger}\n")
        if r.affects:
            out.append(f"affects: {', '.join(r.affects)} (exposure {r.exposure})\n")
        for m in r.mitigations:
            flag = " OVERDUE" if m.overdue else ""
            out.append(f"  ▸ {m.id}: {m.action} [{m.status}] due {m.due or '—'}")
            out.append(f"{flag}\n", style="bold red")
        if not r.mitigations:
            out.append("  no mitigations (m adds one)\n", style="dim")
        widget.update(out)

    def on_vtable_highlighted(self, event: VTable.Highlighted) -> None:
        self.show_detail(event.key)

    def on_vtable_selected(self, event: VTable.Selected) -> None:
        self.post_message(EditRequested("risks", event.key))

    def on_heat_map_cell_chosen(self, event: HeatMap.CellChosen) -> None:
        self.cell = event.cell
        self.refill()

    def _current(self) -> str | None:
        key = self.query_one("#risk-table", VTable).current_key
        if key is None:
            self.notify("no risk selected", severity="warning")
        return key

    def action_quick(self, op: str) -> None:
        """A quick edit of the selected risk."""
        if key := self._current():
            self.post_message(QuickEdit("risks", key, op))

    def action_edit(self) -> None:
        """Edit the selected risk."""
        if key := self._current():
            self.post_message(EditRequested("risks", key))

    def action_add(self) -> None:
        """Add a risk."""
        self.post_message(EditRequested("risks", None))

    def action_delete(self) -> None:
        """Delete the selected risk."""
        if key := self._current():
            self.post_message(DeleteRequested("risks", key))

    def action_mitigations(self) -> None:
        """Add or edit a mitigation of the selected risk."""
        if key := self._current():
            self.post_message(SubItemsRequested("mitigations", key))

    def action_decisions(self) -> None:
        """Add or edit a decision."""
        self.post_message(SubItemsRequested("decisions"))

    def action_heatmap(self) -> None:
        """Move focus between the table and the heat map."""
        heat = self.query_one(HeatMap)
        if heat.has_focus:
            self.query_one(VTable).focus()
        else:
            heat.focus()
