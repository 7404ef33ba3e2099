"""The risk register as data: scores, bands, a heat map and hygiene findings.

A standup reviews risks in one order: the worst first. This module scores every risk
(probability x impact, 1..25, and the residual score after mitigation), puts it in a band by
the plan's ``[settings.risk_bands]`` edges, lays the live risks out on a 5x5 heat map and
lists what is wrong with the register itself (no owner, not reviewed, overdue mitigations, ...)
as findings a renderer can show and the status rules can count.

Which statuses count:

- the register lists *live* risks: ``open``, ``mitigating``, ``accepted`` and ``occurred``
  (an occurred risk stays until it has a follow-up and is closed); ``closed`` ones are left out;
- the heat map shows the risks that can still happen: ``open``, ``mitigating``, ``accepted``.

Everything here is a pure function of the plan, the status date and the sets of critical and
near-critical milestone ids (from the schedule); results are frozen and sorted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from tpm.plan.calendar import add_days
from tpm.plan.model import Mitigation, Plan, Risk, RiskBands

Band = Literal["low", "medium", "high", "critical"]
BANDS: tuple[Band, ...] = ("low", "medium", "high", "critical")
Exposure = Literal["critical", "late", "near-critical", "none"]

HEAT_MAP_STATUSES: frozenset[str] = frozenset({"open", "mitigating", "accepted"})
LIVE_STATUSES: frozenset[str] = HEAT_MAP_STATUSES | {"occurred"}
ACTIVE_MITIGATION: frozenset[str] = frozenset({"todo", "doing"})
WEEK_DAYS = 7

# Hygiene finding codes, in the order a register lists them for one risk.
HYGIENE_CODES: tuple[str, ...] = (
    "no-follow-up",
    "unmitigated",
    "mitigation-overdue",
    "exposure",
    "stale",
    "no-owner",
    "no-trigger",
    "no-milestone",
)
_CODE_ORDER = {code: i for i, code in enumerate(HYGIENE_CODES)}
_EXPOSURE_RANK: dict[Exposure, int] = {"critical": 3, "late": 2, "near-critical": 1, "none": 0}


@dataclass(frozen=True)
class Finding:
    """One hygiene problem of one risk: a stable code, a sentence, and the ids involved."""

    code: str
    risk_id: str
    message: str
    mitigation_id: str | None = None


@dataclass(frozen=True)
class MitigationView:
    """A mitigation of a live risk, with whether it is overdue or due this week."""

    risk_id: str
    id: str
    action: str
    owner: str
    due: dt.date | None
    status: str
    overdue: bool
    due_this_week: bool


@dataclass(frozen=True)
class RiskView:
    """One live risk as the register shows it."""

    id: str
    title: str
    owner: str
    status: str
    response: str | None
    category: str
    probability: int
    impact: int
    score: int
    band: Band
    residual_probability: int
    residual_impact: int
    residual_score: int
    residual_band: Band
    affects: tuple[str, ...]
    exposure: Exposure
    """The worst of what it affects: on a critical path, late, near-critical, or none."""
    exposed_milestones: tuple[str, ...]
    """Every affected milestone that is critical, late or near-critical (in that order)."""
    on_critical_path: tuple[str, ...]
    """Affected milestones on a critical path."""
    late_milestones: tuple[str, ...]
    """Affected milestones off the critical path with negative float (a due date is missed)."""
    near_critical_milestones: tuple[str, ...]
    """Affected milestones off the critical path with float 0 to near_critical_days."""
    trigger: str
    follow_up: str
    proximity: dt.date | None
    schedule_impact: float
    reviewed: dt.date | None
    review_due: dt.date | None
    stale: bool
    mitigations: tuple[MitigationView, ...]
    next_action: MitigationView | None
    findings: tuple[Finding, ...]
    raised: dt.date | None = None

    @property
    def active_mitigations(self) -> tuple[MitigationView, ...]:
        """Mitigations still to do or being done."""
        return tuple(m for m in self.mitigations if m.status in ACTIVE_MITIGATION)

    @property
    def overdue_mitigations(self) -> tuple[str, ...]:
        """Ids of active mitigations past their due date."""
        return tuple(m.id for m in self.mitigations if m.overdue)

    @property
    def on_heat_map(self) -> bool:
        """True when the risk can still happen (shown on the heat map)."""
        return self.status in HEAT_MAP_STATUSES


@dataclass(frozen=True)
class HeatCell:
    """One cell of the 5x5 heat map and the live risks in it (sorted by id)."""

    probability: int
    impact: int
    score: int
    band: Band
    risk_ids: tuple[str, ...]


@dataclass(frozen=True)
class RiskRegister:
    """The whole register as of one date."""

    as_of: dt.date
    edges: tuple[int, int, int]
    review_cadence_days: int
    risks: tuple[RiskView, ...]
    closed: tuple[str, ...]
    heat_map: tuple[tuple[HeatCell, ...], ...]
    findings: tuple[Finding, ...]
    due_this_week: tuple[MitigationView, ...]
    overdue: tuple[MitigationView, ...]
    stale: tuple[str, ...]

    def risk(self, risk_id: str) -> RiskView | None:
        """The live risk with this id, or None."""
        for r in self.risks:
            if r.id == risk_id:
                return r
        return None

    def band_counts(self) -> dict[Band, int]:
        """How many live risks are in each band (all bands present, low first)."""
        counts: dict[Band, int] = dict.fromkeys(BANDS, 0)
        for r in self.risks:
            counts[r.band] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """The register as plain JSON data (dates as ISO strings), for ``tpm risks --json``."""
        data: dict[str, Any] = _jsonable(
            {
                "as_of": self.as_of,
                "bands": dict(zip(("low", "medium", "high"), self.edges, strict=True)),
                "review_cadence_days": self.review_cadence_days,
                "counts": self.band_counts(),
                "heat_map": [
                    {
                        "probability": c.probability,
                        "impact": c.impact,
                        "score": c.score,
                        "band": c.band,
                        "risks": list(c.risk_ids),
                    }
                    for row in self.heat_map
                    for c in row
                ],
                "risks": [asdict(r) for r in self.risks],
                "closed": list(self.closed),
                "due_this_week": [asdict(m) for m in self.due_this_week],
                "overdue": [asdict(m) for m in self.overdue],
                "stale": list(self.stale),
            }
        )
        return data

    def cell(self, probability: int, impact: int) -> HeatCell:
        """The heat-map cell at this probability (1..5) and impact (1..5)."""
        return self.heat_map[5 - probability][impact - 1]


def band_of(score: int, bands: RiskBands) -> Band:
    """The band of a score (1..25) by the plan's upper edges of low, medium and high."""
    if score <= bands.low:
        return "low"
    if score <= bands.medium:
        return "medium"
    if score <= bands.high:
        return "high"
    return "critical"


