"""What stops progress as of the status date, ranked by what it costs the program.

A blocker is either

- **blocked**: a milestone with status ``blocked`` (its ``blocked_reason`` says why), or
- **waiting**: a not-started milestone that must start now (its late start is on or before
  the status date, or the program or a due date slips) but cannot, because it waits on an
  unfinished predecessor (FS/FF links: not done; SS/SF links: not started) that is itself
  off its own plan: blocked, past or missing its own due date, behind its baseline, or
  running longer than its duration (see :func:`off_plan`). Normal sequencing is never a
  blocker: work waiting on a predecessor that is on its plan is just the schedule.

Ranking, most harmful first:

1. ``slip_days``: working days the program finish moves if the blocker stays stuck for
   ``hold_days`` more working days (default 5, one working week): the milestone cannot
   start, or resume its remaining work, before ``as_of + hold_days``; everything else is
   scheduled as usual. A blocker that costs 0 days never outranks one that costs more.
2. ``downstream_count``: milestones held up (descendants in the dependency graph that are
   not done; the same set as ``networkx.descendants``, computed as bitsets in one reverse
   topological pass that keeps only the graph's frontier: networkx needs about a minute
   for the 1,000 blockers of a 10,000-milestone plan), then the number of teams they belong
   to.
3. ``age_days``: calendar days since ``blocked_since`` (blocked) or since the late start
   date (waiting); unknown ages rank last.

Ties keep plan order. ``critical`` says whether the blocker is on a critical path (see
:mod:`tpm.schedule.network`); it is shown, not ranked on: the slip already measures what
the path costs. ``cross_team`` flags a blocker waiting on a predecessor whose team differs
from its own (both teams set).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tpm.plan.model import Milestone, Plan
from tpm.schedule.cpm import Cpm
from tpm.schedule.days import whole_days
from tpm.schedule.graph import FF, FS, LINK_NAME, descendants
from tpm.schedule.progress import DONE, EPS, NOT_STARTED, STARTED
from tpm.schedule.result import Schedule

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
    off_plan: str = ""
    """Why it is off its own plan (``blocked``, ``overdue (due 2026-03-02)``, ...), or ""."""


@dataclass(frozen=True)
class Blocker:
    """One milestone that stops progress, with its impact."""

    id: str
    title: str
    team: str
    kind: str
    """``blocked`` (status blocked) or ``waiting`` (must start now, waits on late work)."""
    reason: str
    since: dt.date | None
    """blocked_since, or the late start date for a waiting milestone."""
    age_days: int | None
    critical: bool
    """On a critical path (Schedule.critical)."""
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


def blocker_ages(plan: Plan, sched: Schedule, as_of: dt.date) -> list[tuple[str, bool, int | None]]:
    """Each blocked or waiting milestone's id, whether it is critical, and its age in days, in
    graph order: what the status rules read, without the impact :func:`blockers` ranks by."""
    picked = _candidates(plan, sched, as_of)
    out = []
    for i, kind, m in picked.candidates:
        since = (
            m.blocked_since if kind == "blocked" else sched.calendar.start_date(picked.cpm.ls[i])
        )
        age = None if since is None else max(0, (as_of - since).days)
        out.append((m.id, m.id in sched.critical, age))
    return out


@dataclass(frozen=True)
class _Found:
    cpm: Cpm
    items: dict[str, Milestone]
    off: dict[int, str]
    candidates: list[tuple[int, str, Milestone]]


def _candidates(plan: Plan, sched: Schedule, as_of: dt.date) -> _Found:
    """Blocked milestones, and those past their late start waiting on work off its plan."""
    graph, cal = sched.graph, sched.calendar
    cpm = sched.cpm()
    a = float(cal.offset(as_of))
    items = {m.id: m for m in reversed(plan.milestones)}
    off: dict[int, str] = {}

    def waits_on_late_work(i: int) -> bool:
        late = False
        for p, _code, _lag in _holders(cpm.kind, graph.preds[i], items, graph.ids):
            k = graph.index[p.id]
            if k not in off:
                off[k] = off_plan(p, k, cpm, sched, as_of)
            late = late or bool(off[k])
        return late

    candidates: list[tuple[int, str, Milestone]] = []
    for i, ident in enumerate(graph.ids):
        m = items[ident]
        if m.status == "blocked":
            candidates.append((i, "blocked", m))
        elif cpm.kind[i] == NOT_STARTED and cpm.ls[i] <= a + EPS and waits_on_late_work(i):
            candidates.append((i, "waiting", m))
    return _Found(cpm, items, off, candidates)


def blockers(
    plan: Plan, sched: Schedule, as_of: dt.date, *, hold_days: float = HOLD_DAYS
) -> list[Blocker]:
    """Blocked and waiting milestones as of ``as_of``, most harmful first (see module doc)."""
    graph, cal = sched.graph, sched.calendar
    picked = _candidates(plan, sched, as_of)
    cpm, items, off = picked.cpm, picked.items, picked.off
    a = float(cal.offset(as_of))
    candidates = [(i, kind) for i, kind, _m in picked.candidates]
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
    on_path = sched.critical
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
                off_plan=off.get(graph.index[p.id], ""),
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
            reason = "waiting on " + ", ".join(
                f"{h.id} ({h.off_plan})" if h.off_plan else h.id for h in holders
            )
        age = None if since is None else max(0, (as_of - since).days)
        blocker = Blocker(
            id=m.id,
            title=m.title,
            team=m.team,
            kind=kind,
            reason=reason,
            since=since,
            age_days=age,
            critical=m.id in on_path,
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
        key = (-blocker.slip_days, -count, -len(teams), -(age if age is not None else -1), i)
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


def off_plan(m: Milestone, i: int, cpm: Cpm, sched: Schedule, as_of: dt.date) -> str:
    """Why milestone ``m`` (node i, not done) is off its own plan, or "" when it is on it.

    Off plan: blocked; its due date has passed, or its forecast finish misses it; its
    forecast finish is after its baseline finish; or started and forecast to take longer
    than its duration. Work not started yet is on plan unless a due date or the baseline
    says otherwise (without resources, "it could have started earlier" is not "late").
    Whole days are rounded up, so a fraction of a day late never reads as 0.
    """
    if m.status == "blocked":
        return "blocked"
    finish, variance = sched.finish_and_variance(m.id)
    if m.due is not None:
        if m.due < as_of:
            return f"overdue: due {m.due}"
        if finish > m.due:
            return f"will miss its due date {m.due}"
    if variance is not None and variance > 0:
        return f"{_working_days(variance)} behind its baseline"
    if cpm.kind[i] == STARTED:
        over = cpm.ef[i] - cpm.es[i] - cpm.dur[i]
        if over > EPS:
            return f"running {_working_days(over)} over its duration"
    return ""


def _working_days(value: float) -> str:
    whole = whole_days(value, more_is_worse=True)
    return f"{whole} working day" + ("" if whole == 1 else "s")
