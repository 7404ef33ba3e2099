"""Screen 2: the milestones table (sortable, filterable) and a detail pane with `why`."""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import TYPE_CHECKING, TypedDict

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Select

from tpm.plan.model import Milestone, Plan
from tpm.tui.analysis import Analysis
from tpm.tui.messages import DeleteRequested, EditRequested, QuickEdit
from tpm.tui.screens.base import PlanScreen, fmt_days, id_width, missing_text, with_unit
from tpm.tui.screens.explain import explain_text
from tpm.tui.widgets.palette import generation, themed
from tpm.tui.widgets.text import Doc, TextPane, excerpt, plain
from tpm.tui.widgets.vtable import Column, VTable

if TYPE_CHECKING:
    from tpm.schedule.result import MilestoneSchedule, Schedule

# What a TPM reads first stays; with too little room the columns with the highest
# ``drop`` go first: % done, start, due, then owner.
COLUMNS = (
    Column("id", "Id", 14, min_width=10),
    Column("title", "Title", 14, flex=True, max_width=56, min_width=10),
    Column("team", "Team", 8),  # team and owner: as wide as the longest one (see show)
    Column("owner", "Owner", 9, drop=1, min_width=6),
    Column("status", "Status", 11),
    Column("percent", "Done", 4, right=True, drop=4),
    Column("start", "Start", 10, drop=3),
    Column("finish", "Finish", 10),
    Column("float", "Float", 6, right=True),
    Column("critical", "CP", 2),  # ● on a critical path (the row is red too)
    Column("due", "Due", 10, drop=2),
)


class Filters(TypedDict):
    """The milestone table's filters (empty text and None match everything)."""

    text: str
    team: str | None
    owner: str | None
    status: str | None
    critical: bool


STATUS_STYLE = {"blocked": "bold $red", "done": "dim", "cancelled": "dim strike"}
ANY = "*"