def residual(risk: Risk) -> tuple[int, int]:
    """Residual probability and impact; each falls back to the inherent value when unset."""
    p = risk.residual_probability if risk.residual_probability is not None else risk.probability
    i = risk.residual_impact if risk.residual_impact is not None else risk.impact
    return p, i


def sort_key(view: RiskView) -> tuple[int, int, str]:
    """Register order: score descending, then critical-path exposure, then id."""
    return (-view.score, -_EXPOSURE_RANK[view.exposure], view.id)


def analyse_risks(
    plan: Plan,
    as_of: dt.date,
    critical: frozenset[str] = frozenset(),
    near_critical: frozenset[str] = frozenset(),
    late: frozenset[str] = frozenset(),
) -> RiskRegister:
    """Score, band, map and check every risk of ``plan`` as of ``as_of``.

    ``critical``, ``near_critical`` and ``late`` are milestone ids from the schedule
    (``Schedule.critical`` ...; pass none to skip the exposure check). The result is
    deterministic: the same inputs give equal results.
    """
    bands = plan.settings.risk_bands
    cadence = plan.settings.review_cadence_days
    views = [
        _view(r, as_of, bands, cadence, (critical, late, near_critical))
        for r in plan.risks
        if r.status in LIVE_STATUSES
    ]
    views.sort(key=sort_key)
    closed = tuple(sorted(r.id for r in plan.risks if r.status not in LIVE_STATUSES))
    findings = tuple(f for v in views for f in v.findings)
    mitigations = [m for v in views for m in v.mitigations]
    return RiskRegister(
        as_of=as_of,
        edges=(bands.low, bands.medium, bands.high),
        review_cadence_days=cadence,
        risks=tuple(views),
        closed=closed,
        heat_map=heat_map(views, bands),
        findings=findings,
        due_this_week=_by_due(m for m in mitigations if m.due_this_week),
        overdue=_by_due(m for m in mitigations if m.overdue),
        stale=tuple(sorted(v.id for v in views if v.stale)),
    )


def heat_map(views: Iterable[RiskView], bands: RiskBands) -> tuple[tuple[HeatCell, ...], ...]:
    """The 5x5 map: rows are probability 5 down to 1, columns impact 1 to 5."""
    cells: dict[tuple[int, int], list[str]] = {}
    for v in views:
        if v.on_heat_map:
            cells.setdefault((v.probability, v.impact), []).append(v.id)
    return tuple(
        tuple(
            HeatCell(p, i, p * i, band_of(p * i, bands), tuple(sorted(cells.get((p, i), []))))
            for i in range(1, 6)
        )
        for p in range(5, 0, -1)
    )


def _by_due(items: Iterable[MitigationView]) -> tuple[MitigationView, ...]:
    return tuple(sorted(items, key=lambda m: (m.due or dt.date.max, m.risk_id, m.id)))


