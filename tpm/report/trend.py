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
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpm.plan.model import Plan
from tpm.report.snapshot import Point

HISTORY_RUNS = 200
# Git points older than the newest few are analysed without the Monte Carlo (no P80): the
# trend of 52 weekly commits of a 1,000-milestone plan then costs at most 10x one schedule.
HISTORY_P80_POINTS = 8
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
                }
                for p in self.points
            ],
        }


@dataclass(frozen=True)
class Skipped:
    """A commit whose plan could not be analysed, and why."""

    commit: str
    reason: str


def git_points(
    plan_path: Path,
    keys: tuple[str, ...],
    until: dt.date,
    runs: int = HISTORY_RUNS,
    p80_points: int = HISTORY_P80_POINTS,
) -> tuple[list[Point], list[Skipped], str | None]:
    """Points from every commit of the plan (dated on or before ``until``).

    Returns the points, the commits skipped (the plan had errors then), and a note when git
    history is not available at all (not in git, never committed).
    """
    from tpm.check.load import from_source
    from tpm.plan.gitrev import GitRevError, plan_log, repo_path, show_many
    from tpm.plan.storage import StorageError, TOMLDecodeError, parse

    try:
        root, rel = repo_path(plan_path)
    except GitRevError as exc:
        return [], [], str(exc)
    log = plan_log(root, rel)
    if not log:
        return [], [], f"{rel} has never been committed"
    raws = show_many(root, [f"{e.commit}:{e.path}" for e in log])
    seen_blobs: set[str] = set()
    seen_dates: set[dt.date] = set()
    points: list[Point] = []
    skipped: list[Skipped] = []
    for entry, raw in zip(log, raws, strict=True):  # newest first
        if raw is None:
            continue
        digest = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
        if digest in seen_blobs:
            continue
        seen_blobs.add(digest)
        try:
            loaded = from_source(parse(Path(f"{entry.commit[:7]}:{entry.path}"), raw))
        except (StorageError, TOMLDecodeError, RecursionError) as exc:
            skipped.append(Skipped(entry.commit, str(exc)))
            continue
        if loaded.plan is None:
            skipped.append(Skipped(entry.commit, "the plan had errors"))
            continue
        day = min(loaded.plan.program.as_of or entry.committed, until)
        if day in seen_dates:
            continue
        seen_dates.add(day)
        label = f"{entry.commit[:7]} ({entry.committed})"
        try:
            n = runs if len(points) < p80_points else 0
            points.append(analyse_point(loaded.plan, day, keys, n, "git", label))
        except (ValueError, OverflowError) as exc:
            skipped.append(Skipped(entry.commit, str(exc)))
    return points, skipped, None


def analyse_point(
    plan: Plan, day: dt.date, keys: tuple[str, ...], runs: int, source: str, label: str
) -> Point:
    """One plan analysed as of ``day``: RAG, finish, P80 (``runs`` Monte Carlo runs; 0: no
    forecast and no P80)."""
    from tpm.report.data import build
    from tpm.report.snapshot import point_of

    analysed = build(plan, day, runs=runs or None, with_forecast=runs > 0)
    return point_of(analysed, keys, source, label)
