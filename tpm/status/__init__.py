"""RAG status that explains itself: declared rules over plain facts."""

from __future__ import annotations

from tpm.status.evaluate import AreaStatus, Status, evaluate
from tpm.status.facts import Facts
from tpm.status.rules import RULES, Finding, Rule

__all__ = [
    "AreaStatus",
    "Facts",
    "Finding",
    "RULES",
    "Rule",
    "Status",
    "evaluate",
]
