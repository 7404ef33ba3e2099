"""Milestone trend analysis: the forecast of the finish, the P80 and key milestones over time.

TPMs draw this slip chart by hand: for each reporting date, where did we think the program and
its key milestones would finish? A flat line is a stable forecast; a line climbing week after
week is a slip nobody called. The points come from two sources, merged one per date:

- ``[[snapshots]]`` recorded in the plan by ``tpm report --record`` (what was reported: kept
  as is, and preferred when git has a point for the same date);
- every commit of the plan in git history, analysed again as of the plan's ``as_of`` at that
  commit (or the commit date): when several commits share a date, the newest one counts.

Reading git is one ``git log`` and one ``git cat-file --batch``; identical versions are
analysed once. The newest :data:`HISTORY_P80_POINTS` git points use a smaller Monte Carlo
(:data:`HISTORY_RUNS`) than the report, enough for a P80 to a day or two; older git points
have no P80 (their RAG then cannot include the P80-after-target rule).
"""

from __future__ import annotations

import datetime as dt
import importlib
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpm.plan.model import Plan
from tpm.plan.sourcemap import SourceMap
from tpm.report.snapshot import Point, key_milestones, point_from_snapshot, point_of

if TYPE_CHECKING:
    from tpm.report.data import ReportData

HISTORY_RUNS = 200
# Git points older than the newest few are analysed without the Monte Carlo (no P80): the
# trend of 52 weekly commits of a 1,000-milestone plan then costs at most 10x one schedule.
HISTORY_P80_POINTS = 8
MAX_WORKERS = 4  # each worker holds one plan at a time
READ_BATCH = 8  # revisions read per git cat-file: memory holds a batch and the queued jobs
# The program's status date, read from the text before parsing it (see _quick_day).
_AS_OF = re.compile(rb"^[ \t]*as_of[ \t]*=[ \t]*(\d{4}-\d{2}-\d{2})[ \t]*(?:#[^\n]*)?$", re.M)
_RANK = {"now": 3, "snapshot": 2, "file": 1, "git": 0}


@dataclass(frozen=True)
class Trend:
    """Trend points, oldest first, one per date, and the milestones followed."""

    points: tuple[Point, ...]
    milestones: tuple[str, ...]
    target: dt.date | None
    start: dt.date

    @classmethod
    def of(
        cls,
        points: Iterable[Point],
        milestones: tuple[str, ...],
        target: dt.date | None,
        start: dt.date,
    ) -> Trend:
        """Merge points to one per date (now > snapshot > file > git) and sort them."""
        best: dict[dt.date, Point] = {}
        for p in points:
            old = best.get(p.date)
            if old is None or _RANK.get(p.source, 0) > _RANK.get(old.source, 0):
                best[p.date] = p
        return cls(tuple(best[d] for d in sorted(best)), milestones, target, start)

    def series(self) -> list[tuple[str, list[dt.date | None]]]:
        """Each line of the chart: finish, P80, then each milestone's forecast finish."""
        out: list[tuple[str, list[dt.date | None]]] = [
            ("finish", [p.finish for p in self.points]),
        ]
        if any(p.p80 for p in self.points):
            out.append(("P80", [p.p80 for p in self.points]))
        for mid in self.milestones:
            out.append((mid, [p.milestones.get(mid) for p in self.points]))
        return out

    def to_json(self) -> dict[str, Any]:
        """The trend as plain JSON data (dates as ISO strings) for ``tpm trend --json``."""

        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "target": iso(self.target),
            "milestones": list(self.milestones),
            "points": [
                {
                    "date": p.date.isoformat(),
                    "source": p.source,
                    "label": p.label,
                    "rag": p.rag,
                    "areas": dict(p.areas),
                    "finish": iso(p.finish),
                    "p80": iso(p.p80),
                    "milestones": {m: iso(p.milestones.get(m)) for m in self.milestones},
                    "p80_runs": p.runs,
                }
                for p in self.points
            ],
        }


@dataclass(frozen=True)
class Skipped:
    """A commit whose plan could not be analysed, and why."""

    commit: str
    reason: str


@dataclass(frozen=True)
class Collected:
    """A trend and what its caller should tell the user about the history behind it."""

    trend: Trend
    skipped: tuple[Skipped, ...]  # commits whose plan could not be analysed
    note: str | None  # why git history was not read at all (not in git, never committed)


