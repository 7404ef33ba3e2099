"""The result of scheduling a plan: what the CLI, the TUI, the report and the risk engine read.

:mod:`tpm.schedule.scheduler` computes it; this module holds the frozen result types, apart
from the machine that fills them, so that readers of a schedule need not know how it is made.

- ``Schedule`` (frozen): ``program``, ``as_of``, ``as_of_offset``, ``start`` (offset 0's
  date), ``finish`` (date), ``finish_offset``, ``target``, ``margin_days`` (working days
  from finish to target, positive = early, None without a target), ``critical_path`` (the
  driving chain, first of ``critical_paths``), ``critical_paths`` (every tied chain, at
  most ``max_paths``), ``paths_capped``, ``critical`` (frozenset of ids on a critical path:
  see :mod:`tpm.schedule.network`), ``late`` (not done, negative float: a due date is
  missed; may also be critical), ``near_critical`` (not critical, float 0 to
  ``near_critical_days``), ``milestones``
  (``dict[str, MilestoneSchedule]`` in plan order, cancelled ones left out), ``cancelled``
  (ids), ``calendar`` (the :class:`~tpm.plan.calendar.WorkCalendar`), ``baseline``
  (:class:`BaselineVariance` or None). ``sched.milestone(id)`` gets one milestone without
  building them all.
- ``MilestoneSchedule`` (frozen): offsets ``early_start`` .. ``late_finish``,
  ``total_float``, ``free_float`` (working days), ``critical``, ``near_critical``, dates
  ``start``/``finish``/``late_finish_date``, ``status``, ``due``, baseline dates and
  ``variance_days`` (forecast finish minus baseline finish in working days; positive =
  slipped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import BaselineEntry, Milestone
from tpm.schedule.cpm import Cpm
from tpm.schedule.graph import Graph
from tpm.schedule.network import critical_chains, critical_nodes
from tpm.schedule.progress import DONE, EPS, snap
from tpm.schedule.slack import free_float


@dataclass(frozen=True)
class MilestoneSchedule:
    """One milestone's computed schedule (offsets in working days from the program start)."""

    id: str
    title: str
    team: str
    status: str
    duration: float
    remaining: float
    """Working days of work left as of the status date (0 when done)."""
    early_start: float
    early_finish: float
    late_start: float
    late_finish: float
    total_float: float
    free_float: float
    critical: bool
    near_critical: bool
    start: dt.date
    finish: dt.date
    late_finish_date: dt.date
    """The latest finish date that does not delay the program or a due date."""
    due: dt.date | None
    baseline_start: dt.date | None
    baseline_finish: dt.date | None
    variance_days: int | None
    """Forecast finish minus baseline finish in working days; positive = later (slipped)."""


@dataclass(frozen=True)
class BaselineVariance:
    """The program finish against the chosen baseline."""

    name: str
    recorded: dt.date
    finish: dt.date
    variance_days: int
    """Forecast finish minus baseline finish in working days; positive = slipped."""


