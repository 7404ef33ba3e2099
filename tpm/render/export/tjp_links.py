"""The scheduling half of the TaskJuggler export: tpm's progress rules and links as tj3 terms.

tj3 links only constrain a task's start, after another task's start (``onstart``) or end,
plus a gap that is never negative. tpm links are "ES_s >= ES_p or EF_p + X" with any X
(FF and SF subtract the successor's duration; leads make X negative). This module turns
each tpm link into tj3 dependencies that give the same earliest start:

- X measured from p's start when p's length is fixed: X >= length is ``onend`` with gap
  X - length, 0 <= X < length is ``onstart`` with gap X (most leads, FF and SF links).
- X < 0 from a predecessor pinned to its actual start becomes a fixed date (a helper
  milestone at that offset), or nothing when that date cannot bind (before the floor).
- X < 0 from a predecessor driven by links becomes a helper task of length -X that
  ``precedes`` the predecessor: tj3 schedules it as late as possible, so it starts exactly
  -X working days before the predecessor does, and the successor depends on its start.
  The project then opens a little before the program start (real work is anchored to the
  program start), so that a helper may reach back before it.
- Links from both ends of one predecessor (a cancelled milestone's dissolved links): tj3
  takes one dependency per pair of tasks, so an end link beside a start dependency goes
  through a milestone at the predecessor's end.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass, field

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Milestone

EPS = 1e-9


@dataclass
class Task:
    """One milestone as tj3 will see it: pinned dates or a start driven by links."""

    m: Milestone
    start: dt.date | None = None  # pinned start (actual start)
    end: dt.date | None = None  # pinned end (actual finish)
    length: float | None = None  # working days; None when the start is driven and end pinned
    anchored: bool = True  # tj3 start >= the status date (work not started)
    floor: float = 0.0  # tpm's lower bound of ES (the status date for work not started)
    instant: float | None = None  # a done event: its offset (end or start of its day)
    at_start: bool = False  # a done event at the start of its day (not the end)
    rest: float | None = None  # started with an actual start: its remaining working days
    pinned: float | None = None  # done with only actual_finish: its start offset (EF - duration)
    retained: bool = True  # FS and SS links hold the remaining work (progress_logic)
    lines: list[str] = field(default_factory=list)  # comments written inside the task

    @property
    def driven(self) -> bool:
        """True when the start follows links (no pinned actual start)."""
        return self.start is None and self.pinned is None

    @property
    def span(self) -> float | None:
        """EF - ES in both tools, when it is fixed before scheduling."""
        if self.m.status == "in_progress" and self.start is None:
            return None  # tpm: EF = max(A, ES) + remaining, so the span depends on ES
        if self.rest is not None:
            return None  # its remaining work may wait for its links
        return self.length

    @property
    def link_duration(self) -> float:
        """The duration FF and SF links subtract: the remaining work once work has started."""
        status = self.m.status
        if status == "in_progress" or (status == "blocked" and self.start is not None):
            return self.m.duration * (1 - self.m.percent_complete / 100)
        return float(self.m.duration)


def classify(m: Milestone, cal: WorkCalendar, a: int, retained: bool = True) -> Task:
    """How milestone ``m`` is pinned or driven as of status offset ``a`` (tpm's conventions).

    ``retained``: the plan's ``progress_logic`` is "retained" (FS and SS links hold the
    remaining work of started milestones).
    """
    floor = float(max(a, 0))
    if m.status == "done" and m.duration == 0 and (m.actual_finish or m.actual_start):
        # An instant: the end of its recorded day, or its start when no finish drives it.
        day = m.actual_finish or m.actual_start
        assert day is not None
        at_start = not any(d.type in ("FS", "FF") for d in m.depends_on if d.id != m.id)
        x = cal.offset(day) if at_start else cal.finish_offset(day)
        return Task(m, length=0.0, anchored=False, instant=float(x), at_start=at_start)
    if m.status == "done":
        task = Task(m, start=m.actual_start, end=m.actual_finish, anchored=False, floor=0.0)
        if m.actual_start is not None and m.actual_finish is not None:
            es, ef = cal.offset(m.actual_start), cal.finish_offset(m.actual_finish)
            task.length = max(0.0, float(ef - es))
        elif m.actual_finish is None:
            task.length = float(m.duration)
        else:  # only actual_finish: it started its duration before (tpm's convention 3)
            task.pinned = float(cal.finish_offset(m.actual_finish)) - float(m.duration)
            task.length = float(m.duration)
        return task
    remaining = m.duration * (1 - m.percent_complete / 100)
    if m.status in ("in_progress", "blocked") and m.actual_start is not None:
        es = cal.offset(m.actual_start)
        task = Task(m, start=m.actual_start, anchored=False, floor=0.0, retained=retained)
        task.length = max(a, es) + remaining - es
        task.rest = remaining
        task.lines.append(f"# started {m.actual_start}; {remaining:g} working days remain: the")
        task.lines.append("# work so far, then the rest from the status date, held by its links")
        return task
    if m.status == "in_progress":
        # Started without an actual start: tpm starts it from its links (floor 0) and counts
        # the remaining work from max(status date, that start); tj3 starts it at the status
        # date, which gives the same finish.
        task = Task(m, length=remaining, floor=0.0)
        task.lines.append("# in progress without actual_start: starts at the status date here,")
        task.lines.append("# at its links' date in tpm (the finish is the same)")
        return task
    return Task(m, length=float(m.duration), floor=floor)


def _constraint(kind: str, lag: float, d_s: float) -> tuple[str, float]:
    """A link as (anchor, X): the successor starts >= the predecessor's start/end + X days.

    ``d_s`` is the successor's planned duration (tpm's FF and SF use it, whatever the
    progress).
    """
    if kind in ("SS", "SF"):
        return "start", float(lag) - (d_s if kind == "SF" else 0.0)
    return "end", float(lag) - (d_s if kind == "FF" else 0.0)


@dataclass
class Links:
    """A task's tj3 dependencies, a fixed date it may not start before, and comments.

    ``deps``: (pred, "start"|"end", gap >= 0). ``leads``: (pred, "start"|"end", k > 0) for
    "start >= pred's start/end - k", written through a helper task of length k that
    ``precedes`` pred (tj3 schedules it as late as possible, so it starts k working days
    before pred's start) and that this task depends on with ``onstart``. ``ends``: (pred,
    gap >= 0) for "start >= pred's end + gap" beside a dependency on pred's start, written
    through a milestone at pred's end (tj3 takes one dependency per pair of tasks).
    """

    deps: list[tuple[str, str, float]] = field(default_factory=list)
    leads: list[tuple[str, str, float]] = field(default_factory=list)
    ends: list[tuple[str, float]] = field(default_factory=list)
    at: float | None = None  # offset of a fixed date the start must not precede
    comments: list[str] = field(default_factory=list)


def translate(tasks: dict[str, Task], t: Task, cal: WorkCalendar, a: int) -> Links:
    """The tj3 dependencies of task ``t`` that give tpm's earliest start."""
    out = Links()
    preds = [d for d in t.m.depends_on if d.id in tasks and d.id != t.m.id]
    if t.rest is not None:  # started: the links hold its remaining work (the "rest" task)
        if not t.retained:
            preds = [d for d in preds if d.type in ("FF", "SF")]
        assert t.start is not None
        floor_s = float(max(a, cal.offset(t.start)))
    elif not t.driven or t.instant is not None:
        if preds:
            names = ", ".join(sorted({d.id for d in preds}))
            out.comments.append(f"links from {names} not exported: done work sits at its")
            out.comments.append("actual dates (tpm ignores them too)")
        return out
    else:
        floor_s = float(max(a, 0)) if t.anchored else 0.0
    # Tightest constraint per (pred, anchor); with a known span everything is measured
    # from the predecessor's start, so that several links from one task merge into one.
    tightest: dict[tuple[str, str], float] = {}
    for d in preds:
        where, x = _constraint(d.type, d.lag, t.link_duration)
        span = tasks[d.id].span
        if where == "end" and span is not None:
            where, x = "start", x + span
        key = (d.id, where)
        tightest[key] = max(tightest.get(key, -math.inf), x)
    for (pred, where), x in tightest.items():
        tp = tasks[pred]
        span = tp.span
        # tj3 takes one dependency per pair of tasks: links from both ends of one predecessor
        # (a cancelled milestone's dissolved links) that would both be dependencies (no
        # lead: a lead goes through its own helper) put the end one through a milestone.
        direct = x >= -EPS and tightest.get((pred, "start"), -1.0) >= -EPS
        if where == "end" and direct:
            out.ends.append((pred, max(0.0, x)))
            continue
        if x >= -EPS:
            if where == "start" and span is not None and x >= span - EPS:
                out.deps.append((pred, "end", max(0.0, x - span)))
            else:
                out.deps.append((pred, where, max(0.0, x)))
        elif (
            tp.instant is not None
            or tp.pinned is not None
            or (tp.start is not None and (where == "start" or tp.rest is None))
        ):  # pinned: a fixed date
            pinned = tp.instant if tp.pinned is None else tp.pinned
            if tp.start is not None:
                pinned = float(cal.offset(tp.start))
            assert pinned is not None
            at = pinned + x
            if at > floor_s + EPS and (out.at is None or at > out.at):
                out.at = at
        else:
            out.leads.append((pred, where, -x))
    return out


