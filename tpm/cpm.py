"""The CPM passes: forward, backward and free float, full or incremental, over plain lists.

This is the numeric core behind :mod:`tpm.schedule`; it knows offsets, not dates or text.
Conventions are those of ``notes/conventions.md`` (repeated in the README):

- Link constraints for predecessor p and successor s (d_s = duration of s):
  FS ``ES_s >= EF_p + lag``; SS ``ES_s >= ES_p + lag``; FF ``ES_s >= EF_p + lag - d_s``;
  SF ``ES_s >= ES_p + lag - d_s``; always ``ES_s >= 0``.
- Not started (planned, or blocked without actual_start): ``ES >= A`` (the status date).
- Started (in_progress, or blocked with actual_start): ES = actual start;
  ``EF = max(A, ES) + duration * (1 - percent_complete/100)``.
- Done: ES = actual start, EF = end of actual finish; a missing date falls back to the
  computed one (and ES is pulled back to EF if it would come after it).
- Progress overrides logic: a milestone with an actual start is not driven by its links,
  so links into it are ignored by both passes (a done predecessor cannot delay work that
  already happened).
- Backward pass: ``LF <= F`` (the project finish) for every milestone, ``LF <= due``, and
  the mirror of each link, using each predecessor's own span ``EF - ES``.
- Free float: ``min(F - EF, slack to each driven successor's early dates)``.

:class:`Cpm` keeps the lists and re-runs only what an edit can change: the forward pass from
the edited milestone's place in topological order, following only changed values; the
backward pass from the furthest changed milestone back to the start (all of it when the
project finish moved).
"""

from __future__ import annotations

from tpm.calendar import WorkCalendar
from tpm.graph import FF, FS, SS, Graph
from tpm.model import Milestone

NOT_STARTED, STARTED, DONE = 0, 1, 2
EPS = 1e-9
"""Tolerance for float comparisons (critical = total float <= EPS, tight links)."""


