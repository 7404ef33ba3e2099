"""The TUI's detail and explain panes show whole working days, rounded towards worse
(convention 10), from the same analysis the App builds; no Pilot run needed."""

from __future__ import annotations

import datetime as dt

from schedule_helpers import MONDAY, ms, plan_of

from tpm.tui.analysis import Engine
from tpm.tui.screens.explain import explain_text
from tpm.tui.screens.milestones import detail_text


def test_a_quarter_day_late_reads_as_a_day_late_in_the_tui() -> None:
    # a (2.25 d) is due on Tuesday (end of day 2): it misses it by a quarter of a day.
    plan = plan_of(
        ms("a", 2.25, due=dt.date(2026, 3, 3)),
        ms("b", 1.5, "a"),
        target=dt.date(2026, 3, 6),
        as_of=MONDAY,
    )
    analysis = Engine().quick(plan, MONDAY, 0)
    detail = detail_text(analysis, "a").render(0).plain
    assert "-1d" in detail and "-0.25" not in detail
    assert "2.25 working days" in detail  # the plan's own duration, as written
    why = explain_text(analysis, "b").plain
    assert "a  float -1d" in why and "-0.25" not in why
    # b could start 2.25 days sooner (at the program start) if a finished 2.25 days sooner:
    # a promise of 2 whole days, and the finish (b at 1.5 instead of 3.75) comes in by 2.25,
    # 2 whole days.
    assert "can start up to 2 working days earlier" in why
    assert "comes in by up to 2 working days." in why
