"""Show `tpm why` (tpm.schedule.why) for a milestone: the driving chain, what would pull it in."""

from __future__ import annotations

from rich.text import Text

from tpm.render.days import exact_days, fmt_days
from tpm.tui.analysis import Analysis, explain
from tpm.tui.widgets.palette import themed


def explain_text(analysis: Analysis, key: str) -> Text:
    """The chain of links that drives a milestone's forecast start, and how to pull it in."""
    if analysis.schedule is None:
        return Text(analysis.missing("schedule") or "no schedule", style="dim")
    if key not in analysis.schedule.graph.index:
        return Text("not scheduled (cancelled)", style="dim")
    try:
        data = explain(analysis.plan, analysis.schedule, key)
    except Exception as exc:  # the engine could not explain this one; say so
        return Text(f"cannot explain: {exc}", style="dim")
    from tpm.render.text.schedule import chain_head, pull_in_advice

    if data.status == "done":  # as `tpm why` says: no chain, no float
        return Text("It is done: it sits at its actual dates.\n")
    out = Text(chain_head(data).removeprefix("Driving chain, ").rstrip(":") + "\n")
    for step in data.chain:
        link = ""
        if step.link_type:
            lag = exact_days(step.lag, signed=True) if step.lag else ""
            link = f" via {step.link_type}{lag}"
        out.append(f"  {step.id}", style=themed("bold $red") if step.critical else "bold")
        tf = "done" if step.status == "done" else f"float {fmt_days(step.total_float)}d"
        out.append(f"  {tf}{link}\n", style="dim")
        out.append(f"    {step.start} → {step.finish}\n")
        if step.tied_with:
            out.append(f"    tied with {', '.join(step.tied_with)}\n", style="dim")
    if data.status != "done":
        out.append(" ".join(pull_in_advice(data)) + "\n", style="italic")
    return out
