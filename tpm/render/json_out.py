"""JSON data of the schedule analyses (schedule, why, blockers): the contract of ``--json``.

Key names and order are a contract (docs/reference/json.md): keys may be added, none renamed.
Offsets are working days from the program start, rounded to 6 decimals and written as
integers when whole; dates are ISO strings.

:func:`dumps` writes one item of each long list per line: readable, diff-friendly and fast
(the C JSON encoder does each line, which matters at 10,000 milestones).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import fields
from json.encoder import encode_basestring
from typing import Any

from tpm.schedule.blockers import Blocker
from tpm.schedule.progress import EPS
from tpm.schedule.result import MilestoneSchedule, Schedule
from tpm.schedule.why import Explanation


def num(value: float) -> int | float:
    """A JSON number: rounded to 6 decimals, an int when whole."""
    if isinstance(value, int) or value.is_integer():  # int has no is_integer before 3.12
        return int(value)
    rounded = round(value, 6)
    return int(rounded) if rounded.is_integer() else rounded


def iso(value: dt.date | None) -> str | None:
    """An ISO date string, or None."""
    return None if value is None else value.isoformat()


def schedule_data(sched: Schedule, with_milestones: bool = True) -> dict[str, Any]:
    """The ``tpm schedule --json`` object."""
    base = sched.baseline
    data: dict[str, Any] = {
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
        "late": sorted(sched.late),
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
    }
    if with_milestones:
        data["milestones"] = [_row_data(row) for row in sched.rows()]
    return data


def schedule_json(sched: Schedule) -> str:
    """The ``tpm schedule --json`` text: :func:`dumps` of :func:`schedule_data`, built faster.

    Milestone lines are formatted directly from the rows (half the time of building a dict
    per milestone and encoding it); a test checks that both give the same JSON.
    """
    data = schedule_data(sched, with_milestones=False)
    head = dumps(data)[: -len("\n}")]
    lines = ",\n    ".join(map(_row_json, sched.rows()))
    body = '  "milestones": [\n    ' + lines + "\n  ]" if lines else '  "milestones": []'
    return head + ",\n" + body + "\n}"


_BOOL = {True: "true", False: "false"}


def _n(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    rounded = round(value, 6)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def _opt(value: float, status: str) -> str:
    """A float in JSON, or null for done work (it has no float)."""
    return "null" if status == "done" else _n(value)


def _d(value: dt.date | None) -> str:
    return "null" if value is None else '"' + value.isoformat() + '"'


def _late(status: str, total_float: float) -> bool:
    """Late: not done and negative total float (a due date is missed); see Schedule.late."""
    return status != "done" and total_float < -EPS


def _row_json(row: tuple[Any, ...]) -> str:
    (ident, title, team, status, duration, remaining, es, ef, ls, lf, tf, ff, critical, near,
     start, finish, late_finish, due, base_start, base_finish, variance) = row  # fmt: skip
    q = encode_basestring
    return (
        f'{{"id": {q(ident)}, "duration": {_n(duration)}, "early_start": {_n(es)}, '
        f'"early_finish": {_n(ef)}, "late_start": {_n(ls)}, "late_finish": {_n(lf)}, '
        f'"total_float": {_opt(tf, status)}, "free_float": {_opt(ff, status)}, '
        f'"critical": {_BOOL[critical]}, '
        f'"start": {_d(start)}, "finish": {_d(finish)}, "title": {q(title)}, '
        f'"team": {q(team)}, "status": {q(status)}, "remaining": {_n(remaining)}, '
        f'"near_critical": {_BOOL[near]}, "late": {_BOOL[_late(status, tf)]}, '
        f'"late_finish_date": {_d(late_finish)}, '
        f'"due": {_d(due)}, "baseline_start": {_d(base_start)}, '
        f'"baseline_finish": {_d(base_finish)}, '
        f'"variance_days": {"null" if variance is None else int(variance)}}}'
    )


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
        "total_float": None if status == "done" else num(tf),
        "free_float": None if status == "done" else num(ff),
        "critical": critical,
        "start": start.isoformat(),
        "finish": finish.isoformat(),
        "title": title,
        "team": team,
        "status": status,
        "remaining": num(remaining),
        "near_critical": near,
        "late": _late(status, tf),
        "late_finish_date": late_finish.isoformat(),
        "due": iso(due),
        "baseline_start": iso(base_start),
        "baseline_finish": iso(base_finish),
        "variance_days": variance,
    }


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps`` that always writes valid JSON (RFC 8259): non-finite numbers become null.

    The common case costs nothing extra: the value is walked only when encoding it failed.
    """
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False, **options)


