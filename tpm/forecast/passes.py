"""The vectorised CPM passes behind the Monte Carlo forecast (tpm/forecast/run.py).

Every live milestone owns a row of values, one per run. The forward pass visits the rows in
topological order and the backward pass in reverse, each link being one or two numpy calls
on whole rows, so Python work grows with the size of the graph and not with the number of
runs. Runs are processed in chunks so that the few (milestones x chunk) matrices stay small
(allocating and first touching hundreds of MB costs more than the arithmetic).

The arithmetic is exactly that of the scheduling conventions (see tpm/schedule/cpm.py): the
same additions in the same order, so degenerate estimates give the deterministic offsets
bit for bit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tpm.forecast.sampling import Method, Sampler, Triple
from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Milestone, Plan
from tpm.schedule.graph import FF, FS, SF, SS, UNIT, Graph, Link, build_graph, descendants
from tpm.schedule.progress import DONE as CPM_DONE
from tpm.schedule.progress import STARTED as CPM_STARTED
from tpm.schedule.progress import progress

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Days = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

DONE, STARTED, OPEN = 0, 1, 2
TOLERANCE = 1e-9  # total float at or below this counts as zero (critical)
CHUNK_ELEMENTS = 1 << 22  # values per (milestones x runs) matrix in one chunk (32 MB)


@dataclass(frozen=True)
class Network:
    """The live milestone graph with what each pass needs; row i is the graph's node i."""

    ids: tuple[str, ...]  # one per row
    row: dict[str, int]
    order: tuple[int, ...]  # rows in topological order
    kind: tuple[int, ...]  # DONE, STARTED or OPEN
    preds: tuple[tuple[Link, ...], ...]
    succs: tuple[tuple[Link, ...], ...]
    duration: Floats  # fixed duration per row (estimate's constant when degenerate)
    sampler: Sampler  # draws the ``drawn`` rows, in that order
    drawn: Ints  # rows whose durations are sampled (the sampler's row order)
    fixed: Ints  # the other rows
    started: tuple[int, ...]  # STARTED rows
    live: Bools  # (rows, 1): not DONE, the rows that set the program finish (tpm.schedule.cpm)
    remaining: tuple[float, ...]  # STARTED: 1 - percent_complete / 100
    fixed_start: tuple[float | None, ...]  # DONE/STARTED: offset(actual_start)
    fixed_finish: tuple[float | None, ...]  # DONE: finish_offset(actual_finish)
    status_offset: float  # A: offset of the status date
    earliest: float  # not-started work starts at or after max(0, A)
    due: tuple[float | None, ...]  # finish_offset(due) per row
    report: tuple[int, ...]  # rows whose finish days are kept (milestones with a due date)
    event_rows: tuple[int, ...]  # rows that can finish on their start (EF <= ES) in some run
    events: tuple[int, ...]  # rows of events (fixed duration 0): dated by their side
    side: tuple[int, ...]  # per row: the side of a done or started event (tpm.schedule.progress)
    risks: tuple[tuple[float, float, Ints], ...]  # (chance 0..1, impact, rows it lands on)
    retained: bool = True  # settings.progress_logic: FS/SS links hold started work's rest


@dataclass(frozen=True)
class Outcome:
    """Raw results of the runs: finish day indices, criticality counts, risk hit counts."""

    program_days: Days  # (runs,) working-day index of the program's finish date
    finish_days: dict[int, Days]  # row -> (runs,) finish-day index, for report rows
    critical: Ints  # (rows,) runs in which the row was critical
    risk_hits: tuple[int, ...]  # runs in which each risk happened


