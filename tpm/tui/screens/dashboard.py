"""Screen 1: the whole program at a glance: RAG and why, dates, progress, critical path,
blockers, risks, KPI tiles and what is due in the next two weeks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll

from tpm.render.text.forecast import chance
from tpm.tui.analysis import Analysis
from tpm.tui.screens.base import PlanScreen, fmt_days, with_unit
from tpm.tui.widgets.heatmap import BAND_STYLE
from tpm.tui.widgets.palette import themed
from tpm.tui.widgets.rag import RAG_FG, bar, rag_text
from tpm.tui.widgets.slip import slip_text
from tpm.tui.widgets.text import Doc, Wrapped

if TYPE_CHECKING:
    from tpm.plan.model import Snapshot
    from tpm.report.data import ReportData
    from tpm.report.snapshot import Point
    from tpm.report.trend import Trend

ROWS = (("status",), ("schedule", "critical"), ("trend",), ("blockers", "risks"), ("kpis", "due"))
PANELS = tuple(name for row in ROWS for name in row)
RAG_AT = 10  # the column where every RAG word starts
FINDINGS_WIDE, FINDINGS_NARROW = 3, 2  # findings shown per area before "+N more"
ODDS_GREEN, ODDS_AMBER = 0.8, 0.5  # the P80 rule: under 80 % is not green
FORECASTING_NOTE = "forecasting… (the P80 rule is checked when the forecast lands)"
TITLES = {
    "status": "Status",
    "schedule": "Schedule",
    "critical": "Critical path",
    "trend": "Slip trend",
    "blockers": "Top blockers",
    "risks": "Top risks",
    "kpis": "KPIs",
    "due": "Due in the next two weeks",
}


HISTORY_AT = RAG_AT + 7  # the column where the RAG history starts
MAX_HISTORY = 6  # reporting dates in the RAG history, today's included (as the report)
LETTER = {"green": "G", "amber": "A", "red": "R"}


class DashboardScreen(PlanScreen):
    """Read-only overview; every number comes from the engine's report data."""

    BINDINGS = [Binding("R", "app.record_snapshot", "Record snapshot")]
    _trend_cache: tuple[ReportData, list[Snapshot], Trend] | None = None

    def body(self) -> ComposeResult:
        with VerticalScroll(id="dash-scroll"):
            for row in ROWS:
                with Horizontal(classes="dash-row"):
                    for name in row:
                        panel = Wrapped(id=f"dash-{name}", classes="panel")
                        panel.border_title = TITLES[name]
                        yield panel

    def on_mount(self) -> None:
        self.query_one("#dash-scroll").focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        self.tpm.request_full()
        data = analysis.report
        for name in PANELS:
            widget = self.query_one(f"#dash-{name}", Wrapped)
            if data is None:
                why = analysis.missing("report")
                widget.update(Text(why or "analysing…", style="dim"))
                continue
            method = "_trend_panel" if name == "trend" else f"_{name}"
            widget.update(getattr(self, method)(data, analysis))
        status = self.query_one("#dash-status", Wrapped)
        if analysis.report_current:
            status.border_subtitle = ""
        else:
            status.border_subtitle = "forecasting…" if analysis.status_current else "updating…"

    # ------------------------------------------------------------ panels

    def _status(self, data: ReportData, analysis: Analysis) -> Doc:
        st = data.status
        limit = FINDINGS_NARROW if self.size.width < 110 else FINDINGS_WIDE
        past = [p for p in self._trend(data, analysis).points if p.date < data.as_of]
        past = past[-(MAX_HISTORY - 1) :]
        out = Doc().append(f"{'Overall':<{RAG_AT - 1}}")  # the badge's word lines up too
        out.append_text(rag_text(st.rag))
        if past:
            out.append(" " * (HISTORY_AT - RAG_AT - len(st.rag) - 1))
            out.append_text(_history([p.rag for p in past], st.rag))
            out.append(f"  {past[0].date:%m-%d} to today", style="dim")
        if st.override_applied:
            out.append(f"  {st.reason}")
        out.newline()
        for area in st.areas:
            out.append(f"{area.name:<{RAG_AT}}")
            out.append_text(rag_text(area.rag, pad=False))
            if past:
                out.append(" " * (HISTORY_AT - RAG_AT - len(area.rag or "-")))
                out.append_text(_history([p.areas.get(area.area) for p in past], area.rag))
            out.newline()
            findings = area.findings
            # Never hide one finding behind "+1 more": the line would take the same room.
            shown = findings if len(findings) <= limit + 1 else findings[:limit]
            for f in shown:
                line = Text("  • ")
                line.append(f.message, style="dim" if f.rag == "green" else "")
                line.append(f"  [{f.rule}]", style="dim")
                out.line(line, 4)
            if len(findings) > len(shown):
                more = f"  +{len(findings) - len(shown)} more (6: the report lists them all)"
                out.line(Text(more, style="italic"), 4)
        for note in st.notes:
            out.line(Text().append(note, style="italic"))
        if not analysis.forecast_done:
            out.line(Text(FORECASTING_NOTE, style="italic dim"))
        return out

    def _schedule(self, data: ReportData, analysis: Analysis) -> Doc:
        out = Doc()
        fc = (
            data.forecast
            if data.forecast is not None and data.forecast.milestones_estimated
            else None
        )
        odds = fc.on_target if fc is not None else None
        if odds is not None:
            colour = odds_style(odds)
        elif data.margin_days is not None:
            colour = themed("$green") if data.margin_days >= 0 else themed("bold $red")
        else:
            colour = ""
        # One line, one colour: the fixed-duration date, the P80 and the odds side by side,
        # so "early" is never read without the chance of it.
        headline = Text(str(data.finish or "all done"), style=f"bold {colour}".strip())
        if fc is not None:
            headline.append(f" · P80 {fc.finish.p80}", style=colour)
            if odds is not None:
                headline.append(f" · {chance(odds)} on time", style=colour)
        if not analysis.forecast_done:
            headline.append(" · P80 and odds forecasting…", style="dim")
        out.field("Forecast", headline)
        out.field("Target", str(data.target or "none"))
        if data.margin_days is not None:
            early = data.margin_days >= 0
            word = "early" if early else "late"
            margin = f"{fmt_days(abs(data.margin_days))} working days {word} on fixed durations"
            out.field("Margin", margin, colour)
        if fc is not None:
            out.field("Range", f"P50 {fc.finish.p50} · P95 {fc.finish.p95} · {fc.runs:,} runs")
        if data.baseline_finish:
            out.field("Baseline", f"{data.baseline_finish} «{data.baseline_name}»")
            if data.variance_days:
                late = data.variance_days > 0
                out.field("", _signed_days(data.variance_days), themed("$amber") if late else "")
        progress = bar(data.progress_weighted, 20)
        progress.append(f" {data.progress_weighted:.0%}")
        out.field("Progress", progress)
        out.field("", f"{data.done_count} of {data.total_count} done · by duration", "dim")
        return out

    def _trend(self, data: ReportData, analysis: Analysis) -> Trend:
        """The slip trend of the snapshots recorded in the plan and today's analysis (the
        points of the report's RAG history; ``tpm trend`` adds the plan's git history)."""
        from tpm.report.snapshot import key_milestones, point_from_snapshot, point_of
        from tpm.report.trend import Trend

        plan = analysis.plan
        cached = self._trend_cache
        if cached is not None and cached[0] is data and cached[1] == plan.snapshots:
            return cached[2]
        keys = key_milestones(plan)
        points: list[Point] = [point_from_snapshot(s) for s in plan.snapshots]
        points = [p for p in points if p.date < data.as_of]
        points.append(point_of(data, keys))
        trend = Trend.of(points, keys, data.target, data.start)
        self._trend_cache = (data, list(plan.snapshots), trend)
        return trend

    def _trend_panel(self, data: ReportData, analysis: Analysis) -> Text:
        return slip_text(self._trend(data, analysis), max(self.size.width - 6, 40))

    def _critical(self, data: ReportData, analysis: Analysis) -> Doc | Text:
        if not data.critical_path:
            return Text("no critical path (everything is done)", style="dim")
        line = Text().append(f"{len(data.critical_path)} milestones: ", style="dim")
        for k, item in enumerate(data.critical_path):
            if k:
                line.append(" → ", style="dim")
            line.append(item, style=themed("$red"))
        return Doc().line(line, 2)

    def _blockers(self, data: ReportData, analysis: Analysis) -> Doc | Text:
        out = Doc()
        for b in data.blockers[:5]:
            line = Text().append(
                "● " if b.critical else "○ ", style=themed("bold $red") if b.critical else ""
            )
            line.append(b.id, style=themed("bold $red") if b.critical else "bold")
            what = b.reason if b.kind == "blocked" else f"waits on {', '.join(b.waiting_on)}"
            line.append(f"  {what}")
            out.line(line, 2)
            facts = f"slip {fmt_days(b.slip_days, more_is_worse=True)}d · {b.downstream} downstream"
            if b.age_days is not None:
                facts += f" · {b.age_days} days old"
            if b.critical:
                facts += " · critical path"
            out.append(f"  {facts}\n", style="dim")
        return out or Text("nothing is blocked", style=themed("$green"))

    def _risks(self, data: ReportData, analysis: Analysis) -> Doc | Text:
        out = Doc()
        for r in data.risks.risks[:5]:
            line = Text().append(f"{r.score:>2}", style=themed(BAND_STYLE[r.band]))
            line.append(" ")
            line.append(r.id, style="bold")
            line.append(f"  {r.title}")
            line.append(f" · {r.owner or 'no owner'}", style="dim")
            out.line(line, 3)
        return out or Text("no live risks", style=themed("$green"))

    def _kpis(self, data: ReportData, analysis: Analysis) -> Doc | Text:
        out = Doc()
        kpis = list(data.kpis)
        if not kpis:
            return Text("no KPIs", style="dim")
        values = [with_unit(k.latest.value if k.latest else None, k.unit) for k in kpis]
        targets = [f"/ {with_unit(k.target, k.unit)}" for k in kpis]
        vw, tw = max(map(len, values)), max(map(len, targets))
        spark_w = min(max((len(k.sparkline) for k in kpis), default=0), 12)
        name_w = min(max(len(k.name) for k in kpis), 28)
        for k, value, target in zip(kpis, values, targets, strict=True):
            out.append_text(rag_text(k.rag, pad=False))
            out.append(" " * (6 - len(k.rag or "-")))
            name = k.name if len(k.name) <= name_w else k.name[: name_w - 1] + "…"
            out.append(f"{name:<{name_w}} ")
            out.append(f"{value:>{vw}} ", style="bold")
            out.append(f"{target:<{tw}} ", style="dim")
            out.append(f"{k.sparkline[-spark_w:]:<{spark_w}}", style=themed("$blue"))
            out.append(" stale" if k.stale else "", style=themed("bold $amber"))
            out.hang(6).newline()
        return out

    def _due(self, data: ReportData, analysis: Analysis) -> Doc | Text:
        from tpm.report.data import due_soon, is_late

        out = Doc()
        rows = due_soon(data, finishing=True)  # late first, then by date, as in the report
        for m in rows[:8]:
            when = m.due or m.finish
            late = is_late(m, data.as_of)
            line = Text().append(f"{when}  ", style=themed("bold $red") if late else "")
            line.append(m.id, style="bold")
            line.append(f"  {m.title}", style="dim")
            line.append(
                f" · {m.status}", style=themed("bold $red") if m.status == "blocked" else "dim"
            )
            if late:
                line.append(f" · LATE, forecast {m.finish}", style=themed("bold $red"))
            out.line(line, 12)
        more = len(rows) - 8
        if more > 0:
            out.append(f"… and {more} more (milestones screen, sort by due)\n", style="dim")
        return out or Text("nothing due", style="dim")


def _history(past: list[str | None], now: str | None) -> Text:
    """RAG letters, oldest first, today's last and bold: ``G A A R R``."""
    out = Text()
    for rag in [*past, now]:
        letter = LETTER.get(rag or "", "·")
        out.append(letter, style=themed(RAG_FG[rag]) if rag in RAG_FG else "dim")
        out.append(" ")
    out.stylize("bold", len(out) - 2, len(out) - 1)
    out.rstrip()
    return out


def odds_style(odds: float) -> str:
    """The colour of a chance to meet the target: green from 80 %, amber from 50 %, else red."""
    if odds >= ODDS_GREEN:
        return themed("$green")
    return themed("bold $amber") if odds >= ODDS_AMBER else themed("bold $red")


def _signed_days(days: float | None) -> str:
    if days is None:
        return ""
    word = "later" if days > 0 else "earlier"
    return f"forecast {fmt_days(abs(days), more_is_worse=days > 0)} working days {word}"
