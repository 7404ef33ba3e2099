"""Plain-text tables of the schedule analyses for the terminal (no colour, no rich).

Each ``render_*`` function turns an engine result into text; nothing here computes a date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence

from tpm.render.days import day_number, exact_days, fmt_days, whole_days
from tpm.schedule.blockers import Blocker
from tpm.schedule.result import MilestoneSchedule, Schedule
from tpm.schedule.why import Explanation, Move

SHOWN_PATHS = 5
"""Tied critical paths listed in the text output (all of them are in --json)."""
SHOWN_STEPS = 30
"""Steps of a ``why`` chain shown: the head and the last ones (all of them are in --json)."""
SHOWN_LINKS = 5
SHOWN_IDS = 12
SHOWN_ON = 3
"""Predecessors listed in the "on" column of ``tpm blockers`` before "+N more"."""


def bounded(ids: Sequence[str], limit: int = SHOWN_ON) -> str:
    """``a, b, c +2 more``: at most ``limit`` ids, then how many are left out."""
    shown = ", ".join(ids[:limit])
    return shown + (f" +{len(ids) - limit} more" if len(ids) > limit else "")


def chain(ids: Sequence[str]) -> str:
    """``a -> b -> c``; long chains keep their first and last few ids."""
    if len(ids) <= SHOWN_IDS:
        return " -> ".join(ids)
    half = SHOWN_IDS // 2
    middle = f"... {len(ids) - 2 * half} more ..."
    return " -> ".join([*ids[:half], middle, *ids[-half:]])


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """A fixed-width table; columns in ``right`` are right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(widths[k]) if k in right else c.ljust(widths[k]) for k, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def render_schedule(sched: Schedule) -> str:
    """The ``tpm schedule`` summary and milestone table."""
    out = [f"{sched.program}: schedule as of {sched.as_of}", ""]
    out.append(f"start    {sched.start}")
    finish_day = day_number(sched.calendar, sched.finish)
    out.append(f"finish   {sched.finish}  (working day {finish_day})")
    if sched.target is not None and sched.margin_days is not None:
        word = "early" if sched.margin_days >= 0 else "late"
        margin = fmt_days(sched.margin_days, signed=True)
        out.append(f"target   {sched.target}  margin {margin} {_days_word(margin)} ({word})")
    else:
        out.append("target   none")
    base = sched.baseline
    if base is not None:
        variance = fmt_days(base.variance_days, more_is_worse=True, signed=True)
        out.append(
            f"baseline {base.finish}  ({base.name!r}, recorded {base.recorded}); "
            f"variance {variance} {_days_word(variance)}"
            + (" (slipped)" if base.variance_days > 0 else "")
        )
    else:
        out.append("baseline none (record one with: tpm baseline PLAN)")
    out.append("")
    out.append("critical path: " + (chain(sched.critical_path) or "none (all done)"))
    paths = sched.critical_paths
    if len(paths) > 1:
        more = " (capped; there are more)" if sched.paths_capped else ""
        out.append(f"tied critical paths: {len(paths)}{more}")
        for k, path in enumerate(paths[1:SHOWN_PATHS], start=2):
            out.append(f"  {k}. " + chain(path))
        if len(paths) > SHOWN_PATHS:
            out.append(f"  ... {len(paths) - SHOWN_PATHS} more in --json")
    late = sorted(sched.late, key=lambda i: sched.graph.index[i])
    if late:
        out.append("late (negative float: a due date is missed): " + ", ".join(late))
    near = sorted(sched.near_critical, key=lambda i: sched.graph.index[i])
    limit = exact_days(sched.near_critical_days)
    out.append(f"near-critical (float 0 to {limit}): " + (", ".join(near) or "none"))
    if sched.cancelled:
        out.append("cancelled: " + ", ".join(sched.cancelled))
    out.append("")
    headers = [
        "id",
        "status",
        "dur",
        "start",
        "finish",
        "ES",
        "EF",
        "LS",
        "LF",
        "float",
        "free",
        "baseline",
        "var",
        "",
    ]
    rows = []
    number = functools.cache(functools.partial(day_number, sched.calendar))  # dates repeat
    for m in sched.milestones.values():
        flag = "critical" if m.critical else ("near-critical" if m.near_critical else "")
        if m.total_float < -1e-9 and m.status != "done":
            flag += " late"
        open_ = m.status != "done"
        rows.append(
            [
                m.id,
                m.status,
                exact_days(m.duration),
                str(m.start),
                str(m.finish),
                *day_cells(sched, m, number),
                fmt_days(m.total_float) if open_ else "",
                fmt_days(m.free_float) if open_ else "",
                "" if m.baseline_finish is None else str(m.baseline_finish),
                fmt_days(m.variance_days, more_is_worse=True, signed=True, none=""),
                flag.strip(),
            ]
        )
    out.append(table(headers, rows, right={2, 5, 6, 7, 8, 9, 10, 12}))
    out.append("")
    out.append(
        "ES/EF/LS/LF: working day of the early and late start and finish (day 1 is the "
        "program's first working day);"
    )
    out.append(
        "float in whole working days, rounded down (--json has the exact values); "
        "var = forecast finish - baseline finish"
    )
    return "\n".join(out)


