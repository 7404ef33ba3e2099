"""``--since REV|FILE``: the previous report named on the command line, shared by
``tpm report`` and ``tpm risks --md``. Without ``--since`` the report finds it by itself
(:func:`tpm.report.previous.find_default`: git at the start of the reporting period, else the
newest recorded snapshot).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from tpm.check.load import from_source
from tpm.commands.common import load_or_report, print_diagnostics
from tpm.errors import Reported, TpmError
from tpm.plan.gitrev import (
    GitRevError,
    Revision,
    commit_date,
    read_at,
    repo_path,
    resolve,
    show,
)
from tpm.plan.model import Plan
from tpm.plan.storage import StorageError, TOMLDecodeError, parse
from tpm.report.period import old_name_at
from tpm.report.previous import Previous, find_default


def find_previous(
    plan: Plan, plan_path: Path, as_of: dt.date, since: str | None
) -> tuple[Previous | None, str | None]:
    """The previous report and, when there is none, one line saying why."""
    if since is not None:
        return _explicit(plan_path, since, as_of), None
    return find_default(plan, plan_path, as_of)


def _explicit(plan_path: Path, since: str, as_of: dt.date) -> Previous:
    candidate = Path(since)
    if is_file(since):
        try:
            old_plan = load_or_report(candidate)
        except Reported:
            raise TpmError(
                f"--since {since}: that file is not a valid plan (errors above)"
            ) from None
        return Previous(since, min(old_plan.program.as_of or as_of, as_of), plan=old_plan)
    if since and candidate.exists():
        raise TpmError(f"--since {since}: that is a folder, not a plan file or a revision", 2)
    rev = _read_rev(plan_path, since)
    name = f"{since}:{plan_path.name}"
    try:
        loaded = from_source(parse(Path(name), rev.raw))
    except (StorageError, TOMLDecodeError, RecursionError) as exc:
        message = f"--since {since}: the plan at that revision cannot be read: {exc}"
        raise TpmError(message) from None
    if loaded.plan is None:
        print_diagnostics(loaded)
        raise TpmError(f"--since {since}: the plan at that revision has errors (above)")
    old_as_of = min(loaded.plan.program.as_of or rev.committed, as_of)
    return Previous(f"{since} ({rev.commit[:7]})", old_as_of, plan=loaded.plan)


def is_file(since: str) -> bool:
    """Whether --since names an existing file; unusable names are refused (exit 2)."""
    if not since:
        return False
    try:
        return stat.S_ISREG(os.stat(since).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        from tpm.plan.atomic import os_reason

        shown = since if len(since) <= 80 else since[:77] + "..."
        raise TpmError(f"--since {shown}: {os_reason(exc)}", 2) from None


def _read_rev(plan_path: Path, since: str) -> Revision:
    """The plan at revision ``since``, under its old name when it was renamed since."""
    try:
        return read_at(plan_path, since)
    except GitRevError as exc:
        error = exc
    try:
        root, _ = repo_path(plan_path)
        commit = resolve(root, since)
        old = old_name_at(plan_path, commit) if commit else None
        if commit is None or old is None:
            raise error
        return Revision(
            since, commit, commit_date(root, commit) or dt.date.min, show(root, commit, old)
        )
    except GitRevError as exc:
        raise TpmError(f"--since {since!r}: {exc}", 2) from None
