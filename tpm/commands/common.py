"""Helpers shared by the commands: arguments, loading (or reporting) a plan, scheduling it,
the status date, JSON, and writing an output file."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpm.check.load import Loaded, load_plan
from tpm.errors import PlanError, Reported, TpmError
from tpm.plan.model import Plan

if TYPE_CHECKING:
    from tpm.schedule.result import Schedule


def add_plan_argument(parser: argparse.ArgumentParser) -> None:
    """The PLAN positional every command takes."""
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan file, e.g. plans/x.toml")


def add_as_of_argument(parser: argparse.ArgumentParser) -> None:
    """The --as-of option of every analysis command."""
    parser.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="status date YYYY-MM-DD (default: the plan's as_of, else today)",
    )


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def print_diagnostics(loaded: Loaded, as_json: bool = False) -> None:
    """Print diagnostics: one line each to stderr, or the JSON object to stdout."""
    if as_json:
        errors = [d.to_json() for d in loaded.diagnostics if d.severity == "error"]
        warnings = [d.to_json() for d in loaded.diagnostics if d.severity == "warning"]
        print_json({"errors": errors, "warnings": warnings})
        return
    for diag in loaded.diagnostics:
        print(diag.render(), file=sys.stderr)


def load_or_report(path: Path, as_json: bool = False) -> Plan:
    """Load a plan for an analysis; on errors print the check diagnostics and raise Reported."""
    loaded = load_plan(path)
    if loaded.plan is None:
        print_diagnostics(loaded, as_json)
        raise Reported
    return loaded.plan


def status_date(plan: Plan, override: dt.date | None) -> dt.date:
    """--as-of, else the plan's as_of, else today."""
    from tpm.plan.calendar import today

    return override or plan.program.as_of or today()


def print_json(data: Any) -> None:
    """Print JSON deterministically (sorted keys are not used: key order is the contract)."""
    from tpm.render.json_out import json_text

    print(json_text(data, indent=2, ensure_ascii=False, default=str))


def add_schedule_options(parser: argparse.ArgumentParser) -> None:
    """--as-of, --json and --baseline, shared by the schedule commands."""
    add_as_of_argument(parser)
    parser.add_argument(
        "--json", action="store_true", help="print JSON (keys: docs/reference/json.md)"
    )
    parser.add_argument(
        "--baseline",
        metavar="NAME",
        default=None,
        help="baseline to compare with (default: the latest recorded)",
    )


def load_and_schedule(args: argparse.Namespace) -> tuple[Plan, Schedule]:
    """Load PLAN and schedule it as of --as-of (raises TpmError on any failure)."""
    plan = load_or_report(args.plan, getattr(args, "json", False))
    from tpm.check.diagnostics import did_you_mean
    from tpm.plan.calendar import CalendarError
    from tpm.schedule.graph import GraphError
    from tpm.schedule.scheduler import UnknownBaseline, schedule

    name = getattr(args, "baseline", None)
    try:
        sched = schedule(plan, status_date(plan, args.as_of), baseline=name)
    except UnknownBaseline:
        names = [b.name for b in plan.baselines]
        hint = did_you_mean(str(name), names) or (
            "baselines: " + ", ".join(names) if names else "record one with: tpm baseline PLAN"
        )
        raise PlanError(args.plan, f"no baseline named {name!r}", hint) from None
    except (CalendarError, GraphError) as exc:
        raise PlanError(args.plan, str(exc)) from None
    return plan, sched


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    """The -o/--output and --force options of tpm report and tpm export."""
    parser.add_argument(
        "-o",
        "--output",
        type=_output_path,
        default=None,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output ('-' is standard output); "
        "never the plan itself",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="let -o replace a file that is another tpm plan",
    )


def _output_path(text: str) -> Path | None:
    """argparse type of -o: a path, or None for '-' (standard output)."""
    return None if text == "-" else Path(text)


# How long -o waits for a FIFO's reader to open it before giving up.
FIFO_WAIT_S = 5.0


