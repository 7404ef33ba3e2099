"""Numbers of working days as people read them: the one formatter of the CLI text, the TUI
and the Markdown report.

Float, margin, lateness, slip and variance are shown in whole working days, rounded towards
the worse side by :func:`tpm.schedule.days.whole_days` (convention 10 in
docs/explanation/scheduling-model.md); ``--json`` keeps the exact values. Values the plan
itself states (durations, lags, thresholds) are shown as written, with :func:`exact_days`.
"""

from __future__ import annotations

from tpm.schedule.days import day_number, whole_days

__all__ = ["day_number", "exact_days", "fmt_days", "whole_days"]


def fmt_days(
    value: float | None, *, more_is_worse: bool = False, signed: bool = False, none: str = "—"
) -> str:
    """Whole working days, rounded towards worse: ``-4`` for a float of -3.75.

    ``more_is_worse``: lateness, slip, variance (rounded up) instead of float, margin and
    gains (rounded down). ``signed``: ``+3``, ``-2``, ``0``. ``none`` is shown for None.
    """
    if value is None:
        return none
    whole = whole_days(value, more_is_worse=more_is_worse)
    return f"{whole:+d}" if signed and whole else str(whole)


def exact_days(value: float, *, signed: bool = False) -> str:
    """A number of days as the plan states it: ``3``, ``0.5``, ``+2`` (at most 6 decimals)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return "+" + text if signed and text != "0" and not text.startswith("-") else text