def collect(
    plan: Plan,
    plan_path: Path | None,
    as_of: dt.date,
    keys: tuple[str, ...] | None = None,
    *,
    use_git: bool = True,
    now: ReportData | None = None,
    workers: int = 1,
) -> Collected:
    """The slip trend of ``plan`` as of ``as_of``: snapshots, git history and today.

    ``keys`` are the milestones to follow (default :func:`key_milestones`); ``now`` is today's
    analysis when the caller has it already; ``workers`` > 1 analyses git revisions in that
    many processes (Linux only; the TUI keeps 1).
    """
    from tpm.report.data import build

    keys = key_milestones(plan) if keys is None else keys
    points = [point_from_snapshot(s) for s in plan.snapshots if s.date <= as_of]
    skipped: list[Skipped] = []
    note = None
    today: list[ReportData] = [] if now is None else [now]

    def analyse_today() -> None:  # run while worker processes analyse the history
        if not today:
            today.append(build(plan, as_of))

    if use_git and plan_path is not None:
        covered = frozenset(p.date for p in points)
        found, skipped, note = git_points(
            plan_path, keys, as_of, covered=covered, workers=workers, meanwhile=analyse_today
        )
        points += found
    analyse_today()
    data = today[0]
    points.append(point_of(data, keys, "now", "today's plan"))
    return Collected(Trend.of(points, keys, data.target, data.start), tuple(skipped), note)


def default_workers() -> int:
    """Processes for analysing history: the CPUs this process may use, at most 4 (memory)."""
    if sys.platform != "linux":
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def git_points(
    plan_path: Path,
    keys: tuple[str, ...],
    until: dt.date,
    runs: int = HISTORY_RUNS,
    p80_points: int = HISTORY_P80_POINTS,
    *,
    covered: frozenset[dt.date] = frozenset(),
    workers: int = 1,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list[Point], list[Skipped], str | None]:
    """Points from the commits of the plan dated before ``until``, one per date, newest first.

    A commit's date is its plan's ``as_of`` (else the commit date). Dates in ``covered`` (a
    recorded snapshot has them) are not analysed; of several commits on one date the newest
    counts, or the next newest when its plan has errors; identical contents count once. The
    newest ``p80_points`` dates get a ``runs``-run Monte Carlo for their P80. With worker
    processes, ``meanwhile`` runs in this process while they work.

    Returns the points, the commits skipped (the plan had errors then), and a note when git
    history is not available at all (not in git, never committed).
    """
    from tpm.plan.gitrev import GitRevError, blob_ids, plan_log, repo_path

    try:
        root, rel = repo_path(plan_path)
    except GitRevError as exc:
        return [], [], str(exc)
    log = plan_log(root, rel)
    if not log:
        return [], [], f"{rel} has never been committed"
    objects = [f"{e.commit}:{e.path}" for e in log]
    seen_blobs: set[str] = set()
    revisions: list[_Revision] = []
    for entry, obj, blob in zip(log, objects, blob_ids(root, objects), strict=True):
        if blob is not None and blob not in seen_blobs:  # newest first: keep the newest
            seen_blobs.add(blob)
            revisions.append(_Revision(obj, entry.commit, entry.committed))
    with _Runner(workers, meanwhile) as runner:
        return _analyse_history(root, revisions, keys, until, covered, runs, p80_points, runner)


@dataclass(frozen=True)
class _Revision:
    obj: str  # COMMIT:PATH
    commit: str
    committed: dt.date


@dataclass(frozen=True)
class _Job:
    raw: bytes
    name: str
    day: dt.date  # the date the revision was filed under (from a quick look at its text)
    until: dt.date
    keys: tuple[str, ...]
    runs: int
    label: str


def _analyse_history(
    root: Path,
    revisions: list[_Revision],
    keys: tuple[str, ...],
    until: dt.date,
    covered: frozenset[dt.date],
    runs: int,
    p80_points: int,
    runner: _Runner,
) -> tuple[list[Point], list[Skipped], None]:
    """Read revisions in small batches (memory holds a few plans), file each under its date,
    analyse the newest of each date; a date whose newest plan has errors tries the next."""
    from tpm.plan.gitrev import show_many

    by_day: dict[dt.date, list[_Revision]] = {}
    order: list[dt.date] = []
    todo = revisions
    results: dict[dt.date, Point] = {}
    skipped: list[Skipped] = []
    first_round = True
    while todo:
        retry: list[_Revision] = []
        for k in range(0, len(todo), READ_BATCH):
            batch = todo[k : k + READ_BATCH]
            raws = show_many(root, [r.obj for r in batch])
            for rev, raw in zip(batch, raws, strict=True):
                if raw is None:
                    continue
                day = min(_quick_day(raw, rev.committed), until)
                if day >= until or day in covered:
                    continue
                if first_round:
                    if day in by_day:
                        by_day[day].append(rev)  # an older commit of that date: a fallback
                        continue
                    by_day[day] = []
                    order.append(day)
                n = runs if order.index(day) < p80_points else 0
                label = f"{rev.commit[:7]} ({rev.committed})"
                name = f"{rev.commit[:7]}:{rev.obj.partition(':')[2]}"
                runner.submit((rev.commit, day), _Job(raw, name, day, until, keys, n, label))
        for (commit, day), outcome in runner.drain():
            if isinstance(outcome, Point):
                results[day] = outcome
            else:
                skipped.append(Skipped(commit, outcome))
                if by_day.get(day):
                    retry.append(by_day[day].pop(0))
        todo = retry
        first_round = False
    points = [results[d] for d in order if d in results]
    return points, skipped, None


