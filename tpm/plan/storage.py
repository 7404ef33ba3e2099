"""The only code that reads or writes plan files.

Reading: bytes -> text -> tomli (compiled) -> dict, with a source map for line numbers and a content
hash that later saves compare against. Writing: one canonical layout (fixed table and key
order, defaults left out, one ``[[milestones]]`` table per item, measurements one per line)
so that changing one field changes one line of the git diff; atomic (temp file in the same
folder, fsync, ``os.replace``) and refused when the file changed on disk since it was read.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tpm.plan import atomic
from tpm.plan.atomic import FolderLocked as FolderLocked
from tpm.plan.atomic import StorageError as StorageError
from tpm.plan.model import Dependency, Milestone, Plan, Risk
from tpm.plan.sourcemap import Locator, SourceMap, scan

# tomli-w is pinned exactly (pyproject): storage uses its key and string escaping and owns the
# layout itself, so that every item is a table, short arrays stay on one line and
# measurements go one per line.
from tpm.plan.tomlstr import format_key_part, format_string

# tomli's compiled wheels parse 2.6x faster than the standard library's tomllib (same parser,
# built with mypyc); fall back to tomllib where no wheel exists.
try:
    import tomli as toml
except ImportError:  # pragma: no cover - depends on the platform's wheels
    import tomllib as toml  # type: ignore[no-redef]

TOMLDecodeError = toml.TOMLDecodeError
loads = toml.loads


class ChangedOnDisk(StorageError):
    """The file changed since it was loaded; saving would overwrite someone else's edit."""


@dataclass(frozen=True)
class Source:
    """A plan file as read: its text, parsed data, positions and content hash."""

    path: Path
    text: str
    data: dict[str, Any]
    digest: str

    @functools.cached_property
    def sourcemap(self) -> SourceMap:
        """Line numbers and comment presence, scanned on first use (a third of a big load)."""
        return scan(self.text)

    @functools.cached_property
    def locator(self) -> SourceMap | Locator:
        """Line numbers for a few paths: the source map when it was built, else a locator
        that scans only the tables it is asked about (see :class:`Locator`)."""
        found = self.__dict__.get("sourcemap")
        return found if isinstance(found, SourceMap) else Locator(self.text, self.data)


def digest_of(data: bytes) -> str:
    """Content hash used to notice that a file changed on disk."""
    return hashlib.sha256(data).hexdigest()