def dumps(data: dict[str, Any]) -> str:
    """JSON text: top-level keys one per line, each element of a list of objects on its line."""
    try:
        return _dumps(data)
    except ValueError:  # a NaN or infinity somewhere: JSON has none, write null
        return _dumps(finite(data))


def _dumps(data: dict[str, Any]) -> str:
    lines = []
    for key, value in data.items():
        head = f"  {json.dumps(key)}: "
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inner = ",\n    ".join(map(_ENCODER.encode, value))
            lines.append(head + "[\n    " + inner + "\n  ]")
            continue
        lines.append(head + _ENCODER.encode(value))
    return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def why_data(e: Explanation) -> dict[str, Any]:
    """The ``tpm why --json`` object."""
    pull = e.pull_in
    return {
        "id": e.id,
        "title": e.title,
        "status": e.status,
        "start": iso(e.start),
        "finish": iso(e.finish),
        "event": e.event,
        "total_float": num(e.total_float),
        "free_float": num(e.free_float),
        "critical": e.critical,
        "late": e.late,
        "origin": e.origin,
        "origin_id": e.origin_id or None,
        "chain": [
            {
                "id": s.id,
                "link_type": s.link_type,
                "lag": None if s.lag is None else num(s.lag),
                "start": iso(s.start),
                "finish": iso(s.finish),
                "early_start": num(s.early_start),
                "early_finish": num(s.early_finish),
                "total_float": num(s.total_float),
                "status": s.status,
                "critical": s.critical,
                "tied_with": list(s.tied_with),
            }
            for s in e.chain
        ],
        "pull_in": None
        if pull is None
        else {
            "links": [{"id": p, "type": t, "lag": num(lag)} for p, t, lag in pull.links],
            "moves": [
                {"id": m.id, "type": m.type, "lag": num(m.lag), "action": m.action or None}
                for m in pull.moves
            ],
            "gain_days": num(pull.gain_days),
            "then_driven_by": pull.then_driven_by,
            "finish_gain_days": num(pull.finish_gain_days),
        },
    }


# Ids of held-up milestones listed per blocker; a blocker early in a 10,000-milestone plan
# holds thousands, and listing them all made the output hundreds of megabytes.
DOWNSTREAM_LISTED = 50


def blockers_data(sched: Schedule, found: list[Blocker]) -> dict[str, Any]:
    """The ``tpm blockers --json`` object."""
    return {
        "program": sched.program,
        "as_of": iso(sched.as_of),
        "finish": iso(sched.finish),
        "blockers": [
            {
                "id": b.id,
                "title": b.title,
                "team": b.team,
                "kind": b.kind,
                "reason": b.reason,
                "since": iso(b.since),
                "age_days": b.age_days,
                "critical": b.critical,
                "total_float": num(b.total_float),
                "slip_days": num(b.slip_days),
                "hold_days": num(b.hold_days),
                "downstream_count": b.downstream_count,
                "downstream": list(b.downstream_first(DOWNSTREAM_LISTED)),
                "downstream_capped": b.downstream_count > DOWNSTREAM_LISTED,
                "teams_held": list(b.teams_held),
                "cross_team": b.cross_team,
                "waiting_on": [
                    {
                        "id": h.id,
                        "team": h.team,
                        "status": h.status,
                        "type": h.type,
                        "lag": num(h.lag),
                        "cross_team": h.cross_team,
                        "off_plan": h.off_plan or None,
                    }
                    for h in b.waiting_on
                ],
            }
            for b in found
        ],
    }
