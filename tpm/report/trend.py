"""Milestone trend analysis: the forecast of the finish, the P80 and key milestones over time.

TPMs draw this slip chart by hand: for each reporting date, where did we think the program and
its key milestones would finish? A flat line is a stable forecast; a line climbing week after
week is a slip nobody called. The points come from two sources, merged one per date:

- ``[[snapshots]]`` recorded in the plan by ``tpm report --record`` (what was reported: kept
  as is, and preferred when git has a point for the same date);
- every commit of the plan in git history, analysed again as of the plan's ``as_of`` at that
  commit (or the commit date): when several commits share a date, the newest one counts.

Git history is read and analysed by :mod:`tpm.report.history`; :func:`collect` is the one
entry point for the CLI and the TUI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tpm.plan.model import Plan
from tpm.report.history import (
    HISTORY_RUNS,
    Skipped,
    analyse_point,
    default_workers,
    git_points,
)
from tpm.report.point_cache import PointCache, cache_dir
from tpm.report.snapshot import Trend, key_milestones, point_from_snapshot, point_of

if TYPE_CHECKING:
    from tpm.report.data import ReportData

__all__ = [
    "HISTORY_RUNS",
    "Collected",
    "Skipped",
    "Trend",
    "analyse_point",
    "collect",
    "default_workers",
    "git_points",
]


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
    cache: bool = True,
) -> Collected:
    """The slip trend of ``plan`` as of ``as_of``: snapshots, git history and today.

    ``keys`` are the milestones to follow (default :func:`key_milestones`); ``now`` is today's
    analysis when the caller has it already; ``workers`` > 1 analyses git revisions in that
    many processes (Linux only; the TUI keeps 1); ``cache`` False neither reads nor writes
    the cache of analysed revisions (:mod:`tpm.report.point_cache`).
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
            plan_path,
            keys,
            as_of,
            covered=covered,
            workers=workers,
            meanwhile=analyse_today,
            cache=PointCache(cache_dir() if cache else None),
        )
        points += found
    analyse_today()
    data = today[0]
    points.append(point_of(data, keys, "now", "today's plan"))
    return Collected(Trend.of(points, keys, data.target, data.start), tuple(skipped), note)