def build_network(
    plan: Plan,
    cal: WorkCalendar,
    as_of: dt.date,
    method: Method,
    risks: list[tuple[int, float, tuple[str, ...]]],
    graph: Graph | None = None,
    dated: bool = True,
) -> Network:
    """Prepare the live milestones of a valid (acyclic) plan for ``simulate``.

    ``risks`` are (percent, impact in working days, affected milestone ids); the impact
    lands on the affected rows that do not depend on another of them (``first_hit``). ``graph`` is
    the plan's graph when the caller has already built it (tpm.schedule.scheduler keeps one);
    ``dated`` False keeps no per-milestone finish days (only the program's). Rows are the
    graph's nodes; the sampler draws the sampled ones as one block, sorted by estimate.
    """
    if graph is None:
        graph = build_graph(plan)
    first: dict[str, Milestone] = {}
    for m in plan.milestones:
        first.setdefault(m.id, m)
    live = [first[i] for i in graph.ids]
    a = float(cal.offset(as_of))
    kind = [_kind(m) for m in live]
    draw = [
        k != DONE and m.estimate is not None and m.estimate.optimistic < m.estimate.pessimistic
        for m, k in zip(live, kind, strict=True)
    ]
    drawn = sorted((_triple(live[g]), g) for g in range(len(live)) if draw[g])
    duration, remaining, fixed_start, fixed_finish, due, side = [], [], [], [], [], []
    for g, (m, k) in enumerate(zip(live, kind, strict=True)):
        est = m.estimate
        use_estimate = est is not None and k != DONE
        duration.append(float(est.likely if use_estimate and est is not None else m.duration))
        # The same progress rules as the deterministic schedule (tpm.schedule.progress.progress).
        cpm_kind, start, finish, at_start = progress(m, cal, graph.preds[g])
        if cpm_kind == CPM_DONE:
            fixed_start.append(start)
            fixed_finish.append(finish)
        else:
            fixed_start.append(start if cpm_kind == CPM_STARTED else None)
            fixed_finish.append(None)
        side.append(at_start)
        remaining.append(1.0 - float(m.percent_complete) / 100.0)
        due.append(float(cal.finish_offset(m.due)) if m.due is not None else None)
    row = graph.index
    hit = [sorted(row[x] for x in affects if kind[row[x]] != DONE) for _p, _i, affects in risks]
    risk_rows = tuple(
        (pct / 100, float(impact), np.array(rows, dtype=np.int64))
        for (pct, impact, _affects), rows in zip(risks, first_hit(graph, hit), strict=True)
    )
    return Network(
        ids=graph.ids,
        row=row,
        order=graph.order,
        kind=tuple(kind),
        preds=graph.preds,
        succs=graph.succs,
        duration=np.array(duration, dtype=np.float64),
        sampler=Sampler.build([t for t, _g in drawn], method),
        drawn=np.array([g for _t, g in drawn], dtype=np.int64),
        fixed=np.array([g for g in range(len(live)) if not draw[g]], dtype=np.int64),
        started=tuple(r for r, k in enumerate(kind) if k == STARTED),
        live=_live(kind),
        remaining=tuple(remaining),
        fixed_start=tuple(fixed_start),
        fixed_finish=tuple(fixed_finish),
        status_offset=a,
        earliest=a if a > 0.0 else 0.0,
        due=tuple(due),
        report=tuple(r for r, m in enumerate(live) if dated and m.due is not None),
        event_rows=_event_rows(kind, duration, draw, remaining),
        events=tuple(g for g in range(len(live)) if not draw[g] and duration[g] == 0.0),
        side=tuple(side),
        risks=risk_rows,
        retained=plan.settings.progress_logic == "retained",
    )


def first_hit(graph: Graph, hits: list[list[int]]) -> list[list[int]]:
    """Each risk's rows, less those that depend on another row of the same risk.

    A row that depends (through any chain of links) on another row the risk hits inherits
    the slip through its links; adding the impact again would count it twice on one chain.
    """
    shared = {r for rows in hits if len(rows) > 1 for r in rows}
    if not shared:
        return hits
    below = descendants(graph, shared)
    out = []
    for rows in hits:
        if len(rows) < 2:
            out.append(rows)
            continue
        mask = 0
        for r in rows:
            mask |= 1 << r
        inherited = 0
        for r in rows:
            inherited |= below[r] & mask
        out.append([r for r in rows if not inherited >> r & 1])
    return out


