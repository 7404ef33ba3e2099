"""What changed in the risk register since the last review: the top of a standup.

A standup's risk review starts with what is new, rescored, closed or occurred since the last
report, then walks the live register. With a whole older plan (git or a file) the comparison
is exact; with only a recorded snapshot, new risks are the ones raised since its date and
the rest is unknown (the review says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tpm.register.risks import RiskRegister, RiskView


@dataclass(frozen=True)
class RiskReview:
    """The register plus its changes since the previous report."""

    register: RiskRegister
    since: dt.date | None
    label: str
    exact: bool  # False when only a snapshot (or nothing) was there to compare with
    new: tuple[RiskView, ...]
    rescored: tuple[tuple[RiskView, int], ...]  # the risk now, and its old score
    closed: tuple[str, ...]
    occurred: tuple[RiskView, ...]  # became "occurred" since
    note: str = ""  # why there is no previous report


def review(
    register: RiskRegister,
    old: RiskRegister | None,
    since: dt.date | None,
    label: str = "",
    note: str = "",
) -> RiskReview:
    """Compare ``register`` with the previous one (``old``), or with a date only."""
    live = {r.id: r for r in register.risks}
    if old is None:
        new = tuple(
            r
            for r in register.risks
            if since is not None and r.raised is not None and since < r.raised <= register.as_of
        )
        return RiskReview(register, since, label, False, new, (), (), (), note)
    before = {r.id: r for r in old.risks}
    new = tuple(r for r in register.risks if r.id not in before and r.id not in old.closed)
    rescored = tuple(
        (r, before[r.id].score)
        for r in register.risks
        if r.id in before and before[r.id].score != r.score
    )
    closed = tuple(sorted(rid for rid in before if rid not in live and rid in register.closed))
    occurred = tuple(
        r
        for r in register.risks
        if r.status == "occurred" and (r.id not in before or before[r.id].status != "occurred")
    )
    return RiskReview(register, since, label, True, new, rescored, closed, occurred, note)
