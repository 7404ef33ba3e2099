"""Why a milestone is scheduled when it is: the chain of driving links, and what to move.

``explain(plan, sched, milestone_id)`` walks back from the milestone along its *driving*
links (those whose constraint equals its early start) to the start of the chain, which is
the program start, the status date (work not started yet cannot start before it), an
actual start, or a done milestone. Ties are reported at each step; the chain follows the
first in plan order.

``pull_in`` names the link(s) into the milestone that would have to move to bring it
earlier, and by how much at most before something else drives it (``gain_days``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tpm.plan.model import Plan
from tpm.schedule.cpm import DONE, EPS, NOT_STARTED, Cpm
from tpm.schedule.graph import FF, FS, LINK_NAME, SS
from tpm.schedule.scheduler import Schedule


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


@dataclass(frozen=True)
class PullIn:
    """What would have to move to bring the milestone in."""

    links: tuple[tuple[str, str, float], ...]
    """(predecessor, type, lag) of every driving link into the milestone."""
    gain_days: float
    """Working days it can come in by moving those links before the next constraint binds."""
    then_driven_by: str
    """What would drive it next: a milestone id, 'status date' or 'program start'."""


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
    origin: str
    """What starts the chain: 'program start', 'status date', 'actual start' or 'after X (done)'."""
    chain: tuple[Step, ...]
    """From the head of the chain to the milestone itself (last)."""
    pull_in: PullIn | None
    """None when no link drives it (it starts at its origin)."""


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
            origin = f"after {ids[first[0]]} (done)"
            chain.append((first[0], None, ()))
            current = None
        else:
            current = first[0]
    chain.reverse()
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
        origin=origin,
        chain=tuple(steps),
        pull_in=_pull_in(cpm, node, ids),
    )


def _value(cpm: Cpm, p: int, code: int, lag: float, d: float) -> float:
    if code == FS:
        return cpm.ef[p] + lag
    if code == SS:
        return cpm.es[p] + lag
    if code == FF:
        return cpm.ef[p] + lag - d
    return cpm.es[p] + lag - d


def _driving_links(cpm: Cpm, s: int) -> list[tuple[int, int, float]]:
    """Links into s whose constraint equals its early start (done ones included), plan order."""
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
    floor = cpm.a if cpm.kind[s] == NOT_STARTED and cpm.a > 0 else 0.0
    best, by = floor, "status date" if floor > 0 else "program start"
    for p, code, lag in cpm.graph.preds[s]:
        if (p, code, lag) in driving:
            continue
        value = _value(cpm, p, code, lag, d)
        if value > best + EPS:
            best, by = value, ids[p]
    links = tuple((ids[p], LINK_NAME[code], lag) for p, code, lag in drivers)
    return PullIn(links=links, gain_days=round(cpm.es[s] - best, 6), then_driven_by=by)
