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
from tpm.tui.screens.base import PlanScreen, with_unit
from tpm.tui.widgets.heatmap import BAND_STYLE
from tpm.tui.widgets.palette import generation, themed
from tpm.tui.widgets.rag import RAG_FG, bar, rag_text
from tpm.tui.widgets.slip import slip_lines
from tpm.tui.widgets.text import Doc, Wrapped

if TYPE_CHECKING:
    from tpm.tui.overview import Overview

ROWS = (("status",), ("schedule", "critical"), ("trend",), ("blockers", "risks"), ("kpis", "due"))
PANELS = tuple(name for row in ROWS for name in row)
FIRST_PANELS = ("status", "schedule")  # drawn before the first frame; the rest just after
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
CHECKING = "checking…"  # the mark of an overview read from the cache
CACHED_NOTE = "from the last analysis of this file: checking…"
EARLY_NOTE = "analysed as tpm started, before the forecast: checking…"
LETTER = {"green": "G", "amber": "A", "red": "R"}


class DashScroll(VerticalScroll):
    """The dashboard's scroll area. Gaining the focus restyles only itself: Textual would
    restyle every panel in it too (no rule of theirs depends on the focus), a third of the
    first frame's styling."""

    def watch_has_focus(self, _has_focus: bool) -> None:
        self.app.stylesheet.update_nodes([self], animate=True)


