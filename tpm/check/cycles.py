"""Dependency loops: which milestones form them, and the shortest way round each.

Plain Kahn and Tarjan rather than networkx: importing networkx costs more than checking a
plan. tpm/check/references.py turns what this finds into diagnostics.
"""

from __future__ import annotations


def dependency_loops(index: dict[str, int], linked: dict[str, dict[str, None]]) -> list[list[str]]:
    """One loop per strongly connected group of milestones: the shortest way round it.

    ``index`` gives each milestone's place in the plan, ``linked`` its successors. Each loop
    starts at the group's first milestone in plan order: [first, ..., last], where last
    links back to first.
    """
    looped = _not_sortable(linked)
    if not looped:
        return []
    successors = {i: sorted(nodes, key=index.__getitem__) for i, nodes in linked.items()}
    loops = []
    for component in _strongly_connected([i for i in index if i in looped], successors):
        if len(component) < 2:
            continue
        first = min(component, key=index.__getitem__)
        loops.append(_shortest_loop(first, successors, set(component)))
    return loops


def _not_sortable(successors: dict[str, dict[str, None]]) -> set[str]:
    """Milestones that a topological sort cannot place: those on or after a loop.

    Most plans have no loop, and this pass (Kahn's) is cheaper than finding components.
    """
    waiting = dict.fromkeys(successors, 0)
    for nodes in successors.values():
        for node in nodes:
            waiting[node] += 1
    ready = [node for node, count in waiting.items() if count == 0]
    while ready:
        for node in successors[ready.pop()]:
            waiting[node] -= 1
            if waiting[node] == 0:
                ready.append(node)
    return {node for node, count in waiting.items() if count > 0}


def show_loop(loop: list[str]) -> str:
    """'a -> b -> c -> a'; a loop of more than 20 milestones keeps its two ends."""
    if len(loop) > 21:
        loop = [*loop[:10], f"({len(loop) - 16} more)", *loop[-6:]]
    return " -> ".join(loop)


def _strongly_connected(nodes: list[str], successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (plans may be long chains)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in nodes:
        if root in order:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            nexts = successors[node]
            if i < len(nexts):
                work.append((node, i + 1))
                child = nexts[i]
                if child not in order:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _shortest_loop(start: str, successors: dict[str, list[str]], within: set[str]) -> list[str]:
    """Breadth-first from start back to start inside one component: [start, ..., last]."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in successors[node]:
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                if child in within and child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    return [start]  # unreachable for a strongly connected component
