"""Reading tj3's answer in the cross-check tests and the benchmark: its CSV report, its
timestamps, and the comparison with tpm's dates under the documented exceptions."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from tpm.plan.calendar import WorkCalendar
from tpm.plan.model import Milestone, Plan
from tpm.render.export.tjp import Clock, TjpExport
from tpm.schedule.graph import FF, FS, SF, SS
from tpm.schedule.result import Schedule

# The documented exceptions (docs/explanation/scheduling-model.md), as counted in the bench.
STARTED_AT_STATUS_DATE = "started work without actual_start (tj3 starts it at the status date)"
EVENT_ON_A_START = "event on a start (tj3 dates it the evening before)"
EVENT_AFTER_A_LEAD = "event after a lead (tj3 dates it the morning after)"
PROGRESS_BY_OFFSETS = "done work or started event (compared by offsets)"


def read_dates_csv(text: str) -> dict[str, tuple[str, str]]:
    """Parse the ``tpm-dates.csv`` tj3 writes: full task id -> (start, end) timestamps."""
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    return {row[0]: (row[1], row[2]) for row in rows[1:] if len(row) >= 3}


def stamp_offset(cal: WorkCalendar, stamp: str, clock: Clock | None = None) -> float:
    """The working-day offset of a tj3 timestamp ``YYYY-MM-DD HH:MM`` of an export.

    With the default clock 9:00 of working day k is offset k and 17:00 is k + 1; a moment on
    a day off is the start of the next working day. So tj3's "Friday 17:00" and tpm's
    "Monday" are the same offset.
    """
    clock = clock or Clock()
    day = dt.date.fromisoformat(stamp[:10])
    minutes = int(stamp[11:13]) * 60 + int(stamp[14:16])
    base = cal.offset(day)
    if not cal.is_workday(day):
        return float(base)
    return base + min(max(minutes - clock.start, 0), clock.minutes) / clock.minutes


@dataclass
class Agreement:
    """tj3's dates against tpm's, milestone by milestone."""

    compared: int = 0
    differences: list[str] = field(default_factory=list)
    """One line per milestone whose dates differ beyond the documented exceptions."""
    exceptions: Counter[str] = field(default_factory=Counter)
    """Documented exception -> milestones it made agree (docs/explanation/scheduling-model.md)."""

    def summary(self) -> str:
        """``dates equal tpm's for 1,000 of 1,000 milestones, documented exceptions applied:
        1 done work or started event (compared by offsets)``."""
        same = self.compared - len(self.differences)
        used = "; ".join(f"{n:,} {what}" for what, n in sorted(self.exceptions.items()))
        by = f", documented exceptions applied: {used}" if used else ""
        return f"dates equal tpm's for {same:,} of {self.compared:,} milestones{by}"


def compare(
    plan: Plan, sched: Schedule, export: TjpExport, rows: dict[str, tuple[str, str]]
) -> Agreement:
    """Compare tj3's start and end of every task (``rows``, from :func:`read_dates_csv`) with
    tpm's early start and finish, as offsets and as the dates tpm shows, applying the
    documented exceptions (each counted when it changed the answer)."""
    cal = sched.calendar
    out = Agreement()
    # Events tj3 dates a night away from tpm at the same instant: id -> (tj3's day minus
    # tpm's, in working days, and the exception). An event that follows one of them with no
    # positive lag sits at the same instant in both tools, so it inherits the difference.
    night: dict[str, tuple[int, str]] = {}
    for mid in _predecessors_first(sched):
        ms = sched.milestones[mid]
        item = plan.milestone(mid)
        assert item is not None
        out.compared += 1
        start, end = rows[export.task_ids[mid]]
        es, ef = stamp_offset(cal, start, export.clock), stamp_offset(cal, end, export.clock)
        used: list[str] = []
        if ms.status == "in_progress" and item.actual_start is None:
            # Documented: tj3 starts such work at the status date (same finish).
            if es != ms.early_start and es == max(ms.early_start, sched.as_of_offset):
                es = ms.early_start
                used.append(STARTED_AT_STATUS_DATE)
        same = abs(es - ms.early_start) < 1e-6 and abs(ef - ms.early_finish) < 1e-6
        event = ms.duration == 0
        dates = tj3_dates(cal, export.clock, start, end, es, ef, event)
        shown = (ms.start, ms.finish)
        progressed = ms.status in ("done", "in_progress") or item.actual_start is not None
        if event and same and not progressed and dates != shown:
            shift = cal.offset(dates[0]) - cal.offset(ms.start)
            why = _night_apart(item, sched, shift, night)
            if why is not None:
                night[mid] = (shift, why)
                dates = shown
                used.append(why)
        if progressed and (event or ms.status == "done"):
            # Done work keeps its recorded days (tj3 the working days they cover), and tj3
            # has no started event (it is written as work up to the status date): for
            # these the offsets are compared.
            if dates != shown:
                dates = shown
                used.append(PROGRESS_BY_OFFSETS)
        if not same or dates != shown:
            out.differences.append(
                f"{mid} ({ms.status}): tpm {ms.early_start:g}..{ms.early_finish:g} "
                f"{ms.start}..{ms.finish}, tj3 {start}..{end} = {es:g}..{ef:g}"
            )
        else:
            out.exceptions.update(used)
    return out


def _predecessors_first(sched: Schedule) -> list[str]:
    """The scheduled milestones' ids, every one after those it depends on (through
    cancelled milestones too: the schedule's graph dissolves them)."""
    graph = sched.graph
    order = [graph.ids[i] for i in graph.order]
    assert set(order) == set(sched.milestones)
    return order