class DashboardScreen(PlanScreen):
    """Read-only overview; every number comes from the engine's report data, through an
    :class:`~tpm.tui.overview.Overview` (which a warm start reads from the cache)."""

    BINDINGS = [Binding("R", "app.record_snapshot", "Record snapshot")]
    _drawn: tuple[Overview, int] | None = None  # the cached overview drawn, and its colours
    _drawn_last: tuple[Overview, str] | None = None  # the overview the panels show
    _filled = False  # the panels have been drawn once

    def body(self) -> ComposeResult:
        with DashScroll(id="dash-scroll"):
            for row in ROWS:
                with Horizontal(classes="dash-row"):
                    for name in row:
                        panel = Wrapped(id=f"dash-{name}", classes="panel")
                        panel.border_title = TITLES[name]
                        yield panel

    def on_mount(self) -> None:
        self.query_one("#dash-scroll").focus()
        super().on_mount()

    def sync(self) -> None:
        """Show the latest analysis; on a warm start, the cached overview until the plan's
        complete analysis (forecast included) has checked it. The cached one is of the same
        bytes, rules and date, so the status tier alone (without the P80 rule) would only
        make the colours flicker."""
        cached = self.tpm.cached_overview
        if cached is not None and self.is_mounted:
            if self._drawn != (cached, generation()):
                self._drawn = (cached, generation())
                self.draw(cached, CHECKING)
            if self.tpm.analysis is not None:
                self.tpm.request_full()
            return
        if self.tpm.analysis is None and not self._filled and self.is_mounted:
            status = self.query_one("#dash-status", Wrapped)
            status.update(Text(f"reading {self.tpm.path}…", style="dim"))
        super().sync()

    def show(self, analysis: Analysis) -> None:
        self.tpm.request_full()
        view = analysis.overview
        if view is None:
            why = analysis.missing("report")
            for name in PANELS:
                widget = self.query_one(f"#dash-{name}", Wrapped)
                widget.update(Text(why or "analysing…", style="dim"))
                widget.border_subtitle = ""
            return
        if analysis.report_current:
            mark = ""
        else:
            mark = "forecasting…" if analysis.status_current else "updating…"
        self.draw(view, mark)

    def draw(self, view: Overview, mark: str) -> None:
        """Draw an overview; ``mark`` (checking…, forecasting…, updating…) says it is not
        final yet. A cached overview is marked on every panel. The first time, the panels
        after the status and the schedule follow the first frame."""
        first = not self._filled
        self._filled = True
        for name in FIRST_PANELS if first else PANELS:
            self._panel(name, view, mark)
        # Lay the screen out in its next refresh: each panel would ask for it only when its
        # turn comes, after a frame showing the new title over the old panels.
        self.refresh(layout=True)
        if first:
            self.call_after_refresh(self._rest, view, mark)

    def _rest(self, view: Overview, mark: str) -> None:
        if self._drawn_last == (view, mark):
            for name in PANELS:
                if name not in FIRST_PANELS:
                    self._panel(name, view, mark)

    def _panel(self, name: str, view: Overview, mark: str) -> None:
        self._drawn_last = (view, mark)
        widget = self.query_one(f"#dash-{name}", Wrapped)
        widget.update(getattr(self, f"_{name}")(view, mark == CHECKING))
        widget.border_subtitle = mark if name == "status" or mark == CHECKING else ""

    # ------------------------------------------------------------ panels

    def _status(self, view: Overview, cached: bool) -> Doc:
        limit = FINDINGS_NARROW if self.size.width < 110 else FINDINGS_WIDE
        out = Doc()
        if cached:
            note = EARLY_NOTE if self.tpm.overview_is_early else CACHED_NOTE
            out.line(Text(note, style=themed("italic $amber")))
        out.append(f"{'Overall':<{RAG_AT - 1}}")  # the badge's word lines up too
        out.append_text(rag_text(view.rag))
        if view.history:
            out.append(" " * (HISTORY_AT - RAG_AT - len(view.rag) - 1))
            out.append_text(_history(list(view.history), view.rag))
            out.append(f"  {view.history_from:%m-%d} to today", style="dim")
        if view.override is not None:
            out.append(f"  {view.override}")
        out.newline()
        for area in view.areas:
            out.append(f"{area.name:<{RAG_AT}}")
            out.append_text(rag_text(area.rag, pad=False))
            if view.history:
                out.append(" " * (HISTORY_AT - RAG_AT - len(area.rag or "-")))
                out.append_text(_history(list(area.history), area.rag))
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
        for note in view.notes:
            out.line(Text().append(note, style="italic"))
        if not view.forecast_done:
            out.line(Text(FORECASTING_NOTE, style="italic dim"))
        return out

    def _schedule(self, view: Overview, cached: bool) -> Doc:
        out = Doc()
        fc = view.odds
        odds = fc.on_target if fc is not None else None
        if odds is not None:
            colour = odds_style(odds)
        elif view.margin_days is not None:
            colour = themed("$green") if view.margin_days >= 0 else themed("bold $red")
        else:
            colour = ""
        # One line, one colour: the fixed-duration date, the P80 and the odds side by side,
        # so "early" is never read without the chance of it.
        headline = Text(str(view.finish or "all done"), style=f"bold {colour}".strip())
        if fc is not None:
            headline.append(f" · P80 {fc.p80}", style=colour)
            if odds is not None:
                headline.append(f" · {chance(odds)} on time", style=colour)
        if not view.forecast_done:
            headline.append(" · P80 and odds forecasting…", style="dim")
        out.field("Forecast", headline)
        out.field("Target", str(view.target or "none"))
        if view.margin_days is not None:
            early = view.margin_days >= 0
            word = "early" if early else "late"
            margin = f"{view.margin} working days {word} on fixed durations"
            out.field("Margin", margin, colour)
        if fc is not None:
            out.field("Range", f"P50 {fc.p50} · P95 {fc.p95} · {fc.runs:,} runs")
        if view.baseline_finish:
            out.field("Baseline", f"{view.baseline_finish} «{view.baseline_name}»")
            if view.variance_days:
                late = view.variance_days > 0
                word = "later" if late else "earlier"
                text = f"forecast {view.variance} working days {word}"
                out.field("", text, themed("$amber") if late else "")
        progress = bar(view.progress, 20)
        progress.append(f" {view.progress:.0%}")
        out.field("Progress", progress)
        out.field("", f"{view.done_count} of {view.total_count} done · by duration", "dim")
        return out

    def _trend(self, view: Overview, cached: bool) -> Text:
        t = view.trend
        return slip_lines(t.rows, t.dates, t.points, t.target, max(self.size.width - 6, 40))

    def _critical(self, view: Overview, cached: bool) -> Doc | Text:
        if not view.critical_path:
            return Text("no critical path (everything is done)", style="dim")
        line = Text().append(f"{len(view.critical_path)} milestones: ", style="dim")
        for k, item in enumerate(view.critical_path):
            if k:
                line.append(" → ", style="dim")
            line.append(item, style=themed("$red"))
        return Doc().line(line, 2)

    def _blockers(self, view: Overview, cached: bool) -> Doc | Text:
        out = Doc()
        for b in view.blockers:
            line = Text().append(
                "● " if b.critical else "○ ", style=themed("bold $red") if b.critical else ""
            )
            line.append(b.id, style=themed("bold $red") if b.critical else "bold")
            line.append(f"  {b.what}")
            out.line(line, 2)
            facts = f"slip {b.slip}d · {b.downstream} downstream"
            if b.age_days is not None:
                facts += f" · {b.age_days} days old"
            if b.critical:
                facts += " · critical path"
            out.append(f"  {facts}\n", style="dim")
        return out or Text("nothing is blocked", style=themed("$green"))

    def _risks(self, view: Overview, cached: bool) -> Doc | Text:
        out = Doc()
        for r in view.risks:
            line = Text().append(f"{r.score:>2}", style=themed(BAND_STYLE[r.band]))
            line.append(" ")
            line.append(r.id, style="bold")
            line.append(f"  {r.title}")
            line.append(f" · {r.owner or 'no owner'}", style="dim")
            out.line(line, 3)
        return out or Text("no live risks", style=themed("$green"))

    def _kpis(self, view: Overview, cached: bool) -> Doc | Text:
        out = Doc()
        kpis = view.kpis
        if not kpis:
            return Text("no KPIs", style="dim")
        values = [with_unit(k.value, k.unit) for k in kpis]
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

    def _due(self, view: Overview, cached: bool) -> Doc | Text:
        out = Doc()
        for m in view.due:
            late = m.late
            line = Text().append(f"{m.when}  ", style=themed("bold $red") if late else "")
            line.append(m.id, style="bold")
            line.append(f"  {m.title}", style="dim")
            line.append(
                f" · {m.status}", style=themed("bold $red") if m.status == "blocked" else "dim"
            )
            if late:
                line.append(f" · LATE, forecast {m.finish}", style=themed("bold $red"))
            out.line(line, 12)
        if view.due_more > 0:
            out.append(
                f"… and {view.due_more} more (milestones screen, sort by due)\n", style="dim"
            )
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