def _mitigation(risk_id: str, m: Mitigation, as_of: dt.date) -> MitigationView:
    active = m.status in ACTIVE_MITIGATION
    week_end = add_days(as_of, WEEK_DAYS - 1)
    return MitigationView(
        risk_id=risk_id,
        id=m.id,
        action=m.action,
        owner=m.owner,
        due=m.due,
        status=m.status,
        overdue=active and m.due is not None and m.due < as_of,
        due_this_week=active and m.due is not None and as_of <= m.due <= week_end,
    )


def _view(
    risk: Risk,
    as_of: dt.date,
    bands: RiskBands,
    cadence: int,
    sets: tuple[frozenset[str], frozenset[str], frozenset[str]],
) -> RiskView:
    score = risk.probability * risk.impact
    rp, ri = residual(risk)
    mitigations = tuple(
        sorted(
            (_mitigation(risk.id, m, as_of) for m in risk.mitigations),
            key=lambda m: (m.due or dt.date.max, m.id),
        )
    )
    active = [m for m in mitigations if m.status in ACTIVE_MITIGATION]
    critical, late, near_critical = sets
    affects = set(risk.affects)
    on_critical = tuple(sorted(affects & critical))
    on_late = tuple(sorted((affects & late) - critical))
    on_near = tuple(sorted((affects & near_critical) - critical - late))
    exposure: Exposure = (
        "critical" if on_critical else "late" if on_late else "near-critical" if on_near else "none"
    )
    reviewed = risk.last_reviewed or risk.raised
    review_due = add_days(reviewed, cadence) if reviewed else None
    stale = review_due is None or review_due < as_of
    view = RiskView(
        id=risk.id,
        title=risk.title,
        owner=risk.owner,
        status=risk.status,
        response=risk.response,
        category=risk.category,
        probability=risk.probability,
        impact=risk.impact,
        score=score,
        band=band_of(score, bands),
        residual_probability=rp,
        residual_impact=ri,
        residual_score=rp * ri,
        residual_band=band_of(rp * ri, bands),
        affects=tuple(risk.affects),
        exposure=exposure,
        exposed_milestones=on_critical + on_late + on_near,
        on_critical_path=on_critical,
        late_milestones=on_late,
        near_critical_milestones=on_near,
        trigger=risk.trigger,
        follow_up=risk.follow_up,
        proximity=risk.proximity,
        schedule_impact=risk.schedule_impact,
        reviewed=reviewed,
        review_due=review_due,
        stale=stale,
        mitigations=mitigations,
        next_action=active[0] if active else None,
        findings=(),
        raised=risk.raised,
    )
    findings = sorted(
        _hygiene(view, as_of),
        key=lambda f: (_CODE_ORDER[f.code], f.mitigation_id or ""),
    )
    return replace(view, findings=tuple(findings))


def _hygiene(v: RiskView, as_of: dt.date) -> list[Finding]:
    out: list[Finding] = []

    def add(code: str, message: str, mitigation_id: str | None = None) -> None:
        out.append(Finding(code, v.id, message, mitigation_id))

    if v.status == "occurred" and not v.follow_up.strip():
        add("no-follow-up", "occurred but has no follow-up recorded")
    if (
        v.band in ("high", "critical")
        and v.status in HEAT_MAP_STATUSES
        and v.status != "accepted"
        and v.response != "accept"
        and not v.active_mitigations
    ):
        add("unmitigated", f"{v.band} risk (score {v.score}) with no active mitigation")
    for m in v.mitigations:
        if m.overdue and m.due is not None:
            days = (as_of - m.due).days
            add(
                "mitigation-overdue",
                f"mitigation {m.id} overdue by {days} day{'s' if days != 1 else ''}"
                f" (due {m.due.isoformat()})",
                m.id,
            )
    if v.exposure != "none":
        add("exposure", "affects " + exposure_text(v))
    if v.stale:
        if v.reviewed is None:
            add("stale", "never reviewed and has no raised date")
        else:
            days = (as_of - v.reviewed).days
            add("stale", f"not reviewed for {days} days (last {v.reviewed.isoformat()})")
    if not v.owner.strip():
        add("no-owner", "has no owner")
    if not v.trigger.strip():
        add("no-trigger", "has no trigger (early warning sign)")
    if not v.affects:
        add("no-milestone", "is not linked to any milestone (affects is empty)")
    return out


def exposure_text(v: RiskView) -> str:
    """``milestone a on the critical path; late milestones b, c; near-critical milestone d``."""
    parts = []
    for ids, head, tail in (
        (v.on_critical_path, "", " on the critical path"),
        (v.late_milestones, "late ", ""),
        (v.near_critical_milestones, "near-critical ", ""),
    ):
        if ids:
            word = "milestones" if len(ids) > 1 else "milestone"
            parts.append(f"{head}{word} {', '.join(ids)}{tail}")
    return "; ".join(parts)


def _jsonable(value: Any) -> Any:
    """Dates to ISO strings and tuples to lists, recursively."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