class Cpm:
    """Mutable CPM state of one graph; :mod:`tpm.schedule` snapshots it into results."""

    def __init__(self, graph: Graph, cal: WorkCalendar, as_of_offset: int) -> None:
        n = len(graph)
        self.graph = graph
        self.cal = cal
        self.a = float(as_of_offset)
        self.dur = [0.0] * n
        self.rem = [0.0] * n
        self.kind = [NOT_STARTED] * n
        self.fixed_es: list[float | None] = [None] * n
        self.fixed_ef: list[float | None] = [None] * n
        self.due: list[float | None] = [None] * n
        self.es = [0.0] * n
        self.ef = [0.0] * n
        self.ls = [0.0] * n
        self.lf = [0.0] * n
        self.ff = [0.0] * n
        self.finish = 0.0
        self.hold: dict[int, float] = {}
        """Extra earliest start (or resume) offsets per node: what-ifs such as blockers."""

    def set_input(self, i: int, m: Milestone) -> None:
        """Read milestone ``m``'s duration, progress, actual dates and due date into node i."""
        cal = self.cal
        self.dur[i] = float(m.duration)
        self.due[i] = None if m.due is None else float(cal.finish_offset(m.due))
        start = None if m.actual_start is None else float(cal.offset(m.actual_start))
        if m.status == "done":
            self.kind[i] = DONE
            self.fixed_es[i] = start
            finish = m.actual_finish
            self.fixed_ef[i] = None if finish is None else float(cal.finish_offset(finish))
        elif m.status == "in_progress" or (m.status == "blocked" and start is not None):
            self.kind[i] = STARTED
            self.fixed_es[i] = start
            self.fixed_ef[i] = None
            self.rem[i] = float(m.duration) * (1.0 - float(m.percent_complete) / 100.0)
        else:
            self.kind[i] = NOT_STARTED
            self.fixed_es[i] = None
            self.fixed_ef[i] = None

    def driven(self, i: int) -> bool:
        """True when node i's start follows its links (it has no actual start)."""
        return self.fixed_es[i] is None

    # ------------------------------------------------------------------ forward

    def _early(self, i: int) -> tuple[float, float]:
        es_list, ef_list = self.es, self.ef
        kind = self.kind[i]
        d = self.dur[i]
        es = self.fixed_es[i]
        if es is None:
            es = self.a if kind == NOT_STARTED and self.a > 0.0 else 0.0
            for p, code, lag in self.graph.preds[i]:
                if code == FS:
                    v = ef_list[p] + lag
                elif code == SS:
                    v = es_list[p] + lag
                elif code == FF:
                    v = ef_list[p] + lag - d
                else:
                    v = es_list[p] + lag - d
                if v > es:
                    es = v
        if self.hold and i in self.hold:
            return self._held(i, es)
        if kind == NOT_STARTED:
            return es, es + d
        if kind == STARTED:
            return es, (self.a if self.a > es else es) + self.rem[i]
        ef = self.fixed_ef[i]
        if ef is None:
            ef = es + d
        return (ef if ef < es else es), ef

    def _held(self, i: int, es: float) -> tuple[float, float]:
        until = self.hold[i]
        if self.kind[i] == NOT_STARTED:
            es = max(es, until)
            return es, es + self.dur[i]
        if self.kind[i] == STARTED:
            return es, max(self.a, es, until) + self.rem[i]
        return es, self.ef[i]

    def finish_if_held(self, i: int, until: float) -> float:
        """The project finish if node i could not start (or resume) before offset ``until``.

        Leaves the schedule as it was.
        """
        es, ef = list(self.es), list(self.ef)
        self.hold = {i: until}
        try:
            self.forward(self.graph.position[i], (i,))
            return max(self.ef, default=0.0)
        finally:
            self.hold = {}
            self.es, self.ef = es, ef

    def forward(self, first: int = 0, seeds: tuple[int, ...] | None = None) -> list[int]:
        """Forward pass from position ``first``; returns the nodes whose ES or EF changed.

        With ``seeds`` only those nodes (and what their changes reach) are recomputed.
        """
        graph, es_list, ef_list = self.graph, self.es, self.ef
        order, succs = graph.order, graph.succs
        dirty = bytearray(len(graph)) if seeds is not None else None
        if dirty is not None and seeds is not None:
            for s in seeds:
                dirty[s] = 1
        changed: list[int] = []
        for pos in range(first, len(order)):
            i = order[pos]
            if dirty is not None and not dirty[i]:
                continue
            es, ef = self._early(i)
            if es != es_list[i] or ef != ef_list[i]:
                es_list[i], ef_list[i] = es, ef
                changed.append(i)
                if dirty is not None:
                    for s, _code, _lag in succs[i]:
                        dirty[s] = 1
        return changed

    # ------------------------------------------------------------------ backward

    def _late(self, p: int) -> tuple[float, float]:
        ls_list, lf_list, fixed = self.ls, self.lf, self.fixed_es
        span = self.ef[p] - self.es[p]
        lf = self.finish
        due = self.due[p]
        if due is not None and due < lf:
            lf = due
        for s, code, lag in self.graph.succs[p]:
            if fixed[s] is not None:
                continue
            if code == FS:
                v = ls_list[s] - lag
            elif code == SS:
                v = ls_list[s] - lag + span
            elif code == FF:
                v = lf_list[s] - lag
            else:
                v = lf_list[s] - lag + span
            if v < lf:
                lf = v
        return lf - span, lf

    def backward(self, seeds: tuple[int, ...] | None = None) -> None:
        """Backward pass over everything, or only from ``seeds`` towards the start."""
        graph, ls_list, lf_list = self.graph, self.ls, self.lf
        order, preds, position = graph.order, graph.preds, graph.position
        if seeds is None:
            for pos in range(len(order) - 1, -1, -1):
                i = order[pos]
                ls_list[i], lf_list[i] = self._late(i)
            return
        if not seeds:
            return
        dirty = bytearray(len(graph))
        for s in seeds:
            dirty[s] = 1
        for pos in range(max(position[s] for s in seeds), -1, -1):
            i = order[pos]
            if not dirty[i]:
                continue
            ls, lf = self._late(i)
            if ls != ls_list[i] or lf != lf_list[i]:
                ls_list[i], lf_list[i] = ls, lf
                for p, _code, _lag in preds[i]:
                    dirty[p] = 1

    # ------------------------------------------------------------------ free float

    def _free(self, p: int) -> float:
        es_list, ef_list, fixed = self.es, self.ef, self.fixed_es
        es_p, ef_p = es_list[p], ef_list[p]
        free = self.finish - ef_p
        for s, code, lag in self.graph.succs[p]:
            if fixed[s] is not None:
                continue
            if code == FS:
                v = es_list[s] - lag - ef_p
            elif code == SS:
                v = es_list[s] - lag - es_p
            elif code == FF:
                v = ef_list[s] - lag - ef_p
            else:
                v = ef_list[s] - lag - es_p
            if v < free:
                free = v
        return free

    def free_float(self, nodes: list[int] | None = None) -> None:
        """Free float of every node, or only of ``nodes``."""
        ff = self.ff
        for i in range(len(self.graph)) if nodes is None else nodes:
            ff[i] = self._free(i)

    # ------------------------------------------------------------------ whole runs

    def run(self) -> None:
        """Full schedule: forward, project finish, backward, free float."""
        self.forward()
        self.finish = max(self.ef, default=0.0)
        self.backward()
        self.free_float()

    def update(self, i: int, m: Milestone) -> None:
        """Re-schedule after milestone ``m`` (node i) changed duration, status, progress or dates.

        Its links must be unchanged (the caller rebuilds the graph when they change).
        """
        was_driven = self.driven(i)
        self.set_input(i, m)
        graph = self.graph
        changed = self.forward(graph.position[i], (i,))
        finish = max(self.ef, default=0.0)
        preds_i = [p for p, _c, _l in graph.preds[i]]
        if finish != self.finish:
            self.finish = finish
            self.backward()
            self.free_float()
            return
        seeds = {i, *changed}
        if was_driven != self.driven(i):
            seeds.update(preds_i)
        self.backward(tuple(seeds))
        touched = set(seeds)
        touched.update(preds_i)
        for c in changed:
            touched.update(p for p, _c, _l in graph.preds[c])
        self.free_float(sorted(touched))

    def tight_preds(self, s: int, include_done: bool = False) -> list[int]:
        """Predecessors whose link drives node s's early start, in plan order.

        Done predecessors are left out unless ``include_done`` (paths never contain them).
        """
        if not self.driven(s):
            return []
        es_list, ef_list, d, target = self.es, self.ef, self.dur[s], self.es[s]
        out = []
        for p, code, lag in self.graph.preds[s]:
            if self.kind[p] == DONE and not include_done:
                continue
            if code == FS:
                v = ef_list[p] + lag
            elif code == SS:
                v = es_list[p] + lag
            elif code == FF:
                v = ef_list[p] + lag - d
            else:
                v = es_list[p] + lag - d
            if abs(v - target) <= EPS and p not in out:  # a pair may be linked twice
                out.append(p)
        return sorted(out)