def _triple(m: Milestone) -> Triple:
    est = m.estimate
    assert est is not None
    return (float(est.optimistic), float(est.likely), float(est.pessimistic))


def _kind(m: Milestone) -> int:
    if m.status == "done":
        return DONE
    if m.status == "in_progress" or (m.status == "blocked" and m.actual_start is not None):
        return STARTED
    return OPEN


def _live(kind: list[int]) -> Bools:
    """Rows that set the program finish, as a column: open work, or all when all is done."""
    live = np.array([k != DONE for k in kind], dtype=np.bool_)
    if not live.any():
        live[:] = True
    return live.reshape(-1, 1)


def _event_rows(
    kind: list[int], duration: list[float], drawn: list[bool], remaining: list[float]
) -> tuple[int, ...]:
    """Rows whose EF can equal ES in some run: done ones, and those whose work can be zero.

    A drawn duration is never zero (but a started row's remaining part is zero at 100 %). A
    risk that happens makes the work non-zero; ``_program_days`` checks EF <= ES run by run,
    so rows that risks hit stay listed.
    """
    out = []
    for i, k in enumerate(kind):
        fixed_zero = not drawn[i] and duration[i] == 0.0
        done_work = k == STARTED and remaining[i] == 0.0
        if k == DONE or fixed_zero or done_work:
            out.append(i)
    return tuple(out)


