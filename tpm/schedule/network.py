"""The graph questions users see, answered with networkx over the CPM's driving links.

The array passes of :mod:`tpm.schedule.cpm` give dates and float (networkx has no
working-day, link-type CPM). What a user reads as a *graph* answer comes from here:

- :func:`critical_nodes`: the milestones on a critical path. "Critical" has one meaning in
  tpm: on a chain of driving links (each link's constraint equals its successor's early
  start) that ends at the program finish, so its total float is at or below zero. A
  milestone whose float is negative only because it misses its own due date is *late*, not
  critical. Found by one walk back from the finishing milestones (cheap enough for every
  edit in the TUI, so no networkx import there).
- :func:`critical_chains`: every parallel critical chain, each from its first milestone to
  the program finish: the simple paths of the graph of driving links, walked depth-first.
- :func:`schedule_graph`: the whole plan as a networkx graph with every milestone's dates,
  float and words as attributes, for the graphml and dot exports.

networkx is imported inside the functions that need it: ``tpm check`` and the TUI's first
paint never pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from tpm.schedule.cpm import Cpm
from tpm.schedule.graph import LINK_NAME
from tpm.schedule.progress import DONE, EPS
from tpm.schedule.slack import tight_preds

if TYPE_CHECKING:
    import networkx as nx

    from tpm.schedule.result import Schedule


def _ends(cpm: Cpm) -> list[int]:
    """Open milestones that finish the program (plan order)."""
    finish, kind, ef = cpm.finish - EPS, cpm.kind, cpm.ef
    return [i for i in range(len(cpm.graph)) if kind[i] != DONE and ef[i] >= finish]


def driving_links(cpm: Cpm) -> tuple[list[int], dict[int, list[int]]]:
    """The finishing milestones and, for every milestone behind them, its driving predecessors.

    Returns ``(ends, tight)``: ``tight[s]`` lists the open predecessors whose link drives s
    (plan order), for s an end or a milestone reached from one through driving links. An end
    that drives another end (an event after the last task) is left out of ``ends``: it lies
    inside that end's chain.
    """
    ends = _ends(cpm)
    tight: dict[int, list[int]] = {}
    covered: set[int] = set()
    todo = list(ends)
    while todo:
        node = todo.pop()
        if node in tight:
            continue
        preds = tight[node] = tight_preds(cpm, node)
        for p in preds:
            covered.add(p)
            if p not in tight:
                todo.append(p)
    return [e for e in ends if e not in covered], tight


def critical_nodes(cpm: Cpm) -> frozenset[int]:
    """Nodes on a critical path (see the module docstring); done milestones never are."""
    _ends_, tight = driving_links(cpm)
    lf, ef = cpm.lf, cpm.ef
    return frozenset(i for i in tight if lf[i] - ef[i] <= EPS)


def driving_graph(cpm: Cpm) -> tuple[list[int], nx.DiGraph[int]]:
    """The finishing milestones and the networkx graph of driving links, successor to predecessor.

    Edges point backwards (from a milestone to the predecessor that drives it) and are added in
    plan order, so networkx's depth-first walks visit predecessors in plan order.
    """
    import networkx as nx

    ends, tight = driving_links(cpm)
    back: nx.DiGraph[int] = nx.DiGraph()
    back.add_nodes_from(sorted(tight))
    back.add_edges_from((s, p) for s in sorted(tight) for p in tight[s])
    return ends, back


def critical_chains(cpm: Cpm, cap: int) -> tuple[list[list[int]], bool]:
    """Every critical chain, from its first milestone to the program finish; at most ``cap``.

    Order: by finishing milestone (plan order), then depth-first with predecessors in plan
    order: the order of networkx's ``all_simple_paths`` over :func:`driving_graph` (a test
    holds them equal). Walked here without networkx, whose import alone costs more than the
    TUI's whole first paint, and whose ``all_simple_paths`` compares its targets with the
    whole current path at every step: quadratic in a chain's length (213 s for a 100,000
    chain). Every walk back ends at a chain's head, so this costs the length of the chains
    returned. Returns the chains and whether there were more than ``cap``.
    """
    ends, tight = driving_links(cpm)
    preds = {node: list(dict.fromkeys(ps)) for node, ps in tight.items()}

    def chains() -> Iterator[list[int]]:
        for end in ends:
            path = [end]
            if not preds[end]:
                yield [end]
                continue
            stack = [iter(preds[end])]
            while stack:
                step = next(stack[-1], None)
                if step is None:
                    stack.pop()
                    path.pop()
                elif preds[step]:
                    path.append(step)
                    stack.append(iter(preds[step]))
                else:
                    yield [step, *path[::-1]]

    found = list(islice(chains(), cap + 1))
    return found[:cap], len(found) > cap


def schedule_graph(sched: Schedule) -> nx.DiGraph[str]:
    """The plan's dependency graph over milestone ids, with the schedule as attributes.

    Nodes (plan order; cancelled milestones are not scheduled and left out): ``label`` (the
    id), ``title``, ``team``, ``status``, ``duration``, ``start``, ``finish`` (ISO dates),
    ``due`` (ISO date, only when set), ``total_float``, ``free_float`` (working days; not
    on done milestones),
    ``critical``, ``near_critical``, ``late``. Edges (predecessor to successor): ``type``,
    ``lag`` and ``driving`` (the link is on a critical path). Graph: ``program``, ``as_of``,
    ``finish`` and ``target`` (when set). Values are str, float or bool, as GraphML needs.
    """
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    g.graph.update(program=sched.program, as_of=sched.as_of.isoformat())
    g.graph["finish"] = sched.finish.isoformat()
    if sched.target is not None:
        g.graph["target"] = sched.target.isoformat()
    late = sched.late
    for m in sched.milestones.values():
        node: dict[str, Any] = {
            "label": m.id,
            "title": m.title,
            "team": m.team,
            "status": m.status,
            "duration": m.duration,
            "start": m.start.isoformat(),
            "finish": m.finish.isoformat(),
            "critical": m.critical,
            "near_critical": m.near_critical,
            "late": m.id in late,
        }
        if m.status != "done":  # done work has no float: it cannot move any more
            node.update(total_float=m.total_float, free_float=m.free_float)
        if m.due is not None:
            node["due"] = m.due.isoformat()
        g.add_node(m.id, **node)
    _ends, tight = driving_links(sched.cpm())
    ids, critical = sched.graph.ids, sched.critical
    for s, links in enumerate(sched.graph.preds):
        for p, code, lag in links:
            driving = ids[s] in critical and ids[p] in critical and p in tight.get(s, ())
            g.add_edge(ids[p], ids[s], type=LINK_NAME[code], lag=lag, driving=driving)
    return g
