"""KPIs as a terminal table: latest value against target, RAG, trend, change, sparkline.

The small formatting helpers (numbers, targets, trend arrows) are public so that the status
report shows KPIs in the same words.
"""

from __future__ import annotations

import datetime as dt

from tpm.register.kpis import KpiStatus
from tpm.render.text.risks import one_line


def fmt_value(value: float | None, unit: str = "") -> str:
    """A value as people write it: 12, 12.5, 0.25 (at most 3 decimals), with its unit."""
    if value is None:
        return "—"
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.3f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    unit = one_line(unit)
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "‰") else f"{text} {unit}"


def significant(value: float, digits: int = 3) -> float:
    """``value`` rounded to a few significant digits (whole numbers stay whole)."""
    if value == 0 or abs(value) >= 10 ** (digits - 1):
        return float(round(value))
    return float(f"{value:.{digits}g}")


def fmt_change(value: float | None, unit: str = "") -> str:
    """A signed change: +2, -0.5, 0."""
    if value is None:
        return "—"
    text = fmt_value(value, unit)
    return text if value <= 0 else "+" + text


def fmt_target(status: KpiStatus) -> str:
    """The target with the direction: ``≥ 90%`` or ``≤ 200 ms`` (and the amber edge)."""
    sign = "≥" if status.direction == "higher_is_better" else "≤"
    text = f"{sign} {fmt_value(status.target, status.unit)}"
    if status.amber is not None and status.amber != status.target:
        text += f" (amber {fmt_value(status.amber)})"
    return text


def trend_arrow(status: KpiStatus) -> str:
    """↗ rising, ↘ falling, → flat, blank without a trend (the value's way, not goodness)."""
    if status.trend is None:
        return ""
    if status.trend.direction == "flat":
        return "→"
    return "↗" if status.trend.slope_per_week > 0 else "↘"


TREND_WORDS = {"improving": "better", "worsening": "worse", "flat": "flat"}


def trend_label(status: KpiStatus) -> str:
    """Arrow and word, the same in ``tpm kpi``, the report and the TUI: the arrow is the way
    the value moves, the word whether that is better or worse (``↗ worse`` for a latency
    that rises). Empty without a trend."""
    if status.trend is None:
        return ""
    return f"{trend_arrow(status)} {TREND_WORDS[status.trend.direction]}"


def fmt_trend(status: KpiStatus) -> str:
    """Arrow, slope per week and better or worse: ``↗ +2/wk better``."""
    if status.trend is None:
        return "— (too few points)"
    slope = fmt_change(significant(status.trend.slope_per_week), status.unit)
    word = TREND_WORDS[status.trend.direction]
    return f"{trend_arrow(status)} {slope}/wk {word}"


def fmt_rag(status: KpiStatus) -> str:
    """RAG word, with the red streak when more than one: ``red x3``; ``none`` when unmeasured."""
    if status.rag is None:
        return "none"
    if status.rag == "red" and status.red_streak > 1:
        return f"red x{status.red_streak}"
    return status.rag


def fmt_measured(status: KpiStatus) -> str:
    """Date of the latest measurement and its age, or "never"; STALE past the cadence (a KPI
    never measured is stale once a cadence has passed since the program start)."""
    if status.latest is None:
        text = "never"
    else:
        text = f"{status.latest.date.isoformat()} ({status.days_since_measured}d)"
    return text + (" STALE" if status.stale else "")


NAME_WIDTH = 44


def _clip(text: str, width: int = NAME_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_kpis_text(statuses: list[KpiStatus], program: str, as_of: dt.date) -> str:
    """The KPI table as plain text (ends with a newline)."""
    head = f"KPIs: {one_line(program)}, as of {as_of.isoformat()}"
    if not statuses:
        return head + "\nNo KPIs in this plan.\n"
    header = ["KPI", "latest", "target", "RAG", "trend", "change", "measured", "history"]
    rows = [header]
    for s in statuses:
        rows.append(
            [
                _clip(f"{s.id}: {one_line(s.name)}"),
                fmt_value(s.latest.value if s.latest else None, s.unit),
                fmt_target(s),
                fmt_rag(s),
                fmt_trend(s),
                fmt_change(s.change, s.unit),
                fmt_measured(s),
                s.sparkline,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [head, ""]
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    red = [s.id for s in statuses if s.rag == "red"]
    stale = [s.id for s in statuses if s.stale]
    lines.append("")
    lines.append(f"red: {', '.join(red) or 'none'} · stale: {', '.join(stale) or 'none'}")
    return "\n".join(lines) + "\n"
