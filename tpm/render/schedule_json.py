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
from dataclasses import fields
from typing import Any

from tpm.schedule import MilestoneSchedule, Schedule


def num(value: float) -> int | float:
    """A JSON number: rounded to 6 decimals, an int when whole."""
    if value.is_integer():
        return int(value)
    rounded = round(value, 6)
    return int(rounded) if rounded.is_integer() else rounded


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
        "milestones": [_row_data(row) for row in sched.rows()],
    }


def milestone_data(m: MilestoneSchedule) -> dict[str, Any]:
    """One entry of ``milestones`` in ``tpm schedule --json``."""
    return _row_data(tuple(getattr(m, f.name) for f in fields(m)))


def _row_data(row: tuple[Any, ...]) -> dict[str, Any]:
    (ident, title, team, status, duration, remaining, es, ef, ls, lf, tf, ff, critical, near,
     start, finish, late_finish, due, base_start, base_finish, variance) = row  # fmt: skip
    return {
        "id": ident,
        "duration": num(duration),
        "early_start": num(es),
        "early_finish": num(ef),
        "late_start": num(ls),
        "late_finish": num(lf),
        "total_float": num(tf),
        "free_float": num(ff),
        "critical": critical,
        "start": start.isoformat(),
        "finish": finish.isoformat(),
        "title": title,
        "team": team,
        "status": status,
        "remaining": num(remaining),
        "near_critical": near,
        "late_finish_date": late_finish.isoformat(),
        "due": iso(due),
        "baseline_start": iso(base_start),
        "baseline_finish": iso(base_finish),
        "variance_days": variance,
    }


def dumps(data: dict[str, Any]) -> str:
    """JSON text: top-level keys one per line, each element of a list of objects on its line."""
    lines = []
    for key, value in data.items():
        head = f"  {json.dumps(key)}: "
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inner = ",\n    ".join(map(_ENCODER.encode, value))
            lines.append(head + "[\n    " + inner + "\n  ]")
            continue
        lines.append(head + _ENCODER.encode(value))
    return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"


_ENCODER = json.JSONEncoder(ensure_ascii=False)
