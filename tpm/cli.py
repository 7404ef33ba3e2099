"""Command-line entry point: ``tpm [PLAN]`` opens the TUI, ``tpm COMMAND ...`` runs a command.

Each command lives in its own module under ``tpm.commands`` with ``add_arguments(parser)``
and ``run(args) -> int``; only the module of the command being run is imported, so
``tpm --help`` stays fast. Exit codes: 0 fine, 1 the plan has errors, 2 usage error.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any, TextIO

from tpm.errors import TpmError
from tpm.render.escape import terminal_safe

# name -> (module, one-line help). Order is the order of `tpm --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("tpm.commands.check", "validate a plan; exit 1 when it has errors"),
    "fmt": ("tpm.commands.fmt", "rewrite a plan in the canonical layout (--check to verify)"),
    "init": ("tpm.commands.init", "write a small valid starter plan to plans/NAME.toml"),
    "schema": ("tpm.commands.schema", "print the JSON Schema of the plan format"),
    "schedule": ("tpm.commands.schedule", "dates, float, critical path, baseline variance"),
    "why": ("tpm.commands.why", "explain what drives a milestone's date and what would pull it in"),
    "blockers": ("tpm.commands.blockers", "what stops progress now, ranked by impact"),
    "baseline": ("tpm.commands.baseline", "record the forecast dates as a named baseline"),
    "forecast": ("tpm.commands.forecast", "Monte Carlo finish dates, on-time chances, criticality"),
    "risks": ("tpm.commands.risks", "the risk register: heat map, worst first, hygiene findings"),
    "kpi": ("tpm.commands.kpi", "KPIs vs target: RAG, trend, sparkline; kpi record adds a value"),
    "report": ("tpm.commands.report", "the weekly status report in Markdown (--full, --record)"),
    "trend": ("tpm.commands.trend", "slip trend: forecast finish, P80 and key milestones by date"),
    "export": (
        "tpm.commands.export",
        "export as json, csv, ics, mermaid, tjp (TaskJuggler), graphml or dot (the graph)",
    ),
    "merge": ("tpm.commands.merge", "merge BASE OURS THEIRS by item id and field (git driver)"),
    "git-setup": ("tpm.commands.git_setup", "make git merge plans/*.toml with tpm merge"),
}


class TerminalSafe:
    """A text stream that escapes terminal control characters in everything written to it.

    Every command's output (text, Markdown, JSON, CSV, ...) and error message goes through
    one of these, so plan text can never move the cursor, clear the screen or retitle the
    window (see :func:`tpm.render.escape.terminal_safe`). The TUI is not wrapped. The data
    formats of ``tpm export`` are escaped only when standard output is a terminal: piped or
    redirected (``> plan.csv``) they are the exact bytes ``-o`` writes.
    """

    def __init__(self, stream: TextIO, only_terminal: bool = False) -> None:
        self._stream = stream
        self._escape = True
        if only_terminal:
            try:
                self._escape = stream.isatty()
            except (AttributeError, ValueError):
                self._escape = False

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters escaped."""
        self._stream.write(terminal_safe(text) if self._escape else text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


# Commands whose standard output is data for another program: escaped only on a terminal.
RAW_WHEN_PIPED = frozenset({"export"})


def _usage() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = [
        "usage: tpm [PLAN]              open the TUI (PLAN defaults to the only plan in ./plans)",
        "       tpm COMMAND [ARGS...]   run a command; tpm COMMAND --help for its options",
        "",
        "commands:",
        *(f"  {name:<{width}}  {help_}" for name, (_m, help_) in COMMANDS.items()),
        "",
        "exit codes: 0 ok, 1 the plan has errors, 2 usage error, 3 internal error (a bug)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run tpm with these arguments (default: sys.argv[1:]) and return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(_usage())
        return 0
    if args and args[0] == "--version":
        from tpm import __version__

        print(f"tpm {__version__}")
        return 0
    if args and args[0] in COMMANDS:
        name = args[0]
        module = importlib.import_module(COMMANDS[name][0])
        import argparse  # here: the TUI's start does not need it

        parser = argparse.ArgumentParser(prog=f"tpm {name}", description=COMMANDS[name][1])
        module.add_arguments(parser)
        stdout, stderr = sys.stdout, sys.stderr
        sys.stderr = TerminalSafe(stderr)  # argparse echoes arguments in its errors
        try:
            parsed = parser.parse_args(args[1:])
        finally:
            sys.stderr = stderr
        # A command loads a plan, allocating several objects per TOML value and freeing almost
        # none until it exits: the cyclic collector's scans would cost a quarter of a large
        # run for nothing. The TUI (a long-lived process) keeps it.
        gc.disable()
        sys.stdout = TerminalSafe(stdout, only_terminal=name in RAW_WHEN_PIPED)
        sys.stderr = TerminalSafe(stderr)
        try:
            return int(module.run(parsed))
        except TpmError as exc:
            if text := exc.text(name):
                print(text, file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
        except Exception as exc:  # last resort: a bug in tpm must not show a traceback
            if os.environ.get("TPM_DEBUG"):
                raise
            print(
                f"tpm {name}: internal error ({type(exc).__name__}: {exc}); this is a bug in "
                "tpm, please report it with the plan file (TPM_DEBUG=1 shows the traceback)",
                file=sys.stderr,
            )
            return 3
        finally:
            sys.stdout, sys.stderr = stdout, stderr
            gc.enable()
    if args and args[0].startswith("-"):
        print(terminal_safe(f"tpm: unknown option {args[0]}\n\n{_usage()}"), file=sys.stderr)
        return 2
    if len(args) > 1:
        print(terminal_safe(f"tpm: unknown command {args[0]!r}\n\n{_usage()}"), file=sys.stderr)
        return 2
    from tpm.commands.tui import open_tui

    return open_tui(args[0] if args else None)
