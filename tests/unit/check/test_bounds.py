"""Memory and time bounded by the input: repeated links collapse early, diagnostics are capped.

A plan that repeats one dependency millions of times, or one mistake thousands of times, gets
a bounded list of diagnostics (the first MAX_PER_CODE of a kind and a count) instead of one
object, line lookup and message per repetition.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

from tpm.check.diagnostics import MAX_PER_CODE
from tpm.check.document import check_document
from tpm.check.load import Loaded, from_source, load_plan
from tpm.plan.sourcemap import SourceMap
from tpm.plan.storage import parse

HEAD = '[program]\nname = "x"\nstart = 2026-03-02\n'


def _milestone(ident: str, deps: str = "") -> str:
    extra = f"depends_on = [{deps}]\n" if deps else ""
    return f'\n[[milestones]]\nid = "{ident}"\ntitle = "T"\nduration = 1\n{extra}'


def test_a_dependency_repeated_many_times_is_one_warning_and_one_link(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(HEAD + _milestone("a") + _milestone("b", '"a", ' * 50_000))
    loaded = load_plan(path)
    assert loaded.plan is not None
    assert [d.id for d in loaded.plan.milestones[1].depends_on] == ["a"]
    warnings = [d for d in loaded.diagnostics if d.code == "duplicate-dependency"]
    assert len(warnings) == 1
    assert "'a' is listed 50000 times" in warnings[0].message
    assert warnings[0].line == 14


def test_distinct_repeats_in_one_list_each_get_their_count(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        HEAD + _milestone("a") + _milestone("b") + _milestone("c", '"a", "b", "a", "b", "b"')
    )
    loaded = load_plan(path)
    assert loaded.plan is not None
    assert [d.id for d in loaded.plan.milestones[2].depends_on] == ["a", "b"]
    messages = sorted(d.message for d in loaded.diagnostics)
    assert messages == [
        "milestone c, field depends_on[1]: 'a' is listed twice",
        "milestone c, field depends_on[2]: 'b' is listed 3 times",
    ]


def test_the_same_mistake_thousands_of_times_lists_the_first_few_and_a_count(
    tmp_path: Path,
) -> None:
    n = 5000
    body = "".join(_milestone(f"m{i}", f'"missing{i}"') for i in range(n))
    path = tmp_path / "plan.toml"
    path.write_text(HEAD + body)
    loaded = load_plan(path)
    assert loaded.plan is None
    unknown = [d for d in loaded.diagnostics if d.code == "unknown-reference"]
    assert len(unknown) == MAX_PER_CODE + 1
    summary = unknown[-1]
    assert summary.severity == "error"
    assert summary.message == (
        f"... and {n - MAX_PER_CODE} more like the above (only the first {MAX_PER_CODE} of a "
        "kind are listed)"
    )
    assert summary.line == max(d.line or 0 for d in unknown[:-1])


def test_more_distinct_links_than_milestones_is_one_error_not_millions(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    links = ", ".join(f'"x{i}"' for i in range(20_000))
    path.write_text(HEAD + _milestone("a") + _milestone("b", links))
    loaded = load_plan(path)
    assert loaded.plan is None
    first = [d for d in loaded.diagnostics if "different milestones" in d.message]
    assert len(first) == 1
    assert "lists 20000 different milestones but the plan has only 2" in first[0].message
    assert len(loaded.diagnostics) <= 2 * MAX_PER_CODE


def test_the_source_map_keeps_array_elements_by_line_not_one_by_one() -> None:
    from tpm.plan.sourcemap import scan

    text = HEAD + _milestone("a") + _milestone("b", '"a", ' * 20_000)
    found = scan(text)
    path = ("milestones", 1, "depends_on")
    assert found.line_of((*path, 19_999)) == found.line_of(path) == text.count("\n")
    assert len(found.runs[path][0]) == 1  # one line: one entry, not 20,000
    assert len(found.lines) < 20


def test_a_valid_item_keeps_its_model_not_also_its_table(tmp_path: Path) -> None:
    """The parsed tables are swapped for the models as they validate, so a loaded plan does
    not hold both (together they were the peak memory of a large load)."""
    path = tmp_path / "plan.toml"
    path.write_text(
        HEAD + "".join(_milestone(f"m{i}", f'"m{i - 1}"' if i else "") for i in range(50))
    )
    loaded = load_plan(path)
    assert loaded.plan is not None and loaded.source is not None
    kept = loaded.source.data["milestones"]
    assert not any(isinstance(item, dict) for item in kept)
    assert len({id(m.__pydantic_fields_set__) for m in loaded.plan.milestones[1:]}) == 1


def _checked_peak(text: str) -> tuple[int, Loaded]:
    """Peak Python memory of checking ``text`` (already read), and the result."""
    source = parse(Path("plan.toml"), text.encode())
    tracemalloc.start()
    try:
        loaded = from_source(source)
        return tracemalloc.get_traced_memory()[1], loaded
    finally:
        tracemalloc.stop()


def test_a_plan_of_invalid_items_takes_about_the_memory_of_the_same_plan_valid() -> None:
    """Invalid items are validated, reported and salvaged one at a time: their errors are
    never all held at once (they were, and took three times the plan's memory)."""

    def plan(duration: int) -> str:
        items = (
            f'\n[[milestones]]\nid = "m{i}"\ntitle = "T"\nduration = {duration}\nbogus = 1\n'
            for i in range(1000)
        )
        return HEAD + "".join(items)

    _checked_peak(plan(-1))  # warm-up: pydantic's and the checks' first-use caches
    valid, ok = _checked_peak(plan(1))
    invalid, bad = _checked_peak(plan(-1))
    assert ok.plan is not None and bad.plan is None
    assert [d.code for d in bad.diagnostics].count("invalid-value") == MAX_PER_CODE + 1
    assert invalid < 1.5 * valid


def test_an_item_with_an_invalid_value_keeps_its_salvaged_model_not_its_table(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        HEAD + _milestone("a") + _milestone("b").replace("duration = 1", "duration = -1")
    )
    loaded = load_plan(path)
    assert loaded.plan is None and loaded.source is not None
    assert [d.item for d in loaded.diagnostics] == ["milestone b"]
    assert not any(isinstance(item, dict) for item in loaded.source.data["milestones"])


def test_checking_the_same_document_twice_finds_the_same_errors() -> None:
    """The TUI checks its cached canonical document on every save: the salvage of an invalid
    item must not make the second check pass."""
    data = {
        "program": {"name": "x", "start": dt.date(2026, 3, 2)},
        "milestones": [{"id": "a", "title": "A", "duration": "five"}],
    }
    first = check_document(data, "plan.toml", SourceMap())
    again = check_document(data, "plan.toml", SourceMap())
    assert first.plan is None and again.plan is None
    assert again.diagnostics == first.diagnostics != []