def simulate(net: Network, runs: int, seed: int, criticality: bool = True) -> Outcome:
    """Run the forecast ``runs`` times; the same seed gives the same outcome.

    ``criticality`` False skips the backward pass (the counts stay zero): the program's and
    the dated milestones' finish days need only the forward pass.

    Durations and risk events draw from two independent streams of the seed, so adding,
    removing or re-weighting a risk leaves every run's sampled durations unchanged.
    """
    durations_seed, risks_seed = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(durations_seed)
    risk_rng = np.random.default_rng(risks_seed)
    n = len(net.ids)
    chunk = max(1, min(runs, CHUNK_ELEMENTS // max(n, 1)))
    # Day indices fit in 32 bits (durations are capped at 100,000 days); halving them matters
    # when 5,000 dated milestones keep 10,000 runs each.
    program = np.empty(runs, dtype=np.int32)
    finish = {r: np.empty(runs, dtype=np.int32) for r in net.report}
    critical = np.zeros(n, dtype=np.int64)
    hits = [0] * len(net.risks)
    mats = tuple(np.empty((n, chunk)) for _ in range(3))
    for lo in range(0, runs, chunk):
        c = min(chunk, runs - lo)
        dur, es, ef = (m[:, :c] for m in mats)
        if n == 0:
            program[lo : lo + c] = 0  # no milestones: the program start, as tpm.schedule.scheduler
            continue
        _durations(net, rng, risk_rng, dur, hits)
        sides = _forward(net, dur, es, ef)
        f = ef.max(axis=0, where=net.live, initial=-np.inf)
        program[lo : lo + c] = _program_days(net, f, es, ef, sides)
        for r, days in finish.items():
            days[lo : lo + c] = _finish_days(ef[r], es[r], sides.get(r))
        if criticality:
            critical += _backward(net, f, dur, es, ef)
    return Outcome(program, finish, critical, tuple(hits))


def _program_days(net: Network, f: Floats, es: Floats, ef: Floats, sides: dict[int, Bools]) -> Ints:
    """Working-day index of the latest milestone finish date, per run.

    Work ending at F finishes on day ceil(F) - 1, as does an event at the end of a day; an
    event at the start of a day is dated on day floor(F), one later when F is whole. Work
    that ends where it starts (EF <= ES) finishes on its start day floor(ES). Only the rows
    that set the program finish count (``Network.live``: done work is history).
    """
    days: Ints = (np.ceil(f) - 1).astype(np.int64)
    live = net.live[:, 0]
    for r in net.event_rows:
        if r in sides or not live[r]:
            continue
        event_day = np.where(ef[r] <= es[r], np.floor(es[r]), -1e18).astype(np.int64)
        np.maximum(days, event_day, out=days)
    for r, at_start in sides.items():
        if not live[r]:
            continue
        event_day = np.where(at_start, np.floor(ef[r]), -1e18).astype(np.int64)
        np.maximum(days, event_day, out=days)
    return days


def _finish_days(ef: Floats, es: Floats, at_start: Bools | None = None) -> Ints:
    """Working-day index of the finish date (calendar.finish_date, vectorised).

    ``at_start`` (events only): runs in which the event sits at the start of its day.
    """
    work = np.maximum(np.ceil(ef) - 1, np.floor(es))
    days: Ints = np.where(ef > es, work, np.floor(es)).astype(np.int64)
    if at_start is not None:
        end_of_day = np.where(ef > es, work, np.ceil(ef) - 1)
        days = np.where(at_start, np.floor(ef), end_of_day).astype(np.int64)
    return days


def _durations(
    net: Network,
    rng: np.random.Generator,
    risk_rng: np.random.Generator,
    dur: Floats,
    hits: list[int],
) -> None:
    """Each row's work this run: drawn or fixed, remaining part when started, plus risks."""
    dur[net.fixed] = net.duration[net.fixed, None]
    if net.sampler.size:
        block = np.empty((net.sampler.size, dur.shape[1]))
        net.sampler.draw(rng, block)
        dur[net.drawn] = block
    for i in net.started:
        dur[i] *= net.remaining[i]
    if net.risks:
        u = risk_rng.random((len(net.risks), dur.shape[1]))
        for j, (chance, impact, rows) in enumerate(net.risks):
            happened = u[j] < chance
            hits[j] += int(np.count_nonzero(happened))
            if rows.size:
                dur[rows] += np.where(happened, impact, 0.0)


def _forward(net: Network, dur: Floats, es: Floats, ef: Floats) -> dict[int, Bools]:
    """Early dates, as tpm.schedule.cpm.Cpm._early; ``dur`` holds started rows' remaining work.

    Returns, for each event row, the runs in which it sits at the start of its day
    (tpm.schedule.cpm.Cpm._event_side); in a run where a risk gives it work it is no event.
    """
    tmp = np.empty(dur.shape[1])
    sides: dict[int, Bools] = {}
    events = set(net.events)
    for i in net.order:
        k = net.kind[i]
        row = es[i]
        fixed = net.fixed_start[i]
        if fixed is not None:
            row.fill(fixed)
        else:
            floor = net.earliest if k == OPEN else 0.0
            links = net.preds[i]
            if not links:
                row.fill(floor)
            for n, (p, code, lag) in enumerate(links):
                if code == FS or code == SS:
                    src = ef[p] if code == FS else es[p]
                    if lag:
                        np.add(src, lag, out=tmp)
                        src = tmp
                else:
                    np.add(ef[p] if code == FF else es[p], lag, out=tmp)
                    tmp -= dur[i]
                    src = tmp
                np.maximum(src, floor, out=row) if n == 0 else np.maximum(row, src, out=row)
        if k == OPEN:
            np.add(row, dur[i], out=ef[i])
        elif k == STARTED:
            _resume(net, i, dur, es, ef, tmp)
            ef[i] += dur[i]
        else:
            finish = net.fixed_finish[i]
            if finish is None:
                np.add(row, dur[i], out=ef[i])
            else:
                ef[i].fill(finish)
            np.minimum(row, ef[i], out=row)
        # Exact offsets, as tpm.schedule.cpm (whole multiples of 1/UNIT day).
        # (ndarray.round: np.round's Python wrapper costs more than the rounding here.)
        np.multiply(row, UNIT, out=row)
        row.round(out=row)
        row /= UNIT
        end = ef[i]
        np.multiply(end, UNIT, out=end)
        end.round(out=end)
        end /= UNIT
        if i in events:
            sides[i] = _event_side(net, i, dur, es, ef, sides)
    return sides


def _resume(net: Network, i: int, dur: Floats, es: Floats, ef: Floats, tmp: Floats) -> None:
    """Started row i's resumption into ``ef[i]``, as tpm.schedule.cpm.Cpm.resume."""
    out = ef[i]
    np.maximum(es[i], net.status_offset, out=out)
    every = net.retained or net.fixed_start[i] is None
    for p, code, lag in net.preds[i]:
        if code == FF or code == SF:
            np.add(ef[p] if code == FF else es[p], lag, out=tmp)
            tmp -= dur[i]
        elif not every:
            continue
        else:
            np.add(ef[p] if code == FS else es[p], lag, out=tmp)
        np.maximum(out, tmp, out=out)


def _event_side(
    net: Network, i: int, dur: Floats, es: Floats, ef: Floats, sides: dict[int, Bools]
) -> Bools:
    """Runs in which event row i sits at the start of its day (ties go to the start)."""
    row = es[i]
    if net.fixed_start[i] is not None:
        at_start = np.full(row.shape, bool(net.side[i]))
    else:
        k = net.kind[i]
        at_start = ef[i] != row  # started, resumed at the status date
        at_start |= row == (net.earliest if k == OPEN else 0.0)
        for p, code, lag in net.preds[i]:
            if lag > 0.0:
                continue  # a lag ends at the end of a day, as work does
            if code == FS or code == FF:
                if p not in sides:
                    continue  # work ends at the end of a day
                src = ef[p] + lag
                from_start = sides[p]
            else:
                src = es[p] + lag
                from_start = sides[p] | (dur[p] != 0.0) if p in sides else np.ones_like(row, bool)
            if code == FF or code == SF:
                src = src - dur[i]
            at_start |= (src == row) & from_start
    at_start &= dur[i] == 0.0
    return at_start


def _backward(net: Network, f: Floats, dur: Floats, es: Floats, ef: Floats) -> Ints:
    """How many runs each row was critical in: on a chain of driving links to the finish.

    Late dates as tpm.schedule.cpm.Cpm._late but against the program finish only: due dates
    are left out, so a zero float means "on a critical path" (tpm.schedule.network), never
    "misses its own due date". Reuses the matrices: ``dur`` becomes each row's span EF - ES
    and then its total float, ``es`` becomes LS and ``ef`` becomes LF.
    """
    rest = {s: dur[s].copy() for s in net.started if net.fixed_start[s] is not None}
    np.subtract(ef, es, out=dur)
    late, slack = np.empty(dur.shape[1]), np.empty(dur.shape[1])
    for i in reversed(net.order):
        late[:] = f
        started = net.fixed_start[i] is not None
        for s, code, lag in net.succs[i]:
            if net.kind[s] == DONE or (started and (code == SS or code == SF)):
                continue  # done work, or a start that has already happened
            if s in rest and (code == FS or code == SS):
                if not net.retained:
                    continue  # progress override: the started successor ignores them
                np.subtract(ef[s], rest[s], out=slack)  # its latest resumption
                slack -= lag
            elif code == FS or code == SS:
                np.subtract(es[s], lag, out=slack)
            else:
                np.subtract(ef[s], lag, out=slack)
            if code == SS or code == SF:
                slack += dur[i]
            np.minimum(late, slack, out=late)
        np.subtract(late, dur[i], out=es[i])
        np.subtract(late, ef[i], out=dur[i])
        ef[i] = late
    counts: Ints = np.count_nonzero(dur <= TOLERANCE, axis=1)
    for i, k in enumerate(net.kind):
        if k == DONE:
            counts[i] = 0  # done milestones are never critical
    return counts
