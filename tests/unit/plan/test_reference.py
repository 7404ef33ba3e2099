"""The plan format reference (docs/reference/plan-format.md) is generated from the models."""

from __future__ import annotations

from pathlib import Path

from tpm.plan.model import Milestone
from tpm.plan.reference import PAGE, reference_page, write_page

ROOT = Path(__file__).resolve().parents[3]


def test_plan_format_page_matches_the_models() -> None:
    text = (ROOT / PAGE).read_text(encoding="utf-8")
    assert text == reference_page(), "docs/reference/plan-format.md is stale: run make docs"


def test_reference_documents_every_milestone_field() -> None:
    reference = reference_page()
    for name, info in Milestone.model_fields.items():
        assert f"| `{name}` |" in reference
        assert info.description, f"Milestone.{name} has no description"


def test_write_page_rewrites_a_stale_page_once(tmp_path: Path) -> None:
    page = tmp_path / "plan-format.md"
    page.write_text("stale\n", encoding="utf-8")
    assert write_page(page) is True
    assert page.read_text(encoding="utf-8") == reference_page()
    assert write_page(page) is False