def current_digest(path: Path) -> str | None:
    """Hash of the file as it is on disk now, or None when it does not exist.

    Only a regular file is read (in chunks): a FIFO or device gives a marker instead, so that
    asking never blocks or reads forever.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a folder or an unreadable file: it exists, with no content to hash
        return f"unreadable ({exc.strerror or exc})"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "not a regular file"
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    finally:
        os.close(fd)


# A real plan is tens of kilobytes; a generated 100,000-milestone plan is about 26 MB. 40 MB
# leaves room above that; larger files are refused before reading, so a stray log or dump
# cannot stall tpm for minutes.
MAX_BYTES = 40_000_000


def read_bytes(path: Path) -> bytes:
    """Read a plan's bytes, turning every OS failure into a StorageError."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise StorageError("is a directory, not a plan file")
        if not stat.S_ISREG(info.st_mode):
            raise StorageError("is not a regular file (a pipe or device?), not a plan file")
        if info.st_size > MAX_BYTES:
            raise StorageError(
                f"is too large for a plan ({info.st_size / 1e6:.1f} MB; the limit is "
                f"{MAX_BYTES / 1e6:.0f} MB)"
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise StorageError("no such file") from None
    except OSError as exc:
        raise StorageError(exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise StorageError(f"is too large for a plan (the limit is {MAX_BYTES / 1e6:.0f} MB)")
    return data


_PLAN_HEADER = re.compile(rb"(?m)^[ \t]*\[[ \t]*program[ \t]*\][ \t]*(?:#.*)?\r?$")


def looks_like_plan(path: Path) -> bool:
    """Whether a regular file looks like a tpm plan (a ``[program]`` table in its first 1 MB)."""
    try:
        with open(path, "rb") as handle:
            return _PLAN_HEADER.search(handle.read(1 << 20)) is not None
    except OSError:
        return False


def decode(raw: bytes) -> str:
    """Decode a plan's bytes as UTF-8 text; binary input is refused."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise StorageError(
            "binary file (contains NUL bytes), not a TOML plan", raw.count(b"\n", 0, nul) + 1
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise StorageError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column} cannot be decoded "
            "(save the file as UTF-8)",
            line,
        ) from None
    return text.removeprefix("\ufeff")


def parse(path: Path, raw: bytes) -> Source:
    """Parse bytes already read; TOMLDecodeError propagates for the caller to map."""
    text = decode(raw)
    data = toml.loads(text)
    return Source(path, text, data, digest_of(raw))


# ---------------------------------------------------------------- writing

MAX_LINE = 100


def _lit(value: Any, inline: bool = False, width: int = 0) -> str:
    """One TOML value. Inside inline tables and arrays everything stays on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | dt.date | dt.time):
        return str(value)
    if isinstance(value, str):
        # tomllib reads a multi-line string's \r\n as \n: only \n-only text may span lines.
        multiline = not inline and "\r" not in value
        return str(format_string(value, allow_multiline=multiline))
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{_key(k)} = {_lit(v, True)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, list | tuple):
        one_line = "[" + ", ".join(_lit(v, True) for v in value) + "]"
        if inline or width + len(one_line) <= MAX_LINE:
            return one_line
        return "[\n" + "".join(f"    {_lit(v, True)},\n" for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


# Fields written even when they hold their default, because a reader looks for them.
_ALWAYS: dict[type[BaseModel], tuple[str, ...]] = {
    Plan: ("program",),
    Milestone: ("status",),
    Risk: ("status",),
    Dependency: ("id", "type"),
}


_MISSING = object()


@functools.cache
def _defaults(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """(field, default) in declaration order; _MISSING for fields always written."""
    always = _ALWAYS.get(model, ())
    return tuple(
        (name, _MISSING if name in always else info.get_default(call_default_factory=True))
        for name, info in model.model_fields.items()
    )


def _plain(model: BaseModel) -> dict[str, Any]:
    """Known fields in declaration order (defaults left out), then extra keys sorted."""
    out: dict[str, Any] = {}
    for name, default in _defaults(type(model)):
        value = getattr(model, name)
        if default is not _MISSING and value == default:
            continue
        out[name] = _to_data(value)
    extra = model.__pydantic_extra__ or {}
    for name in sorted(extra):
        out[name] = extra[name]
    return out


def _to_data(value: Any) -> Any:
    if isinstance(value, Dependency):
        if value.type == "FS" and value.lag == 0 and not value.__pydantic_extra__:
            return value.id
        return _plain(value)
    if isinstance(value, BaseModel):
        return _plain(value)
    if isinstance(value, list):
        return [_to_data(v) for v in value]
    return value


def _key(name: str) -> str:
    return str(format_key_part(name))


def _lines_of_table(data: dict[str, Any], one_per_line: tuple[str, ...] = ()) -> list[str]:
    lines = []
    for name, value in data.items():
        if name in one_per_line and isinstance(value, list) and value:
            lines.append(f"{_key(name)} = [")
            lines.extend(f"    {_lit(v, True)}," for v in value)
            lines.append("]")
        else:
            key = _key(name)
            lines.append(f"{key} = {_lit(value, width=len(key) + 3)}")
    return lines


def _is_aot(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


_LIST_SECTIONS = (
    "teams",
    "milestones",
    "risks",
    "kpis",
    "decisions",
    "baselines",
    "snapshots",
)
_ONE_PER_LINE = ("measurements", "milestones")


def dumps(plan: Plan) -> str:
    """Render a plan in the canonical layout. The same plan always gives the same text."""
    doc = _plain(plan)
    known = set(type(plan).model_fields)
    extra = {k: v for k, v in doc.items() if k not in known}
    # Unknown top-level keys: plain values must come before the first table header.
    scalars = {k: v for k, v in extra.items() if not isinstance(v, dict) and not _is_aot(v)}
    out: list[str] = _lines_of_table(scalars)
    for section in type(plan).model_fields:
        if section not in doc:
            continue
        value = doc[section]
        if section in _LIST_SECTIONS:
            for item in value:
                out += _section_item(section, item)
        else:
            out += _table(section, value)
    # Then unknown tables and arrays of tables, in the same layout as known ones.
    for key, value in extra.items():
        if isinstance(value, dict):
            out += _table(_key(key), value)
        elif key not in scalars:
            for item in value:
                out += ["", f"[[{_key(key)}]]", *_lines_of_table(item)]
    text = "\n".join(out).lstrip("\n")
    return text + "\n" if text else ""


def _table(name: str, data: dict[str, Any]) -> list[str]:
    """A single table; nested model tables (settings.risk_bands) become sub-tables."""
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict)}
    out = []
    if scalars or len(scalars) == len(data):  # a header with only sub-tables is noise
        out = ["", f"[{name}]", *_lines_of_table(scalars)]
    for key, value in data.items():
        if isinstance(value, dict):
            out += _table(f"{name}.{_key(key)}", value)
    return out


def item_text(section: str, item: BaseModel) -> str:
    """One ``[[section]]`` entry in the canonical layout (starts with a blank line)."""
    return "\n".join(_section_item(section, _plain(item))) + "\n"


def _section_item(section: str, item: dict[str, Any]) -> list[str]:
    children = item.pop("mitigations", None) if section == "risks" else None
    out = ["", f"[[{section}]]", *_lines_of_table(item, _ONE_PER_LINE)]
    for child in children or []:
        out += ["", f"[[{section}.mitigations]]", *_lines_of_table(child)]
    return out


# ---------------------------------------------------------------- saving

# The safe-replace machinery lives in tpm.plan.atomic; these names are storage's public API.
locked = atomic.locked
TEMP_MARK = atomic.TEMP_MARK


def write_atomic(path: Path, text: str, expected_digest: str | None) -> str:
    """Write text to path atomically; refuse if the file is not what the caller loaded.

    ``expected_digest`` is the hash of the file as the caller read it, or None for a file
    the caller expects not to exist yet. Returns the new content hash. Raises ChangedOnDisk
    when the file is not as expected, and StorageError (with the OS's reason) when the write
    fails or is refused (see :mod:`tpm.plan.atomic`: symlinks are followed to their target
    when they belong to the user or root, read-only and non-regular files are refused, the
    lock times out); in every case the file on disk is left exactly as it was.
    """
    data = text.encode("utf-8")
    try:
        target = atomic.resolve_target(path)
        with atomic.locked(target):
            info = atomic.check_replaceable(target)
            _check_unchanged(path, target, expected_digest)
            atomic.remove_stale_temps(target)
            atomic.replace_file(target, data, info)
    except StorageError:
        raise
    except OSError as exc:
        raise StorageError(f"{path}: could not save: {atomic.os_reason(exc)}") from None
    return digest_of(data)


def _check_unchanged(path: Path, target: Path, expected_digest: str | None) -> None:
    now = current_digest(target)
    if now == expected_digest:
        return
    what = "was created" if expected_digest is None else "changed on disk"
    if now is None:
        what = "was deleted"
    raise ChangedOnDisk(
        f"{path}: the file {what} since it was loaded; not overwriting it "
        "(reload it, or save elsewhere)"
    )


def save(path: Path, plan: Plan, expected_digest: str | None) -> str:
    """Save a plan canonically and atomically; see write_atomic for the digest contract."""
    return write_atomic(path, dumps(plan), expected_digest)