def _days_word(shown: str) -> str:
    return "day" if shown.lstrip("+-") == "1" else "days"


def day_cells(
    sched: Schedule, m: MilestoneSchedule, number: Callable[[dt.date], int] | None = None
) -> list[str]:
    """The ES, EF, LS and LF cells: the working day each falls on, counted from 1.

    Each is counted by its date (:func:`tpm.render.days.day_number`), so the numbers agree
    with the dates shown: an event after a task that ends on day 5 is on day 5. Done work
    has no late dates: it sits at its actual dates. ``number``: a (cached) day_number of
    the schedule's calendar.
    """
    cal = sched.calendar
    if number is None:
        number = functools.partial(day_number, cal)
    early = [number(m.start), number(m.finish)]
    if m.status == "done":
        return [str(d) for d in early] + ["", ""]
    late_finish = number(m.late_finish_date)
    late_start = late_finish if m.duration == 0 else number(cal.start_date(m.late_start))
    return [str(d) for d in (*early, late_start, late_finish)]


_ORIGIN_ALONE = {
    "actual start": "It has started: no link holds its remaining work, which continues "
    "without waiting.",
    "status date": "No link holds it: it has not started, so it starts on the status date "
    "(it could start now).",
    "program start": "No link holds it: it starts at the program start.",
}


def _state(e: Explanation) -> str:
    if e.status == "done":
        return "done"
    if e.critical:
        return "critical" + (f", late: float {fmt_days(e.total_float)}" if e.late else "")
    if e.late:
        return f"late: float {fmt_days(e.total_float)}, not on the critical path"
    return f"float {fmt_days(e.total_float)}"


def chain_head(e: Explanation) -> str:
    """``Driving chain, from the program start:`` and its variants, in plain words."""
    if e.origin == "done predecessor":
        return f"Driving chain, from {e.origin_id}, which is done:"
    if e.origin == "actual start":
        return f"Driving chain, from {e.origin_id}, which has started:"
    return f"Driving chain, from the {e.origin}:"


def render_why(e: Explanation) -> str:
    """The ``tpm why`` explanation: the driving chain and the link to move."""
    out = [f"{e.id}: {e.title}", f"  {e.status}, {_dates(e)} ({_state(e)})", ""]
    if e.status == "done":
        out.append("It is done: it sits at its actual dates.")
    elif len(e.chain) == 1:
        out.append(_ORIGIN_ALONE.get(e.origin, f"Nothing drives its start but the {e.origin}."))
    else:
        if e.status == "in_progress":
            out.append("It has started; these links hold its remaining work.")
        out.append(chain_head(e))
        rows = []
        steps = list(e.chain)
        if len(steps) > SHOWN_STEPS:
            skipped = len(steps) - SHOWN_STEPS
            steps = steps[:1] + steps[-SHOWN_STEPS + 1 :]
        else:
            skipped = 0
        for k, step in enumerate(steps):
            if skipped and k == 1:
                rows.append([f"... {skipped} steps", "", "", "", "", "", ""])
            lag = exact_days(step.lag or 0, signed=True)
            link = "" if step.link_type is None else f"{step.link_type} {lag}"
            rows.append(
                [
                    step.id,
                    link,
                    str(step.start),
                    str(step.finish),
                    "" if step.status == "done" else fmt_days(step.total_float),
                    step.status,
                    ", ".join(step.tied_with),
                ]
            )
        headers = ["milestone", "link in", "start", "finish", "float", "status", "tied with"]
        out.append(table(headers, rows, right={4}))
    if e.status == "done":
        return "\n".join(out)
    out.append("")
    out.extend(pull_in_advice(e))
    return "\n".join(out)


