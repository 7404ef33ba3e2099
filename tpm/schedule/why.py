"""Why a milestone is scheduled when it is: the chain of driving links, and what to move.

``explain(plan, sched, milestone_id)`` walks back from the milestone along its *driving*
links (those whose constraint equals its early start) to the start of the chain, which is
the program start, the status date (work not started yet cannot start before it), an
actual start, or a done milestone. Ties are reported at each step; the chain follows the
first in plan order.

``pull_in`` names the link(s) into the milestone that would have to move to bring it
earlier, what can move on each (finish or start the predecessor sooner, shorten a lag), how
far the milestone can come in before something else holds it (``gain_days``) and how far
the program finish would then come in (``finish_gain_days``, from a re-run of the forward
pass). It never promises a gain that cannot happen: a done predecessor cannot finish sooner,
a started one cannot start sooner (SS and SF links), and a lag at or below zero cannot be
shortened, so a driving link with both is ``stuck`` and the gain is 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tpm.plan.model import Plan
from tpm.schedule.cpm import Cpm
from tpm.schedule.graph import FF, FS, LINK_NAME, SF, SS
from tpm.schedule.progress import DONE, EPS, NOT_STARTED, STARTED
from tpm.schedule.result import Schedule


class NotScheduled(KeyError):
    """The id names no milestone, or a cancelled one."""


@dataclass(frozen=True)
class Step:
    """One milestone of the driving chain and the link that drives it from the previous one."""

    id: str
    title: str
    status: str
    start: dt.date
    finish: dt.date
    early_start: float
    early_finish: float
    total_float: float
    link_type: str | None
    """Type of the link from the previous step (None for the head of the chain)."""
    lag: float | None
    tied_with: tuple[str, ...]
    """Other predecessors that drive this step's start just as hard."""
    critical: bool = False
    """On a critical path (Schedule.critical)."""


@dataclass(frozen=True)
class Move:
    """One driving link into the milestone and what can move on it."""

    id: str
    """The predecessor."""
    type: str
    lag: float
    action: str
    """``finish sooner``, ``start sooner`` (SS/SF links), ``shorten the lag``, both joined
    with ``or``, or "" when nothing can move (no positive lag, and a done predecessor or an
    SS/SF link from one that has already started)."""
    fixed: str = ""
    """Why the predecessor's end of the link cannot move: ``done``, ``started`` (an SS/SF
    link measures from its actual start), or "" when it can."""


@dataclass(frozen=True)
class PullIn:
    """What would have to move to bring the milestone in."""

    links: tuple[tuple[str, str, float], ...]
    """(predecessor, type, lag) of every driving link into the milestone."""
    gain_days: float
    """Working days it can come in by moving those links before the next constraint binds;
    at most the lag of a link from a done predecessor, 0 when a driving link cannot move."""
    then_driven_by: str
    """What would drive it next: a milestone id, 'status date' or 'program start'."""
    moves: tuple[Move, ...] = ()
    """Each driving link and what can move on it (same order as ``links``)."""
    finish_gain_days: float = 0.0
    """Working days the program finish comes in if the milestone comes in ``gain_days``."""

    @property
    def stuck(self) -> tuple[str, ...]:
        """Predecessors whose driving link cannot move (done, no positive lag)."""
        return tuple(m.id for m in self.moves if not m.action)


@dataclass(frozen=True)
class Explanation:
    """The answer of ``tpm why``."""

    id: str
    title: str
    status: str
    start: dt.date
    finish: dt.date
    total_float: float
    free_float: float
    critical: bool
    """On a critical path (Schedule.critical)."""
    late: bool
    """Not done with negative total float: it (or work it drives) misses a due date."""
    origin: str
    """What starts the chain: 'program start', 'status date', 'actual start' (of the first
    step) or 'done predecessor' (``origin_id``, the first step, is done)."""
    chain: tuple[Step, ...]
    """From the head of the chain to the milestone itself (last)."""
    pull_in: PullIn | None
    """None when no link drives it (it starts at its origin)."""
    origin_id: str = ""
    """The first step's id when the origin is an actual start or a done predecessor."""
    event: bool = False
    """A zero-duration milestone (a gate, a sign-off): it has one date, not a span."""


