"""Trend points from git history: each commit of the plan analysed again, as fast as it can be.

The slip trend (:mod:`tpm.report.trend`) needs, for each past status date, what a report of
the plan as committed then would have said. Reading git is one ``git log``, one
``git cat-file --batch-check`` (blob ids: identical versions are analysed once) and one
``git cat-file --batch`` per :data:`READ_BATCH` revisions, so memory holds a few plans, not
the history. Each date is analysed once (its newest commit, the next newest when that one has
errors). Revisions are analysed in forked worker processes on Linux when the caller asks.
Every git point gets a smaller Monte Carlo than the report (:data:`HISTORY_RUNS` runs, the
forecast's default seed), enough for a P80 to a day or two; every output states the runs.
A revision's point is cached by its blob id (:mod:`tpm.report.point_cache`), so a trend run
again only analyses the commits made since.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import multiprocessing
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tpm.plan.model import Plan
from tpm.report.point_cache import PointCache
from tpm.report.point_cache import key as cache_key
from tpm.report.revisions import Reader
from tpm.report.snapshot import Point
from tpm.schedule.graph import Graph

HISTORY_RUNS = 200  # Monte Carlo runs behind each git point's P80 (the report runs 2,000)
MAX_WORKERS = 4  # each worker holds one plan at a time
READ_BATCH = 8  # revisions read per git cat-file: memory holds a batch and the queued jobs
# The program's status date, read from the text before parsing it (see _quick_day).
_AS_OF = re.compile(rb"^[ \t]*as_of[ \t]*=[ \t]*(\d{4}-\d{2}-\d{2})[ \t]*(?:#[^\n]*)?$", re.M)


@dataclass(frozen=True)
class Skipped:
    """A commit whose plan could not be analysed, and why."""

    commit: str
    reason: str


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
    *,
    covered: frozenset[dt.date] = frozenset(),
    workers: int = 1,
    meanwhile: Callable[[], None] | None = None,
    cache: PointCache | None = None,
) -> tuple[list[Point], list[Skipped], str | None]:
    """Points from the commits of the plan dated before ``until``, one per date, newest first.

    A commit's date is its plan's ``as_of`` (else the commit date). Dates in ``covered`` (a
    recorded snapshot has them) are not analysed; of several commits on one date the newest
    counts, or the next newest when its plan has errors; identical contents count once. Each
    gets a ``runs``-run Monte Carlo for its P80 (0: none). With worker processes,
    ``meanwhile`` runs in this process while they work. ``cache`` holds the outcomes of
    revisions analysed before (by blob id); new outcomes are added to it.

    Returns the points, the commits skipped (the plan had errors then), and a note when git
    history is not available at all (not in git, never committed).
    """
    from tpm.plan.gitrev import GitRevError, blob_ids, plan_log, repo_path

    try:
        root, rel = repo_path(plan_path)
        log = plan_log(root, rel)
        if not log:
            return [], [], f"{rel} has never been committed"
        objects = [f"{e.commit}:{e.path}" for e in log]
        seen_blobs: set[str] = set()
        revisions: list[_Revision] = []
        for entry, obj, blob in zip(log, objects, blob_ids(root, objects), strict=True):
            if blob is not None and blob not in seen_blobs:  # newest first: keep the newest
                seen_blobs.add(blob)
                revisions.append(_Revision(obj, entry.commit, entry.committed, blob))
        with _Runner(workers, meanwhile) as runner:
            found = _History(keys, until, covered, runs, runner, cache or PointCache(None))
            return found.analyse(root, revisions)
    except GitRevError as exc:  # git vanished or stopped answering half-way
        return [], [], str(exc)
    finally:
        global _reader
        _reader = None  # the last revision's items: not kept once the history is read


@dataclass(frozen=True)
class _Revision:
    obj: str  # COMMIT:PATH
    commit: str
    committed: dt.date
    blob: str


@dataclass(frozen=True)
class _Job:
    raw: bytes
    name: str
    day: dt.date  # the date the revision was filed under (from a quick look at its text)
    until: dt.date
    keys: tuple[str, ...]
    runs: int
    label: str


@dataclass
class _History:
    """One pass over the history: what to analyse, and where outcomes go."""

    keys: tuple[str, ...]
    until: dt.date
    covered: frozenset[dt.date]
    runs: int
    runner: _Runner
    cache: PointCache

    def analyse(
        self, root: Path, revisions: list[_Revision]
    ) -> tuple[list[Point], list[Skipped], None]:
        """Read revisions in small batches (memory holds a few plans), file each under its
        date, analyse the newest of each date (or take it from the cache); a date whose
        newest plan has errors tries the next."""
        from tpm.forecast.defaults import DEFAULT_SEED
        from tpm.plan.gitrev import GitRevError, show_many

        by_day: dict[dt.date, list[_Revision]] = {}
        order: list[dt.date] = []
        todo = revisions
        results: dict[dt.date, Point] = {}
        skipped: list[Skipped] = []
        names: dict[tuple[str, dt.date], str] = {}
        first_round = True
        while todo:
            retry: list[_Revision] = []
            outcomes: list[tuple[_Key, Point | str]] = []
            for k in range(0, len(todo), READ_BATCH):
                batch = todo[k : k + READ_BATCH]
                raws = show_many(root, [r.obj for r in batch])
                for rev, raw in zip(batch, raws, strict=True):
                    if raw is None:
                        continue
                    if isinstance(raw, GitRevError):  # over the size limit: named, not read
                        skipped.append(Skipped(rev.commit, str(raw)))
                        continue
                    day = min(_quick_day(raw, rev.committed), self.until)
                    if day >= self.until or day in self.covered:
                        continue
                    if first_round:
                        if day in by_day:
                            by_day[day].append(rev)  # an older commit of that date: a fallback
                            continue
                        by_day[day] = []
                        order.append(day)
                    label = f"{rev.commit[:7]} ({rev.committed})"
                    name = cache_key(rev.blob, day, self.keys, self.runs, DEFAULT_SEED)
                    cached = self.cache.get(name)
                    if cached is not None:
                        outcomes.append(((rev.commit, day), _labelled(cached, label)))
                        continue
                    names[rev.commit, day] = name
                    path = f"{rev.commit[:7]}:{rev.obj.partition(':')[2]}"
                    job = _Job(raw, path, day, self.until, self.keys, self.runs, label)
                    self.runner.submit((rev.commit, day), job)
            for (commit, day), outcome in [*outcomes, *self.runner.drain()]:
                name = names.pop((commit, day), "")
                if name and (not isinstance(outcome, Point) or outcome.date == day):
                    self.cache.put(name, outcome)  # its date follows from the blob alone
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


def _labelled(outcome: Point | str, label: str) -> Point | str:
    return outcome if isinstance(outcome, str) else dataclasses.replace(outcome, label=label)


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


_reader: Reader | None = None  # this process's reader of the revisions it analyses


def _analyse_job(job: _Job) -> Point | str:
    """One revision: parse, check (no warning lines or unknown-key warnings: nobody reads them)
    and analyse; items unchanged since the revision this process checked before are
    neither parsed nor validated again (:mod:`tpm.report.revisions`).

    Returns the point, or why the plan could not be analysed."""
    from tpm.plan.storage import StorageError, TOMLDecodeError

    global _reader
    reader = _reader = _reader or Reader()
    try:
        checked = reader.check(job.raw, job.name)
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        return str(exc)
    if checked.plan is None:
        first = next((d for d in checked.diagnostics if d.severity == "error"), None)
        return "the plan had errors" + (f" ({first.message})" if first else "")
    plan = checked.plan
    day = job.day if plan.program.as_of is None else min(plan.program.as_of, job.until)
    try:
        graph = reader.graph(plan)
        return analyse_point(plan, day, job.keys, job.runs, "git", job.label, graph)
    except (ValueError, OverflowError) as exc:
        return str(exc)


_JOB_MODULES = (
    "tpm.check.document",
    "tpm.report.revisions",
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
    plan: Plan,
    day: dt.date,
    keys: tuple[str, ...],
    runs: int,
    source: str,
    label: str,
    graph: Graph | None = None,
) -> Point:
    """One plan analysed as of ``day``: RAG, finish, P80 (``runs`` Monte Carlo runs; 0: no
    forecast and no P80). The same numbers as a report of that plan on that day. ``graph``:
    the plan's graph when the caller has it."""
    from tpm.report.data import headline

    head = headline(plan, day, keys, runs, graph)
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
