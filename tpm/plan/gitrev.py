"""Read an older version of a plan from git, for "changes since the last report".

``tpm report PLAN --since REV`` compares the plan with the version committed at ``REV``.
The revision comes from the command line, so it is validated before it reaches git, and git
is run with argument lists only (never a shell): a REV such as ``--output=/tmp/x`` or
``HEAD; rm -rf ~`` is refused with a message instead of being interpreted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Letters, digits and the punctuation git revisions use (HEAD~1, main^2, v1.0, @{1}, a/b).
_ALLOWED = re.compile(r"[A-Za-z0-9_./~^@{}+-]+")
_TIMEOUT_S = 30


class GitRevError(Exception):
    """The revision is unusable or git could not provide the plan; the message says why."""


@dataclass(frozen=True)
class Revision:
    """A plan's bytes as committed at a revision."""

    rev: str
    commit: str
    committed: dt.date
    raw: bytes


def check_rev(rev: str) -> str:
    """Return ``rev`` if it is a plain revision name; raise GitRevError saying why not."""
    if not rev:
        raise GitRevError("the revision is empty")
    if rev.startswith("-"):
        raise GitRevError(f"revision {rev!r} starts with '-', which git would read as an option")
    if any(ch.isspace() for ch in rev):
        raise GitRevError(f"revision {rev!r} contains whitespace")
    if ";" in rev:
        raise GitRevError(f"revision {rev!r} contains ';'")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in rev):
        raise GitRevError(f"revision {rev!r} contains control characters")
    if ".." in rev:
        raise GitRevError(f"revision {rev!r} is a range; give a single revision such as HEAD~1")
    if ":" in rev:
        raise GitRevError(f"revision {rev!r} contains ':'; give a revision, not REV:path")
    if not _ALLOWED.fullmatch(rev):
        raise GitRevError(f"revision {rev!r} contains characters git revisions do not use")
    return rev


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=_TIMEOUT_S,
            env=env,
        )
    except FileNotFoundError:
        raise GitRevError("git is not installed, so --since cannot read a revision") from None
    except subprocess.TimeoutExpired:
        raise GitRevError(f"git did not answer within {_TIMEOUT_S} s") from None


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "unknown error"


