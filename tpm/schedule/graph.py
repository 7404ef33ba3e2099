"""The milestone dependency graph in the compact form the schedule passes run over.

The CPM passes run in plain Python over integer-indexed lists in topological order: that is
several times faster than walking a networkx graph, and it is what lets a one-milestone edit
re-schedule 10,000 milestones in a few milliseconds. Descendants (for blockers and risks)
are bitsets from one reverse pass, checked against networkx in the tests;
:func:`to_networkx` builds the networkx graph on demand for such questions.

Cancelled milestones are not in the graph; their links are dissolved
(:func:`tpm.plan.links.dissolved_links`): their predecessors drive their successors.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tpm.plan.links import dissolved_links
from tpm.plan.model import Plan

if TYPE_CHECKING:
    import networkx as nx

UNIT = 1_000_000
"""Offsets are whole multiples of 1/UNIT working day (a microday, 0.03 s of an 8-hour day):
every duration, lag and computed date is rounded to one, so sums of fractional durations do
not drift (13,530 steps of 0.3 days end at exactly 4,059) and tied paths stay exactly tied.
Each is held as the float nearest to that multiple: ``round(x * UNIT) / UNIT`` (an exact
integer divided by an exact power of ten, correctly rounded)."""

# Link types as small ints, for speed in the passes.
FS, SS, FF, SF = 0, 1, 2, 3
LINK_CODE = {"FS": FS, "SS": SS, "FF": FF, "SF": SF}
LINK_NAME = ("FS", "SS", "FF", "SF")

Link = tuple[int, int, float]
"""(other node, link type code, lag) — ``other`` is the predecessor in ``preds`` lists and
the successor in ``succs`` lists."""


class GraphError(ValueError):
    """The plan's dependencies cannot be scheduled (a cycle); ``tpm check`` reports these."""


@dataclass(frozen=True)
class Graph:
    """Scheduled milestones (plan order, cancelled left out) and their links."""

    ids: tuple[str, ...]
    index: dict[str, int]
    preds: tuple[tuple[Link, ...], ...]
    succs: tuple[tuple[Link, ...], ...]
    order: tuple[int, ...]
    """Node indices in topological order; ties keep plan order."""
    position: tuple[int, ...]
    """position[i]: where node i sits in ``order``."""
    cancelled: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)


def build_graph(plan: Plan) -> Graph:
    """The graph of a plan's non-cancelled milestones; unknown or cancelled links are dropped."""
    ids: list[str] = []
    index: dict[str, int] = {}
    cancelled: list[str] = []
    for m in plan.milestones:
        if m.status == "cancelled":
            cancelled.append(m.id)
        elif m.id not in index:
            index[m.id] = len(ids)
            ids.append(m.id)
    preds: list[list[Link]] = [[] for _ in ids]
    succs: list[list[Link]] = [[] for _ in ids]
    codes = LINK_CODE
    links = dissolved_links(plan) if cancelled else None
    for m in plan.milestones:
        if not m.depends_on:
            continue
        s = index.get(m.id)
        if s is None or m.status == "cancelled" or ids[s] != m.id:
            continue
        into = preds[s]
        for dep in m.depends_on if links is None else links[m.id]:
            p = index.get(dep.id)
            if p is None or p == s:
                continue
            link = (p, codes[dep.type], round(float(dep.lag) * UNIT) / UNIT)
            into.append(link)
            succs[p].append((s, link[1], link[2]))
    order = _topological(len(ids), preds, succs, ids)
    position = [0] * len(ids)
    for pos, node in enumerate(order):
        position[node] = pos
    return Graph(
        ids=tuple(ids),
        index=index,
        preds=tuple(tuple(p) for p in preds),
        succs=tuple(tuple(s) for s in succs),
        order=tuple(order),
        position=tuple(position),
        cancelled=tuple(cancelled),
    )


def _topological(
    n: int, preds: list[list[Link]], succs: list[list[Link]], ids: list[str]
) -> list[int]:
    """Kahn's algorithm; the queue starts in plan order, so the result is deterministic."""
    waiting = [len(p) for p in preds]
    queue = deque(i for i in range(n) if waiting[i] == 0)
    order: list[int] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for succ, _code, _lag in succs[node]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                queue.append(succ)
    if len(order) != n:
        stuck = sorted(ids[i] for i in range(n) if waiting[i] > 0)
        raise GraphError("dependency cycle among: " + ", ".join(stuck[:10]))
    return order


def descendants(graph: Graph, keep: set[int]) -> dict[int, int]:
    """Descendants of the ``keep`` nodes as bitsets (bit k = node k).

    One reverse topological pass computes every node's descendants from its successors', but
    a node's bitset is dropped as soon as its last predecessor has used it, so memory stays
    at the width of the graph rather than growing with the square of its size (100,000
    milestones would otherwise need over a gigabyte).
    """
    succs, preds = graph.succs, graph.preds
    pending = [len(p) for p in preds]
    with_self: dict[int, int] = {}
    reach: dict[int, int] = {}
    for i in reversed(graph.order):
        bits = 0
        for s, _code, _lag in succs[i]:
            bits |= with_self[s]
            pending[s] -= 1
            if pending[s] == 0:
                del with_self[s]
        if i in keep:
            reach[i] = bits
        if pending[i]:
            with_self[i] = bits | (1 << i)
    return reach


def to_networkx(graph: Graph) -> nx.DiGraph[Any]:
    """The same graph as a networkx DiGraph over milestone ids (edge data: type, lag)."""
    import networkx as nx

    g: nx.DiGraph[Any] = nx.DiGraph()
    g.add_nodes_from(graph.ids)
    for s, links in enumerate(graph.preds):
        for p, code, lag in links:
            g.add_edge(graph.ids[p], graph.ids[s], type=LINK_NAME[code], lag=lag)
    return g
