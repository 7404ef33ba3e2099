"""Screen 1: the whole program at a glance: RAG and why, dates, progress, critical path,
blockers, risks, KPI tiles and what is due in the next two weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from tpm.tui.engine import Analysis
from tpm.tui.screens.base import PlanScreen, fmt_days, with_unit
from tpm.tui.widgets.heatmap import BAND_STYLE
from tpm.tui.widgets.rag import bar, rag_text

ROWS = (("status",), ("schedule", "critical"), ("blockers", "risks"), ("kpis", "due"))
PANELS = tuple(name for row in ROWS for name in row)
TITLES = {
    "status": "Status",
    "schedule": "Schedule",
    "critical": "Critical path",
    "blockers": "Top blockers",
    "risks": "Top risks",
    "kpis": "KPIs",
    "due": "Due in the next two weeks",
}


class DashboardScreen(PlanScreen):
    """Read-only overview; every number comes from the engine's report data."""

    def body(self) -> ComposeResult:
        with VerticalScroll(id="dash-scroll"):
            for row in ROWS:
                with Horizontal(classes="dash-row"):
                    for name in row:
                        panel = Static("", id=f"dash-{name}", classes="panel")
                        panel.border_title = TITLES[name]
                        yield panel

    def on_mount(self) -> None:
        self.query_one("#dash-scroll").focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        self.tpm.request_full()
        data = analysis.report
        for name in PANELS:
            widget = self.query_one(f"#dash-{name}", Static)
            if data is None:
                why = analysis.missing("report")
                widget.update(Text(why or "analysing…", style="dim"))
                continue
            text = getattr(self, f"_{name}")(data, analysis)
            text.rstrip()
            widget.update(text)
        status = self.query_one("#dash-status", Static)
        status.border_subtitle = "" if analysis.report_current else "updating…"

    # ------------------------------------------------------------ panels

    def _status(self, data: Any, analysis: Analysis) -> Text:
        st = data.status
        narrow = self.size.width < 110
        out = Text("Overall ")
        out.append_text(rag_text(st.rag))
        if st.override_applied:
            out.append(f"  {st.reason}")
        out.append("\n")
        for area in st.areas:
            out.append(f"{area.name:<9} ")
            out.append_text(rag_text(area.rag, pad=False))
            out.append("\n")
            for f in area.findings[: 1 if narrow else 2]:
                out.append(f"   • {f.message}", style="dim" if f.rag == "green" else "")
                out.append(f" [{f.rule}]\n", style="dim")
        for note in st.notes:
            out.append(f"{note}\n", style="italic")
        return out

    def _schedule(self, data: Any, analysis: Analysis) -> Text:
        out = Text()
        out.append("Forecast finish ", style="bold")
        out.append(str(data.finish or "all done"))
        out.append("   target ", style="bold")
        out.append(str(data.target or "none"))
        if data.margin_days is not None:
            style = "#3fb950" if data.margin_days >= 0 else "bold #f85149"
            word = "early" if data.margin_days >= 0 else "late"
            out.append(f"\nMargin {abs(data.margin_days)} working days {word}", style=style)
        fc = data.forecast
        if fc is not None and fc.milestones_estimated:
            out.append(f"\nP50 {fc.finish.p50}  P80 {fc.finish.p80}  P95 {fc.finish.p95}")
            if fc.on_target is not None:
                out.append(f"  ({fc.on_target:.0%} chance on target)")
        if data.baseline_finish:
            out.append(f"\nBaseline {data.baseline_name}: {data.baseline_finish}")
            out.append(f" (variance {fmt_days(data.variance_days)}d)")
        out.append(f"\nProgress {data.done_count}/{data.total_count} done  ")
        out.append_text(bar(data.progress_weighted, 20))
        out.append(f" {data.progress_weighted:.0%} by duration")
        return out

    def _critical(self, data: Any, analysis: Analysis) -> Text:
        if not data.critical_path:
            return Text("no critical path (everything is done)", style="dim")
        return Text(" → ".join(data.critical_path), style="#f85149")

    def _blockers(self, data: Any, analysis: Analysis) -> Text:
        out = Text()
        for b in data.blockers[:5]:
            out.append(f"{b.id}", style="bold red" if b.critical else "bold")
            what = b.reason if b.kind == "blocked" else f"waits on {', '.join(b.waiting_on)}"
            what = what if len(what) <= 70 else what[:69] + "…"
            out.append(f" — {what}")
            out.append(f"  slip {fmt_days(b.slip_days)}d, {b.downstream} downstream\n", style="dim")
        return out or Text("nothing is blocked", style="green")

    def _risks(self, data: Any, analysis: Analysis) -> Text:
        out = Text()
        for r in data.risks.risks[:5]:
            out.append(f"{r.score:>2} ", style=BAND_STYLE[r.band])
            out.append(f" {r.id}: {r.title}")
            out.append(f"  {r.owner or 'no owner'}\n", style="dim")
        return out or Text("no live risks", style="green")

    def _kpis(self, data: Any, analysis: Analysis) -> Text:
        out = Text()
        for k in data.kpis:
            out.append_text(rag_text(k.rag, pad=False))
            latest = with_unit(k.latest.value if k.latest else None, k.unit)
            out.append(f" {k.name}: {latest} (target {with_unit(k.target, k.unit)}) ")
            out.append(k.sparkline, style="#388bfd")
            if k.stale:
                out.append(" stale", style="#e3b341")
            out.append("\n")
        return out or Text("no KPIs", style="dim")

    def _due(self, data: Any, analysis: Analysis) -> Text:
        horizon = data.as_of + dt.timedelta(days=14)
        out = Text()
        rows = [
            m
            for m in data.milestones
            if m.status not in ("done", "cancelled")
            and ((m.due and m.due <= horizon) or (m.finish and m.finish <= horizon))
        ]
        for m in rows[:8]:
            when = m.due or m.finish
            late = m.due is not None and m.finish is not None and m.finish > m.due
            out.append(f"{when}  {m.id}", style="bold red" if late else "")
            out.append(f"  {m.title} ({m.status})\n", style="dim")
        return out or Text("nothing due", style="dim")
