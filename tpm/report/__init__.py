"""The status report's data: one frozen snapshot of a plan's analyses, and the changes
between two snapshots."""

from __future__ import annotations

from tpm.report.data import BlockerRow, MilestoneRow, ReportData, build
from tpm.report.diff import Changes, diff, period_start

__all__ = [
    "BlockerRow",
    "Changes",
    "MilestoneRow",
    "ReportData",
    "build",
    "diff",
    "period_start",
]