def explain(plan: Plan, sched: Schedule, milestone_id: str) -> Explanation:
    """Explain a milestone's forecast start; NotScheduled for unknown or cancelled ids."""
    graph = sched.graph
    if milestone_id not in graph.index:
        raise NotScheduled(milestone_id)
    cpm = sched.cpm()
    ids = graph.ids
    node = graph.index[milestone_id]
    chain: list[tuple[int, tuple[int, int, float] | None, tuple[str, ...]]] = []
    current: int | None = node
    origin = ""
    while current is not None:
        drivers = _driving_links(cpm, current)
        chain.append((current, None, tuple(ids[p] for p, _c, _l in drivers[1:])))
        if not drivers:
            origin = _origin(cpm, current)
            current = None
            continue
        first = drivers[0]
        chain[-1] = (current, first, chain[-1][2])
        if cpm.kind[first[0]] == DONE:
            origin = "done predecessor"
            chain.append((first[0], None, ()))
            current = None
        else:
            current = first[0]
    chain.reverse()
    on_path = sched.critical
    steps = []
    for i, incoming, tied in chain:
        # ``incoming`` is the driving link into this node from the previous step.
        m = sched.milestone(ids[i])
        steps.append(
            Step(
                id=m.id,
                title=m.title,
                status=m.status,
                start=m.start,
                finish=m.finish,
                early_start=m.early_start,
                early_finish=m.early_finish,
                total_float=m.total_float,
                link_type=None if incoming is None else LINK_NAME[incoming[1]],
                lag=None if incoming is None else incoming[2],
                tied_with=tied,
                critical=m.id in on_path,
            )
        )
    me = sched.milestone(milestone_id)
    return Explanation(
        id=me.id,
        title=me.title,
        status=me.status,
        start=me.start,
        finish=me.finish,
        total_float=me.total_float,
        free_float=me.free_float,
        critical=me.critical,
        late=me.status != "done" and me.total_float < -EPS,
        origin=origin,
        chain=tuple(steps),
        pull_in=_pull_in(cpm, node, ids),
        origin_id=ids[chain[0][0]] if origin in ("actual start", "done predecessor") else "",
        event=me.duration == 0,
    )


def _value(cpm: Cpm, p: int, code: int, lag: float, d: float) -> float:
    if code == FS:
        return cpm.ef[p] + lag
    if code == SS:
        return cpm.es[p] + lag
    if code == FF:
        return cpm.ef[p] + lag - d
    return cpm.es[p] + lag - d


def _resume_value(cpm: Cpm, s: int, p: int, code: int, lag: float) -> float | None:
    """What the link from p asks of started node s's resumption (None: not honoured)."""
    rem = cpm.rem[s]
    if code == FF or code == SF:
        return (cpm.ef[p] if code == FF else cpm.es[p]) + lag - rem
    if not cpm.retained and not cpm.driven(s):
        return None  # progress override: FS and SS no longer hold started work
    return (cpm.ef[p] if code == FS else cpm.es[p]) + lag


def _driving_links(cpm: Cpm, s: int) -> list[tuple[int, int, float]]:
    """Links into s whose constraint equals its early start (done ones included), plan order.

    For started work: the links that hold the resumption of its remaining work.
    """
    if cpm.kind[s] == STARTED:
        target = cpm.ef[s] - cpm.rem[s]
        found = []
        for p, code, lag in cpm.graph.preds[s]:
            value = _resume_value(cpm, s, p, code, lag)
            if value is not None and abs(value - target) <= EPS:
                found.append((p, code, lag))
        return sorted(found, key=lambda link: link[0])
    if not cpm.driven(s):
        return []
    target, d = cpm.es[s], cpm.dur[s]
    found = [
        (p, code, lag)
        for p, code, lag in cpm.graph.preds[s]
        if abs(_value(cpm, p, code, lag, d) - target) <= EPS
    ]
    return sorted(found, key=lambda link: link[0])


def _origin(cpm: Cpm, i: int) -> str:
    if not cpm.driven(i):
        return "actual start"
    if cpm.kind[i] == NOT_STARTED and cpm.a > 0 and abs(cpm.es[i] - cpm.a) <= EPS:
        return "status date"
    return "program start"