@dataclass(frozen=True, eq=False)
class Schedule:
    """A plan's schedule as of a status date. Cheap to build; per-milestone data is lazy."""

    program: str
    as_of: dt.date
    as_of_offset: int
    start: dt.date
    finish: dt.date
    finish_offset: float
    target: dt.date | None
    margin_days: int | None
    near_critical_days: float
    cancelled: tuple[str, ...]
    calendar: WorkCalendar
    baseline: BaselineVariance | None
    graph: Graph
    max_paths: int
    _cpm: CpmSnapshot = field(repr=False)
    _items: tuple[Milestone, ...] = field(repr=False)
    _baseline_entries: dict[str, BaselineEntry] = field(repr=False)

    def cpm(self) -> Cpm:
        """A private copy of the CPM state (for what-if analyses such as blockers)."""
        return self._cpm.as_cpm(self.graph, self.calendar)

    @cached_property
    def _paths(self) -> tuple[tuple[tuple[str, ...], ...], bool]:
        paths, capped = critical_chains(self.cpm(), self.max_paths)
        ids = self.graph.ids
        return tuple(tuple(ids[i] for i in p) for p in paths), capped

    @property
    def critical_paths(self) -> tuple[tuple[str, ...], ...]:
        """Every tied chain of driving links that ends the project (capped at max_paths)."""
        return self._paths[0]

    @property
    def paths_capped(self) -> bool:
        """True when there are more tied critical paths than ``critical_paths`` lists."""
        return self._paths[1]

    @property
    def critical_path(self) -> tuple[str, ...]:
        """The driving critical path: the first of ``critical_paths`` (empty when all done)."""
        paths = self.critical_paths
        return paths[0] if paths else ()

    @cached_property
    def _on_path(self) -> frozenset[int]:
        return critical_nodes(self.cpm())

    @cached_property
    def critical(self) -> frozenset[str]:
        """Ids on a critical path: a chain of driving links to the program finish (never done)."""
        ids = self.graph.ids
        return frozenset(ids[i] for i in self._on_path)

    @cached_property
    def late(self) -> frozenset[str]:
        """Ids not done with negative total float: they (or work they drive) miss a due date.

        A late milestone may also be critical; one that is not is never called critical.
        """
        kind, lf, ef, ids = self._cpm.kind, self._cpm.lf, self._cpm.ef, self.graph.ids
        return frozenset(
            ids[i] for i in range(len(ids)) if kind[i] != DONE and lf[i] - ef[i] < -EPS
        )

    @cached_property
    def near_critical(self) -> frozenset[str]:
        """Ids not critical, not done, with total float in 0..``near_critical_days``."""
        return self._floating(-EPS, self.near_critical_days + EPS)

    def _floating(self, above: float, up_to: float) -> frozenset[str]:
        """Ids off the critical path, not done, with total float in (above, up_to]."""
        kind, lf, ef, ids, on = (
            self._cpm.kind,
            self._cpm.lf,
            self._cpm.ef,
            self.graph.ids,
            self._on_path,
        )
        return frozenset(
            ids[i]
            for i in range(len(ids))
            if kind[i] != DONE and above < lf[i] - ef[i] <= up_to and i not in on
        )

    def milestone(self, milestone_id: str) -> MilestoneSchedule:
        """One milestone's schedule; KeyError for unknown or cancelled ids."""
        cached = self.__dict__.get("milestones")
        if cached is not None:
            return cached[milestone_id]  # type: ignore[no-any-return]
        i = self.graph.index[milestone_id]
        return MilestoneSchedule(*next(self.rows(i, i + 1)))

    def finish_and_variance(self, milestone_id: str) -> tuple[dt.date, int | None]:
        """One milestone's forecast finish and its variance against the baseline (working
        days, None without a baseline entry): the same values as :meth:`milestone`, without
        the rest of the row (floats, dates of the start). KeyError for unknown ids."""
        cached = self.__dict__.get("milestones")
        if cached is not None:
            row = cached[milestone_id]
            return row.finish, row.variance_days
        i = self.graph.index[milestone_id]
        finish = self._dates(i)[1]
        entry = self._baseline_entries.get(milestone_id) if self._baseline_entries else None
        if entry is None:
            return finish, None
        offset = self.calendar.finish_offset
        return finish, offset(finish) - offset(entry.finish)

    @cached_property
    def milestones(self) -> dict[str, MilestoneSchedule]:
        """Every scheduled milestone, in plan order. Treat as read-only."""
        return {row[0]: MilestoneSchedule(*row) for row in self.rows()}

    def _dates(self, i: int) -> tuple[dt.date, dt.date]:
        return node_dates(self._cpm, self.calendar, self._items[i], i)

    def rows(self, first: int = 0, last: int | None = None) -> Iterator[tuple[Any, ...]]:
        """The fields of MilestoneSchedule as plain tuples, in plan order (fast path for JSON)."""
        c, cal, items = self._cpm, self.calendar, self._items
        es_l, ef_l, ls_l, lf_l, kind_l = c.es, c.ef, c.ls, c.lf, c.kind
        graph, project, retained = self.graph, c.finish, c.retained
        entries, as_of = self._baseline_entries, float(self.as_of_offset)
        near_limit = self.near_critical_days + EPS
        finish_date, finish_offset, side_l = cal.finish_date, cal.finish_offset, c.side
        dates = self._dates
        on_path = self._on_path
        for i in range(first, len(items) if last is None else last):
            m = items[i]
            es, ef, ls, lf = es_l[i], ef_l[i], ls_l[i], lf_l[i]
            total = snap(lf - ef)
            done = kind_l[i] == DONE
            critical = i in on_path
            start, finish = dates(i)
            entry = entries.get(m.id) if entries else None
            yield (
                m.id,
                m.title,
                m.team,
                m.status,
                float(m.duration),
                0.0 if done else max(0.0, ef - (es if es > as_of else as_of)),
                es,
                ef,
                ls,
                lf,
                total,
                free_float(c, graph, project, i, retained),
                critical,
                not done and not critical and -EPS < total <= near_limit,
                start,
                finish,
                cal.event_date(lf, side_l[i] == 1) if m.duration == 0 else finish_date(lf, ls),
                m.due,
                None if entry is None else entry.start,
                None if entry is None else entry.finish,
                None if entry is None else finish_offset(finish) - finish_offset(entry.finish),
            )


def node_dates(
    c: Cpm | CpmSnapshot, cal: WorkCalendar, m: Milestone, i: int
) -> tuple[dt.date, dt.date]:
    """Node i's start and finish dates: the recorded ones when done; an event's one day."""
    es, ef = c.es[i], c.ef[i]
    if m.duration == 0:
        day = cal.event_date(ef, c.side[i] == 1)
        if c.kind[i] == DONE:
            day = m.actual_finish or m.actual_start or day
        return day, day
    start, finish = cal.start_date(es), cal.finish_date(ef, es)
    if c.kind[i] == DONE:
        return m.actual_start or start, m.actual_finish or finish
    return start, finish


@dataclass(frozen=True)
class CpmSnapshot:
    """Copies of a Cpm's lists at one moment (the Cpm keeps changing under a Scheduler)."""

    lists: dict[str, list[Any]]
    finish: float
    a: float
    retained: bool

    @classmethod
    def of(cls, c: Cpm) -> CpmSnapshot:
        lists = {name: list(getattr(c, name)) for name in _LISTS}
        return cls(lists, c.finish, c.a, c.retained)

    def __getattr__(self, name: str) -> list[Any]:
        try:
            return self.lists[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_cpm(self, graph: Graph, cal: WorkCalendar) -> Cpm:
        """A Cpm with copies of these lists, for path finding and what-ifs."""
        c = Cpm(graph, cal, 0)
        for name, values in self.lists.items():
            setattr(c, name, list(values))
        c.finish, c.a, c.retained = self.finish, self.a, self.retained
        c.open = bytearray(k != DONE for k in c.kind)
        return c


_LISTS = ("es", "ef", "ls", "lf", "kind", "dur", "rem", "fixed_es", "fixed_ef", "due", "side")
