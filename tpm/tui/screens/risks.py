"""Screen 4: the risk register sorted by score, the heat map beside it, hygiene findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll

from tpm.tui.analysis import Analysis
from tpm.tui.messages import DeleteRequested, EditRequested, QuickEdit, SubItemsRequested
from tpm.tui.screens.base import PlanScreen, id_width, missing_text
from tpm.tui.widgets.heatmap import BAND_STYLE, HeatMap
from tpm.tui.widgets.palette import generation, themed
from tpm.tui.widgets.text import Doc, Wrapped, excerpt
from tpm.tui.widgets.vtable import Column, VTable

if TYPE_CHECKING:
    from tpm.register.risks import RiskRegister, RiskView

# With too little room the highest ``drop`` goes first: the status (in the detail pane), then
# the last review, the owner and the next action. The band word shows only on wide tables
# (the score is drawn in the band's colour). At 120 columns the register keeps owner, next
# action (due date first, so a cut keeps the date) and last reviewed: what a standup walks.
BAND_FROM = 130
HYGIENE_SHOWN = 50  # hygiene findings listed beside the register before "+N more"
COLUMNS = (
    Column("score", "Score", 5, right=True),
    Column("band", "Band", 8, from_width=BAND_FROM),
    Column("id", "Id", 14, min_width=10),
    Column("title", "Title", 16, flex=True, max_width=56, min_width=12),
    Column("owner", "Owner", 10, drop=3, min_width=6),  # sized to the longest owner
    Column("status", "Status", 10, drop=5),
    Column("next", "Next action", 16, flex=True, drop=2, max_width=48),
    Column("reviewed", "Reviewed", 10, drop=4),
)


class RisksScreen(PlanScreen):
    """The register for a standup, filterable by heat-map cell."""

    BINDINGS = [
        Binding("r", "quick('reviewed')", "Reviewed"),
        Binding("p", "quick('probability')", "Probability"),
        Binding("i", "quick('impact')", "Impact"),
        Binding("e", "edit", "Edit"),
        Binding("a", "add", "Add"),
        Binding("delete", "delete", "Delete", show=False),
        Binding("m", "mitigations", "Mitigations"),
        Binding("D", "decisions", "Decisions", show=False),
        Binding("h", "heatmap", "Heat map"),
        Binding("v", "toggle_detail", "Details", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cell: tuple[int, int] | None = None
        self._detail_for: tuple[Analysis | None, str | None, int] | None = None

    def body(self) -> ComposeResult:
        with Horizontal(classes="split"):
            yield VTable(COLUMNS, id="risk-table")
            with Vertical(id="risk-side", classes="detail"):
                yield HeatMap(id="heatmap")
                with VerticalScroll(id="risk-side-scroll"):
                    yield Wrapped(id="risk-detail")
                    yield Wrapped(id="risk-hygiene")

    def on_mount(self) -> None:
        self.query_one(VTable).focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        register = analysis.risks
        table = self.query_one("#risk-table", VTable)
        risks = analysis.plan.risks
        widths = {
            "id": id_width((r.id for r in risks), high=20),
            "owner": id_width((r.owner for r in risks), low=5, high=16),
        }
        columns = [
            dataclasses.replace(c, width=widths[c.key]) if c.key in widths else c for c in COLUMNS
        ]
        if columns != table.columns:
            table.set_columns(columns)
        if register is None:
            table.empty_text = missing_text(analysis, "risks") or "no risks"
            table.set_rows([], [])
            return
        cells: dict[tuple[int, int], tuple[str, Sequence[str]]] = {}
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
        cell = self.cell
        views = {r.id: r for r in register.risks if not cell or (r.probability, r.impact) == cell}
        keys = list(views)

        def row(key: str) -> tuple[list[str | Text], str]:
            # Built only for the rows on screen: 10,000 risks cost nothing up front.
            r = views[key]
            band = themed(BAND_STYLE[r.band])
            reviewed = themed("bold $amber") if r.stale else ""
            return [
                Text(str(r.score), style=band),
                Text(r.band, style=band),
                r.id,
                r.title,
                r.owner or "—",
                r.status,
                next_action(r),
                Text(str(r.reviewed or "never"), style=reviewed),
            ], ""

        table = self.query_one("#risk-table", VTable)
        table.empty_text = "no live risks" + (" in this cell (escape clears)" if self.cell else "")
        table.set_rows(keys, row)
        where = f" — cell P{self.cell[0]} x I{self.cell[1]}" if self.cell else ""
        # An occurred risk is an issue now, not a live risk (as in `tpm risks --md`).
        occurred = sum(1 for key in keys if views[key].status == "occurred")
        counts = [f"{len(keys) - occurred} live", f"{occurred} occurred" if occurred else ""]
        counts.append(f"{len(register.closed)} closed")
        table.border_title = f"Risks: {', '.join(filter(None, counts))}{where}"
        self._hygiene(register)
        self.show_detail(table.current_key)

    def _hygiene(self, register: RiskRegister) -> None:
        text = Doc().heading(f"Hygiene ({len(register.findings)})")
        for f in register.findings[:HYGIENE_SHOWN]:
            line = Text()
            line.append("• ", style=themed("$amber"))
            line.append(f.risk_id, style="bold")
            line.append(f": {f.message}")
            text.line(line, 2)
        if len(register.findings) > HYGIENE_SHOWN:
            more = len(register.findings) - HYGIENE_SHOWN
            text.append(f"+{more:,} more (tpm risks lists them all)\n", style="italic")
        if not register.findings:
            text.append("no findings\n", style=themed("$green"))
        self.query_one("#risk-hygiene", Wrapped).update(text)

    def show_detail(self, key: str | None) -> None:
        """Details and mitigations of the selected risk."""
        analysis = self.tpm.analysis
        shown = self._detail_for
        if shown and shown[0] is analysis and shown[1] == key and shown[2] == generation():
            return  # drawn already (refill, then the Highlighted that set_rows posted)
        self._detail_for = (analysis, key, generation())
        widget = self.query_one("#risk-detail", Wrapped)
        r = analysis.risks.risk(key) if analysis and analysis.risks and key else None
        if r is None:
            widget.update("")
            return
        out = Doc().line(Text().append(r.title, style="bold"))
        score = Text(f"P{r.probability} x I{r.impact} = {r.score} ")
        score.append(f" {r.band} ", style=themed(BAND_STYLE[r.band]))
        out.field("score", score)
        residual = Text(f"{r.residual_score} ")
        residual.append(f" {r.residual_band} ", style=themed(BAND_STYLE[r.residual_band]))
        out.field("residual", residual)
        out.field("owner", r.owner or "—")
        out.field("status", r.status)
        out.field("response", r.response or "—")
        out.field("reviewed", str(r.reviewed or "never"), themed("bold $amber") if r.stale else "")
        if r.trigger:
            out.field("trigger", excerpt(r.trigger))
        if r.affects:
            out.field("affects", f"{', '.join(r.affects)} (exposure {r.exposure})")
        out.heading(f"Mitigations ({len(r.mitigations)})")
        for m in r.mitigations:
            out.append("▸ ", style="dim")
            out.append(m.id, style="bold")
            out.append(f" [{m.status}]\n", style="dim")
            out.line(Text(f"  {excerpt(m.action)}"), 2)
            out.append(f"  {m.owner or 'no owner'} · due {m.due or '—'}")
            out.append(" OVERDUE\n" if m.overdue else "\n", style=themed("bold $red"))
        if not r.mitigations:
            out.append("none (m adds one)\n", style="dim")
        widget.update(out)

    def on_vtable_highlighted(self, event: VTable.Highlighted) -> None:
        self.show_detail(event.key)

    def on_vtable_selected(self, event: VTable.Selected) -> None:
        self.request(EditRequested("risks", event.key))

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
            self.request(QuickEdit("risks", key, op))

    def action_edit(self) -> None:
        """Edit the selected risk."""
        if key := self._current():
            self.request(EditRequested("risks", key))

    def action_add(self) -> None:
        """Add a risk."""
        self.request(EditRequested("risks", None))

    def action_delete(self) -> None:
        """Delete the selected risk."""
        if key := self._current():
            self.request(DeleteRequested("risks", key))

    def action_mitigations(self) -> None:
        """Add or edit a mitigation of the selected risk."""
        if key := self._current():
            self.request(SubItemsRequested("mitigations", key))

    def action_decisions(self) -> None:
        """Add or edit a decision."""
        self.request(SubItemsRequested("decisions"))

    def action_toggle_detail(self) -> None:
        """Show or hide the heat map and details (hidden by default below 160 columns)."""
        self.query_one("#risk-side").toggle_class("-toggled")

    def action_heatmap(self) -> None:
        """Move focus between the table and the heat map (showing it when hidden)."""
        side = self.query_one("#risk-side")
        if not side.display:
            side.toggle_class("-toggled")
        heat = self.query_one(HeatMap)
        if heat.has_focus:
            self.query_one(VTable).focus()
        else:
            heat.focus()


def next_action(risk: RiskView) -> Text:
    """The next open mitigation, its due date first (an overdue one in red)."""
    nxt = risk.next_action
    if nxt is None:
        return Text("none", style="dim")
    out = Text()
    if nxt.due is not None:
        out.append(f"{nxt.due} ", style=themed("bold $red") if nxt.overdue else "")
    out.append(nxt.action)
    return out
