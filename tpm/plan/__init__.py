"""The plan file: its model, how it is read and written, its calendar and its history in git.

Everything here knows the file and the data in it, nothing about schedules or reports."""

from __future__ import annotations

from tpm.plan.calendar import CalendarError, WorkCalendar, add_days, today
from tpm.plan.model import (
    Baseline,
    BaselineEntry,
    Decision,
    Dependency,
    Estimate,
    Kpi,
    Measurement,
    Milestone,
    Mitigation,
    Plan,
    Program,
    Risk,
    Settings,
    Team,
)
from tpm.plan.sourcemap import SourceMap
from tpm.plan.storage import (
    ChangedOnDisk,
    Source,
    StorageError,
    current_digest,
    digest_of,
    dumps,
    parse,
    read_bytes,
    save,
    write_atomic,
)

__all__ = [
    "Baseline",
    "BaselineEntry",
    "CalendarError",
    "ChangedOnDisk",
    "Decision",
    "Dependency",
    "Estimate",
    "Kpi",
    "Measurement",
    "Milestone",
    "Mitigation",
    "Plan",
    "Program",
    "Risk",
    "Settings",
    "Source",
    "SourceMap",
    "StorageError",
    "Team",
    "WorkCalendar",
    "add_days",
    "current_digest",
    "digest_of",
    "dumps",
    "parse",
    "read_bytes",
    "save",
    "today",
    "write_atomic",
]
