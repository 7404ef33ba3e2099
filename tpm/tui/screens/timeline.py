"""Screen 3: the Gantt chart: grouped by team or in schedule order, with zoom and scroll."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tpm.tui.engine import Analysis
from tpm.tui.messages import QuickEdit
from tpm.tui.screens.base import PlanScreen, missing_text, timings
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
        times = timings(analysis)
        baseline = {}
        if analysis.plan.baselines:
            baseline = {b.id: (b.start, b.finish) for b in analysis.plan.baselines[-1].milestones}
        crit = analysis.critical_ids()
        plan = analysis.plan
        order = [m for m in plan.milestones if m.status != "cancelled"]
        if times:
            order.sort(key=lambda m: (str(getattr(times.get(m.id), "start", "")), m.id))
        rows: list[GanttRow] = []
        groups = sorted({m.team for m in order}) if self.group_by_team else [None]
        for team in groups:
            members = [m for m in order if team is None or m.team == team]
            if team is not None:
                rows.append(GanttRow("", f"▸ {team or 'no team'} ({len(members)})"))
            for m in members:
                t = times.get(m.id)
                rows.append(
                    GanttRow(
                        m.id,
                        f"{'●' if m.id in crit else ' '} {m.id}",
                        getattr(t, "start", None),
                        getattr(t, "finish", None),
                        m.id in crit,
                        m.status == "done",
                        baseline.get(m.id),
                    )
                )
        first_show = not gantt.rows
        gantt.show(rows, analysis.as_of)
        if first_show:
            gantt.scroll_to_date(analysis.as_of)
        legend = f"zoom: {gantt.zoom}  ·  grouped by {'team' if self.group_by_team else 'date'}"
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