def _pull_in(cpm: Cpm, s: int, ids: tuple[str, ...]) -> PullIn | None:
    drivers = _driving_links(cpm, s)
    if not drivers:
        return None
    d = cpm.dur[s]
    driving = {(p, code, lag) for p, code, lag in drivers}
    started = cpm.kind[s] == STARTED
    floor = cpm.a if (cpm.kind[s] == NOT_STARTED or started) and cpm.a > 0 else 0.0
    best, by = floor, "status date" if floor > 0 else "program start"
    now = cpm.es[s]
    if started:  # its remaining work: resumes at the status date or its start at the earliest
        now = cpm.ef[s] - cpm.rem[s]
        best = max(best, cpm.es[s])
    for p, code, lag in cpm.graph.preds[s]:
        if (p, code, lag) in driving:
            continue
        value = _resume_value(cpm, s, p, code, lag) if started else _value(cpm, p, code, lag, d)
        if value is not None and value > best + EPS:
            best, by = value, ids[p]
    links = tuple((ids[p], LINK_NAME[code], lag) for p, code, lag in drivers)
    moves = tuple(
        Move(ids[p], LINK_NAME[code], lag, _action(cpm, p, code, lag), _fixed(cpm, p, code))
        for p, code, lag in drivers
    )
    gain = max(0.0, now - best)
    for m in moves:
        if "sooner" not in m.action and m.lag < gain:  # done or started: only its lag can go
            gain, by = max(0.0, m.lag), m.id
    return PullIn(
        links=links,
        gain_days=round(gain, 6),
        then_driven_by=by,
        moves=moves,
        finish_gain_days=round(_finish_gain(cpm, s, now - gain, drivers, gain), 6) if gain else 0.0,
    )


def _fixed(cpm: Cpm, p: int, code: int) -> str:
    """Why p's end of a link cannot move ("" when it can): done, or a start that happened."""
    if cpm.kind[p] == DONE:
        return "done"
    if cpm.kind[p] == STARTED and code in (SS, SF):
        return "started"
    return ""


def _action(cpm: Cpm, p: int, code: int, lag: float) -> str:
    """What can move on a driving link from p: "" when nothing can."""
    options = []
    if not _fixed(cpm, p, code):
        options.append("finish sooner" if code in (FS, FF) else "start sooner")
    if lag > EPS:
        options.append("shorten the lag")
    return " or ".join(options)


def _finish_gain(
    cpm: Cpm, s: int, es: float, drivers: list[tuple[int, int, float]], gain: float
) -> float:
    """How far the program finish comes in if node s could start (or resume) at ``es``
    because its driving predecessors moved by ``gain``, as the advice says.

    Works on ``cpm``, a private copy (Schedule.cpm()): each predecessor that can move
    finishes ``gain`` sooner (a shorter remaining duration) or starts ``gain`` sooner, s's
    start (or resumption) is pinned, and the forward pass re-runs from the first of them. So
    a predecessor that finishes with s (the work an event follows) no longer holds the
    program finish at the old date.
    """
    before = cpm.finish
    seeds = [s]
    for p, code, _lag in drivers:
        if _fixed(cpm, p, code):
            continue  # done, or a start that happened: only its lag moves (s's pin covers it)
        if code in (FS, FF):
            if cpm.kind[p] == STARTED:
                cpm.rem[p] = max(0.0, cpm.rem[p] - gain)
            else:  # shorter, and once it is an instant, earlier: it ends gain sooner
                short = min(cpm.dur[p], gain)
                cpm.dur[p] -= short
                if gain > short:
                    cpm.fixed_es[p] = max(0.0, cpm.es[p] - (gain - short))
        elif cpm.kind[p] == NOT_STARTED:
            cpm.fixed_es[p] = max(0.0, cpm.es[p] - gain)
        seeds.append(p)
    if cpm.kind[s] == STARTED:
        cpm.pinned[s] = es
    else:
        cpm.fixed_es[s] = es
    position = cpm.graph.position
    cpm.forward(min(position[i] for i in seeds), tuple(seeds))
    return max(0.0, before - cpm.program_finish())