def _quick_day(raw: bytes, committed: dt.date) -> dt.date:
    """The plan's ``as_of`` read from its text without parsing it, else the commit date.

    A hint for filing the revision under a date before the expensive analysis; the analysis
    reads ``as_of`` properly and its point carries the real date.
    """
    found = _AS_OF.search(raw)
    if found is None:
        return committed
    try:
        return dt.date.fromisoformat(found.group(1).decode("ascii"))
    except ValueError:
        return committed


def _analyse_job(job: _Job) -> Point | str:
    """One revision: parse, check (without locating warnings: nobody reads them) and analyse.

    Returns the point, or why the plan could not be analysed."""
    from tpm.check.document import check_document
    from tpm.plan.storage import StorageError, TOMLDecodeError, parse

    try:
        source = parse(Path(job.name), job.raw)
        checked = check_document(source.data, job.name, _no_lines)
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        return str(exc)
    if checked.plan is None:
        first = next((d for d in checked.diagnostics if d.severity == "error"), None)
        return "the plan had errors" + (f" ({first.message})" if first else "")
    plan = checked.plan
    day = job.day if plan.program.as_of is None else min(plan.program.as_of, job.until)
    try:
        return analyse_point(plan, day, job.keys, job.runs, "git", job.label)
    except (ValueError, OverflowError) as exc:
        return str(exc)


def _no_lines() -> SourceMap:
    return SourceMap()


_JOB_MODULES = (
    "tpm.check.document",
    "tpm.forecast.run",
    "tpm.plan.storage",
    "tpm.report.data",
    "tpm.schedule.blockers",
    "tpm.schedule.scheduler",
)
_Key = tuple[str, dt.date]  # a job's commit and the date it is filed under


class _Runner:
    """Runs jobs in this process, or in a pool of forked processes with a bounded queue."""

    def __init__(self, workers: int, meanwhile: Callable[[], None] | None = None) -> None:
        self.meanwhile = meanwhile  # this process's own work, run once the workers are busy
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1 and sys.platform == "linux":
            for name in _JOB_MODULES:  # imported once here, not once per forked worker
                importlib.import_module(name)
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        self.limit = 2 * workers
        self.pending: list[tuple[_Key, Future[Point | str]]] = []
        self.done: list[tuple[_Key, Point | str]] = []

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def _idle(self) -> None:
        work, self.meanwhile = self.meanwhile, None
        if work is not None:
            work()

    def submit(self, key: _Key, job: _Job) -> None:
        """Analyse ``job`` now, or queue it (waiting for the oldest when the queue is full)."""
        if self.pool is None:
            self.done.append((key, _analyse_job(job)))
            return
        self.pending.append((key, self.pool.submit(_analyse_job, job)))
        if len(self.pending) > self.limit:
            self._idle()
        while len(self.pending) > self.limit:
            first, future = self.pending.pop(0)
            self.done.append((first, future.result()))

    def drain(self) -> list[tuple[_Key, Point | str]]:
        """Every outcome since the last drain, in the order the jobs were submitted."""
        if self.pending:
            self._idle()
        out = self.done + [(c, f.result()) for c, f in self.pending]
        self.done, self.pending = [], []
        return out


def analyse_point(
    plan: Plan, day: dt.date, keys: tuple[str, ...], runs: int, source: str, label: str
) -> Point:
    """One plan analysed as of ``day``: RAG, finish, P80 (``runs`` Monte Carlo runs; 0: no
    forecast and no P80). The same numbers as a report of that plan on that day."""
    from tpm.report.data import headline

    head = headline(plan, day, keys, runs)
    return Point(
        date=day,
        source=source,
        rag=head.status.rag,
        areas={a.area: a.rag for a in head.status.areas},
        finish=head.finish,
        p80=head.p80,
        milestones=head.milestones,
        label=label,
        runs=head.runs,
    )