def _night_apart(
    item: Milestone, sched: Schedule, shift: int, night: dict[str, tuple[int, str]]
) -> str | None:
    """The documented exception under which tj3 dates open event ``item`` ``shift`` working
    days from tpm's date at the same instant (docs/explanation/scheduling-model.md,
    convention 1), or None.

    - An event on a start (SS or SF, no positive lag): tj3 starts work at the instant its
      predecessor ends (Friday 17:00), MS Project, P6 and tpm the next morning, so tj3 dates
      the event the evening before.
    - An event after a lead (a negative lag): tpm counts whole working days back and keeps
      the side of the night it counts from (one day before an event on Wednesday evening is
      Tuesday evening); tj3, through the export's lead helper, lands at the start of the
      later day (Wednesday 8:00), as MS Project's working-time subtraction does.
    - An event after one of those with no positive lag sits at its instant in both tools.
    """
    ms, graph = sched.milestones[item.id], sched.graph
    # The schedule's links: a cancelled milestone's are dissolved into its successors'.
    links = [(graph.ids[p], code, lag) for p, code, lag in graph.preds[graph.index[item.id]]]
    if shift == -1 and any(code in (SS, SF) and lag <= 0 for _p, code, lag in links):
        return EVENT_ON_A_START
    for pid, code, lag in links:
        pred = sched.milestones[pid]
        anchor = pred.early_finish if code in (FS, FF) else pred.early_start
        if lag > 0 or abs(anchor + lag - ms.early_start) > 1e-6:
            continue  # not a driving link, or one that ends at the end of a day like work
        if shift == 1 and lag < 0:
            return EVENT_AFTER_A_LEAD
        if night.get(pid, (0, ""))[0] == shift:
            return night[pid][1]
    return None


def tj3_dates(
    cal: WorkCalendar, clock: Clock, start: str, end: str, es: float, ef: float, event: bool
) -> tuple[dt.date, dt.date]:
    """The dates tj3 gives a task. An event at the end of a working day (Friday 17:00) is on
    that day; one at any other moment (Monday 9:00, midnight) on the first working day from
    there. Work covers the working days its offsets span."""
    if event:
        day = dt.date.fromisoformat(end[:10])
        at_end = int(end[11:13]) * 60 + int(end[14:16]) == clock.start + clock.minutes
        if not (at_end and cal.is_workday(day)):
            day = cal.day(cal.offset(day))
        return day, day
    return cal.start_date(es), cal.finish_date(ef, es)
