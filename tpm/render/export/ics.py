"""iCalendar (RFC 5545) export: milestone due dates and the program target as all-day events.

``tpm export PLAN --format ics`` gives a file that calendar apps subscribe to or import. It is
deterministic: UIDs are derived from the program and milestone ids (so re-importing updates
events instead of duplicating them), and DTSTAMP is the status date, not the wall clock.
Text from the plan is escaped per RFC 5545 (backslash, semicolon, comma, newline) and every
content line is folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from tpm.render.days import fmt_days
from tpm.report.data import ReportData

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LINE_OCTETS = 75
ONE_DAY = dt.timedelta(days=1)


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping; line breaks become ``\\n`` and other controls are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROLS.sub("", value.replace("\t", " "))
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line at 75 octets (continuations start with a space), CRLF-ended."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return line + "\r\n"
    parts: list[str] = []
    limit = LINE_OCTETS
    current = b""
    for ch in line:
        enc = ch.encode("utf-8")
        if len(current) + len(enc) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = LINE_OCTETS - 1  # the leading space counts
        current += enc
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts) + "\r\n"


def uid(program: str, kind: str, item_id: str) -> str:
    """A UID stable across exports of the same program and item."""
    digest = hashlib.sha256(f"{program}\x00{kind}\x00{item_id}".encode()).hexdigest()[:24]
    return f"{digest}@tpm"


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def _event(
    stamp: str, event_uid: str, day: dt.date, summary: str, description: str, categories: str
) -> list[str]:
    # DTEND is exclusive: the next day. On 9999-12-31 there is none, and an all-day event
    # without DTEND lasts its one day (RFC 5545, 3.6.1).
    end = [f"DTEND;VALUE=DATE:{_date(day + ONE_DAY)}"] if day < dt.date.max else []
    return [
        "BEGIN:VEVENT",
        f"UID:{event_uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(day)}",
        *end,
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(categories)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def render_ics(data: ReportData) -> str:
    """The calendar: one all-day event per milestone due date, plus the program target."""
    program = data.program
    stamp = _date(data.as_of) + "T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tpm//program plan//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(program)}",
    ]
    if data.target is not None:
        finish = f"forecast finish {data.finish}" if data.finish else "no forecast"
        margin = ""
        if data.margin_days is not None:  # whole days, as everywhere people read them
            margin = f", margin {fmt_days(data.margin_days)} working days"
        lines += _event(
            stamp,
            uid(program, "target", ""),
            data.target,
            f"{program}: program target",
            f"Program target of {program}; {finish}{margin}.",
            "tpm,target",
        )
    for m in sorted(data.milestones, key=lambda m: (m.due or dt.date.max, m.id)):
        if m.due is None:
            continue
        forecast = f"forecast finish {m.finish}" if m.finish else "not scheduled"
        float_text = ""
        if m.total_float is not None:
            float_text = f", float {fmt_days(m.total_float)} working days"
        description = (
            f"{m.id} ({m.status}): {forecast}{float_text}"
            f"{', critical' if m.critical else ''}. Owner: {m.owner or 'none'}."
        )
        lines += _event(
            stamp,
            uid(program, "milestone", m.id),
            m.due,
            f"Due: {m.title}",
            description,
            "tpm,milestone" + (",critical" if m.critical else ""),
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
