"""Screen 3: the Gantt chart: grouped by team or in schedule order, with zoom and scroll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tpm.tui.analysis import Analysis
from tpm.tui.messages import QuickEdit
from tpm.tui.screens.base import PlanScreen, fmt_days, missing_text, with_unit
from tpm.tui.widgets.gantt import (
    BLOCKED,
    CRITICAL,
    DONE,
    GHOST,
    NOW,
    OTHER,
    TARGET,
    ZOOMS,
    Gantt,
    GanttRow,
)
from tpm.tui.widgets.palette import themed
from tpm.tui.widgets.text import clean_text

if TYPE_CHECKING:
    from tpm.plan.model import Milestone

LEGEND = (
    ("█", "critical", CRITICAL),
    ("┃", "target", TARGET),
    ("▓", "other", OTHER),
    ("░", "done", DONE),
    ("╳", "blocked", BLOCKED),
    ("◆", "event", CRITICAL),
    ("├─┤", "baseline", GHOST),
    ("▼│", "status date", NOW),
)


class TimelineScreen(PlanScreen):
    """One bar per milestone; critical bars solid red, baseline ghosts, the status date."""

    BINDINGS = [
        Binding("z", "zoom", "Zoom"),
        Binding("f", "fit", "Fit"),
        Binding("g", "group", "Group"),
        Binding("t", "today", "Status date", show=False),
        Binding("s", "quick('cycle')", "Status"),
        Binding("x", "quick('done')", "Done today"),
        Binding("b", "quick('blocked')", "Blocked", show=False),
        Binding("p", "quick('percent')", "%", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group_by_team = True
        self._legend_args: tuple[str | None, str] = (None, "")  # of the last show

    def body(self) -> ComposeResult:
        yield Static("", id="tl-legend")
        yield Gantt(id="gantt")
        yield Static("", id="tl-detail")

    def on_mount(self) -> None:
        self.query_one(Gantt).focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        gantt = self.query_one(Gantt)
        problem = missing_text(analysis, "schedule")
        sched = analysis.schedule
        baseline = {}
        baseline_name = ""
        if analysis.plan.baselines:
            last = analysis.plan.baselines[-1]
            baseline_name = last.name
            baseline = {b.id: (b.start, b.finish) for b in last.milestones}
        plan = analysis.plan
        order = [m for m in plan.milestones if m.status != "cancelled"]
        if not self.group_by_team and sched is not None:
            # Schedule order reads every milestone's dates once; grouped view is plan order.
            index = sched.graph.index
            order.sort(key=lambda m: (sched.milestone(m.id).early_start, index.get(m.id, 0)))
        rows: list[GanttRow] = []
        names = {t.id: t.name for t in plan.teams}
        if self.group_by_team:
            teams: dict[str, list[Milestone]] = {}
            for m in order:
                teams.setdefault(m.team, []).append(m)
            for team in sorted(teams):
                name = names.get(team) or team or "no team"
                rows.append(GanttRow("", f"▸ {name} ({len(teams[team])})"))
                rows += [GanttRow(m.id, m.id) for m in teams[team]]
        else:
            rows = [GanttRow(m.id, m.id) for m in order]
        by_id = {m.id: m for m in order}

        def fill(row: GanttRow) -> GanttRow:
            m = by_id.get(row.key)
            if sched is None or m is None or row.key not in sched.graph.index:
                return row
            t = sched.milestone(row.key)
            return GanttRow(
                row.key,
                row.key,
                t.start,
                t.finish,
                t.critical,
                m.status == "done",
                baseline.get(row.key),
                m.status == "blocked",
                m.title,
                m.duration == 0,
            )

        span = None
        if sched is not None:
            ghost = [d for pair in baseline.values() for d in pair]
            span = (min([sched.start, *ghost]), max([sched.finish, *ghost]))
        gantt.show(rows, analysis.as_of, span, fill, analysis.plan.program.target)
        self._legend_args = (problem, baseline_name)
        self._legend(problem, baseline_name)
        self.show_detail(gantt.current_key)

    def _legend(self, problem: str | None = None, baseline_name: str = "") -> None:
        gantt = self.query_one(Gantt)
        step = gantt.step
        if gantt.zoom == "fit":
            scale = f"fit · 1 cell ≈ {step:.1f} days" if step >= 1.05 else "fit · 1 cell = 1 day"
            if step < 0.95:
                scale = f"fit · 1 day ≈ {1 / step:.1f} cells"
        else:
            scale = f"zoom: {gantt.zoom}"
        out = Text(f"{scale} · {'by team' if self.group_by_team else 'by start date'} ")
        room = self.size.width - 2
        wide = self.size.width >= 160
        for mark, word, colour in LEGEND:
            if word == "baseline" and not baseline_name:
                continue
            label = f"{word} «{baseline_name}»" if word == "baseline" and wide else word
            if len(out.plain) + len(mark) + len(label) + 3 > room:
                break  # the rest would be cut off: the help (?) explains every mark
            out.append(f" {mark}", style=themed(colour))
            out.append(f" {label} ", style="dim")
        if problem:
            out = Text(f"{problem} — bars appear when the schedule is available.")
        self.query_one("#tl-legend", Static).update(clean_text(out, True))

    def on_resize(self) -> None:
        # The scale ("1 cell ≈ N days") and what fits depend on the width: the legend only
        # (the rows are the same; rebuilding them costs a pass over every milestone).
        self.call_after_refresh(self._refresh_legend)

    def on_gantt_highlighted(self, event: Gantt.Highlighted) -> None:
        self.show_detail(event.key)

    def show_detail(self, key: str | None) -> None:
        """One line about the milestone under the cursor: dates, float, baseline."""
        analysis = self.tpm.analysis
        widget = self.query_one("#tl-detail", Static)
        m = analysis.plan.milestone(key) if analysis and key else None
        sched = analysis.schedule if analysis else None
        if m is None or analysis is None:
            widget.update(Text("↑↓ choose a milestone · ←→ scroll · z zoom · f fit", style="dim"))
            return
        out = Text()
        out.append(m.id, style="bold")
        out.append(f"  {m.title}", style="")
        out.append(f" · {m.team or 'no team'} · {m.owner or 'no owner'} · ", style="dim")
        out.append(m.status, style=themed("bold $red") if m.status == "blocked" else "")
        out.append(" " + with_unit(m.percent_complete, "%"), style="dim")
        if sched is not None and key in sched.graph.index:
            t = sched.milestone(key)
            tail = "done" if t.status == "done" else f"float {fmt_days(t.total_float)}d"
            out.append(f" · {t.start} → {t.finish} · {tail}")
            if t.critical:
                out.append(" · CRITICAL", style=themed(f"bold {CRITICAL}"))
            base = analysis.plan.baselines[-1] if analysis.plan.baselines else None
            entry = next((b for b in base.milestones if b.id == key), None) if base else None
            if entry is not None and entry.finish != t.finish:
                days = (t.finish - entry.finish).days
                word = "later" if days > 0 else "earlier"
                out.append(f" · {abs(days)} days {word} than baseline", style=themed("$amber"))
        widget.update(clean_text(out, True))

    def action_zoom(self) -> None:
        """Cycle the zoom: fit, day, week, month."""
        gantt = self.query_one(Gantt)
        names = list(ZOOMS)
        gantt.zoom = names[(names.index(gantt.zoom) + 1) % len(names)]
        self._refresh_legend()

    def action_fit(self) -> None:
        """Fit the whole program into the width on screen."""
        self.query_one(Gantt).zoom = "fit"
        self._refresh_legend()

    def action_group(self) -> None:
        """Group by team, or list in schedule order."""
        self.group_by_team = not self.group_by_team
        if self.tpm.analysis is not None:
            self.show(self.tpm.analysis)

    def _refresh_legend(self) -> None:
        if self.is_mounted and self._shown is not None:
            self._legend(*self._legend_args)

    def action_today(self) -> None:
        """Scroll to the status date."""
        gantt = self.query_one(Gantt)
        gantt.scroll_to_date(gantt.as_of)

    def action_quick(self, op: str) -> None:
        """A quick edit of the milestone under the cursor."""
        key = self.query_one(Gantt).current_key
        if key:
            self.request(QuickEdit("milestones", key, op))