def topological(tasks: dict[str, Task]) -> list[str]:
    """Task ids, predecessors first (plan order among equals)."""
    indeg = dict.fromkeys(tasks, 0)
    succ: dict[str, list[str]] = {i: [] for i in tasks}
    for i, t in tasks.items():
        for d in {d.id for d in t.m.depends_on}:
            if d in tasks and d != i:
                indeg[i] += 1
                succ[d].append(i)
    queue = deque(i for i in tasks if indeg[i] == 0)
    order: list[str] = []
    while queue:
        i = queue.popleft()
        order.append(i)
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                queue.append(j)
    return order + [i for i in tasks if indeg[i] > 0]  # cycles: validation reports them


def last_offset(tasks: dict[str, Task], cal: WorkCalendar, a: int) -> float:
    """An upper bound of every finish offset (it sizes the project span for tj3)."""
    ub: dict[str, float] = {}
    for i in topological(tasks):
        t = tasks[i]
        if t.instant is not None:
            es = t.instant
        elif t.pinned is not None:
            es = t.pinned
        elif t.start is not None:
            es = float(cal.offset(t.start))
            if t.rest is not None:  # the rest may wait for its links
                es = max(es, float(a))
                for d in t.m.depends_on:
                    es = max(es, ub.get(d.id, 0.0) + abs(d.lag))
                ub[i] = es + t.rest
                continue
        else:
            es = float(max(a, 0))
            for d in t.m.depends_on:
                es = max(es, ub.get(d.id, 0.0) + abs(d.lag))
        ub[i] = es + (t.length if t.length is not None else 0.0)
        if t.end is not None:
            ub[i] = max(ub[i], float(cal.finish_offset(t.end)))
    return max(ub.values(), default=0.0)
