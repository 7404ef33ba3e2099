"""Messages screens post to say what the user wants; the App decides and does it."""

from __future__ import annotations

from textual.message import Message


class EditRequested(Message):
    """Open the form for an item (``key`` None: a new item). ``parent`` names the owner
    of a sub-item (the risk of a mitigation, the KPI of a measurement)."""

    def __init__(self, section: str, key: str | None, parent: str | None = None) -> None:
        super().__init__()
        self.section = section
        self.key = key
        self.parent = parent


class DeleteRequested(Message):
    """Delete an item (undo brings it back)."""

    def __init__(self, section: str, key: str) -> None:
        super().__init__()
        self.section = section
        self.key = key


class QuickEdit(Message):
    """A one-key edit: ``op`` is cycle, percent, done, blocked, reviewed, probability,
    impact or measure."""

    def __init__(self, section: str, key: str, op: str) -> None:
        super().__init__()
        self.section = section
        self.key = key
        self.op = op


class SubItemsRequested(Message):
    """Pick a sub-item to edit: a risk's mitigations, a KPI's measurements, or decisions."""

    def __init__(self, section: str, parent: str | None = None) -> None:
        super().__init__()
        self.section = section
        self.parent = parent


class WriteReportRequested(Message):
    """Write the status report to a file."""
