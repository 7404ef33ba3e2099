"""Links as the schedule sees them: cancelled milestones dissolved (Primavera P6's rule).

A cancelled milestone does not happen, but the logic across it does: its predecessors drive
its successors through its links, as if it were an event of no duration. For a predecessor
link of type T1 and lag L1 into the cancelled item, and a successor link of type T2 and lag
L2 out of it, the dissolved link starts where T1 starts (the predecessor's finish for FS and
FF, its start for SS and SF), ends where T2 ends (the successor's start for FS and SS, its
finish for FF and SF), and has lag L1 + L2. Chains of cancelled milestones dissolve the same
way. The graph (tpm.schedule), the forecast and the TaskJuggler export all use these links,
and ``tpm check`` notes each cancelled milestone that others still depend on.
"""

from __future__ import annotations

from tpm.plan.model import Dependency, LinkType, Plan

_TYPE: dict[tuple[bool, bool], LinkType] = {
    (True, True): "FS",
    (True, False): "FF",
    (False, True): "SS",
    (False, False): "SF",
}
"""(from the predecessor's finish, into the successor's start) -> link type."""

Anchor = tuple[str, bool, float]
"""(live predecessor id, from its finish, lag) of a cancelled milestone's instant."""


def dissolved_links(plan: Plan) -> dict[str, list[Dependency]]:
    """Each live milestone's links with cancelled predecessors dissolved (plan order).

    Links to unknown ids are kept as they are (``tpm check`` reports them); a cancelled
    predecessor with no live predecessor of its own leaves no link.
    """
    cancelled = {m.id: m for m in plan.milestones if m.status == "cancelled"}
    if not cancelled:
        return {m.id: list(m.depends_on) for m in plan.milestones}
    memo: dict[str, list[Anchor]] = {}

    def anchors(ident: str, visiting: frozenset[str]) -> list[Anchor]:
        if ident in memo:
            return memo[ident]
        out: list[Anchor] = []
        for dep in cancelled[ident].depends_on:
            if dep.id in visiting or dep.id == ident:
                continue  # a loop: tpm check reports it
            if dep.id in cancelled:
                out += [(p, f, lag + dep.lag) for p, f, lag in anchors(dep.id, visiting | {ident})]
            else:
                out.append((dep.id, dep.type in ("FS", "FF"), float(dep.lag)))
        memo[ident] = out
        return out

    result: dict[str, list[Dependency]] = {}
    for m in plan.milestones:
        if m.status == "cancelled" or not any(d.id in cancelled for d in m.depends_on):
            result.setdefault(m.id, list(m.depends_on))
            continue
        deps: list[Dependency] = []
        for dep in m.depends_on:
            if dep.id not in cancelled:
                deps.append(dep)
                continue
            into_start = dep.type in ("FS", "SS")
            for p, from_finish, lag in anchors(dep.id, frozenset({m.id})):
                if p == m.id:
                    continue
                kind = _TYPE[(from_finish, into_start)]
                deps.append(Dependency(id=p, type=kind, lag=_number(lag + dep.lag)))
        result.setdefault(m.id, deps)
    return result


def _number(value: float) -> float | int:
    """Whole lags stay ints (the plan format's own spelling)."""
    return int(value) if float(value).is_integer() else value
