"""A plan document -> a validated Plan, or diagnostics that name file, line, item and field."""

from __future__ import annotations

from tpm.check.diagnostics import Diagnostic, did_you_mean
from tpm.check.document import check_document
from tpm.check.load import Loaded, from_source, load_plan

__all__ = [
    "Diagnostic",
    "Loaded",
    "check_document",
    "did_you_mean",
    "from_source",
    "load_plan",
]
