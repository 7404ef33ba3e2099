"""One exception root for every failure a command reports to the user.

Commands raise :class:`TpmError` (or a subclass) instead of printing and returning exit
codes; :func:`tpm.cli.main` prints it once and turns it into the exit status. Anything else
that escapes a command is a bug in tpm (exit 3).
"""

from __future__ import annotations

from pathlib import Path


class TpmError(Exception):
    """A failure to show as ``tpm COMMAND: message``, exiting with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def text(self, command: str) -> str:
        """The line printed to standard error for ``tpm command`` (empty: print nothing)."""
        return f"tpm {command}: {self.message}"


class PlanError(TpmError):
    """A problem with one plan file: ``PLAN: error: message (hint)``, exit 1."""

    def __init__(self, path: Path, message: str, hint: str | None = None) -> None:
        super().__init__(message, 1)
        self.path = path
        self.hint = hint

    def text(self, command: str) -> str:
        """``PLAN: error: message (hint)``, the form of every located plan error."""
        line = f"{self.path}: error: {self.message}"
        return f"{line} ({self.hint})" if self.hint else line


class FileError(TpmError):
    """A refusal about one file that is not a located plan error: ``FILE: message``."""

    def __init__(self, path: Path, message: str, exit_code: int = 1) -> None:
        super().__init__(message, exit_code)
        self.path = path

    def text(self, command: str) -> str:
        """``FILE: message``."""
        return f"{self.path}: {self.message}"


class UsageError(TpmError):
    """Arguments argparse accepted but the command cannot: its usage and the reason, exit 2."""

    def __init__(self, usage: str, message: str) -> None:
        super().__init__(message, 2)
        self.usage = usage

    def text(self, command: str) -> str:
        """``usage: ...`` then ``tpm command: error: message``, as argparse prints its own."""
        return f"usage: {self.usage}\ntpm {command}: error: {self.message}"


class Reported(TpmError):
    """The plan's diagnostics were already printed (as text or JSON); exit 1."""

    def __init__(self) -> None:
        super().__init__("", 1)

    def text(self, command: str) -> str:
        """Nothing more to print."""
        return ""
