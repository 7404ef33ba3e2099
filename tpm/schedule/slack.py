"""Slack on the links of a scheduled network: which links drive a milestone, and its free float.

Both read a finished CPM state (early dates, kinds, remaining work) and change nothing: a
driving link is one with no slack (:func:`tight_preds`, which the critical chains of
:mod:`tpm.schedule.network` follow), free float the least slack to a driven successor or the
project finish (:func:`free_float`, computed when read because it depends on early dates only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tpm.schedule.graph import FF, FS, SF, SS, UNIT, Graph
from tpm.schedule.progress import DONE, EPS, STARTED

if TYPE_CHECKING:
    from tpm.schedule.cpm import Cpm


def tight_preds(c: Cpm, s: int, include_done: bool = False) -> list[int]:
    """Predecessors whose link drives node s's early start, in plan order.

    Done predecessors are left out unless ``include_done`` (paths never contain them).
    """
    if c.kind[s] == STARTED:
        return _tight_into_started(c, s, include_done)
    if not c.driven(s):
        return []
    es_list, ef_list, d, target = c.es, c.ef, c.dur[s], c.es[s]
    out = []
    for p, code, lag in c.graph.preds[s]:
        if c.kind[p] == DONE and not include_done:
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


def _tight_into_started(c: Cpm, s: int, include_done: bool) -> list[int]:
    """Predecessors whose link drives the resumption of started node s (plan order)."""
    es_list, ef_list, rem = c.es, c.ef, c.rem[s]
    target = ef_list[s] - rem
    every = c.retained or c.fixed_es[s] is None
    out = []
    for p, code, lag in c.graph.preds[s]:
        if c.kind[p] == DONE and not include_done:
            continue
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
        if abs(v - target) <= EPS and p not in out:
            out.append(p)
    return sorted(out)


class _Lists(Protocol):
    """The lists :func:`free_float` reads (a :class:`Cpm` or a snapshot of one)."""

    @property
    def es(self) -> list[float]: ...
    @property
    def ef(self) -> list[float]: ...
    @property
    def fixed_es(self) -> list[float | None]: ...
    @property
    def kind(self) -> list[int]: ...
    @property
    def rem(self) -> list[float]: ...


def free_float(c: _Lists, graph: Graph, finish: float, p: int, retained: bool = True) -> float:
    """How far node p can slip without moving a driven successor or the project finish.

    Computed when read (it depends only on early dates), so an edit does not pay for it.
    Started successors count through the links that hold their remaining work.
    """
    es, ef, fixed_es, kind, rem = c.es, c.ef, c.fixed_es, c.kind, c.rem
    es_p, ef_p = es[p], ef[p]
    free = finish - ef_p
    started = fixed_es[p] is not None
    for s, code, lag in graph.succs[p]:
        if started and (code == SS or code == SF):
            continue  # p's start has happened: links from it cannot slip
        if fixed_es[s] is not None:
            if kind[s] == DONE or (not retained and (code == FS or code == SS)):
                continue
            if code == FS:
                v = ef[s] - rem[s] - lag - ef_p
            elif code == SS:
                v = ef[s] - rem[s] - lag - es_p
            elif code == FF:
                v = ef[s] - lag - ef_p
            else:
                v = ef[s] - lag - es_p
        elif code == FS:
            v = es[s] - lag - ef_p
        elif code == SS:
            v = es[s] - lag - es_p
        elif code == FF:
            v = ef[s] - lag - ef_p
        else:
            v = ef[s] - lag - es_p
        if v < free:
            free = v
    return round(free * UNIT) / UNIT