def critical_paths(cpm: Cpm, cap: int) -> tuple[list[list[int]], bool]:
    """Chains of driving links from a start to each milestone that ends the project.

    Depth-first from the finishing milestones (plan order), predecessors in plan order;
    stops after ``cap`` paths and says so. Done milestones are never on a path.
    """
    finish = cpm.finish
    ends = [i for i in range(len(cpm.graph)) if cpm.kind[i] != DONE and cpm.ef[i] >= finish - EPS]
    tight: dict[int, list[int]] = {}
    # An end that drives another end (an event after the last task) is inside that path.
    covered: set[int] = set()
    todo = list(ends)
    while todo:
        node = todo.pop()
        preds = tight.get(node)
        if preds is None:
            preds = tight[node] = cpm.tight_preds(node)
        for p in preds:
            if p not in covered:
                covered.add(p)
                todo.append(p)
    ends = [e for e in ends if e not in covered]
    paths: list[list[int]] = []
    for end in ends:
        # Iterative DFS: a chain can be thousands of milestones long.
        stack: list[tuple[int, int]] = [(end, 0)]
        trail: list[int] = []
        while stack:
            node, depth = stack.pop()
            del trail[depth:]
            trail.append(node)
            preds = tight.get(node)
            if preds is None:
                preds = tight[node] = cpm.tight_preds(node)
            if not preds:
                if len(paths) == cap:
                    return paths, True
                paths.append(trail[::-1])
                continue
            for p in reversed(preds):
                stack.append((p, depth + 1))
    return paths, False
