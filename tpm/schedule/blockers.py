"""What stops progress as of the status date, ranked by what it costs the program.

A blocker is either

- **blocked**: a milestone with status ``blocked`` (its ``blocked_reason`` says why), or
- **waiting**: a not-started milestone whose late start is on or before the status date
  (it must start now or the program, or one of its due dates, slips) but that still waits
  on unfinished predecessors (FS/FF links: the predecessor is not done; SS/SF links: the
  predecessor has not started).

Impact, in ranking order:

1. ``critical``: on a critical path (total float <= 0).
2. ``slip_days``: working days the program finish moves if the blocker stays stuck for
   ``hold_days`` more working days (default 5, one working week): the milestone cannot
   start, or resume its remaining work, before ``as_of + hold_days``; everything else is
   scheduled as usual, and the finish is compared with the current one.
3. ``downstream``: milestones held up (descendants in the dependency graph, as
   ``networkx.descendants`` would give them, that are not done; computed as bitsets in one
   reverse topological pass that keeps only the graph's frontier) and the distinct teams
   that own them.
4. ``age_days``: calendar days since ``blocked_since`` (blocked) or since the late start
   date (waiting); unknown ages rank last.

Ties keep plan order. ``cross_team`` flags a blocker waiting on a predecessor whose team
differs from its own (both teams set).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tpm.plan.model import Milestone, Plan
from tpm.schedule.cpm import DONE, EPS, NOT_STARTED
from tpm.schedule.graph import FF, FS, LINK_NAME, descendants
from tpm.schedule.scheduler import Schedule

HOLD_DAYS = 5


@dataclass(frozen=True)
class Holder:
    """An unfinished predecessor a blocker waits on."""

    id: str
    team: str
    status: str
    type: str
    lag: float
    cross_team: bool
    """True when its team differs from the blocked milestone's team (both set)."""


@dataclass(frozen=True)
class Blocker:
    """One milestone that stops progress, with its impact."""

    id: str
    title: str
    team: str
    kind: str
    """``blocked`` (status blocked) or ``waiting`` (should have started, waits on others)."""
    reason: str
    since: dt.date | None
    """blocked_since, or the late start date for a waiting milestone."""
    age_days: int | None
    critical: bool
    total_float: float
    slip_days: float
    """Working days the program finish moves if it stays stuck ``hold_days`` more days."""
    hold_days: float
    downstream_count: int
    """How many not-done milestones are held up behind it."""
    teams_held: tuple[str, ...]
    """Distinct teams of the downstream milestones (sorted)."""
    waiting_on: tuple[Holder, ...]
    cross_team: bool
    held_mask: int = dataclasses.field(repr=False, compare=False)
    """Bitset of the held-up milestones over ``graph_ids`` (decoded only when asked)."""
    graph_ids: tuple[str, ...] = dataclasses.field(repr=False, compare=False)

    @property
    def downstream(self) -> tuple[str, ...]:
        """Not-done milestones held up behind it, in schedule (topological) order of ids."""
        return tuple(self.graph_ids[d] for d in _bits(self.held_mask))

    def downstream_first(self, limit: int) -> tuple[str, ...]:
        """The first ``limit`` of ``downstream``, without decoding the rest."""
        mask, out = self.held_mask, list[str]()
        while mask and len(out) < limit:
            low = mask & -mask
            out.append(self.graph_ids[low.bit_length() - 1])
            mask ^= low
        return tuple(out)


def blockers(
    plan: Plan, sched: Schedule, as_of: dt.date, *, hold_days: float = HOLD_DAYS
) -> list[Blocker]:
    """Blocked and waiting milestones as of ``as_of``, most harmful first (see module doc)."""
    graph, cal = sched.graph, sched.calendar
    cpm = sched.cpm()
    a = float(cal.offset(as_of))
    items = {m.id: m for m in reversed(plan.milestones)}
    candidates: list[tuple[int, str]] = []
    for i, ident in enumerate(graph.ids):
        m = items[ident]
        if m.status == "blocked":
            candidates.append((i, "blocked"))
        elif (
            cpm.kind[i] == NOT_STARTED
            and cpm.ls[i] <= a + EPS
            and _holders(cpm.kind, graph.preds[i], items, graph.ids)
        ):
            candidates.append((i, "waiting"))
    if not candidates:
        return []
    reach = descendants(graph, {i for i, _kind in candidates})
    open_mask = _mask([k for k in range(len(graph)) if cpm.kind[k] != DONE], len(graph))
    by_team: dict[str, list[int]] = {}
    for k, ident in enumerate(graph.ids):
        team = items[ident].team
        if team:
            by_team.setdefault(team, []).append(k)
    team_masks = {team: _mask(nodes, len(graph)) for team, nodes in by_team.items()}
    found: list[tuple[tuple[object, ...], Blocker]] = []
    for i, kind in candidates:
        m = items[graph.ids[i]]
        below = reach.pop(i) & open_mask  # pop: peak memory holds each set once
        count = below.bit_count()
        teams = tuple(sorted(t for t, mask in team_masks.items() if mask & below))
        holders = tuple(
            Holder(
                id=p.id,
                team=p.team,
                status=p.status,
                type=LINK_NAME[code],
                lag=lag,
                cross_team=bool(p.team and m.team and p.team != m.team),
            )
            for p, code, lag in _holders(cpm.kind, graph.preds[i], items, graph.ids)
        )
        slip = max(0.0, cpm.finish_if_held(i, a + hold_days) - cpm.finish)
        total = cpm.lf[i] - cpm.ef[i]
        if kind == "blocked":
            since = m.blocked_since
            reason = m.blocked_reason
        else:
            since = cal.start_date(cpm.ls[i])
            reason = "waiting on " + ", ".join(h.id for h in holders)
        age = None if since is None else max(0, (as_of - since).days)
        blocker = Blocker(
            id=m.id,
            title=m.title,
            team=m.team,
            kind=kind,
            reason=reason,
            since=since,
            age_days=age,
            critical=total <= EPS,
            total_float=total,
            slip_days=round(slip, 6),
            hold_days=hold_days,
            downstream_count=count,
            teams_held=teams,
            waiting_on=holders,
            cross_team=any(h.cross_team for h in holders),
            held_mask=below,
            graph_ids=graph.ids,
        )
        key = (not blocker.critical, -slip, -count, -len(teams), -(age or -1), i)
        found.append((key, blocker))
    found.sort(key=lambda pair: pair[0])
    return [b for _key, b in found]


def _mask(nodes: list[int], size: int) -> int:
    """A bitset with the bits of ``nodes`` set, built in linear time."""
    raw = bytearray((size + 7) // 8)
    for k in nodes:
        raw[k >> 3] |= 1 << (k & 7)
    return int.from_bytes(raw, "little")


def _bits(mask: int) -> list[int]:
    """Positions of the set bits, lowest first."""
    text = bin(mask)[:1:-1]  # lowest bit first
    out = []
    k = text.find("1")
    while k >= 0:
        out.append(k)
        k = text.find("1", k + 1)
    return out


def _holders(
    kind: list[int],
    preds: tuple[tuple[int, int, float], ...],
    items: dict[str, Milestone],
    ids: tuple[str, ...],
) -> list[tuple[Milestone, int, float]]:
    """Unfinished predecessors: FS/FF ones not done, SS/SF ones not started."""
    out = []
    for p, code, lag in preds:
        holding = kind[p] != DONE if code in (FS, FF) else kind[p] == NOT_STARTED
        if holding:
            out.append((items[ids[p]], code, lag))
    return out
