"""Three-way merge by item id and field: what merges cleanly, what conflicts, what is kept."""

from __future__ import annotations

import tomllib

from tpm.plan.merge import merge

BASE = """\
[program]
name = "Checkout"
start = 2026-03-02

[[milestones]]
id = "a"
title = "Design"
duration = 5

[[milestones]]
id = "b"
title = "Build"
duration = 10
depends_on = ["a"]

[[kpis]]
id = "nps"
name = "NPS"
target = 40
measurements = [
    { date = 2026-03-02, value = 31 },
]
"""


def data(text: str) -> dict[str, object]:
    return tomllib.loads(text)


def test_edits_of_different_fields_merge_and_ours_comments_stay() -> None:
    ours = BASE.replace('title = "Design"', 'title = "Design v2"  # renamed in review')
    ours = "# Owned by Nadia\n" + ours
    theirs = BASE.replace("duration = 5", "duration = 7")
    result = merge(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.text == ours.replace("duration = 5", "duration = 7")


def test_reorders_and_adds_on_both_sides_merge_cleanly() -> None:
    block_a = BASE[BASE.index("[[milestones]]") : BASE.index('[[milestones]]\nid = "b"')]
    block_b = BASE[BASE.index('[[milestones]]\nid = "b"') : BASE.index("[[kpis]]")]
    theirs = BASE.replace(block_a + block_b, block_b + block_a)  # theirs reordered a and b
    theirs = theirs.replace(
        "[[kpis]]", '[[milestones]]\nid = "t"\ntitle = "Theirs"\nduration = 1\n\n[[kpis]]'
    )
    ours = BASE.replace(
        "[[kpis]]", '[[milestones]]\nid = "o"\ntitle = "Ours"\nduration = 2\n\n[[kpis]]'
    )
    result = merge(BASE, ours, theirs)
    assert result.conflicts == []
    ids = [m["id"] for m in data(result.text)["milestones"]]  # type: ignore[index]
    assert sorted(ids) == ["a", "b", "o", "t"] and ids.index("a") < ids.index("b")  # ours' order


def test_same_field_changed_differently_is_one_conflict_around_that_line() -> None:
    ours = BASE.replace("duration = 10", "duration = 12")
    theirs = BASE.replace("duration = 10", "duration = 8").replace("duration = 5", "duration = 6")
    result = merge(BASE, ours, theirs)
    assert [c.describe() for c in result.conflicts] == ["b.duration: ours 12, theirs 8"]
    expected = ours.replace("duration = 5", "duration = 6").replace(
        "duration = 12\n",
        "<<<<<<< ours\nduration = 12\n=======\nduration = 8\n>>>>>>> theirs\n",
    )
    assert result.text == expected


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    both = BASE.replace("duration = 10", "duration = 12")
    result = merge(BASE, both, both)
    assert result.conflicts == [] and result.text == both


def test_removed_on_one_side_and_edited_on_the_other_conflicts() -> None:
    start, end = BASE.index('[[milestones]]\nid = "b"'), BASE.index("[[kpis]]")
    ours = BASE[:start] + BASE[end:]
    theirs = BASE.replace("duration = 10", "duration = 11")
    result = merge(BASE, ours, theirs)
    assert [c.describe() for c in result.conflicts] == [
        "b: ours removed it, theirs changed duration"
    ]
    assert '<<<<<<< ours\n=======\n[[milestones]]\nid = "b"' in result.text
    reverse = merge(BASE, theirs, ours)
    assert [c.describe() for c in reverse.conflicts] == [
        "b: ours changed duration, theirs removed it"
    ]


def test_added_on_both_sides_differently_conflicts_per_field() -> None:
    new = '[[milestones]]\nid = "c"\ntitle = "Launch"\nduration = {}\n\n[[kpis]]'
    ours = BASE.replace("[[kpis]]", new.format(3))
    theirs = BASE.replace("[[kpis]]", new.format(4))
    result = merge(BASE, ours, theirs)
    assert [c.describe() for c in result.conflicts] == ["c.duration: ours 3, theirs 4"]


def test_measurements_recorded_on_both_sides_are_both_kept() -> None:
    line = "    { date = 2026-03-02, value = 31 },\n"
    ours = BASE.replace(line, line + "    { date = 2026-03-09, value = 33 },\n")
    theirs = BASE.replace(line, line + "    { date = 2026-03-10, value = 35 },\n")
    result = merge(BASE, ours, theirs)
    assert result.conflicts == []
    values = [m["value"] for m in data(result.text)["kpis"][0]["measurements"]]  # type: ignore[index]
    assert values == [31, 33, 35]


def test_theirs_changed_lines_are_copied_as_written() -> None:
    theirs = BASE.replace("duration = 10", "duration = 11  # vendor delay")
    result = merge(BASE, BASE, theirs)
    assert result.text == theirs.replace("  # vendor delay", "")  # the value, not their comment
