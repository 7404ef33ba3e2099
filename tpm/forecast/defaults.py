"""The forecast's defaults, defined once: ``tpm forecast``, the status report and the TUI run
the same number of runs with the same seed, so they print the same dates and the same odds.

This module imports nothing heavy (no numpy), so ``tpm forecast --help`` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tpm.plan.model import Plan

DEFAULT_SEED = 0
DEFAULT_RUNS = 2000  # P50/P80/P95 are stable to a day, the odds to about a point
MAX_RUNS = 1_000_000
# On very large plans the default caps runs x open milestones at CELLS (never fewer than
# MIN_RUNS runs), so the report and the TUI's dashboard stay inside their time budget;
# every front end says how many runs it used, and --runs asks for more.
CELLS = 2_000_000
MIN_RUNS = 200


def runs_for(milestones: int) -> int:
    """The default number of runs for a plan with this many milestones not cancelled."""
    return max(MIN_RUNS, min(DEFAULT_RUNS, CELLS // max(1, milestones)))


def default_runs(plan: Plan) -> int:
    """The default number of runs for this plan (see :func:`runs_for`)."""
    return runs_for(sum(1 for m in plan.milestones if m.status != "cancelled"))
