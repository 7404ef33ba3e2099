"""What is due in the next two weeks: late work first, then by date, in the report and the TUI."""

from __future__ import annotations

import datetime as dt

import pytest

from tpm.plan.model import Kpi, Milestone, Plan, Program
from tpm.render.markdown.report import render_report
from tpm.report.data import build, due_soon

AS_OF = dt.date(2026, 3, 2)  # a Monday, the first day of the program


def _plan() -> Plan:
    def m(ident: str, duration: int, due: str | None, status: str = "planned") -> Milestone:
        return Milestone(
            id=ident,
            title=ident.upper(),
            duration=duration,
            due=dt.date.fromisoformat(due) if due else None,
            status=status,  # type: ignore[arg-type]
        )

    return Plan(
        program=Program(name="p", start=AS_OF, as_of=AS_OF),
        milestones=[
            m("a-on-track", 2, "2026-03-12"),
            m("b-on-track", 1, "2026-03-05"),
            m("c-late", 15, "2026-03-12"),  # forecast 2026-03-20, after its due date
            m("d-overdue", 5, "2026-02-27"),
            m("e-no-due", 4, None),  # finishes within two weeks, has no due date
            m("f-cancelled", 1, "2026-03-04", "cancelled"),
            m("g-later", 1, "2026-04-30"),
        ],
        kpis=[Kpi(id="k", name="K", target=1)],
    )


@pytest.mark.parametrize(
    ("finishing", "expected"),
    [
        (False, ["d-overdue", "c-late", "b-on-track", "a-on-track"]),
        (True, ["d-overdue", "c-late", "b-on-track", "e-no-due", "a-on-track"]),
    ],
    ids=["due-dates", "with-work-finishing"],
)
def test_late_work_first_then_by_date(finishing: bool, expected: list[str]) -> None:
    data = build(_plan(), AS_OF, with_forecast=False)
    assert [m.id for m in due_soon(data, finishing=finishing)] == expected


def test_the_report_lists_them_in_that_order() -> None:
    report = render_report(build(_plan(), AS_OF, with_forecast=False))
    section = report.split("## Next two weeks")[1].split("##")[0]
    order = [line.split("**")[1] for line in section.splitlines() if line.startswith("- ")]
    assert order == ["d-overdue", "c-late", "b-on-track", "a-on-track"]