class MilestonesScreen(PlanScreen):
    """Every milestone with its forecast dates, float and critical marker."""

    # Textual focuses the first focusable widget (the search box) when the screen becomes
    # active, before on_mount moves the focus to the table: a key typed in between (say the
    # "/" of a quick "2 /") would land in the search box as text. Focus the table at once.
    AUTO_FOCUS = "#ms-table"

    BINDINGS = [  # footer order: what a TPM does most comes first (a narrow footer cuts the end)
        Binding("e", "edit", "Edit"),
        Binding("s", "quick('cycle')", "Status"),
        Binding("slash", "search", "Search"),
        Binding("x", "quick('done')", "Done today"),
        Binding("c", "toggle_critical", "Critical"),
        Binding("o", "sort", "Sort"),
        Binding("a", "add", "Add"),
        Binding("b", "quick('blocked')", "Blocked"),
        Binding("O", "reverse", "Reverse", show=False),
        Binding("escape", "clear", "Clear filters", show=False),
        Binding("delete", "delete", "Delete", show=False),
        Binding("p", "quick('percent')", "% complete", show=False),
        Binding("v", "toggle_detail", "Details", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_key: str | None = None  # None: plan order
        self.reverse = False
        self._detail_for: tuple[Analysis | None, str | None, int] | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="ms-filters", classes="filters"):
            yield Input(placeholder="/ search id, title, owner", id="ms-search", compact=True)
            yield Select([], prompt="team", id="ms-team", compact=True)
            yield Select([], prompt="owner", id="ms-owner", compact=True)
            yield Select([], prompt="status", id="ms-status", compact=True)
            yield Checkbox("critical", id="ms-critical", compact=True)
        with Horizontal(classes="split"):
            yield VTable(COLUMNS, id="ms-table")
            yield TextPane(id="ms-detail", classes="detail")

    def on_mount(self) -> None:
        table = self.query_one(VTable)
        table.sort_column = self.sort_key
        table.focus()
        super().on_mount()

    @property
    def table(self) -> VTable:
        """The milestones table."""
        return self.query_one("#ms-table", VTable)

    def show(self, analysis: Analysis) -> None:
        plan = analysis.plan
        # One pass per field over the 10,000 milestones, runs on every edit: the distinct
        # teams and owners give both the filter options and the column widths.
        used_teams = set(map(attrgetter("team"), plan.milestones))
        used_owners = set(map(attrgetter("owner"), plan.milestones))
        teams = [t.id for t in plan.teams] or [t for t in used_teams if t]
        self._set_options("#ms-team", sorted(teams))
        self._set_options("#ms-owner", sorted(o for o in used_owners if o))
        statuses = ("planned", "in_progress", "blocked", "done", "cancelled")
        self._set_options("#ms-status", list(statuses))
        # Titles take the room left: the other text columns are as wide as what they hold.
        widths = {
            "id": id_width(map(attrgetter("id"), plan.milestones), high=20),
            "team": id_width(used_teams, low=4, high=12),
            "owner": id_width(used_owners, low=5, high=16),
        }
        columns = [
            dataclasses.replace(c, width=widths[c.key]) if c.key in widths else c for c in COLUMNS
        ]
        if columns != self.table.columns:
            self.table.set_columns(columns)
        self.refill()

    def _set_options(self, selector: str, values: list[str]) -> None:
        select: Select[str] = self.query_one(selector, Select)
        current = select.value
        if getattr(select, "_tpm_options", None) != values:
            select._tpm_options = values  # type: ignore[attr-defined]
            select.set_options([(plain(v), v) for v in values])
            if isinstance(current, str) and current in values:
                select.value = current

    def filters(self) -> Filters:
        """The active filters: text, team, owner, status, critical."""
        chosen: dict[str, str | None] = {}
        for name in ("team", "owner", "status"):
            value = self.query_one(f"#ms-{name}", Select).value
            chosen[name] = value if isinstance(value, str) else None
        return Filters(
            text=self.query_one("#ms-search", Input).value.strip().lower(),
            team=chosen["team"],
            owner=chosen["owner"],
            status=chosen["status"],
            critical=self.query_one("#ms-critical", Checkbox).value,
        )

    def refill(self) -> None:
        """Rebuild the rows from the current analysis, filters and sort order.

        Only the ids are filtered and ordered here; cells are built for the rows on screen.
        Sorting by a schedule column reads every milestone's dates (the one slow case).
        """
        analysis = self.tpm.analysis
        if analysis is None:
            return
        sched = analysis.schedule
        f = self.filters()
        # The full critical set costs a pass over every milestone: only when filtering or
        # sorting by it; rows on screen read their own flag.
        wanted = f["critical"] or self.sort_key == "critical"
        critical = analysis.critical_ids() if wanted else frozenset()
        text = f["text"]
        # No filter (the usual case, and every edit's repaint): skip the per-milestone test.
        filtered = text or f["team"] or f["owner"] or f["status"] or f["critical"]
        kept = list(analysis.plan.milestones)
        if filtered:
            kept = [
                m
                for m in kept
                if not (f["team"] and m.team != f["team"])
                and not (f["owner"] and m.owner != f["owner"])
                and not (f["status"] and m.status != f["status"])
                and not (f["critical"] and m.id not in critical)
                and not (text and not any(text in s.lower() for s in (m.id, m.title, m.owner)))
            ]
        if self.sort_key is not None:
            kept.sort(key=lambda m: _sort_value(self.sort_key or "", m, sched, critical))
            if self.reverse:
                kept.reverse()
        ids = list(map(attrgetter("id"), kept))
        by_id = dict(zip(ids, kept, strict=True))

        def row(key: str) -> tuple[list[str], str]:
            return _cells(by_id[key], sched)

        table = self.table
        table.sort_column, table.sort_reverse = self.sort_key, self.reverse
        table.empty_text = "no milestones match the filters (escape clears them)"
        table.set_rows(ids, row)
        title = f"Milestones: {len(kept)} of {len(analysis.plan.milestones)}"
        if problem := missing_text(analysis, "schedule"):
            title += f" — forecast columns empty ({problem})"
        table.border_title = title
        # The detail pane now, so the first frame has it: filled by the Highlighted message
        # that set_rows posts, it came after that frame and cost another layout and render.
        self.show_detail(table.current_key)

    def show_detail(self, key: str | None) -> None:
        """Fill the detail pane for a milestone."""
        analysis = self.tpm.analysis
        shown = self._detail_for
        if shown and shown[0] is analysis and shown[1] == key and shown[2] == generation():
            return  # drawn already (refill, then the Highlighted it posted)
        self._detail_for = (analysis, key, generation())
        widget = self.query_one("#ms-detail", TextPane)
        if analysis is None or key is None:
            widget.update("")
            return
        widget.update(detail_text(analysis, key))

    # ------------------------------------------------------------ events

    def on_vtable_highlighted(self, event: VTable.Highlighted) -> None:
        self.show_detail(event.key)

    def on_vtable_selected(self, event: VTable.Selected) -> None:
        self.request(EditRequested("milestones", event.key))

    def on_vtable_header_clicked(self, event: VTable.HeaderClicked) -> None:
        if event.column == self.sort_key:
            self.reverse = not self.reverse
        else:
            self.sort_key, self.reverse = event.column, False
        self.refill()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "ms-search":
            self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def on_select_changed(self) -> None:
        self.refill()

    def on_checkbox_changed(self) -> None:
        self.refill()

    # ------------------------------------------------------------ actions

    def action_toggle_detail(self) -> None:
        """Show or hide the detail pane (hidden by default below 110 columns)."""
        self.query_one("#ms-detail").toggle_class("-toggled")

    def action_search(self) -> None:
        """Focus the search box (the keys typed meanwhile go into it, not to the table)."""
        search = self.query_one("#ms-search", Input)
        self.tpm.hold_keys_until(lambda: search.has_focus)
        search.focus()

    def action_toggle_critical(self) -> None:
        """Show only critical milestones, or all."""
        box = self.query_one("#ms-critical", Checkbox)
        box.value = not box.value

    def action_sort(self) -> None:
        """Sort by the next column."""
        keys: list[str | None] = [None, *(c.key for c in COLUMNS)]
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self.reverse = False
        self.refill()
        self.notify(f"sorted by {self.sort_key or 'plan order'}", timeout=1.5)

    def action_reverse(self) -> None:
        """Reverse the sort order."""
        self.reverse = not self.reverse
        self.refill()

    def action_clear(self) -> None:
        """Clear every filter."""
        self.query_one("#ms-search", Input).value = ""
        for name in ("team", "owner", "status"):
            self.query_one(f"#ms-{name}", Select).clear()
        self.query_one("#ms-critical", Checkbox).value = False
        self.table.focus()

    def _current(self) -> str | None:
        key = self.table.current_key
        if key is None:
            self.notify("no milestone selected", severity="warning")
        return key

    def action_edit(self) -> None:
        """Edit the selected milestone."""
        if key := self._current():
            self.request(EditRequested("milestones", key))

    def action_add(self) -> None:
        """Add a milestone."""
        self.request(EditRequested("milestones", None))

    def action_delete(self) -> None:
        """Delete the selected milestone."""
        if key := self._current():
            self.request(DeleteRequested("milestones", key))

    def action_quick(self, op: str) -> None:
        """A quick edit of the selected milestone."""
        if key := self._current():
            self.request(QuickEdit("milestones", key, op))


def _timing(sched: Schedule | None, key: str) -> MilestoneSchedule | None:
    if sched is None or key not in sched.graph.index:
        return None
    return sched.milestone(key)


def _cells(m: Milestone, sched: Schedule | None) -> tuple[list[str], str]:
    t = _timing(sched, m.id)
    crit = bool(t is not None and t.critical)
    cells = [
        m.id,
        m.title,
        m.team,
        m.owner,
        m.status,
        with_unit(m.percent_complete, "%"),
        str(t.start) if t is not None else "—",
        str(t.finish) if t is not None else "—",
        f"{fmt_days(t.total_float)}d" if t is not None and m.status != "done" else "—",
        "●" if crit else "",
        str(m.due or ""),
    ]
    return cells, themed("bold $red") if crit else themed(STATUS_STYLE.get(m.status, ""))


def _sort_value(
    key: str, m: Milestone, sched: Schedule | None, critical: frozenset[str]
) -> tuple[object, ...]:
    if key in ("start", "finish", "float"):
        t = _timing(sched, m.id)
        if t is None:
            return (1, 0.0, m.id)
        offset = {"start": t.early_start, "finish": t.early_finish, "float": t.total_float}[key]
        return (0, offset, m.id)
    if key == "critical":
        return (0 if m.id in critical else 1, m.id)
    if key == "due":
        return (0, m.due, m.id) if m.due else (1, m.id)
    if key == "percent":
        return (0, m.percent_complete, m.id)
    value = str(getattr(m, key))
    return (0, value.lower(), m.id) if value else (1, "", m.id)


_SUCCESSORS: list[tuple[Plan, dict[str, list[str]]]] = []


def successors_of(analysis: Analysis, key: str) -> list[str]:
    """Ids of the milestones that depend on ``key``, in plan order.

    The schedule's graph already lists them when no milestone is cancelled (a cancelled
    one leaves the graph and its links are carried through it): read there, the first
    selection costs nothing; otherwise from :func:`successors`."""
    sched = analysis.schedule
    if sched is not None and not sched.graph.cancelled:
        graph = sched.graph
        node = graph.index.get(key)
        if node is not None:
            return list(dict.fromkeys(graph.ids[s] for s, _code, _lag in graph.succs[node]))
    return successors(analysis.plan).get(key, [])


def successors(plan: Plan) -> dict[str, list[str]]:
    """Milestone id -> ids of the milestones that depend on it (plan order), built once per
    analysed plan: a scan of 10,000 milestones per cursor move would cost 20 ms."""
    if _SUCCESSORS and _SUCCESSORS[0][0] is plan:
        return _SUCCESSORS[0][1]
    out: dict[str, list[str]] = {}
    for m in plan.milestones:
        for d in dict.fromkeys(d.id for d in m.depends_on):
            out.setdefault(d, []).append(m.id)
    _SUCCESSORS[:] = [(plan, out)]
    return out


def detail_text(analysis: Analysis, key: str) -> Doc:
    """The detail pane of one milestone: fields, links both ways, and why its dates are so."""
    plan = analysis.plan
    m = plan.milestone(key)
    out = Doc()
    if m is None:
        return out
    t = _timing(analysis.schedule, key)
    out.line(Text().append(m.title, style="bold"))
    out.field("id", m.id)
    out.field("team", m.team or "—")
    out.field("owner", m.owner or "—")
    out.field("status", m.status, themed(STATUS_STYLE.get(m.status, "")))
    if m.status == "blocked":
        out.field("blocked", m.blocked_reason or "—", themed("bold $red"))
        if m.blocked_since:
            out.field("since", str(m.blocked_since))
    out.field("done", with_unit(m.percent_complete, "%"))
    out.field("duration", with_unit(m.duration, "working days"))
    if t is not None:
        out.field("start", str(t.start))
        out.field("finish", str(t.finish))
        crit = Text("—" if m.status == "done" else f"{fmt_days(t.total_float)}d")
        if t.critical:
            crit.append("  ● CRITICAL", style=themed("bold $red"))
        out.field("float", crit)
    if m.due:
        late = t is not None and t.finish > m.due
        due = f"{m.due}{'  (forecast late)' if late else ''}"
        out.field("due", due, themed("bold $red") if late else "")
    if m.actual_start or m.actual_finish:
        out.field("actual", f"{m.actual_start or '?'} → {m.actual_finish or '…'}")
    out.heading("predecessors")
    for d in m.depends_on or []:
        link = "" if d.type == "FS" and not d.lag else f" ({d.type}{d.lag:+g})"
        out.append(f"  ← {d.id}{link}\n")
    if not m.depends_on:
        out.append("  none\n", style="dim")
    out.append("successors\n", style="bold underline")
    succ = successors_of(analysis, key)
    for s in succ:
        out.append(f"  → {s}\n")
    if not succ:
        out.append("  none\n", style="dim")
    out.heading("why these dates")
    out.append_text(explain_text(analysis, key))
    if m.notes:
        out.heading("notes")
        out.append(excerpt(m.notes), style="italic")
    return out
