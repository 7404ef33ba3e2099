"""Escalations: the blockers and risks a lead must act on, each with an owner and a next action.

A status report's escalation that reads "Kestrel KYC API rejects 312 sellers" tells the reader
what is wrong, not what happens next. Each escalation here carries:

- an **owner**: the milestone's or risk's owner, else the team's lead, else the program owner
  (the report says which), else none (shown as a gap to fill);
- a **next action** with who does it and by when, taken from the plan where the plan has one,
  in this order:

  1. an open ask (``[[decisions]]`` with ``status = "needed"``) whose ``links`` name the
     milestone: the decision, from whom, by its ``needed_by``;
  2. the next active mitigation of the risk (for a blocker: of a live risk that affects the
     milestone), with its owner and due date (overdue ones say so);
  3. a blocked reason written as an action: it starts with an action verb ("Sign the DPA") or
     names someone to do one ("Legal to sign the DPA");
  4. otherwise a generated action, marked as such, that asks for the missing decision:
     "unblock X: OWNER to decide the next step by DATE" (a blocker), "get a date for P:
     P's OWNER to commit a finish by DATE" (waiting on late work P), "OWNER to add a
     mitigation or accept the risk by DATE" (a risk without mitigation).

A generated action is due when waiting costs the program: the next working day for a blocker
on a critical path or without float, else before its float runs out, and at the latest a
working week after the status date (:data:`ACT_WITHIN` working days, the next weekly report).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tpm.plan.calendar import CalendarError, WorkCalendar
from tpm.plan.model import Decision, Plan
from tpm.register.risks import MitigationView, RiskRegister

if TYPE_CHECKING:
    from tpm.report.data import BlockerRow

ACT_WITHIN = 5  # working days: a generated action is due by the next weekly report at the latest

# A blocked reason counts as an action when it starts with one of these verbs, or reads
# "SOMEONE to VERB ..." (the usual "Legal to sign the DPA").
ACTION_VERBS = frozenset(
    """
    agree align approve arrange ask book buy call chase check clarify close complete confirm
    contact decide deliver deploy draft email escalate finalise finalize finish fix get hire
    install merge migrate negotiate obtain order pay plan prepare procure provide publish
    purchase raise reassign release remove renew replace request resolve review run schedule
    secure send set ship sign submit switch test update upgrade validate verify
    """.split()
)
_SOMEONE_TO = re.compile(r"^[^.;:!?]{1,60}?\bto\s+([A-Za-z]+)\b")


@dataclass(frozen=True)
class Escalation:
    """One escalation: what, why, who owns it, and the next action."""

    id: str
    title: str
    kind: str  # "blocked", "waiting" or "risk"
    critical: bool  # a blocker on a critical path, or a critical risk
    detail: str  # why: the blocked reason, what it waits on, or the risk's score and status
    slip_days: float  # blockers: finish slip if stuck hold_days more working days
    hold_days: float
    owner: str  # "" when nobody is named anywhere
    owner_role: str  # "" (its own owner), "team lead" or "program owner"
    action: str
    action_owner: str
    action_due: dt.date | None
    overdue: bool  # the plan's action is past its due date
    source: str  # "decision", "mitigation", "reason" or "generated"
    source_id: str  # the decision or risk the action comes from ("" otherwise)


def is_action(text: str) -> bool:
    """True when ``text`` reads as an action: an action verb first, or "SOMEONE to VERB"."""
    words = text.strip().split(maxsplit=1)
    if not words:
        return False
    if words[0].lower().strip(",:") in ACTION_VERBS:
        return True
    found = _SOMEONE_TO.match(text.strip())
    return found is not None and found.group(1).lower() in ACTION_VERBS


def escalations(
    plan: Plan,
    as_of: dt.date,
    calendar: WorkCalendar,
    blockers: Sequence[BlockerRow],
    register: RiskRegister,
    floats: dict[str, float | None],
) -> tuple[Escalation, ...]:
    """Every escalation, most urgent first: critical blockers, critical risks, other blockers,
    high risks (blockers by finish slip, risks by score, then id).

    ``blockers`` are the report's blocker rows; ``floats`` each milestone's total float in
    working days (None for done ones)."""
    owners = _Owners(plan)
    asks = _asks_by_milestone(plan.decisions)
    mitigations = _mitigations_by_milestone(register)
    ranked: list[tuple[tuple[int, float, str], Escalation]] = []
    for b in blockers:
        owner, role = owners.of_milestone(b.id)
        by = _deadline(calendar, as_of, 0.0 if b.critical else floats.get(b.id))
        action = _blocker_action(b, owner, by, as_of, asks, mitigations, owners)
        detail = b.reason if b.kind == "blocked" else "waiting on " + ", ".join(b.waiting_on)
        esc = Escalation(
            b.id,
            b.title,
            b.kind,
            b.critical,
            detail,
            b.slip_days,
            b.hold_days,
            owner,
            role,
            *action,
        )
        ranked.append(((0 if b.critical else 2, -b.slip_days, b.id), esc))
    for r in register.risks:
        if r.band not in ("critical", "high") or r.status == "accepted":
            continue
        owner, role = owners.of_risk(r.owner)
        nxt = r.next_action
        if nxt is not None:
            act = _from_mitigation(nxt, owner)
        else:
            by = _deadline(calendar, as_of, None)
            who = owner or "the risk's owner"
            act = (
                f"{who} to add a mitigation or accept the risk",
                owner,
                by,
                False,
                "generated",
                "",
            )
        detail = f"risk {r.score} {r.band}, {r.status}"
        esc = Escalation(
            r.id, r.title, "risk", r.band == "critical", detail, 0.0, 0.0, owner, role, *act
        )
        ranked.append(((1 if r.band == "critical" else 3, -float(r.score), r.id), esc))
    ranked.sort(key=lambda x: x[0])
    return tuple(e for _, e in ranked)


_Action = tuple[str, str, dt.date | None, bool, str, str]


def _blocker_action(
    b: BlockerRow,
    owner: str,
    by: dt.date | None,
    as_of: dt.date,
    asks: dict[str, list[Decision]],
    mitigations: dict[str, list[MitigationView]],
    owners: _Owners,
) -> _Action:
    """The next action of a blocker (see the module docstring for the order)."""
    for d in asks.get(b.id, ()):
        overdue = d.needed_by is not None and d.needed_by < as_of
        return (
            f"decision needed: {d.title or d.id}",
            d.decided_by,
            d.needed_by,
            overdue,
            "decision",
            d.id,
        )
    found = mitigations.get(b.id)
    if found:
        return _from_mitigation(found[0], owner)
    if b.kind == "blocked" and is_action(b.reason):
        return (b.reason.strip(), owner, None, False, "reason", "")
    if b.kind == "waiting" and b.waiting_on:
        first = b.waiting_on[0]
        holder, _role = owners.of_milestone(first)
        who = holder or f"{first}'s owner"
        text = f"get a date for {first}: {who} to commit a finish date"
        return (text, holder, by, False, "generated", "")
    who = owner or f"{b.id}'s owner"
    return (f"unblock {b.id}: {who} to decide the next step", owner, by, False, "generated", "")


def _from_mitigation(m: MitigationView, owner: str) -> _Action:
    return (m.action or m.id, m.owner or owner, m.due, m.overdue, "mitigation", m.risk_id)


def _deadline(calendar: WorkCalendar, as_of: dt.date, total_float: float | None) -> dt.date | None:
    """When a generated action is due: before the float runs out (the next working day when
    there is none), within :data:`ACT_WITHIN` working days at the latest (None past 9999)."""
    days = ACT_WITHIN if total_float is None else int(max(1.0, min(ACT_WITHIN, total_float)))
    try:
        return calendar.day(calendar.offset(as_of) + days)
    except CalendarError:
        return None


def _asks_by_milestone(decisions: list[Decision]) -> dict[str, list[Decision]]:
    out: dict[str, list[Decision]] = {}
    asks = sorted(
        (d for d in decisions if d.status == "needed"),
        key=lambda d: (d.needed_by or dt.date.max, d.id),
    )
    for d in asks:
        for link in d.links:
            out.setdefault(link, []).append(d)
    return out


def _mitigations_by_milestone(register: RiskRegister) -> dict[str, list[MitigationView]]:
    """The next mitigation of each live risk, under each milestone it affects (worst risk
    first)."""
    out: dict[str, list[MitigationView]] = {}
    live = sorted(
        (r for r in register.risks if r.next_action is not None and r.status != "closed"),
        key=lambda r: (-r.score, r.id),
    )
    for r in live:
        assert r.next_action is not None
        for mid in r.affects:
            out.setdefault(mid, []).append(r.next_action)
    return out


class _Owners:
    """Who owns an escalation: its own owner, else the team lead, else the program owner."""

    def __init__(self, plan: Plan) -> None:
        self.leads = {t.id: t.lead for t in plan.teams if t.lead}
        self.program = plan.program.owner
        self.milestones = {m.id: (m.owner, m.team) for m in plan.milestones}

    def of_milestone(self, mid: str) -> tuple[str, str]:
        owner, team = self.milestones.get(mid, ("", ""))
        if owner:
            return owner, ""
        lead = self.leads.get(team, "")
        if lead:
            return lead, "team lead"
        return self.of_risk("")

    def of_risk(self, owner: str) -> tuple[str, str]:
        if owner:
            return owner, ""
        if self.program:
            return self.program, "program owner"
        return "", ""
