"""Screen 3: the Gantt chart: grouped by team or in schedule order, with zoom and scroll."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tpm.tui.engine import Analysis
from tpm.tui.messages import QuickEdit
from tpm.tui.screens.base import PlanScreen, missing_text
from tpm.tui.widgets.gantt import ZOOMS, Gantt, GanttRow


class TimelineScreen(PlanScreen):
    """One bar per milestone; critical bars red, baseline ghosts, the status date line."""

    BINDINGS = [
        Binding("z", "zoom", "Zoom"),
        Binding("g", "group", "Group"),
        Binding("t", "today", "Status date"),
        Binding("s", "quick('cycle')", "Status"),
        Binding("x", "quick('done')", "Done today"),
        Binding("b", "quick('blocked')", "Blocked", show=False),
        Binding("p", "quick('percent')", "%", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group_by_team = True

    def body(self) -> ComposeResult:
        yield Static("", id="tl-legend")
        yield Gantt(id="gantt")

    def on_mount(self) -> None:
        self.query_one(Gantt).focus()
        super().on_mount()

    def show(self, analysis: Analysis) -> None:
        gantt = self.query_one(Gantt)
        problem = missing_text(analysis, "schedule")
        sched = analysis.schedule
        baseline = {}
        if analysis.plan.baselines:
            baseline = {b.id: (b.start, b.finish) for b in analysis.plan.baselines[-1].milestones}
        plan = analysis.plan
        order = [m for m in plan.milestones if m.status != "cancelled"]
        if not self.group_by_team and sched is not None:
            # Schedule order reads every milestone's dates once; grouped view is plan order.
            index = sched.graph.index
            order.sort(key=lambda m: (sched.milestone(m.id).early_start, index.get(m.id, 0)))
        rows: list[GanttRow] = []
        if self.group_by_team:
            teams: dict[str, list[Any]] = {}
            for m in order:
                teams.setdefault(m.team, []).append(m)
            for team in sorted(teams):
                rows.append(GanttRow("", f"▸ {team or 'no team'} ({len(teams[team])})"))
                rows += [GanttRow(m.id, m.id) for m in teams[team]]
        else:
            rows = [GanttRow(m.id, m.id) for m in order]
        status = {m.id: m.status for m in order}

        def fill(row: GanttRow) -> GanttRow:
            if sched is None or row.key not in sched.graph.index:
                return row
            t = sched.milestone(row.key)
            mark = "●" if t.critical else " "
            return GanttRow(
                row.key,
                f"{mark} {row.key}",
                t.start,
                t.finish,
                t.critical,
                status.get(row.key) == "done",
                baseline.get(row.key),
            )

        span = None
        if sched is not None:
            ghost = [d for pair in baseline.values() for d in pair]
            span = (min([sched.start, *ghost]), max([sched.finish, *ghost]))
        first_show = not gantt.rows
        gantt.show(rows, analysis.as_of, span, fill)
        if first_show:
            gantt.scroll_to_date(analysis.as_of)
        legend = f"zoom: {gantt.zoom}  ·  {'by team' if self.group_by_team else 'by start date'}"
        legend += "  ·  █ critical (red)  █ other  ╌ baseline  │ status date"
        if problem:
            legend = f"{problem} — bars appear when the schedule is available.  " + legend
        self.query_one("#tl-legend", Static).update(legend)

    def action_zoom(self) -> None:
        """Cycle the zoom: day, week, month."""
        gantt = self.query_one(Gantt)
        names = list(ZOOMS)
        gantt.zoom = names[(names.index(gantt.zoom) + 1) % len(names)]
        self._refresh_legend()

    def action_group(self) -> None:
        """Group by team, or list in schedule order."""
        self.group_by_team = not self.group_by_team
        self._refresh_legend()

    def _refresh_legend(self) -> None:
        if self.tpm.analysis is not None:
            self.show(self.tpm.analysis)

    def action_today(self) -> None:
        """Scroll to the status date."""
        gantt = self.query_one(Gantt)
        gantt.scroll_to_date(gantt.as_of)

    def action_quick(self, op: str) -> None:
        """A quick edit of the milestone under the cursor."""
        key = self.query_one(Gantt).current_key
        if key:
            self.post_message(QuickEdit("milestones", key, op))
