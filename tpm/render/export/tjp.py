"""TaskJuggler 3 export: the plan as a ``.tjp`` project that ``tj3`` schedules to tpm's dates.

TaskJuggler is the reference scheduler of the plain-text world. Exporting to it lets anyone
check tpm's forecast against tj3 (tests/test_tjp.py does so on random plans) and move a plan
into TaskJuggler's resource-levelling world. The mapping:

- A working day is 8 working hours, 9:00-17:00, on the ``[calendar]`` workdays; holidays are
  global ``leaves holiday``. A milestone's ``duration`` is a ``length`` (working time), lags
  are ``gaplength``; 0-day items are ``milestone``. ``timingresolution`` is the coarsest of
  60/30/20/15/10/5 min that represents every length and gap exactly.
- Links constrain the successor's start in tj3 (``depends p`` = after p's end, ``{ onstart }``
  = after p's start). Every tpm link becomes "start >= p's start + X" with X in working
  days; X >= p's length is written ``onend`` with a gap, 0 <= X < length ``onstart`` with a
  gap (this expresses most leads, FF and SF links exactly). tj3 gaps are never negative, so
  X < 0 (a lead reaching before p starts) goes through a helper task of length -X that
  ``precedes`` p's start or end: the successor depends on the helper's start.
- Progress as of the status date (tpm's conventions): done work is pinned to its actual dates
  (``start``/``end``, ``complete 100``; with only ``actual_finish``, its start is the
  duration before that end, as in tpm) and keeps no links (tpm ignores them too). Started
  work becomes a parent task of two: ``elapsed``, pinned from its actual start to the status
  date, and ``rest``, its remaining length after ``elapsed``, held by its links (all of them
  under ``progress_logic = "retained"``, FF and SF under "override"), so tj3 decides when it
  resumes. Work not started depends on a ``tpm_status_date`` milestone at the status date.
- Cancelled milestones are dissolved as in tpm: their predecessors drive their successors.
- Teams become parent tasks, owners ``responsible`` resources, ``due`` dates ``maxend``
  (tj3 warns when one is missed). Cancelled milestones, risks, KPIs, decisions, three-point
  estimates and the program target do not map; the header comment lists what was left out.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from tpm.plan.calendar import WorkCalendar, add_days
from tpm.plan.links import dissolved_links
from tpm.plan.model import WEEKDAYS, Milestone, Plan
from tpm.render.export.tjp_links import EPS, Links, Task, classify, last_offset, translate

# (working day start, minutes per working day, timingresolution), in order of preference:
# 8 h days first; 10 h days represent tenths of a day (percent complete) in whole hours.
_CLOCKS = [(s, d, r) for r in (60, 30, 15, 10, 5) for s, d in ((540, 480), (480, 600))]
REPORT_FILE = "tpm-dates"  # the CSV taskreport tj3 writes: <REPORT_FILE>.csv (id;start;end)
STATUS_ID = "tpm_status_date"
START_ID = "tpm_program_start"


@dataclass(frozen=True)
class Clock:
    """The working day of an export: when it starts, how long it is, the slot length."""

    start: int = 9 * 60  # minutes after midnight
    minutes: int = 8 * 60  # working minutes per working day (tj3 dailyworkinghours)
    resolution: int = 60  # tj3 timingresolution, minutes

    @property
    def hours(self) -> str:
        """The working hours as tj3 writes them, e.g. ``9:00 - 17:00``."""
        end = self.start + self.minutes
        return f"{self.start // 60}:{self.start % 60:02d} - {end // 60}:{end % 60:02d}"

    def exact(self, days: float) -> bool:
        """True when ``days`` working days are a whole number of slots."""
        slots = days * self.minutes / self.resolution
        return abs(slots - round(slots)) < 1e-6

    def amount(self, days: float) -> tuple[str, bool]:
        """A tj3 duration for ``days`` working days (at least one slot), and whether rounded."""
        res = self.resolution
        minutes = max(res, round(days * self.minutes / res) * res)
        rounded = abs(minutes - days * self.minutes) > 1e-6
        if minutes % self.minutes == 0:
            return f"{minutes // self.minutes}d", rounded
        if minutes % 60 == 0:
            return f"{minutes // 60}h", rounded
        return f"{minutes}min", rounded

    def end_of(self, date: dt.date) -> str:
        """The tj3 moment at which working day ``date`` ends."""
        end = self.start + self.minutes
        return f"{date}-{end // 60:02d}:{end % 60:02d}"

    def moment(self, cal: WorkCalendar, offset: float) -> str:
        """The tj3 date-time of working-day offset ``offset``."""
        k = math.floor(offset)
        minutes = round((offset - k) * self.minutes)
        if minutes == 0:
            return str(cal.day(k))
        total = self.start + minutes
        return f"{cal.day(k)}-{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True)
class TjpExport:
    """A plan as TaskJuggler text, with the task id of each milestone and what did not map."""

    text: str
    task_ids: dict[str, str] = field(default_factory=dict)  # milestone id -> full tj3 task id
    unmapped: tuple[str, ...] = ()  # one line per thing tj3 schedules differently (comments)
    clock: Clock = Clock()


def tj_string(text: str) -> str:
    """A tj3 double-quoted string literal that reads back as ``text`` on one line.

    tj3 only knows ``\\"`` as an escape and expands ``${macro}`` and ``$(ENV)`` even inside
    strings, so line breaks and controls become spaces, ``$`` before ``{`` or ``(`` gets a
    space after it, and a trailing backslash gets a space so it cannot escape the quote.
    """
    one = " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", text).split())
    one = re.sub(r"\$(?=[{(])", "$ ", one).replace('"', '\\"')
    if one.endswith("\\"):
        one += " "
    return f'"{one}"'


def tj_comment(text: str) -> str:
    """A ``#`` comment line for ``text`` that cannot end early and start tj3 syntax."""
    return "# " + " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", text).split())


