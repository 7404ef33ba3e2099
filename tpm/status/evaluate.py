"""RAG status that explains itself: declared rules over facts, never an unexplained colour.

Four areas get a colour each: schedule, risks, KPIs and blockers. A colour comes only from the
rules in :data:`tpm.status.rules.RULES`; each rule that fires gives a finding that names the
rule and says, in words a lead understands, what it saw (which milestones, which risks, how
many days). An area where no amber or red rule fires is green, and says why it is green. The
overall status is the worst area, unless the plan's ``[status.override]`` applies: an override
needs a reason and an expiry date; an expired or reasonless one is ignored, and the status
says so.

The rules read facts, plain data distilled from the schedule, the forecast, and the risk and
KPI analyses (:func:`tpm.report.data.build` distils them), so every rule can be tested on a
small literal table. Thresholds come from the plan's ``[status]`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

from tpm.plan.model import Rag, StatusRules
from tpm.status.facts import AREAS, Area, Facts
from tpm.status.rules import RULES, Finding, green_finding

AREA_NAMES: dict[Area, str] = {
    "schedule": "Schedule",
    "risks": "Risks",
    "kpis": "KPIs",
    "blockers": "Blockers",
}
_SEVERITY: dict[Rag, int] = {"green": 0, "amber": 1, "red": 2}


def worst(rags: list[Rag]) -> Rag:
    """The worst of some colours (green when there are none)."""
    return max(rags, key=_SEVERITY.__getitem__, default="green")


@dataclass(frozen=True)
class AreaStatus:
    """One area's colour and the rules that fired (worst first); green ones say why."""

    area: Area
    rag: Rag
    findings: tuple[Finding, ...]

    @property
    def name(self) -> str:
        """Display name of the area."""
        return AREA_NAMES[self.area]

    @property
    def reason(self) -> str:
        """The deciding findings' messages, joined: the one line shown next to the colour."""
        top = [f.message for f in self.findings if f.rag == self.rag]
        return " ".join(top)


@dataclass(frozen=True)
class Status:
    """The overall colour, each area's colour, and what happened to the override."""

    rag: Rag
    computed: Rag
    areas: tuple[AreaStatus, ...]
    reason: str
    override_applied: bool = False
    notes: tuple[str, ...] = ()

    def area(self, area: Area) -> AreaStatus:
        """One area's status."""
        return next(a for a in self.areas if a.area == area)


def evaluate_area(area: Area, facts: Facts, rules: StatusRules) -> AreaStatus:
    """Run one area's rules; the area is the worst colour that fired, else green."""
    fired = [
        finding
        for rule in RULES
        if rule.area == area and (finding := rule.check(facts, rules)) is not None
    ]
    fired.sort(key=lambda x: -_SEVERITY[x.rag])  # stable: declaration order within a colour
    if not fired:
        fired = [green_finding(area, facts, rules)]
    return AreaStatus(area, worst([x.rag for x in fired]), tuple(fired))


def evaluate(facts: Facts, rules: StatusRules) -> Status:
    """The status of every area, the overall colour (worst area, or a valid override)."""
    areas = tuple(evaluate_area(a, facts, rules) for a in AREAS)
    computed = worst([a.rag for a in areas])
    reason = _computed_reason(areas, computed)
    override = rules.override
    if override is None:
        return Status(computed, computed, areas, reason)
    wanted = override.rag.upper()
    if not override.reason.strip():
        note = f"Override to {wanted} ignored: it gives no reason."
        return Status(computed, computed, areas, reason, notes=(note,))
    if facts.as_of > override.expires:
        note = f"Override to {wanted} expired on {override.expires} and is ignored."
        return Status(computed, computed, areas, reason, notes=(note,))
    text = (
        f"Overridden to {wanted} until {override.expires}: {' '.join(override.reason.split())} "
        f"(the rules say {computed.upper()}: {reason})"
    )
    return Status(override.rag, computed, areas, text, override_applied=True)


def _computed_reason(areas: tuple[AreaStatus, ...], computed: Rag) -> str:
    if computed == "green":
        return "Every area is green. " + areas[0].reason
    worst_areas = [a for a in areas if a.rag == computed]
    return " ".join(f"{a.name}: {a.findings[0].message}" for a in worst_areas)
