"""Patch cases hypothesis found: each once failed to save."""

from __future__ import annotations

from pathlib import Path

from tpm.check.load import from_source
from tpm.plan import patches, storage
from tpm.plan.changes import diff_plans
from tpm.plan.model import Milestone, Plan

TEXT = """# generated plan
[program]
name = "P"  # c1
start = 2026-03-02  # c2

[[milestones]]
id = "m0"  # c5
title = "M0"  # c6
duration = 0

[[milestones]]
id = "m1"  # c11
title = "M1"  # c12
duration = 0

[[kpis]]
id = "nps"  # c17
name = "NPS"
target = 40
"""


def _load(text: str) -> Plan:
    plan = from_source(storage.parse(Path("p.toml"), text.encode())).plan
    assert plan is not None
    return plan


def test_replacing_every_item_of_a_section_keeps_the_text_around_it() -> None:
    old = _load(TEXT)
    new = old.model_copy(update={"milestones": [Milestone(id="o4", title="New", duration=1)]})
    out = patches.apply(TEXT, diff_plans(old, new))
    assert _load(out) == new
    assert out.startswith(TEXT[: TEXT.index("[[milestones]]")])  # the blank line stays
    assert "# c1" in out and "# c17" in out and "# c5" not in out


def test_a_snapshot_named_by_its_date_is_added_after_the_others() -> None:
    import datetime as dt

    from tpm.plan.model import Snapshot

    text = TEXT + '\n[[snapshots]]\ndate = 2026-03-09  # c20\nrag = "green"\n'
    old = _load(text)
    added = Snapshot(date=dt.date(2026, 3, 16), rag="amber")
    new = old.model_copy(update={"snapshots": [*old.snapshots, added]})
    out = patches.apply(text, diff_plans(old, new))
    assert _load(out) == new
    assert out.startswith(text) and "# c20" in out
