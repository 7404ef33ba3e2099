"""The CPM passes: forward, backward and free float, full or incremental, over plain lists.

This is the numeric core behind :mod:`tpm.schedule.scheduler`; it knows offsets, not dates
or text. The conventions (docs/explanation/scheduling-model.md):

- Link constraints for predecessor p and successor s (d_s = duration of s):
  FS ``ES_s >= EF_p + lag``; SS ``ES_s >= ES_p + lag``; FF ``ES_s >= EF_p + lag - d_s``;
  SF ``ES_s >= ES_p + lag - d_s``; always ``ES_s >= 0``.
- Not started (planned, or blocked without actual_start): ``ES >= A`` (the status date).
- Started (in_progress, or blocked with actual_start): ES = actual start;
  ``EF = max(A, ES) + duration * (1 - percent_complete/100)``.
- Done: ES = actual start, EF = end of actual finish; with only ``actual_finish`` the start
  is the duration back from it (ES = EF - duration); with neither, the computed dates.
- Events (duration 0) are instants, ES = EF. An event that follows a finish (FS or FF, from
  work or from such an event) sits at that finish instant and is dated on the predecessor's
  finish day; one at the program start or status date, or driven by a start (SS, SF), sits at
  the start of its day (``side`` 1). A positive lag is working time: like work it ends at
  the end of a day. On a tie the start of the day wins (it is the later moment). A done
  event sits at the end of its recorded day, or at its start when it has no finish-type
  link (so recording it done on its scheduled day moves nothing).
- Started work keeps its actual start, and its remaining work resumes at
  ``R = max(A, ES, links)``, ``EF = R + remaining``: FF ``R >= EF_p + lag - remaining`` and
  SF ``R >= ES_p + lag - remaining`` always (a finish link holds the finish that has not
  happened yet); FS ``R >= EF_p + lag`` and SS ``R >= ES_p + lag`` under retained logic
  (``progress_logic = "retained"``, the default), not under progress override. Links into
  done work are ignored by both passes (a predecessor cannot delay work that already
  happened).
- The project finish F is the latest early finish of open work (not done); of all work only
  when everything is done. Done work is history: a recorded finish after the status date
  (``tpm check`` warns) or at the end of the status day never sets F, so open work always
  reaches F and the critical path is never empty while work remains.
- Backward pass: ``LF <= F`` (the project finish) for every milestone, ``LF <= due``, and
  the mirror of each link, using each predecessor's own span ``EF - ES`` (into started
  work: its remaining work, ``LF_s - remaining`` being its latest resumption). Links from
  the start of work that has started (SS, SF) limit nothing: that start cannot slip. Done
  work limits nothing: neither its due date nor links into it reach its predecessors.
- Free float: ``min(F - EF, slack to each driven successor's early dates)``, computed when
  read (:func:`tpm.schedule.slack.free_float`): it depends on early dates only.

:class:`Cpm` keeps the lists and re-runs only what an edit can change: the forward pass from
the edited milestone's place in topological order, following only changed values; the
backward pass only upstream of milestones whose span EF - ES changed, because late dates are
kept as ``LF = min(F - tail, limit)`` with ``tail`` and ``limit`` independent of the project
finish F; then LS and LF are filled in for all (two list comprehensions).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import compress

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Milestone
from tpm.schedule.graph import FF, FS, SF, SS, UNIT, Graph
from tpm.schedule.progress import DONE, EPS, NOT_STARTED, STARTED, progress, snap
from tpm.schedule.slack import free_float

INF = float("inf")


class Cpm:
    """Mutable CPM state of one graph; :mod:`tpm.schedule.scheduler` snapshots it into results."""

    def __init__(self, graph: Graph, cal: WorkCalendar, as_of_offset: int) -> None:
        n = len(graph)
        self.graph = graph
        self.cal = cal
        self.a = float(as_of_offset)
        self.dur = [0.0] * n
        self.rem = [0.0] * n
        self.kind = [NOT_STARTED] * n
        self.open = bytearray(b"\x01") * n
        """1 for a node that is not done (it can set the project finish)."""
        self.fixed_es: list[float | None] = [None] * n
        self.fixed_ef: list[float | None] = [None] * n
        self.due: list[float | None] = [None] * n
        self.es = [0.0] * n
        self.ef = [0.0] * n
        self.ls = [0.0] * n
        self.lf = [0.0] * n
        self.tail = [0.0] * n
        self.limit = [INF] * n
        self.side = [0] * n
        """1 for an event dated at the start of its day (see the module docstring), else 0."""
        self.finish = 0.0
        self._materialized_at = float("nan")  # the finish ``ls`` and ``lf`` were filled for
        self.retained = True
        """Retained logic (the default): FS and SS links hold started work's remaining part."""
        self.pinned: dict[int, float] = {}
        """Resumption offsets of started nodes, pinned for what-ifs (``tpm why``)."""
        self.hold: dict[int, float] = {}
        """Extra earliest start (or resume) offsets per node: what-ifs such as blockers."""

    def set_input(self, i: int, m: Milestone) -> None:
        """Read milestone ``m``'s duration, progress, actual dates and due date into node i."""
        cal = self.cal
        self.dur[i] = snap(float(m.duration))
        self.due[i] = None if m.due is None else float(cal.finish_offset(m.due))
        kind, fixed_es, fixed_ef, side = progress(m, cal, self.graph.preds[i])
        self.kind[i], self.fixed_es[i], self.fixed_ef[i] = kind, fixed_es, fixed_ef
        self.open[i] = kind != DONE
        self.side[i] = side
        if kind == STARTED:
            self.rem[i] = snap(float(m.duration) * (1.0 - float(m.percent_complete) / 100.0))

    def driven(self, i: int) -> bool:
        """True when node i's start follows its links (it has no actual start)."""
        return self.fixed_es[i] is None

    # ------------------------------------------------------------------ forward

    def _early(self, i: int) -> tuple[float, float]:
        es, ef = self._early_exact(i)
        return round(es * UNIT) / UNIT, round(ef * UNIT) / UNIT

    def _early_exact(self, i: int) -> tuple[float, float]:
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
        if kind == STARTED:
            r = self.pinned[i] if self.pinned and i in self.pinned else self.resume(i, es)
            if self.hold and i in self.hold and self.hold[i] > r:
                r = self.hold[i]
            return es, r + self.rem[i]
        if self.hold and i in self.hold:
            return self._held(i, es)
        if kind == NOT_STARTED:
            return es, es + d
        ef = self.fixed_ef[i]
        if ef is None:
            ef = es + d
        return (ef if ef < es else es), ef

    def resume(self, i: int, es: float) -> float:
        """When started node i's remaining work runs, from its start ``es`` and its links.

        The later of the status date and ``es``, then every link as the module docstring
        says (all four types under retained logic or without an actual start; FF and SF
        only under progress override).
        """
        r = self.a if self.a > es else es
        rem = self.rem[i]
        every = self.retained or self.fixed_es[i] is None
        es_list, ef_list = self.es, self.ef
        for p, code, lag in self.graph.preds[i]:
            if code == FF:
                v = ef_list[p] + lag - rem
            elif code == SF:
                v = es_list[p] + lag - rem
            elif not every:
                continue
            elif code == FS:
                v = ef_list[p] + lag
            else:
                v = es_list[p] + lag
            if v > r:
                r = v
        return r

    def _event_side(self, i: int, es: float, ef: float) -> int:
        """1 when event i (not pinned by progress) sits at the start of its day, else 0.

        The start of the day wins a tie: the floor (program start or status date), a start
        link (SS, SF), or a finish link from an event that itself sits at a day's start, each
        without a positive lag (a lag is working time and ends at the end of a day).
        """
        if ef != es:
            return 1  # started, resumed at the status date
        floor = self.a if self.kind[i] == NOT_STARTED and self.a > 0.0 else 0.0
        if es == floor:
            return 1
        es_list, ef_list, side, dur = self.es, self.ef, self.side, self.dur
        for p, code, lag in self.graph.preds[i]:
            if lag > 0.0:
                continue  # a lag is working time: like work, it ends at the end of a day
            if code == FS or code == FF:
                if side[p] and ef_list[p] + lag == es:
                    return 1
            elif es_list[p] + lag == es and (side[p] or dur[p] != 0.0):
                return 1
        return 0

    def _held(self, i: int, es: float) -> tuple[float, float]:
        until = self.hold[i]
        if self.kind[i] == NOT_STARTED:
            es = max(es, until)
            return es, es + self.dur[i]
        return es, self.ef[i]

    def finish_if_held(self, i: int, until: float) -> float:
        """The project finish if node i could not start (or resume) before offset ``until``.

        Leaves the schedule as it was. Only what the hold moves is recomputed, in
        topological order through a heap of positions: most holds are absorbed by float
        within a few milestones, so this costs far less than a forward pass.
        """
        es_list, ef_list = self.es, self.ef
        order, position, succs = self.graph.order, self.graph.position, self.graph.succs
        saved: dict[int, tuple[float, float]] = {}
        finish, lowered = self.finish, False
        some_open = 1 in self.open
        heap, queued = [position[i]], {i}
        self.hold = {i: until}
        try:
            while heap:
                n = order[heapq.heappop(heap)]
                es, ef = self._early(n)
                if es == es_list[n] and ef == ef_list[n]:
                    continue
                saved.setdefault(n, (es_list[n], ef_list[n]))
                lowered = lowered or ef < ef_list[n]
                es_list[n], ef_list[n] = es, ef
                if (self.open[n] or not some_open) and ef > finish:
                    finish = ef
                for s, _code, _lag in succs[n]:
                    if s not in queued:
                        queued.add(s)
                        heapq.heappush(heap, position[s])
            # A hold only delays, so no finish moves earlier; stay exact if one ever did.
            return self.program_finish() if lowered else finish
        finally:
            self.hold = {}
            for n, (es, ef) in saved.items():
                es_list[n], ef_list[n] = es, ef

    def forward(
        self, first: int = 0, seeds: tuple[int, ...] | None = None
    ) -> tuple[list[int], list[int]]:
        """Forward pass from position ``first``.

        With ``seeds`` only those nodes (and what their changes reach) are recomputed, in
        topological order through a heap of positions (``first`` is then not needed).
        Returns the nodes whose ES or EF changed, and those of them whose span EF - ES did.
        """
        graph, es_list, ef_list = self.graph, self.es, self.ef
        order, succs, preds, position = graph.order, graph.succs, graph.preds, graph.position
        kind, fixed, dur, side = self.kind, self.fixed_es, self.dur, self.side
        floor = self.a if self.a > 0.0 else 0.0
        plain = not self.hold
        positions: Iterable[int] = range(first, len(order))
        queued = heap = None
        if seeds is not None:
            queued, heap = bytearray(len(graph)), sorted({position[s] for s in seeds})
            for s in seeds:
                queued[s] = 1
            positions = _drain(heap)
        changed: list[int] = []
        respanned: list[int] = []
        for pos in positions:
            i = order[pos]
            if plain and kind[i] == NOT_STARTED and fixed[i] is None and dur[i] != 0.0:
                # The common case, inlined: not started, follows its links.
                d = dur[i]
                es = floor
                for p, code, lag in preds[i]:
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
                es = round(es * UNIT) / UNIT
                ef = round((es + d) * UNIT) / UNIT
            else:
                es, ef = self._early(i)
            old_es, old_ef = es_list[i], ef_list[i]
            moved = es != old_es or ef != old_ef
            if dur[i] == 0.0 and fixed[i] is None:
                es_list[i], ef_list[i] = es, ef
                new_side = self._event_side(i, es, ef)
                if new_side != side[i]:
                    side[i] = new_side
                    moved = True
            if moved:
                es_list[i], ef_list[i] = es, ef
                changed.append(i)
                if ef - es != old_ef - old_es:
                    respanned.append(i)
                if queued is not None and heap is not None:
                    for s, _code, _lag in succs[i]:
                        if not queued[s]:
                            queued[s] = 1
                            heapq.heappush(heap, position[s])
        return changed, respanned

    # ------------------------------------------------------------------ backward
    #
    # LF_p = min(F, due_p, LF_s + c for each driven successor link), where c depends only on
    # the link and the spans. Split it as LF_p = min(F - tail_p, limit_p): ``tail`` (work
    # after p's finish) and ``limit`` (the tightest due date reached) do not depend on F,
    # so an edit that moves F only re-runs the pass upstream of milestones whose span moved.

    def _late(self, p: int) -> tuple[float, float]:
        es_list, ef_list, tail, limit, fixed = (
            self.es,
            self.ef,
            self.tail,
            self.limit,
            self.fixed_es,
        )
        span_p = ef_list[p] - es_list[p]
        t = 0.0
        kind, rem, retained = self.kind, self.rem, self.retained
        due = self.due[p]
        # A missed due date on done work is history: it limits nothing.
        d = INF if due is None or kind[p] == DONE else due
        started = fixed[p] is not None
        for s, code, lag in self.graph.succs[p]:
            if kind[s] == DONE or (started and (code == SS or code == SF)):
                continue  # done work, or a start that has already happened
            if fixed[s] is not None:  # started: the link holds its remaining work
                if code == FS or code == SS:
                    if not retained:
                        continue
                    c = -rem[s] - lag + (span_p if code == SS else 0.0)
                elif code == FF:
                    c = -lag
                else:
                    c = span_p - lag
            elif code == FS:
                c = es_list[s] - ef_list[s] - lag
            elif code == SS:
                c = es_list[s] - ef_list[s] - lag + span_p
            elif code == FF:
                c = -lag
            else:
                c = span_p - lag
            if tail[s] - c > t:
                t = tail[s] - c
            if limit[s] + c < d:
                d = limit[s] + c
        return round(t * UNIT) / UNIT, d if d == INF else round(d * UNIT) / UNIT

    def backward(self, seeds: set[int] | None = None) -> list[int]:
        """Backward pass over everything, or only from ``seeds`` towards the start.

        Returns the nodes whose tail or limit changed (from ``seeds``; none on a full pass).
        """
        graph, tail, limit = self.graph, self.tail, self.limit
        order, preds, position = graph.order, graph.preds, graph.position
        changed: list[int] = []
        if seeds is None:
            for pos in range(len(order) - 1, -1, -1):
                i = order[pos]
                tail[i], limit[i] = self._late(i)
        elif seeds:
            dirty = bytearray(len(graph))
            for s in seeds:
                dirty[s] = 1
            for pos in range(max(position[s] for s in seeds), -1, -1):
                i = order[pos]
                if not dirty[i]:
                    continue
                t, d = self._late(i)
                if t != tail[i] or d != limit[i]:
                    tail[i], limit[i] = t, d
                    changed.append(i)
                    for p, _code, _lag in preds[i]:
                        dirty[p] = 1
        return changed

    # ------------------------------------------------------------------ free float

    def free_float(self, p: int) -> float:
        """Free float of node p (see :func:`tpm.schedule.slack.free_float`)."""
        return free_float(self, self.graph, self.finish, p, self.retained)

    def materialize(self, nodes: Iterable[int] | None = None) -> None:
        """Fill ``ls`` and ``lf`` from tails, limits and the project finish.

        With ``nodes`` (those whose early dates, tail or limit changed) and the same project
        finish as the last fill, only those are refilled: an edit that does not move the
        finish costs what it changed, not two passes over every milestone.
        """
        f = self.finish
        if nodes is not None and f == self._materialized_at:
            lf, ls, tail, limit, es, ef = self.lf, self.ls, self.tail, self.limit, self.es, self.ef
            for i in nodes:
                tl, lim = tail[i], limit[i]
                x = lf[i] = round((lim if lim < f - tl else f - tl) * UNIT) / UNIT
                ls[i] = round((x - (ef[i] - es[i])) * UNIT) / UNIT
            return
        pairs = zip(self.tail, self.limit, strict=True)
        self.lf = lf = [round((lim if lim < f - tl else f - tl) * UNIT) / UNIT for tl, lim in pairs]
        starts = (x - (ef - es) for x, es, ef in zip(lf, self.es, self.ef, strict=True))
        self.ls = [round(x * UNIT) / UNIT for x in starts]
        self._materialized_at = f

    # ------------------------------------------------------------------ whole runs

    def program_finish(self) -> float:
        """The project finish F from the early dates: the latest finish of open work.

        Of all work when everything is done (see the module docstring).
        """
        live = max(compress(self.ef, self.open), default=None)
        return max(self.ef, default=0.0) if live is None else live

    def finish_nodes(self) -> list[int]:
        """The nodes that finish at F (open ones, unless everything is done)."""
        f, ef, live = self.finish - EPS, self.ef, self.open
        at_f = list(compress(range(len(ef)), map(f.__le__, ef)))  # ef >= f, at C speed
        return [i for i in at_f if live[i]] or at_f

    def run(self) -> None:
        """Full schedule: forward, project finish, backward, free float."""
        self.forward()
        self.finish = self.program_finish()
        self.backward()
        self.materialize()

    def update(self, i: int, m: Milestone) -> None:
        """Re-schedule after milestone ``m`` (node i) changed duration, status, progress or dates.

        Its links must be unchanged (the caller rebuilds the graph when they change).
        """
        self.set_input(i, m)
        preds = self.graph.preds
        changed, respanned = self.forward(self.graph.position[i], (i,))
        self.finish = self.program_finish()
        # Tails and limits depend on spans (and on whether node i follows its links).
        seeds = {i, *respanned}
        for c in (i, *respanned):
            seeds.update(p for p, _c, _l in preds[c])
        relimited = self.backward(seeds)
        self.materialize([*changed, *relimited])


def _drain(heap: list[int]) -> Iterator[int]:
    """Pop ``heap`` empty, smallest first; what is pushed meanwhile is popped in turn."""
    while heap:
        yield heapq.heappop(heap)