def _dates(e: Explanation) -> str:
    """``starts X, finishes Y`` in the tense that is true: work that has begun started. An
    event (no duration) has one date."""
    if e.event:
        return f"reached {e.finish}" if e.status == "done" else f"an event on {e.finish}"
    if e.status == "done":
        return f"started {e.start}, finished {e.finish}"
    if e.status == "in_progress":
        return f"started {e.start}, finishes {e.finish}"
    return f"starts {e.start}, finishes {e.finish}"


def _move(m: Move, target: str) -> str:
    """``finish a sooner or shorten the lag (a -> b, FS +2)``."""
    verbs = []
    if "finish sooner" in m.action:
        verbs.append(f"finish {m.id} sooner")
    if "start sooner" in m.action:
        verbs.append(f"start {m.id} sooner")
    if "shorten the lag" in m.action:
        verbs.append("shorten the lag")
    lag = f" {exact_days(m.lag, signed=True)}" if m.lag else ""
    fixed = f"; {m.id} {_FIXED[m.fixed]}" if m.fixed else ""
    return " or ".join(verbs) + f" ({m.id} -> {target}, {m.type}{lag}{fixed})"


_FIXED = {"done": "is done", "started": "has started"}


def _up_to(value: float) -> str:
    """``up to 3 working days``, rounded down; ``less than a working day`` below one."""
    whole = whole_days(value)
    if whole < 1:
        return "less than a working day"
    return f"up to {whole} working day" + ("" if whole == 1 else "s")


def pull_in_advice(e: Explanation) -> list[str]:
    """What to move to bring the milestone in, and what it gains: start and program finish."""
    pull = e.pull_in
    if pull is None:
        return ["To pull it in: no link holds it; shorten it or add people."]
    shown = pull.moves[:SHOWN_LINKS]
    more = len(pull.moves) - len(shown)
    tail = f" (and {more} more tied links)" if more else ""
    if pull.stuck:
        fixed = [m for m in pull.moves if not m.action][:SHOWN_LINKS]
        stuck = ", ".join(f"{m.id} {_FIXED.get(m.fixed, 'cannot move')}" for m in fixed)
        link = "the link has" if len(fixed) == 1 else "the links have"
        return [
            f"To pull it in: its links cannot move: {stuck} and {link} no lag "
            "to shorten. Change or remove that dependency, or shorten the work after it."
        ]
    steps = [_move(m, e.id) for m in shown]
    verb = "all of" if len(pull.moves) > 1 else ""
    out = [f"To pull it in, {verb + ': ' if verb else ''}" + "; ".join(steps) + tail + "."]
    by = pull.then_driven_by
    holder = (
        f"{by} holds it" if by not in ("status date", "program start") else f"the {by} holds it"
    )
    # Work that has started cannot start again: what can come in is its remaining work.
    subject, verb = (
        ("Its remaining work", "resume") if e.status == "in_progress" else ("It", "start")
    )
    if pull.gain_days <= 0:
        out.append(f"{subject} cannot {verb} earlier: {holder} just as hard.")
        return out
    out.append(f"{subject} can {verb} {_up_to(pull.gain_days)} earlier; then {holder}.")
    if pull.finish_gain_days > 0:
        out.append(f"The program finish then comes in by {_up_to(pull.finish_gain_days)}.")
    elif e.critical:
        out.append("The program finish does not come in: other work finishes just as late.")
    else:
        out.append("The program finish does not move: it is not on the critical path.")
    return out


def render_blockers(sched: Schedule, found: Sequence[Blocker]) -> str:
    """The ``tpm blockers`` ranking."""
    head = f"{sched.program}: blockers as of {sched.as_of}"
    if not found:
        return head + "\n\nNothing is blocked, and nothing that must start now is waiting."
    hold = exact_days(found[0].hold_days)
    rows = []
    for rank, b in enumerate(found, start=1):
        waits = bounded([h.id + (" (other team)" if h.cross_team else "") for h in b.waiting_on])
        rows.append(
            [
                str(rank),
                b.id,
                b.kind,
                "yes" if b.critical else "",
                fmt_days(b.slip_days, more_is_worse=True),
                str(b.downstream_count),
                str(len(b.teams_held)),
                "" if b.age_days is None else str(b.age_days),
                waits,
            ]
        )
    headers = ["#", "milestone", "kind", "critical", "slip", "downstream", "teams", "age", "on"]
    out = [head, "", table(headers, rows, right={0, 4, 5, 6, 7}), ""]
    for rank, b in enumerate(found, start=1):
        out.append(f"{rank}. {b.id} ({b.team or 'no team'}): {b.reason}")
    out.append("")
    out.append(
        f"slip = working days the program finish moves if it stays stuck {hold} more working "
        "days; age in calendar days"
    )
    return "\n".join(out)
