"""Show the schedule's `why` explanation of a milestone's dates as text."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tpm.tui.engine import Analysis


def explain_text(analysis: Analysis, key: str) -> Text:
    """The chain of links that drives a milestone's forecast start."""
    schedule = analysis.schedule
    if schedule is None:
        return Text(analysis.missing("schedule") or "no schedule", style="dim")
    explain = getattr(schedule, "explain", None)
    if explain is None:
        return Text("explanations not available yet (tpm.schedule.explain)", style="dim")
    try:
        data = explain(key)
    except Exception as exc:  # the engine could not explain this one; say so
        return Text(f"cannot explain: {exc}", style="dim")
    return _render(data)


def _render(data: Any) -> Text:
    out = Text()
    for attr in ("summary", "reason", "text"):
        value = getattr(data, attr, None)
        if isinstance(value, str) and value:
            out.append(value + "\n")
    steps = getattr(data, "steps", None) or getattr(data, "chain", None) or ()
    for step in steps:
        pred = getattr(step, "predecessor", None) or getattr(step, "id", "?")
        kind = getattr(step, "type", "")
        lag = getattr(step, "lag", 0) or 0
        flt = getattr(step, "total_float", getattr(step, "float", None))
        line = f"  {pred}"
        if kind:
            line += f" {kind}{lag:+g}" if lag else f" {kind}"
        if flt is not None:
            line += f"  float {flt:g}"
        out.append(line + "\n")
    if not out:
        out.append(str(data) + "\n")
    return out
