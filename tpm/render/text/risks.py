"""The risk register for a terminal: heat map on top, then one short block per live risk.

Plain text (no colours, no markup), so it reads the same in a terminal, a pipe or a chat.
Plan strings are printed as they are, except that line breaks become spaces.
"""

from __future__ import annotations

import datetime as dt
import re

from tpm.register.risks import Band, MitigationView, RiskRegister, RiskView, exposure_text
from tpm.render.markdown.risks import PROBABILITY_WORDS, summary_line

BAND_LETTER: dict[Band, str] = {"low": "L", "medium": "M", "high": "H", "critical": "C"}
ID_WIDTH = 24
_BREAKS = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """A plan string on one line (line breaks become spaces, ends stripped)."""
    return _BREAKS.sub(" ", text).strip()


def _clip(text: str, width: int = ID_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell_lines(ids: tuple[str, ...], band: Band) -> list[str]:
    """A cell: band letter and the first id, then one id per line below it."""
    if not ids:
        return [f"{BAND_LETTER[band]} ·"]
    return [f"{BAND_LETTER[band]} {_clip(ids[0])}", *(f"  {_clip(i)}" for i in ids[1:])]


def heat_map_text(register: RiskRegister) -> list[str]:
    """The 5x5 map: rows probability 5..1, columns impact 1..5, band letter in each cell.

    A cell with several risks takes several lines (one id each); each column is as wide as
    its longest id (ids longer than 24 characters are clipped with an ellipsis).
    """
    grid = [[_cell_lines(c.risk_ids, c.band) for c in row] for row in register.heat_map]
    widths = [
        max(len(f"impact {i + 1}"), *(len(line) for row in grid for line in row[i]))
        for i in range(5)
    ]
    label = max(len(f"{p} {w}") for p, w in PROBABILITY_WORDS.items())
    head = " " * (label + 3) + "  ".join(f"impact {i + 1}".ljust(w) for i, w in enumerate(widths))
    lines = [head.rstrip()]
    for row, cells in zip(register.heat_map, grid, strict=True):
        p = row[0].probability
        height = max(len(c) for c in cells)
        for k in range(height):
            name = f"{p} {PROBABILITY_WORDS[p]}" if k == 0 else ""
            texts = [
                (c[k] if k < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)
            ]
            lines.append((f"{name.ljust(label)} | " + "  ".join(texts)).rstrip())
    low, medium, high = register.edges
    lines.append(
        f"probability down, impact across; L low 1-{low}, M medium {low + 1}-{medium}, "
        f"H high {medium + 1}-{high}, C critical {high + 1}-25"
    )
    return lines


def _due(m: MitigationView, as_of: dt.date) -> str:
    if m.due is None:
        return "no due date"
    if m.overdue:
        return f"due {m.due.isoformat()}, OVERDUE by {(as_of - m.due).days}d"
    if m.due_this_week:
        return f"due {m.due.isoformat()} (this week)"
    return f"due {m.due.isoformat()}"


def _mitigation(m: MitigationView, as_of: dt.date) -> str:
    owner = f" ({one_line(m.owner)})" if m.owner.strip() else ""
    action = one_line(m.action) or m.id
    return f"{m.id}: {action}{owner}, {m.status}, {_due(m, as_of)}"


def _risk_block(n: int, r: RiskView, as_of: dt.date) -> list[str]:
    owner = one_line(r.owner) or "NO OWNER"
    response = f" / {r.response}" if r.response else ""
    head = (
        f"{n:>2}. {r.id}  {r.score} {r.band}"
        f" (residual {r.residual_score} {r.residual_band})  {owner}  {r.status}{response}"
    )
    lines = [head, f"    {one_line(r.title)}"]
    if r.exposure != "none":
        lines.append(f"    affects {exposure_text(r)}")
    if r.next_action is not None:
        lines.append(f"    next: {_mitigation(r.next_action, as_of)}")
    else:
        lines.append("    next: no active mitigation")
    for f in r.findings:
        if f.code != "exposure":
            lines.append(f"    ! {f.code}: {one_line(f.message)}")
    return lines


def render_risks_text(register: RiskRegister, program: str) -> str:
    """The whole register as plain text (ends with a newline)."""
    out = [
        f"Risk register: {one_line(program)}, as of {register.as_of.isoformat()}",
        summary_line(register),
        "",
        *heat_map_text(register),
        "",
    ]
    if not register.risks:
        out.append("No live risks.")
    for n, r in enumerate(register.risks, 1):
        out += _risk_block(n, r, register.as_of)
    if register.due_this_week:
        out += ["", "Due this week:"]
        out += [f"  {m.risk_id} {_mitigation(m, register.as_of)}" for m in register.due_this_week]
    if register.overdue:
        out += ["", "Overdue:"]
        out += [f"  {m.risk_id} {_mitigation(m, register.as_of)}" for m in register.overdue]
    if register.stale:
        days = register.review_cadence_days
        out += ["", f"Stale (not reviewed within {days} days): {', '.join(register.stale)}"]
    if register.closed:
        out += ["", f"Closed: {', '.join(register.closed)}"]
    return "\n".join(out) + "\n"
