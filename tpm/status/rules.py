"""The declared RAG rules: each reads :class:`Facts` and may fire a :class:`Finding`.

Rules are small pure functions over plain data, listed in :data:`RULES` with an id, the area
they colour, the colour they give and what they mean in a lead's words
(docs/reference/status-rules.md is generated from them). :mod:`tpm.status.evaluate` runs
them and decides each area's colour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tpm.plan.model import Rag, StatusRules
from tpm.schedule.days import whole_days
from tpm.status.facts import Area, Facts


@dataclass(frozen=True)
class Finding:
    """A rule that fired: its id, colour, a sentence for a lead, and the ids involved."""

    rule: str
    rag: Rag
    message: str
    items: tuple[str, ...] = ()


# ---------------------------------------------------------------- rules

Check = Callable[[Facts, StatusRules], Finding | None]


@dataclass(frozen=True)
class Rule:
    """A declared RAG rule: id (``area.name``), area, colour, what it means, and its check."""

    id: str
    area: Area
    rag: Rag
    meaning: str
    check: Check


def _days(value: float) -> str:
    """A threshold as the rules state it: ``3``, ``2.5``."""
    return f"{value:g}"


def working_days(value: float, *, more_is_worse: bool = False) -> str:
    """``1 working day``, ``4 working days``: whole days rounded towards worse
    (:func:`tpm.schedule.days.whole_days`; ``more_is_worse`` for lateness and slip)."""
    whole = whole_days(value, more_is_worse=more_is_worse)
    return f"{whole} working day" + ("" if whole == 1 else "s")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _listing(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _finish_after_target(f: Facts, rules: StatusRules) -> Finding | None:
    s = f.schedule
    if s.finish is None or s.target is None or s.margin_days is None or s.margin_days >= 0:
        return None
    late = working_days(-s.margin_days, more_is_worse=True)
    return Finding(
        "schedule.finish-after-target",
        "red",
        f"Forecast finish {s.finish} is {late} after the target {s.target}.",
    )


def _due_missed(f: Facts, rules: StatusRules) -> Finding | None:
    misses = sorted(f.schedule.due_misses, key=lambda d: (d.float_days, d.id))
    if not misses:
        return None
    parts = [
        f"{m.id} (due {m.due}, {whole_days(-m.float_days, more_is_worse=True)} d late)"
        for m in misses
    ]
    return Finding(
        "schedule.due-date-missed",
        "red",
        f"{_plural(len(misses), 'milestone')} will miss the due date: {_listing(parts)}.",
        tuple(m.id for m in misses),
    )


def _low_margin(f: Facts, rules: StatusRules) -> Finding | None:
    s = f.schedule
    limit = rules.schedule_amber_margin_days
    if s.margin_days is None or not 0 <= s.margin_days < limit:
        return None
    return Finding(
        "schedule.low-margin",
        "amber",
        f"Only {working_days(s.margin_days)} of margin to the target {s.target} "
        f"(amber below {_days(limit)}).",
    )


def _p80_late(f: Facts, rules: StatusRules) -> Finding | None:
    s = f.schedule
    if s.p80 is None or s.target is None or s.p80 <= s.target:
        return None
    return Finding(
        "schedule.p80-after-target",
        "amber",
        f"P80 forecast {s.p80} is after the target {s.target}: "
        "less than an 80 % chance of making it.",
    )


_LIVE = ("open", "mitigating", "occurred")


def _critical_unmitigated(f: Facts, rules: StatusRules) -> Finding | None:
    ids = sorted(
        r.id
        for r in f.risks
        if r.band == "critical" and r.status in _LIVE and not r.active_mitigation
    )
    if not ids:
        return None
    return Finding(
        "risks.critical-unmitigated",
        "red",
        f"{_plural(len(ids), 'critical risk')} with no active mitigation: {_listing(ids)}.",
        tuple(ids),
    )


def _critical_open(f: Facts, rules: StatusRules) -> Finding | None:
    live = sorted(
        (r.id, r.status)
        for r in f.risks
        if r.band == "critical"
        and (r.status == "accepted" or (r.status in _LIVE and r.active_mitigation))
    )
    if not live:
        return None
    # Each risk says its own status: an occurred risk is neither mitigating nor accepted.
    return Finding(
        "risks.critical-open",
        "amber",
        f"{_plural(len(live), 'critical risk')} not closed: "
        f"{_listing([f'{i} ({status})' for i, status in live])}.",
        tuple(i for i, _status in live),
    )


def _high_unmitigated(f: Facts, rules: StatusRules) -> Finding | None:
    ids = sorted(
        r.id for r in f.risks if r.band == "high" and r.status in _LIVE and not r.active_mitigation
    )
    if not ids:
        return None
    return Finding(
        "risks.high-unmitigated",
        "amber",
        f"{_plural(len(ids), 'high risk')} with no active mitigation: {_listing(ids)}.",
        tuple(ids),
    )


def _mitigation_overdue(f: Facts, rules: StatusRules) -> Finding | None:
    overdue = sorted(m for r in f.risks if r.status != "closed" for m in r.overdue_mitigations)
    if not overdue:
        return None
    return Finding(
        "risks.mitigation-overdue",
        "amber",
        f"{_plural(len(overdue), 'mitigation')} overdue: {_listing(overdue)}.",
        tuple(overdue),
    )


def _occurred_no_follow_up(f: Facts, rules: StatusRules) -> Finding | None:
    ids = sorted(r.id for r in f.risks if r.status == "occurred" and not r.follow_up)
    if not ids:
        return None
    return Finding(
        "risks.occurred-no-follow-up",
        "amber",
        f"{_plural(len(ids), 'risk')} occurred with no follow-up recorded: {_listing(ids)}.",
        tuple(ids),
    )


def _streak(rags: tuple[Rag, ...]) -> int:
    n = 0
    for rag in reversed(rags):
        if rag != "red":
            break
        n += 1
    return n


def _kpi_red_streak(f: Facts, rules: StatusRules) -> Finding | None:
    need = rules.kpi_red_streak
    hits = sorted((k.id, _streak(k.rags)) for k in f.kpis if _streak(k.rags) >= need)
    if not hits:
        return None
    return Finding(
        "kpis.red-streak",
        "red",
        f"{_plural(len(hits), 'KPI')} red for {need} or more measurements running: "
        f"{_listing([f'{i} ({n} in a row)' for i, n in hits])}.",
        tuple(i for i, _ in hits),
    )


def _kpi_red_latest(f: Facts, rules: StatusRules) -> Finding | None:
    need = rules.kpi_red_streak
    ids = sorted(k.id for k in f.kpis if 0 < _streak(k.rags) < need)
    if not ids:
        return None
    return Finding(
        "kpis.red-latest",
        "amber",
        f"{_plural(len(ids), 'KPI')} red in the latest measurement "
        f"(red after {need} running): {_listing(ids)}.",
        tuple(ids),
    )


def _kpi_amber_latest(f: Facts, rules: StatusRules) -> Finding | None:
    ids = sorted(k.id for k in f.kpis if k.rags and k.rags[-1] == "amber")
    if not ids:
        return None
    return Finding(
        "kpis.amber-latest",
        "amber",
        f"{_plural(len(ids), 'KPI')} amber in the latest measurement: {_listing(ids)}.",
        tuple(ids),
    )


def _kpi_stale(f: Facts, rules: StatusRules) -> Finding | None:
    ids = sorted(k.id for k in f.kpis if k.stale)
    if not ids:
        return None
    return Finding(
        "kpis.stale",
        "amber",
        f"{_plural(len(ids), 'KPI')} not measured within the cadence: {_listing(ids)}.",
        tuple(ids),
    )


def _critical_blockers(f: Facts) -> list[str]:
    return sorted(b.id for b in f.blockers if b.critical)


def _blockers_many(f: Facts, rules: StatusRules) -> Finding | None:
    ids = _critical_blockers(f)
    if len(ids) < rules.blockers_red_count:
        return None
    return Finding(
        "blockers.critical-many",
        "red",
        f"{_plural(len(ids), 'milestone')} on the critical path blocked or waiting "
        f"(red at {rules.blockers_red_count}): {_listing(ids)}.",
        tuple(ids),
    )


def _blockers_critical(f: Facts, rules: StatusRules) -> Finding | None:
    ids = _critical_blockers(f)
    if not 0 < len(ids) < rules.blockers_red_count:
        return None
    return Finding(
        "blockers.critical",
        "amber",
        f"{_plural(len(ids), 'milestone')} on the critical path blocked or waiting: "
        f"{_listing(ids)}.",
        tuple(ids),
    )


def _blockers_aged(f: Facts, rules: StatusRules) -> Finding | None:
    limit = rules.blocker_amber_age_days
    old = sorted(
        (b.id, b.age_days) for b in f.blockers if b.age_days is not None and b.age_days > limit
    )
    if not old:
        return None
    return Finding(
        "blockers.aged",
        "amber",
        f"{_plural(len(old), 'blocker')} older than {limit} days: "
        f"{_listing([f'{i} ({d} days)' for i, d in old])}.",
        tuple(i for i, _ in old),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "schedule.finish-after-target",
        "schedule",
        "red",
        "the forecast finish is after the program target",
        _finish_after_target,
    ),
    Rule(
        "schedule.due-date-missed",
        "schedule",
        "red",
        "a milestone that is not done has negative float against its due date",
        _due_missed,
    ),
    Rule(
        "schedule.low-margin",
        "schedule",
        "amber",
        "margin to the target is below `schedule_amber_margin_days` (default 5)",
        _low_margin,
    ),
    Rule(
        "schedule.p80-after-target",
        "schedule",
        "amber",
        "the P80 forecast finish (three-point estimates) is after the target",
        _p80_late,
    ),
    Rule(
        "risks.critical-unmitigated",
        "risks",
        "red",
        "a critical risk (open, mitigating or occurred) has no mitigation in todo or doing",
        _critical_unmitigated,
    ),
    Rule(
        "risks.critical-open",
        "risks",
        "amber",
        "a critical risk is not closed but has an active mitigation (open, mitigating or "
        "occurred), or was accepted",
        _critical_open,
    ),
    Rule(
        "risks.high-unmitigated",
        "risks",
        "amber",
        "a high risk (open, mitigating or occurred) has no mitigation in todo or doing",
        _high_unmitigated,
    ),
    Rule(
        "risks.mitigation-overdue",
        "risks",
        "amber",
        "a mitigation of a risk that is not closed is past its due date and not done",
        _mitigation_overdue,
    ),
    Rule(
        "risks.occurred-no-follow-up",
        "risks",
        "amber",
        "a risk occurred and has no `follow_up`",
        _occurred_no_follow_up,
    ),
    Rule(
        "kpis.red-streak",
        "kpis",
        "red",
        "a KPI was red for the last `kpi_red_streak` measurements (default 2)",
        _kpi_red_streak,
    ),
    Rule(
        "kpis.red-latest",
        "kpis",
        "amber",
        "a KPI's latest measurement is red, but not yet `kpi_red_streak` in a row",
        _kpi_red_latest,
    ),
    Rule(
        "kpis.amber-latest",
        "kpis",
        "amber",
        "a KPI's latest measurement is amber",
        _kpi_amber_latest,
    ),
    Rule(
        "kpis.stale",
        "kpis",
        "amber",
        "a KPI has no measurement within its `cadence_days`",
        _kpi_stale,
    ),
    Rule(
        "blockers.critical-many",
        "blockers",
        "red",
        "at least `blockers_red_count` (default 3) milestones on the critical path are blocked "
        "or waiting",
        _blockers_many,
    ),
    Rule(
        "blockers.critical",
        "blockers",
        "amber",
        "a milestone on the critical path is blocked or waiting (fewer than `blockers_red_count`)",
        _blockers_critical,
    ),
    Rule(
        "blockers.aged",
        "blockers",
        "amber",
        "a blocker is older than `blocker_amber_age_days` (default 10 calendar days)",
        _blockers_aged,
    ),
)


def green_finding(area: Area, f: Facts, rules: StatusRules) -> Finding:
    """Why an area is green: what was checked and found fine."""
    if area == "schedule":
        s = f.schedule
        if s.finish is None:
            return Finding("schedule.on-track", "green", "No open milestones to schedule.")
        if s.target is None or s.margin_days is None:
            text = f"Forecast finish {s.finish}; no program target set; no due date at risk."
        else:
            text = (
                f"Forecast finish {s.finish} meets the target {s.target} with "
                f"{working_days(s.margin_days)} of margin."
            )
        return Finding("schedule.on-track", "green", text)
    if area == "risks":
        live = sum(1 for r in f.risks if r.status != "closed")
        return Finding(
            "risks.under-control",
            "green",
            f"No critical risk and no unmitigated high risk ({_plural(live, 'risk')} not closed).",
        )
    if area == "kpis":
        if not f.kpis:
            return Finding("kpis.on-target", "green", "No KPIs defined.")
        unmeasured = sum(1 for k in f.kpis if not k.rags)
        measured = len(f.kpis) - unmeasured
        if not measured:
            text = f"{_plural(unmeasured, 'KPI')}, not measured yet (still within the cadence)."
            return Finding("kpis.not-measured-yet", "green", text)
        text = f"All {_plural(measured, 'KPI')} at target and measured within their cadence"
        if unmeasured:
            text += f"; {unmeasured} not measured yet (still within the cadence)"
        text += "."
        return Finding("kpis.on-target", "green", text)
    if not f.blockers:
        return Finding("blockers.clear", "green", "Nothing is blocked.")
    return Finding(
        "blockers.clear",
        "green",
        f"{_plural(len(f.blockers), 'blocker')}, none on the critical path and none older "
        f"than {rules.blocker_amber_age_days} days.",
        tuple(sorted(b.id for b in f.blockers)),
    )