def repo_path(plan: Path) -> tuple[Path, str]:
    """The git repository root holding ``plan`` and the plan's path inside it (POSIX)."""
    resolved = plan.resolve()
    folder = resolved.parent
    if not folder.is_dir():
        raise GitRevError(f"{plan}: its folder does not exist")
    done = _git(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise GitRevError(f"{plan} is not inside a git repository")
    root = Path(done.stdout.decode("utf-8", "replace").strip()).resolve()
    try:
        rel = resolved.relative_to(root)
    except ValueError:
        raise GitRevError(f"{plan} is outside its git repository {root}") from None
    return root, rel.as_posix()


def read_at(plan: Path, rev: str) -> Revision:
    """The plan's bytes at revision ``rev`` of its repository, with the commit's date."""
    check_rev(rev)
    root, rel = repo_path(plan)
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if found.returncode != 0:
        raise GitRevError(f"revision {rev!r} is not a commit of the repository at {root}")
    commit = found.stdout.decode("ascii", "replace").strip()
    shown = _show(root, commit, rel, f"revision {rev}")
    if shown is None:
        failed = _git(root, "show", f"{commit}:{rel}")
        raise GitRevError(f"{rel} does not exist at revision {rev} ({_first_line(failed.stderr)})")
    date = _git(root, "show", "-s", "--format=%cs", commit)
    try:
        committed = dt.date.fromisoformat(date.stdout.decode("ascii", "replace").strip())
    except ValueError:
        raise GitRevError(f"cannot read the date of revision {rev}") from None
    return Revision(rev, commit, committed, shown)


@dataclass(frozen=True)
class LogEntry:
    """One commit that changed the plan: its hash, commit date and the plan's path then."""

    commit: str
    committed: dt.date
    path: str


def is_shallow(root: Path) -> bool:
    """True when the repository is a shallow clone (its history is cut off)."""
    done = _git(root, "rev-parse", "--is-shallow-repository")
    return done.stdout.decode("ascii", "replace").strip() == "true"


def plan_log(root: Path, rel: str, rev: str = "HEAD") -> list[LogEntry]:
    """Commits that changed ``rel``, newest first, following renames (``git log --follow``).

    An empty list when the plan was never committed (or the repository has no commits).
    """
    done = _git(
        root,
        "log",
        "--follow",
        "--name-only",
        "--format=%x00%H %cs",
        "--end-of-options",
        rev,
        "--",
        rel,
    )
    if done.returncode != 0:
        return []
    out = []
    for chunk in done.stdout.decode("utf-8", "replace").split("\x00")[1:]:
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        commit, _, day = lines[0].partition(" ")
        try:
            committed = dt.date.fromisoformat(day)
        except ValueError:
            continue
        out.append(LogEntry(commit, committed, lines[1] if len(lines) > 1 else rel))
    return renames_only(root, rel, out)


def _limit() -> int:
    """The plan size limit, read when used (tests lower it through the storage module)."""
    from tpm.plan import storage

    return storage.MAX_BYTES


def _too_large(rel: str, where: str, size: int) -> GitRevError:
    limit = _limit()
    return GitRevError(
        f"{rel} at {where} is too large for a plan "
        f"({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)"
    )


def _show(root: Path, commit: str, rel: str, where: str) -> bytes | None:
    """The bytes of ``rel`` at ``commit`` (None when it is not there), refused by its size,
    asked from git first, when over the plan size limit: a blob is never read whole to find
    out that it is too large."""
    sized = _git(root, "cat-file", "-s", f"{commit}:{rel}")
    if sized.returncode != 0:
        return None
    size = int(sized.stdout.strip() or 0)
    if size > _limit():
        raise _too_large(rel, where, size)
    shown = _git(root, "cat-file", "blob", f"{commit}:{rel}")
    return shown.stdout if shown.returncode == 0 else None


def show(root: Path, commit: str, rel: str) -> bytes:
    """The bytes of ``rel`` at ``commit``; GitRevError when it is not there or is over the
    plan size limit."""
    shown = _show(root, commit, rel, commit[:7])
    if shown is None:
        failed = _git(root, "show", f"{commit}:{rel}")
        raise GitRevError(f"{rel} does not exist at {commit[:7]} ({_first_line(failed.stderr)})")
    return shown


def show_many(root: Path, objects: list[str]) -> list[bytes | GitRevError | None]:
    """The bytes of many ``COMMIT:PATH`` objects (None when missing) through ``git cat-file``.

    Sizes come first (``--batch-check``); an object over the plan size limit gets a
    GitRevError naming it instead of its bytes, and only the others are read (``--batch``).
    """
    if not objects:
        return []
    checked = _cat_file(
        root, "--batch-check=%(objectname) %(objecttype) %(objectsize)", objects, _TIMEOUT_S
    )
    lines = checked.decode("ascii", "replace").splitlines()
    limit = _limit()
    out: list[bytes | GitRevError | None] = [None] * len(objects)
    wanted: list[tuple[int, str]] = []
    for k, obj in enumerate(objects):
        parts = lines[k].split() if k < len(lines) else []
        if len(parts) != 3 or parts[1] != "blob":
            continue
        size = int(parts[2])
        if size > limit:
            commit, _, rel = obj.partition(":")
            out[k] = _too_large(rel, commit[:7], size)
        else:
            wanted.append((k, parts[0]))
    if not wanted:
        return out
    data, pos = _cat_file(root, "--batch", [blob for _k, blob in wanted], _TIMEOUT_S * 4), 0
    for k, _blob in wanted:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        out[k] = data[pos : pos + size]
        pos += size + 1
    return out


def blob_ids(root: Path, objects: list[str]) -> list[str | None]:
    """The blob id of each ``COMMIT:PATH`` object (None when missing), without reading them.

    Two commits with the same blob id hold the same bytes: callers analyse such a plan once.
    """
    if not objects:
        return []
    checked = _cat_file(root, "--batch-check=%(objectname) %(objecttype)", objects, _TIMEOUT_S)
    lines = checked.decode("ascii", "replace").splitlines()
    out: list[str | None] = []
    for k in range(len(objects)):
        parts = lines[k].split() if k < len(lines) else []
        out.append(parts[0] if len(parts) == 2 and parts[1] == "blob" else None)
    return out


def _cat_file(root: Path, mode: str, objects: list[str], timeout: float) -> bytes:
    """The output of one ``git cat-file MODE`` fed every object name on standard input."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", "cat-file", mode],
            cwd=root,
            input="".join(f"{o}\n" for o in objects).encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=timeout,
            env=env,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        raise GitRevError(f"git cat-file failed: {exc}") from None
    return done.stdout


def commit_date(root: Path, rev: str) -> dt.date | None:
    """The commit date of ``rev`` (None when git cannot tell)."""
    done = _git(root, "log", "-1", "--format=%cs", "--end-of-options", rev)
    try:
        return dt.date.fromisoformat(done.stdout.decode("ascii", "replace").strip())
    except ValueError:
        return None


def resolve(root: Path, rev: str) -> str | None:
    """The commit hash ``rev`` names in the repository at ``root``, or None."""
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if found.returncode != 0:
        return None
    return found.stdout.decode("ascii", "replace").strip()


def exists_at(root: Path, rev: str, rel: str) -> bool:
    """True when ``rel`` exists at ``rev``."""
    return _git(root, "cat-file", "-e", f"{rev}:{rel}").returncode == 0


def renames_only(root: Path, rel: str, log: list[LogEntry]) -> list[LogEntry]:
    """``log`` cut where ``git log --follow`` took a copy for a rename.

    Git follows an identical copy of another file as if it were a rename; when the other
    path still exists at HEAD the plan was copied, not renamed, and history before the copy
    belongs to the other file.
    """
    out: list[LogEntry] = []
    checked: dict[str, bool] = {}
    for entry in log:
        if entry.path != rel:
            if entry.path not in checked:
                checked[entry.path] = exists_at(root, "HEAD", entry.path)
            if checked[entry.path]:
                break
        out.append(entry)
    return out
