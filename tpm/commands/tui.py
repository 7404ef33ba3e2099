"""Open the TUI: ``tpm [PLAN]``; PLAN defaults to the only plan under ./plans."""

from __future__ import annotations

import gc
import sys
from pathlib import Path


def find_default_plan(folder: Path = Path("plans")) -> Path | None:
    """The only *.toml under ./plans, or None when there are none or several."""
    plans = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    return plans[0] if len(plans) == 1 else None


def open_tui(plan: str | None) -> int:
    """Start the app on a plan: exit 1 when the plan is not a file (a clear error, no
    full-screen app), 2 when no plan can be chosen or there is no terminal."""
    path = Path(plan) if plan else find_default_plan()
    if path is None:
        found = sorted(Path("plans").glob("*.toml")) if Path("plans").is_dir() else []
        names = ", ".join(str(p) for p in found) or "none found under ./plans"
        print(f"tpm: which plan? ({names}); run: tpm PLAN", file=sys.stderr)
        return 2
    if not path.is_file():
        what = "is a directory, not a plan file" if path.is_dir() else "no such file"
        print(
            f"{path}: error[io]: {what} (start a plan with: tpm init NAME, which writes "
            "plans/NAME.toml)",
            file=sys.stderr,
        )
        return 1
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            f"tpm: the TUI needs a terminal, and this is not one; in a script or a pipe use a "
            f"command instead, e.g. tpm check {path} or tpm report {path}",
            file=sys.stderr,
        )
        return 2
    # No cyclic collection until the plan is read (the App turns it back on, after freezing
    # what start-up allocated): importing Textual and tpm and building the first screen
    # allocate much and free almost nothing, and the collector's passes over it cost a
    # tenth of the time to the first frame.
    gc.disable()
    # Before Textual is imported (and before any thread): the cached overview, or a child
    # process analysing the plan on the other core meanwhile (tpm.tui.early).
    from tpm.tui.early import start

    early = start(path)
    from tpm.tui.app import run_app

    return run_app(path, early=early)
