"""The README's format reference is generated from the models and must match them."""

from __future__ import annotations

from pathlib import Path

from tpm.plan.model import Milestone
from tpm.plan.reference import BEGIN, END, format_reference

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_reference_matches_the_models() -> None:
    text = README.read_text(encoding="utf-8")
    section = BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
    assert section == format_reference(), "README format reference is stale: run make docs"


def test_reference_documents_every_milestone_field() -> None:
    reference = format_reference()
    for name, info in Milestone.model_fields.items():
        assert f"| `{name}` |" in reference
        assert info.description, f"Milestone.{name} has no description"
