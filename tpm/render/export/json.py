"""JSON export: the status report's data for scripts and dashboards.

``tpm export PLAN --format json`` prints the same snapshot the Markdown report is rendered
from: the program, the RAG status with every finding (rule id, colour, message), the schedule
summary and forecast, one entry per milestone with forecast and baseline dates, blockers,
the risk register and the KPIs. Key order is the contract (keys may be added, none renamed);
dates are ISO strings; the same plan and status date give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from tpm.render.json_out import json_text
from tpm.report.data import ReportData
from tpm.report.diff import Changes


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [_plain(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="json"))
    return value


def to_json(data: ReportData, changes: Changes | None = None) -> dict[str, Any]:
    """The snapshot as plain JSON data."""
    status = data.status
    fc = data.forecast
    out: dict[str, Any] = {
        "program": data.program,
        "as_of": data.as_of.isoformat(),
        "status": {
            "rag": status.rag,
            "computed": status.computed,
            "reason": status.reason,
            "override_applied": status.override_applied,
            "notes": list(status.notes),
            "areas": [
                {"area": a.area, "rag": a.rag, "findings": _plain(a.findings)} for a in status.areas
            ],
        },
        "schedule": {
            "start": data.start.isoformat(),
            "finish": _plain(data.finish),
            "target": _plain(data.target),
            "margin_days": data.margin_days,
            "baseline": None
            if data.baseline_name is None
            else {
                "name": data.baseline_name,
                "finish": _plain(data.baseline_finish),
                "variance_days": data.variance_days,
            },
            "critical_path": list(data.critical_path),
            "progress": {
                "done": data.done_count,
                "total": data.total_count,
                "weighted": round(data.progress_weighted, 4),
            },
        },
        "forecast": None
        if fc is None
        else {
            "runs": fc.runs,
            "seed": fc.seed,
            "p50": fc.finish.p50.isoformat(),
            "p80": fc.finish.p80.isoformat(),
            "p95": fc.finish.p95.isoformat(),
            "on_target": fc.on_target,
        },
        "milestones": _plain(data.milestones_in_plan_order),
        "blockers": _plain(data.blockers),
        "risks": data.risks.to_json(),
        "kpis": [k.to_json() for k in data.kpis],
        "asks": _plain(data.asks),
    }
    if changes is not None:
        out["changes"] = _plain(changes)
    return out


def render_json(data: ReportData, changes: Changes | None = None) -> str:
    """The snapshot as indented JSON text."""
    return json_text(to_json(data, changes), indent=2, ensure_ascii=False) + "\n"
