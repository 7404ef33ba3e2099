"""The App's one-key edits (status, percent, done, blocked, review, rescore, measure) and
writing the report.

A quick edit names its item by id. When it first asks for a value, the edit is computed from
the item as it is when the answer comes back, not as it was when the prompt opened, so a
change made meanwhile (``tpm kpi record`` in another terminal) is kept. Mixed into
:class:`~tpm.tui.app.TpmApp`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tpm.tui.editing import EditingMixin, range_check
from tpm.tui.keys import opens_dialog
from tpm.tui.messages import QuickEdit
from tpm.tui.screens.modals import ConfirmScreen, PromptScreen

if TYPE_CHECKING:
    from tpm.tui.analysis import Analysis
    from tpm.tui.history import Item

T = TypeVar("T")

MEASURE_CHOICES = (
    ("add", "Add, keep both"),
    ("replace", "Replace it"),
    ("cancel", "Cancel"),
)


class QuickEditMixin(EditingMixin):
    """One-key edits; the ones that need a value ask for it first."""

    analysis: Analysis | None

    def report_markdown(self) -> str:
        """The report text (defined by the App)."""
        raise NotImplementedError

    @opens_dialog
    def on_quick_edit(self, event: QuickEdit) -> None:
        """Run a one-key edit on the item the screen names."""
        if self.plan is None:
            return
        item = self.session.find(event.section, event.key)
        if item is None:
            return
        op, key = event.op, event.key
        if op in ("cycle", "done"):
            self._milestone_edit(key, op, None)
        elif op == "reviewed":
            self._risk_edit(key, "reviewed", None)
        elif op == "percent":
            self._ask(
                f"Percent complete of {key} (0-100)",
                f"{getattr(item, 'percent_complete', 0):g}",
                range_check(0, 100),
                lambda text: self._milestone_edit(key, "percent", text),
            )
        elif op == "blocked":
            self._ask(
                f"What blocks {key}?",
                getattr(item, "blocked_reason", ""),
                lambda text: None if text.strip() else "a reason is required",
                lambda text: self._milestone_edit(key, "blocked", text),
            )
        elif op in ("probability", "impact"):
            self._ask(
                f"{op.capitalize()} of {key} (1-5)",
                str(getattr(item, op)),
                range_check(1, 5, whole=True),
                lambda text: self._risk_edit(key, op, text),
            )
        elif op == "measure":
            unit = getattr(item, "unit", "") or "value"
            self._ask(
                f"Measurement of {getattr(item, 'name', key)} on {self.as_of} ({unit}; text "
                "after the number is a note)",
                "",
                lambda text: range_check(None, None)(text.split(" ", 1)[0]),
                lambda text: self._measure(key, text),
            )

    def _current(self, section: str, key: str, kind: type[T], waited: bool = True) -> T | None:
        """The item as it is now, or None. After a dialog (``waited``), the file on disk is
        caught up with first."""
        if waited:
            self.catch_up_with_disk()
        item = self.session.find(section, key)
        if not isinstance(item, kind):
            self.notify(
                f"{key} is no longer in the plan (changed on disk); nothing changed",
                severity="error",
                timeout=8,
            )
            return None
        return item

    def _apply(self, section: str, key: str, new: Item, label: str) -> None:
        self.replace_item(f"{label}: {key}", section, key, new)

    def _milestone_edit(self, key: str, op: str, text: str | None) -> None:
        from tpm.plan.model import Milestone
        from tpm.tui import edits

        m = self._current("milestones", key, Milestone, waited=text is not None)
        if m is None:
            return
        today = self.as_of
        if op == "cycle":
            origin = self.session.cycle_origin(m)
            result = edits.cycle_status(m, today, origin)
            self._apply("milestones", key, result.item, f"status {m.status} → {result.item.status}")
            self.session.cycle_done(origin, result.item)
            if result.notice:
                self.notify(f"{key}: {result.notice}", timeout=6)
        elif op == "done":
            self._apply("milestones", key, edits.mark_done(m, today), f"done on {today}")
        elif op == "percent" and text is not None:
            value = float(text)
            result = edits.set_percent(m, value, today)
            self._apply("milestones", key, result.item, f"{value:g}% complete")
            if result.notice:
                self.notify(f"{key}: {result.notice}", timeout=6)
        elif op == "blocked" and text is not None:
            self._apply("milestones", key, edits.set_blocked(m, text, today), "blocked")

    def _risk_edit(self, key: str, op: str, text: str | None) -> None:
        from tpm.plan.model import Risk
        from tpm.tui import edits

        r = self._current("risks", key, Risk, waited=text is not None)
        if r is None:
            return
        if op == "reviewed":
            self._apply("risks", key, edits.reviewed(r, self.as_of), f"reviewed on {self.as_of}")
        elif text is not None:
            score = int(float(text))
            new = edits.rescore(r, **{op: score})
            self._apply("risks", key, new, f"{op} {score}")

    def _measure(self, key: str, text: str) -> None:
        from tpm.plan.model import Kpi
        from tpm.tui import edits

        k = self._current("kpis", key, Kpi)
        if k is None:
            return
        number, note = text.split(" ", 1)[0], _note(text)
        value, day = float(number), self.as_of
        same_day = [m for m in k.measurements if m.date == day]

        def record(how: str | None) -> None:
            if how not in ("add", "replace"):
                self.notify("measurement not recorded", timeout=3)
                return
            now = self._current("kpis", key, Kpi)
            if now is None:
                return
            new = edits.record_measurement(now, value, day, note, replace_day=how == "replace")
            self._apply("kpis", key, new, f"measured {number}")

        if not same_day:
            record("add")
            return
        have = ", ".join(f"{m.value:g}{' ' + m.note if m.note else ''}" for m in same_day)
        body = (
            f"{k.name} already has a measurement on {day}: {have}.\n"
            f"Add {number} as another measurement of that day, or replace it?"
        )
        screen = ConfirmScreen(
            f"{k.name}: {day} is already measured", body, MEASURE_CHOICES, safe="add"
        )
        self.push_screen(screen, record)

    def _ask(
        self,
        title: str,
        value: str,
        check: Callable[[str], str | None],
        then: Callable[[str], None],
    ) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                then(text.strip())

        self.push_screen(PromptScreen(title, value, check=check), answered)

    # ------------------------------------------------------------ report

    def action_record_snapshot(self) -> None:
        """Record today's report headline in the plan's ``[[snapshots]]``, as ``tpm report
        --record`` does: an undoable edit that the next save writes. A snapshot of the same
        status date is replaced."""
        from tpm.report.snapshot import key_milestones, point_of, to_snapshot
        from tpm.tui.history import Change

        analysis, plan = self.analysis, self.plan
        if plan is None or analysis is None or not analysis.report_current:
            self.notify(
                "the report is still being analysed: record the snapshot when the dashboard "
                "has stopped updating",
                severity="warning",
            )
            return
        assert analysis.report is not None
        point = point_of(analysis.report, key_milestones(plan))
        snap = to_snapshot(point)
        day = point.date
        where = self.session.index_of("snapshots", str(day))
        if where is not None:
            old = plan.snapshots[where]
            if old == snap:
                self.notify(f"the snapshot of {day} is already recorded", timeout=3)
                return
            label = f"replaced the snapshot of {day} ({point.rag.upper()})"
            change = Change(label, "snapshots", where, old, snap)
        else:
            where = sum(1 for s in plan.snapshots if s.date < day)
            label = f"recorded a snapshot for {day} ({point.rag.upper()})"
            change = Change(label, "snapshots", where, None, snap)
        self.commit(change)
        self.notify(f"{label}: ctrl+s writes it, u undoes", timeout=4)

    @opens_dialog
    def on_write_report_requested(self) -> None:
        """The report screen asked to write the report."""
        self.write_report()

    def write_report(self) -> None:
        """Ask for a file name and write the Markdown status report there."""
        from tpm.plan.storage import StorageError, current_digest, write_atomic

        default = f"{self.session.path.stem}-status-{self.as_of}.md"

        def chosen(name: str | None) -> None:
            if not name:
                return
            target = Path(name)
            try:
                write_atomic(target, self.report_markdown(), current_digest(target))
            except (StorageError, OSError) as exc:
                self.notify(f"could not write {target}: {exc}", severity="error")
                return
            self.notify(f"wrote {target}", timeout=3)

        self.push_screen(PromptScreen("Write the status report to", default), chosen)


def _note(text: str) -> str:
    parts = text.split(" ", 1)
    return parts[1].strip() if len(parts) > 1 else ""
