"""The reporting period and where the previous report comes from.

A weekly report compares this week's plan with last week's. When the plan lives in git, last
week's plan is the version committed at the start of the reporting period: the newest commit
that changed the plan on or before ``as_of - settings.report_period_days`` (renames are
followed). When it cannot be found, the reason is one line a user can act on: not in git,
never committed, no commit that old, or a shallow clone whose history starts too late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tpm.plan.calendar import add_days
from tpm.plan.gitrev import GitRevError, commit_date, is_shallow, plan_log, repo_path, show


@dataclass(frozen=True)
class FoundInGit:
    """The plan as committed at the start of the period."""

    raw: bytes
    commit: str
    committed: dt.date
    path: str  # the plan's path in that commit (differs from today's after a rename)
    renamed: bool

    @property
    def label(self) -> str:
        """How the report names it: short hash and date (and the old name after a rename)."""
        name = f", as {self.path}" if self.renamed else ""
        return f"commit {self.commit[:7]} of {self.committed}{name}"


def period_start(as_of: dt.date, days: int) -> dt.date:
    """The day the reporting period starts: ``days`` before the status date."""
    return add_days(as_of, -days)


def find_in_git(plan: Path, start: dt.date) -> FoundInGit | str:
    """The plan as committed on or before ``start``, or one line saying why there is none."""
    try:
        root, rel = repo_path(plan)
    except GitRevError as exc:
        if "not inside a git repository" in str(exc):
            return f"{plan.name} is not in a git repository"
        return str(exc)
    log = plan_log(root, rel)
    if not log:
        return f"{rel} has never been committed"
    older = [e for e in log if e.committed <= start]
    if not older:
        first = log[-1].committed
        if is_shallow(root):
            return (
                f"this clone is shallow: its history of {rel} starts on {first}, after the "
                f"period start {start} (`git fetch --unshallow` gets the rest)"
            )
        return f"{rel} was first committed on {first}, after the period start {start}"
    entry = older[0]
    try:
        raw = show(root, entry.commit, entry.path)
    except GitRevError as exc:
        return str(exc)
    return FoundInGit(raw, entry.commit, entry.committed, entry.path, entry.path != rel)


def old_name_at(plan: Path, commit: str) -> str | None:
    """The plan's path at ``commit`` when it was renamed since (None when unknown)."""
    try:
        root, rel = repo_path(plan)
    except GitRevError:
        return None
    for entry in plan_log(root, rel):
        if entry.commit == commit:
            return entry.path if entry.path != rel else None
    # The commit did not change the plan: use the name of the newest change before it.
    day = commit_date(root, commit)
    if day is None:
        return None
    for entry in plan_log(root, rel):
        if entry.committed <= day:
            return entry.path if entry.path != rel else None
    return None