def write_output(
    text: str, output: Path | None, protected: list[Path], force: bool = False
) -> None:
    """Print ``text``, or write it to ``output`` (see docs/explanation/reliability.md).

    A regular file (or a new one) is replaced atomically, through symlinks that belong to the
    user or root; a plan file in ``protected`` is always refused, any other tpm plan unless
    ``force``. Standard output, a terminal, /dev/null or a FIFO is written through, never
    read or renamed over. Anything else (a folder, a block device, a socket) is refused with
    exit 2.
    """
    if output is None:
        _to_stdout(text)
        return
    for path in protected:
        if _same_file(output, path):
            raise TpmError(f"refusing to write the output onto the plan file {path}", 2)
    try:
        info: os.stat_result | None = os.stat(output)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise TpmError(f"{output}: the folder {output.parent} does not exist", 1) from None
    except OSError as exc:
        from tpm.plan.atomic import os_reason

        raise TpmError(f"{output}: {os_reason(exc)}", 2) from None
    if info is None or stat.S_ISREG(info.st_mode):
        _replace_output(text, output, info is not None and not force)
    elif stat.S_ISDIR(info.st_mode):
        raise TpmError(f"{output} is a directory; give a file name", 2)
    elif _is_stdout(info):
        _to_stdout(text)
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_through(text, output)
    else:
        raise TpmError(
            f"{output}: is not a regular file, terminal, FIFO or /dev/null "
            "(a block device or socket?); not writing to it",
            2,
        )


def _to_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _is_stdout(info: os.stat_result) -> bool:
    try:
        out = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False  # stdout replaced by something without a descriptor (tests)
    return (out.st_dev, out.st_ino) == (info.st_dev, info.st_ino)


def _replace_output(text: str, output: Path, check_plan: bool) -> None:
    """Replace a regular (or new) file atomically, following the user's own symlinks."""
    from tpm.plan import atomic
    from tpm.plan.storage import StorageError, looks_like_plan

    if not output.parent.is_dir():
        raise TpmError(f"{output}: the folder {output.parent} does not exist", 1)
    try:
        target = atomic.resolve_target(output)
    except StorageError as exc:
        raise TpmError(str(exc), 2) from None
    if check_plan and looks_like_plan(target):
        raise TpmError(
            f"refusing to write the output onto {output}, which is a tpm plan "
            "(pass --force to replace it)",
            2,
        )
    try:
        with atomic.locked(target):
            info = atomic.check_replaceable(target)
            atomic.remove_stale_temps(target)
            atomic.replace_file(target, text.encode("utf-8"), info)
    except StorageError as exc:
        raise TpmError(str(exc), 1) from None
    except OSError as exc:
        raise TpmError(f"{output}: could not write: {atomic.os_reason(exc)}", 1) from None


def _write_through(text: str, output: Path) -> None:
    """Write into a terminal, FIFO or character device without reading or replacing it."""
    import time

    flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    deadline = time.monotonic() + FIFO_WAIT_S
    while True:
        try:
            fd = os.open(output, flags)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: a FIFO nobody reads yet
                raise TpmError(f"{output}: cannot write to it: {exc.strerror or exc}", 1) from None
            if time.monotonic() >= deadline:
                raise TpmError(
                    f"{output}: is a FIFO that nobody read within {FIFO_WAIT_S:g} s; "
                    "not writing to it",
                    2,
                ) from None
            time.sleep(0.05)
    try:
        os.set_blocking(fd, True)
        view = memoryview(text.encode("utf-8"))
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise TpmError(f"{output}: could not write: {exc.strerror or exc}", 1) from None
    finally:
        os.close(fd)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def save_edit(path: Path, loaded: Loaded, new: Plan, force: bool) -> bool:
    """Save ``new`` as field-level patches to the text ``loaded`` read; True if rewritten.

    Comments and formatting outside the changed spans stay byte-identical. When a change
    cannot be applied surgically, the file is rewritten canonically only with ``force``;
    otherwise a PlanError says why. ChangedOnDisk propagates for the caller to retry on the
    fresh text.
    """
    from tpm.plan import patches, storage
    from tpm.plan.changes import diff_plans
    from tpm.plan.readback import apply_verified

    assert loaded.plan is not None and loaded.source is not None
    changes = diff_plans(loaded.plan, new)
    rewritten = False
    try:
        text = apply_verified(loaded.source.text, changes, loaded.plan, new)
    except patches.Unpatchable as exc:
        if not force:
            raise PlanError(
                path,
                f"cannot save this change without rewriting the whole file: {exc}",
                "pass --force to rewrite it in tpm's canonical layout (comments are dropped), "
                "or change that part of the file to the layout tpm fmt writes",
            ) from None
        text = storage.dumps(new)
        rewritten = True
    try:
        storage.write_atomic(path, text, loaded.source.digest)
    except storage.ChangedOnDisk:
        raise
    except storage.StorageError as exc:
        raise PlanError(path, str(exc).removeprefix(f"{path}: ")) from None
    return rewritten
