"""The schedule of a plan as of a status date: the machine that computes CPM dates, float,
critical paths and variance (the result types live in :mod:`tpm.schedule.result`).

Public API (used by the CLI, the TUI, the report and the risk engine; keep it stable):

- ``schedule(plan, as_of, *, baseline=None, max_paths=20) -> Schedule``: the whole result
  (:class:`~tpm.schedule.result.Schedule`, with its
  :class:`~tpm.schedule.result.MilestoneSchedule` rows).
- ``Scheduler(plan, as_of)``: keeps the graph; ``.schedule()`` is the current result;
  ``.update(new_plan, changed_ids)`` (or ``.update_milestone(milestone)``) re-schedules after
  an edit of milestones' duration, status, progress, actual dates or due in milliseconds (a
  change of links, or a milestone added, removed or cancelled, rebuilds the graph).

Raises :class:`~tpm.plan.calendar.CalendarError` when dates leave the years 1..9999,
:class:`~tpm.schedule.graph.GraphError` on a dependency cycle (``tpm check`` reports those
first) and
:class:`UnknownBaseline` for a baseline name the plan does not have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Baseline, Milestone, Plan
from tpm.schedule import days
from tpm.schedule.cpm import Cpm
from tpm.schedule.graph import Graph, build_graph
from tpm.schedule.progress import EPS
from tpm.schedule.result import BaselineVariance, CpmSnapshot, Schedule, node_dates

MAX_PATHS = 20
"""Default cap on the number of tied critical paths listed."""


class UnknownBaseline(KeyError):
    """``--baseline NAME`` names no baseline of the plan."""


def whole_days(value: float, late_by_a_night: bool = False) -> int:
    """Working days rounded down (:func:`tpm.schedule.days.whole_days`), so that nothing late
    reads as on time.

    ``late_by_a_night``: the value is an instant difference to an event dated at the start of
    its day, which is a night after the same instant read as the end of the day before.
    """
    whole = days.whole_days(value)
    if late_by_a_night and abs(value - whole) <= EPS:
        whole -= 1
    return whole


def find_baseline(plan: Plan, name: str | None) -> Baseline | None:
    """The named baseline, else the plan's ``settings.current_baseline``, else the latest
    recorded one (the last of equal dates); None if the plan has none.

    Raises UnknownBaseline for a name the plan does not have.
    """
    if name is None:
        name = plan.settings.current_baseline
    if name is not None:
        for b in plan.baselines:
            if b.name == name:
                return b
        raise UnknownBaseline(name)
    latest: Baseline | None = None
    for b in plan.baselines:
        if latest is None or b.recorded >= latest.recorded:
            latest = b
    return latest


class Scheduler:
    """Keeps a plan's graph and CPM lists so that one-milestone edits re-schedule fast."""

    def __init__(
        self,
        plan: Plan,
        as_of: dt.date,
        *,
        baseline: str | None = None,
        max_paths: int = MAX_PATHS,
        graph: Graph | None = None,
    ) -> None:
        self.as_of = as_of
        self.max_paths = max_paths
        self._baseline_name = baseline
        self._load(plan, graph)

    def _load(self, plan: Plan, graph: Graph | None = None) -> None:
        self.plan = plan
        self.calendar = WorkCalendar.of(plan)
        self.graph = build_graph(plan) if graph is None else graph
        self._as_of_offset = self.calendar.offset(self.as_of)
        self.cpm = Cpm(self.graph, self.calendar, self._as_of_offset)
        self.cpm.retained = plan.settings.progress_logic == "retained"
        by_id = {m.id: m for m in reversed(plan.milestones) if m.status != "cancelled"}
        self._where = {m.id: k for k, m in reversed(list(enumerate(plan.milestones)))}
        self._items = [by_id[ident] for ident in self.graph.ids]
        for i, m in enumerate(self._items):
            self.cpm.set_input(i, m)
        self._base = find_baseline(plan, self._baseline_name)
        self._entries = {e.id: e for e in self._base.milestones} if self._base else {}
        self.cpm.run()
        self.current = self._result()

    def schedule(self) -> Schedule:
        """The current schedule."""
        return self.current

    def update(self, plan: Plan, changed: Iterable[str]) -> Schedule:
        """Re-schedule ``plan``, an edit of the previous plan; ``changed`` names the edited ids.

        Fast path when only those milestones' duration, status, progress, actual dates or due
        changed (and the calendar, start and baselines did not); anything else (links, a
        milestone added, removed or (un)cancelled) rebuilds everything.
        """
        old_plan, wanted = self.plan, set(changed)
        fast = (
            len(plan.milestones) == len(old_plan.milestones)
            and plan.program.start == old_plan.program.start
            and plan.calendar == old_plan.calendar
            and plan.settings.progress_logic == old_plan.settings.progress_logic
            and (plan.baselines is old_plan.baselines or plan.baselines == old_plan.baselines)
        )
        edits: list[tuple[int, Milestone]] = []
        if fast:
            for ident in sorted(wanted):
                i = self.graph.index.get(ident)
                where = self._where.get(ident)
                new = None if where is None else plan.milestones[where]
                if new is not None and new.id != ident:
                    new = None
                if i is None or new is None or new.status == "cancelled":
                    fast = False
                    break
                if new.depends_on != self._items[i].depends_on:
                    fast = False
                    break
                edits.append((i, new))
        if not fast:
            self._load(plan)
            return self.current
        self.plan = plan
        for i, new in edits:
            self._items[i] = new
            self.cpm.update(i, new)
        self.current = self._result()
        return self.current

    def update_milestone(self, milestone: Milestone) -> Schedule:
        """Replace the milestone with the same id by ``milestone`` and re-schedule."""
        items = list(self.plan.milestones)
        where = self._where.get(milestone.id)
        if where is None:
            raise KeyError(milestone.id)
        items[where] = milestone
        return self.update(self.plan.model_copy(update={"milestones": items}), [milestone.id])

    def _result(self) -> Schedule:
        plan, cal, c = self.plan, self.calendar, self.cpm
        if len(self.graph):
            # Every date shown lies between these: a range error surfaces here, not later.
            cal.start_date(min(min(c.es), min(c.ls)))
            cal.start_date(max(max(c.ef), max(c.lf)))
        ends = c.finish_nodes()
        items = self._items
        finish = max((node_dates(c, cal, items[i], i)[1] for i in ends), default=cal.origin)
        target = plan.program.target
        margin = None
        if target is not None:
            # From instants: the latest finish instant against the end of the target day.
            night = any(c.side[i] and items[i].duration == 0 for i in ends)
            margin = whole_days(cal.finish_offset(target) - c.finish, night)
        variance = None
        if self._base is not None:
            variance = BaselineVariance(
                name=self._base.name,
                recorded=self._base.recorded,
                finish=self._base.finish,
                variance_days=cal.finish_offset(finish) - cal.finish_offset(self._base.finish),
            )
        return Schedule(
            program=plan.program.name,
            as_of=self.as_of,
            as_of_offset=self._as_of_offset,
            start=cal.origin,
            finish=finish,
            finish_offset=c.finish,
            target=target,
            margin_days=margin,
            near_critical_days=float(plan.settings.near_critical_days),
            cancelled=self.graph.cancelled,
            calendar=cal,
            baseline=variance,
            graph=self.graph,
            max_paths=self.max_paths,
            _cpm=CpmSnapshot.of(c),
            _items=tuple(self._items),
            _baseline_entries=self._entries,
        )


def schedule(
    plan: Plan,
    as_of: dt.date,
    *,
    baseline: str | None = None,
    max_paths: int = MAX_PATHS,
    graph: Graph | None = None,
) -> Schedule:
    """Schedule a validated plan as of ``as_of`` (see the module docstring for the result).

    ``graph``: the plan's graph (:func:`build_graph`) when the caller has it already, such as
    a trend whose consecutive versions have the same links."""
    return Scheduler(plan, as_of, baseline=baseline, max_paths=max_paths, graph=graph).current


def critical_sets(
    plan: Plan, as_of: dt.date
) -> tuple[frozenset[str], frozenset[str], frozenset[str], str]:
    """Critical, near-critical and late milestone ids, for the risk register's exposure.

    Returns empty sets and a reason when the schedule cannot be computed (the dates leave
    the calendar's range); the risk register is still useful then, only without
    critical-path exposure.
    """
    try:
        result = schedule(plan, as_of)
    except ValueError as exc:  # CalendarError, GraphError: tpm check reports these
        return frozenset(), frozenset(), frozenset(), f"the schedule cannot be computed ({exc})"
    return result.critical, result.near_critical, result.late, ""
