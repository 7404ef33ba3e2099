"""JSON data of the schedule analyses (schedule, why, blockers): the contract of ``--json``.

Key names and order are a contract (README "JSON contract"): keys may be added, none renamed.
Offsets are working days from the program start, rounded to 6 decimals and written as
integers when whole; dates are ISO strings.

:func:`dumps` writes one item of each long list per line: readable, diff-friendly and fast
(the C JSON encoder does each line, which matters at 10,000 milestones).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tpm.schedule import MilestoneSchedule, Schedule


def num(value: float) -> int | float:
    """A JSON number: rounded to 6 decimals, an int when whole."""
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


def iso(value: dt.date | None) -> str | None:
    """An ISO date string, or None."""
    return None if value is None else value.isoformat()


def schedule_data(sched: Schedule) -> dict[str, Any]:
    """The ``tpm schedule --json`` object."""
    base = sched.baseline
    return {
        "program": sched.program,
        "as_of": iso(sched.as_of),
        "start": iso(sched.start),
        "finish": iso(sched.finish),
        "finish_offset": num(sched.finish_offset),
        "target": iso(sched.target),
        "margin_days": sched.margin_days,
        "critical_path": list(sched.critical_path),
        "critical_paths": [list(p) for p in sched.critical_paths],
        "paths_capped": sched.paths_capped,
        "near_critical_days": num(sched.near_critical_days),
        "near_critical": sorted(sched.near_critical),
        "baseline": None
        if base is None
        else {
            "name": base.name,
            "recorded": iso(base.recorded),
            "finish": iso(base.finish),
            "variance_days": base.variance_days,
        },
        "cancelled": list(sched.cancelled),
        "milestones": [milestone_data(m) for m in sched.milestones.values()],
    }


def milestone_data(m: MilestoneSchedule) -> dict[str, Any]:
    """One entry of ``milestones`` in ``tpm schedule --json``."""
    return {
        "id": m.id,
        "duration": num(m.duration),
        "early_start": num(m.early_start),
        "early_finish": num(m.early_finish),
        "late_start": num(m.late_start),
        "late_finish": num(m.late_finish),
        "total_float": num(m.total_float),
        "free_float": num(m.free_float),
        "critical": m.critical,
        "start": iso(m.start),
        "finish": iso(m.finish),
        "title": m.title,
        "team": m.team,
        "status": m.status,
        "remaining": num(m.remaining),
        "near_critical": m.near_critical,
        "late_finish_date": iso(m.late_finish_date),
        "due": iso(m.due),
        "baseline_start": iso(m.baseline_start),
        "baseline_finish": iso(m.baseline_finish),
        "variance_days": m.variance_days,
    }


def dumps(data: dict[str, Any]) -> str:
    """JSON text: top-level keys one per line, each element of a list of objects on its line."""
    lines = []
    for key, value in data.items():
        head = f"  {json.dumps(key)}: "
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inner = ",\n".join("    " + _compact(v) for v in value)
            lines.append(head + "[\n" + inner + "\n  ]")
        else:
            lines.append(head + _compact(value))
    return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
