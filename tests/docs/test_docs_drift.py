"""Each generated reference page under docs/reference/ matches what the code says today.

One test per page: when it fails, the code changed what the page documents (a field, an
option, a JSON key, a diagnostic code, a status rule); run ``make docs`` and read the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docgen import DIAGNOSTICS, PAGES, REFERENCE, ROOT, emitted_codes, json_keys, main

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"


@pytest.mark.parametrize("page", list(PAGES), ids=[Path(p).stem for p in PAGES])
def test_generated_page_is_up_to_date(page: str) -> None:
    path = ROOT / page
    assert path.exists(), f"{page} is missing: run make docs"
    assert path.read_text(encoding="utf-8") == PAGES[page](), f"{page} is stale: run make docs"


def test_json_page_lists_exactly_the_keys_the_commands_print() -> None:
    text = (REFERENCE / "json.md").read_text(encoding="utf-8")
    sections = re.split(r"^## `tpm (\w+)[^`]*`$", text, flags=re.M)[1:]
    documented = {
        name: re.findall(r"^\| `([^`]+)` \|", body, flags=re.M)
        for name, body in zip(sections[::2], sections[1::2], strict=True)
    }
    assert documented == json_keys()


def test_every_code_in_the_broken_plan_corpus_is_documented() -> None:
    expected = {
        code
        for path in BROKEN.glob("*.toml")
        for code in re.findall(r"^# expect: \w+\[([\w-]+)\]", path.read_text("utf-8"), re.M)
    }
    assert expected, "the corpus of broken plans has no expectations"
    assert expected <= set(DIAGNOSTICS) == set(emitted_codes())


def test_check_mode_reports_a_stale_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docgen

    monkeypatch.setattr(docgen, "ROOT", tmp_path)
    monkeypatch.setattr(docgen, "PAGES", {"rules.md": lambda: "new\n"})
    (tmp_path / "rules.md").write_text("old\n", encoding="utf-8")
    assert main(["--check"]) == 1
    assert "rules.md" in capsys.readouterr().err
    assert (tmp_path / "rules.md").read_text(encoding="utf-8") == "old\n"
    assert main(["--pages-only"]) == 0
    assert (tmp_path / "rules.md").read_text(encoding="utf-8") == "new\n"
