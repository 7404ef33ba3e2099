"""Render a Monte Carlo forecast: a plain-text report (no rich) and the JSON document.

The text starts with the assumptions (runs, seed, method, the risk chances used, how many
milestones had estimates), because a forecast is only as good as what it assumed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the dashboard imports chance() before the forecast (and numpy) loads
    from tpm.forecast.run import Forecast, MilestoneForecast, Quantiles, RiskEvent
    from tpm.forecast.sampling import Method

METHOD_NAMES: dict[Method, str] = {"pert": "PERT-beta", "triangular": "triangular"}


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def chance(share: float) -> str:
    """A share of runs as every front end prints it: ``11.5%`` (tpm forecast, the report and
    the TUI say the same)."""
    return _pct(share)


def _days(value: float) -> str:
    return f"{value:g}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return ["  " + line for line in lines]


def render_text(fc: Forecast, default_seed: bool = False, default_runs: bool = False) -> str:
    """The forecast as a readable report; the flags say which options were left at default."""
    runs = f"{fc.runs:,} runs" + (" (the default; --runs N)" if default_runs else "")
    seed = f"seed {fc.seed}" + (" (the default; --seed S)" if default_seed else "")
    chances = "/".join(str(p) for p in fc.probability_percent)
    out = [
        f"Forecast: {fc.program} (as of {fc.as_of.isoformat()})",
        "",
        "Assumptions",
        f"  {runs}, {seed}, {METHOD_NAMES[fc.method]} durations",
        f"  risk chance by probability 1..5: {chances} % (settings.probability_percent)",
        f"  {_plural(fc.milestones_total, 'milestone')} scheduled, {fc.milestones_open:,} not done",
        f"  {fc.milestones_estimated:,} of the {fc.milestones_open:,} not done have a three-point "
        "estimate; the others keep their fixed duration",
    ]
    if fc.cancelled:
        out.append(f"  cancelled, left out: {', '.join(fc.cancelled)}")
    out.append(
        f"  {_plural(len(fc.risks), 'risk')} modelled as "
        + ("an event" if len(fc.risks) == 1 else "events")
        + (f", {len(fc.ignored_risks)} ignored (below)" if fc.ignored_risks else "")
    )
    out += ["", "Program finish", *_quantile_lines(fc.finish)]
    if fc.target is not None and fc.on_target is not None:
        out.append(f"  chance of meeting the target {fc.target.isoformat()}: {_pct(fc.on_target)}")
    else:
        out.append("  no program target set")
    dated = [m for m in fc.milestones if m.due is not None]
    if dated:
        out += ["", "Milestones with a due date"]
        out += _table(
            ["id", "due", "P50", "P80", "P95", "on time", "critical"],
            [_dated_row(m) for m in dated],
        )
    out += ["", "Criticality index (share of runs in which the milestone was critical)"]
    ranked = sorted(
        (m for m in fc.milestones if m.criticality > 0),
        key=lambda m: (-m.criticality, m.id),
    )
    if ranked:
        out += _table(
            ["id", "critical", "status", "title"],
            [[m.id, _pct(m.criticality), m.status, m.title] for m in ranked],
        )
    never = len(fc.milestones) - len(ranked)
    if never:
        out.append(f"  {_plural(never, 'milestone')} never critical")
    if fc.risks:
        out += ["", "Risks modelled"]
        out += _table(
            ["id", "chance", "impact", "happened", "affects"],
            [
                [
                    r.id,
                    f"{r.percent}% (p{r.probability})",
                    f"+{_days(r.schedule_impact)}d",
                    _pct(r.occurred),
                    _affects(r),
                ]
                for r in fc.risks
            ],
        )
    if fc.ignored_risks:
        out += ["", "Risks ignored by the forecast"]
        out += [f"  {r.id}: {r.reason}" for r in fc.ignored_risks]
    return "\n".join(out) + "\n"


def _quantile_lines(q: Quantiles) -> list[str]:
    return [
        f"  P50 {q.p50.isoformat()}   P80 {q.p80.isoformat()}   P95 {q.p95.isoformat()}",
    ]


def _dated_row(m: MilestoneForecast) -> list[str]:
    assert m.due is not None and m.finish is not None and m.on_time is not None
    f = m.finish
    return [
        m.id,
        m.due.isoformat(),
        f.p50.isoformat(),
        f.p80.isoformat(),
        f.p95.isoformat(),
        _pct(m.on_time),
        _pct(m.criticality),
    ]


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _quantiles(q: Quantiles | None) -> dict[str, str] | None:
    if q is None:
        return None
    return {"p50": q.p50.isoformat(), "p80": q.p80.isoformat(), "p95": q.p95.isoformat()}


def to_json(fc: Forecast) -> dict[str, Any]:
    """The JSON document of ``tpm forecast --json`` (key order is part of the contract)."""
    return {
        "program": fc.program,
        "as_of": fc.as_of.isoformat(),
        "assumptions": {
            "runs": fc.runs,
            "seed": fc.seed,
            "method": fc.method,
            "probability_percent": list(fc.probability_percent),
            "milestones": fc.milestones_total,
            "not_done": fc.milestones_open,
            "estimated": fc.milestones_estimated,
            "cancelled": list(fc.cancelled),
            "ignored_risks": [
                {"id": r.id, "title": r.title, "reason": r.reason} for r in fc.ignored_risks
            ],
        },
        "finish": _quantiles(fc.finish),
        "target": _date(fc.target),
        "on_target": fc.on_target,
        "milestones": [
            {
                "id": m.id,
                "title": m.title,
                "status": m.status,
                "estimated": m.estimated,
                "due": _date(m.due),
                "finish": _quantiles(m.finish),
                "on_time": m.on_time,
                "criticality": m.criticality,
            }
            for m in fc.milestones
        ],
        "risks": [
            {
                "id": r.id,
                "title": r.title,
                "probability": r.probability,
                "percent": r.percent,
                "schedule_impact": r.schedule_impact,
                "affects": list(r.affects),
                "applied_to": list(r.applied),
                "occurred": r.occurred,
            }
            for r in fc.risks
        ],
    }


def _affects(r: RiskEvent) -> str:
    """The milestones a risk hits; those that depend on another of them inherit the slip."""
    inherit = [m for m in r.affects if m not in r.applied]
    if not inherit:
        return ", ".join(r.affects)
    verb = "inherits" if len(inherit) == 1 else "inherit"
    return f"{', '.join(r.applied)} ({', '.join(inherit)} {verb} it through links)"