def tj_id(text: str, used: set[str]) -> str:
    """A tj3 identifier (``[A-Za-z_][A-Za-z0-9_]*``) for ``text``, unique within ``used``."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", text) or "x"
    if base[0].isdigit():
        base = "m_" + base
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}_{n}", n + 1
    used.add(ident)
    return ident


def _clock(quantities: list[float]) -> Clock:
    for start, minutes, res in _CLOCKS:
        clock = Clock(start, minutes, res)
        if all(clock.exact(q) for q in quantities):
            return clock
    return Clock(resolution=5)


def export_tjp(plan: Plan, as_of: dt.date) -> TjpExport:
    """Export ``plan`` as of ``as_of`` to TaskJuggler 3 (see the module docstring)."""
    cal = WorkCalendar.of(plan)
    a = cal.offset(as_of)
    links_of = dissolved_links(plan)  # cancelled milestones dissolve, as in tpm's schedule
    live = [
        m.model_copy(update={"depends_on": links_of[m.id]})
        for m in plan.milestones
        if m.status != "cancelled"
    ]
    retained = plan.settings.progress_logic == "retained"
    tasks = {m.id: classify(m, cal, a, retained) for m in live}
    notes: list[str] = []
    links: dict[str, Links] = {}
    for m in live:
        links[m.id] = translate(tasks, tasks[m.id], cal, a)
        notes += [f"{m.id}: {c}" for c in links[m.id].comments if c.startswith("not exported")]
        if m.status == "in_progress" and m.actual_start is None:
            notes.append(f"{m.id}: in progress without actual_start: tj3 starts it at the")
            notes.append("  status date, tpm at its links' date (the finish is the same)")
    ats = sorted({x.at for x in links.values() if x.at is not None})
    quantities = [t.length for t in tasks.values() if t.length is not None and t.end is None]
    quantities += [t.rest for t in tasks.values() if t.rest is not None]
    quantities += [t.pinned % 1 for t in tasks.values() if t.pinned is not None]
    quantities += [gap for x in links.values() for _p, _w, gap in x.deps]
    leads = sorted({lead for x in links.values() for lead in x.leads})
    quantities += [k for _p, _w, k in leads]
    quantities += [at % 1 for at in ats]
    quantities += [gap for x in links.values() for _p, gap in x.ends]
    clock = _clock(quantities)

    dates = [plan.program.start, as_of]
    dates += [d for t in tasks.values() for d in (t.start, t.end, t.m.due) if d is not None]
    dates += [cal.day(math.floor(t.pinned)) for t in tasks.values() if t.pinned is not None]
    first = min(dates)
    if leads:  # room before the program start for lead helpers to reach back into
        first = min(first, cal.day(-math.ceil(max(k for _p, _w, k in leads)) - 1))
    last = max(*dates, cal.day(math.ceil(last_offset(tasks, cal, a))))
    last = add_days(last, max(31, (last - first).days // 10))

    used = {STATUS_ID, START_ID}
    at_ids = {at: tj_id(f"tpm_at_{k}", used) for k, at in enumerate(ats, 1)}
    lead_ids = {lead: tj_id(f"tpm_lead_{k}", used) for k, lead in enumerate(leads, 1)}
    ended = sorted({pred for x in links.values() for pred, _gap in x.ends})
    end_ids = {pred: tj_id(f"tpm_end_{k}", used) for k, pred in enumerate(ended, 1)}
    team_ids = {t.id: tj_id(t.id, used) for t in plan.teams}
    ids: dict[str, str] = {}
    for m in live:
        leaf = tj_id(m.id, used)
        ids[m.id] = f"{team_ids[m.team]}.{leaf}" if m.team in team_ids else leaf
    owners: dict[str, str] = {}
    for m in live:
        if m.owner and m.owner not in owners:
            owners[m.owner] = tj_id("o_" + m.owner, set(owners.values()))
    anchors = [STATUS_ID] if a > 0 else []
    if first < plan.program.start:
        anchors.append(START_ID)

    def amount(days: float, what: str, m: Milestone) -> str:
        text, rounded = clock.amount(days)
        if rounded:
            notes.append(f"{m.id}: {what} of {days:g} working days rounded to {text}")
        return text

    def _end_moment(t: Task) -> str:
        day = t.m.actual_finish or t.m.actual_start
        assert day is not None
        if not cal.is_workday(day):  # the end of the working day before it
            return clock.end_of(cal.day(cal.offset(day) - 1))
        return clock.end_of(day)

    def task(m: Milestone, pad: str) -> list[str]:
        t, x = tasks[m.id], links[m.id]
        body = [f"# tpm id: {m.id}, status {m.status}", *t.lines]
        body += [f"# {c}" for c in x.comments]
        if m.status == "blocked":
            body.append(f"# blocked: {m.blocked_reason}")
        deps = []
        if t.driven:
            deps += [STATUS_ID] if t.anchored and a > 0 else []
            deps += [START_ID] if START_ID in anchors and not deps else []
        # A fixed date from a lead (a driven start, or the remaining work of started work:
        # a predecessor whose recorded start lies after the status date can bind it).
        deps += [at_ids[x.at]] if x.at is not None else []
        for pred, where, gap in x.deps:
            opts = ["onstart"] if where == "start" else []
            if gap > EPS:
                opts.append(f"gaplength {amount(gap, 'gap', m)}")
            deps.append(ids[pred] + (" { " + " ".join(opts) + " }" if opts else ""))
        deps += [f"{lead_ids[lead]} {{ onstart }}" for lead in x.leads]
        for pred, gap in x.ends:
            after = f" {{ gaplength {amount(gap, 'gap', m)} }}" if gap > EPS else ""
            deps.append(end_ids[pred] + after)
        if t.rest is not None:
            return started(m, t, deps, body, pad)
        code = []
        if deps and t.instant is None:
            code.append("depends " + ", ".join(deps))
        if t.instant is not None:
            code.append(f"start {clock.moment(cal, t.instant) if t.at_start else _end_moment(t)}")
        elif t.start is not None:
            code.append(f"start {t.start}")
        elif t.pinned is not None:
            code.append(f"start {clock.moment(cal, t.pinned)}")
        if t.end is not None:
            code.append(f"end {clock.end_of(t.end)}")
        elif t.length is not None and t.length > EPS:
            code.append(f"length {amount(t.length, 'length', m)}")
        else:
            code.append("milestone")
        if m.status == "done" or m.percent_complete:
            code.append(f"complete {100 if m.status == 'done' else m.percent_complete:g}")
        if m.owner:
            code.append(f"responsible {owners[m.owner]}")
        if m.due is not None:
            code.append(f"maxend {clock.end_of(m.due)}")
        leaf = ids[m.id].rsplit(".", 1)[-1]
        inner = [pad + "  " + tj_comment(line[2:]) for line in body]
        inner += [f"{pad}  {line}" for line in code]
        return [f"{pad}task {leaf} {tj_string(m.title)} {{", *inner, f"{pad}}}"]

    def started(m: Milestone, t: Task, deps: list[str], body: list[str], pad: str) -> list[str]:
        """A started milestone: ``elapsed`` (pinned) then ``rest`` (held by its links)."""
        assert t.start is not None and t.rest is not None and t.length is not None
        elapsed = t.length - t.rest
        done = f"length {amount(elapsed, 'elapsed work', m)}" if elapsed > EPS else "milestone"
        rest = [f"depends {', '.join([ids[m.id] + '.elapsed', *deps])}"]
        rest.append(f"length {amount(t.rest, 'length', m)}" if t.rest > EPS else "milestone")
        if m.due is not None:
            rest.append(f"maxend {clock.end_of(m.due)}")
        leaf = ids[m.id].rsplit(".", 1)[-1]
        lines = [f"{pad}task {leaf} {tj_string(m.title)} {{"]
        lines += [pad + "  " + tj_comment(line[2:]) for line in body]
        if m.owner:
            lines.append(f"{pad}  responsible {owners[m.owner]}")
        lines.append(f'{pad}  task elapsed "Work so far" {{ start {t.start} {done} }}')
        lines.append(f'{pad}  task rest "Remaining work" {{ {" ".join(rest)} }}')
        return [*lines, f"{pad}}}"]

    tail: list[str] = []
    for team in plan.teams:
        members = [m for m in live if m.team == team.id]
        if members:
            tail += ["", f"task {team_ids[team.id]} {tj_string(team.name or team.id)} {{"]
            for m in members:
                tail += task(m, "  ")
            tail.append("}")
    for m in live:
        if m.team not in team_ids:
            tail += ["", *task(m, "")]
    out = _header(plan, as_of, first, last, clock)
    out += [f"resource {rid} {tj_string(name)}" for name, rid in owners.items()]
    if STATUS_ID in anchors:
        out.append(f'task {STATUS_ID} "Status date" {{ start {as_of} milestone }}')
    if START_ID in anchors:
        out.append(f'task {START_ID} "Program start" {{ start {plan.program.start} milestone }}')
    for at, ident in at_ids.items():
        when = clock.moment(cal, at)
        out.append(f'task {ident} "Earliest start by a lead" {{ start {when} milestone }}')
    for pred, ident in end_ids.items():
        out.append(
            f"task {ident} {tj_string('End of ' + pred)} {{ depends {ids[pred]} milestone }}"
        )
    for (pred, where, k), ident in lead_ids.items():
        text, _rounded = clock.amount(k)
        name = tj_string(f"{k:g} working days before {pred} {where}s")
        target = ids[pred] + (".rest" if where == "end" and tasks[pred].rest is not None else "")
        out.append(f"task {ident} {name} {{ precedes {target} {{ on{where} }} length {text} }}")
    out += _left_out(plan, notes) + tail
    out += [
        "",
        "# The dates of every task, to compare with `tpm schedule`:",
        f'taskreport tpm_dates "{REPORT_FILE}" {{',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d %H:%M"',
        "}",
    ]
    return TjpExport("\n".join(out) + "\n", ids, tuple(notes), clock)


def render_tjp(plan: Plan, as_of: dt.date) -> str:
    """The TaskJuggler text of ``plan`` as of ``as_of`` (for ``tpm export --format tjp``)."""
    return export_tjp(plan, as_of).text


def _header(plan: Plan, as_of: dt.date, first: dt.date, last: dt.date, clock: Clock) -> list[str]:
    work = [w for w in WEEKDAYS if w in plan.calendar.workdays]
    off = [w for w in WEEKDAYS if w not in plan.calendar.workdays]
    lines = [
        tj_comment(f"TaskJuggler 3 project exported by tpm from {plan.program.name!r}"),
        f"# status date {as_of}; check it with: tj3 --silent THIS_FILE (writes {REPORT_FILE}.csv)",
        f"# A working day is {clock.hours} ({clock.minutes // 60} working hours); durations are",
        "# `length` (working time), lags `gaplength`.",
        f"project tpm {tj_string(plan.program.name)} {first} - {last} {{",
        '  timezone "UTC"',
        f"  timingresolution {clock.resolution}min",
        f"  dailyworkinghours {clock.minutes // 60}",
        f"  workinghours {', '.join(work)} {clock.hours}",
    ]
    if off:
        lines.append(f"  workinghours {', '.join(off)} off")
    if first <= as_of < last:
        lines.append(f"  now {as_of}")
    lines.append("}")
    for day in sorted(set(plan.calendar.holidays)):
        if first <= day < last:
            lines.append(f'leaves holiday "Holiday" {day}')
    return lines


def _left_out(plan: Plan, notes: list[str]) -> list[str]:
    lines = ["", "# Not exported (TaskJuggler has no equivalent, or schedules it differently):"]
    if plan.program.target:
        lines.append(f"# - program target {plan.program.target} (compare it with the last end)")
    cancelled = sorted(m.id for m in plan.milestones if m.status == "cancelled")
    if cancelled:
        lines.append(tj_comment(f"- cancelled milestones (removed, as in tpm): {cancelled}"))
    estimates = sum(1 for m in plan.milestones if m.estimate is not None)
    for count, what in (
        (estimates, "three-point estimates (tpm forecast)"),
        (len(plan.risks), "risks"),
        (len(plan.kpis), "KPIs"),
        (len(plan.decisions), "decisions"),
    ):
        if count:
            lines.append(f"# - {count} {what}")
    lines += [tj_comment(f"- {note}") for note in notes]
    if len(lines) == 2:
        lines.append("# - nothing that affects the schedule")
    return lines
