"""Line numbers of items, keys and array elements, and comment detection.

Each case is a small TOML text and a path into the parsed document; the source map must
give the line a person would look at to fix a problem there.
"""

from __future__ import annotations

import tomllib
from textwrap import dedent

import pytest

from tpm.plan.sourcemap import Locator, Path, parse_key, scan

MILESTONES = dedent(
    """\
    [program]
    name = "P"
    start = 2026-03-02

    [[milestones]]
    id = "a"
    title = "A"
    duration = 1

    [[milestones]]
    id = "b"
    title = "B"
    duration = 2
    depends_on = [
        "a",
        { id = "c", type = "SS", lag = 2 },  # a comment with [brackets]
        'x',
    ]
    estimate = { optimistic = 1, likely = 2, pessimistic = 3 }
    """
)

RISKS = dedent(
    """\
    [[risks]]
    id = "r1"

    [[risks.mitigations]]
    id = "m1"

    [[risks.mitigations]]
    id = "m2"
    status = "done"

    [[risks]]
    id = "r2"

    [[risks.mitigations]]
    id = "m3"
    status = "doing"
    """
)

STRINGS = dedent(
    '''\
    [[milestones]]
    id = "a"
    notes = """
    [[milestones]]
    id = "fake" # not a key, not a comment
    depends_on = [
    \\""" still inside
    """
    title = 'literal with "quotes" and # hash'
    owner = \'\'\'
    [program]
    \'\'\'
    duration = 1
    '''
)

DOTTED = dedent(
    """\
    program.name = "P"
    program.start = 2026-03-02
    "quoted.key" = 1
    "esc\\u00e9" = 2

    [[milestones]]
    id = "a"
    estimate.likely = 3
    site."key with = sign" = 4

    [milestones.extra]
    deep = true
    """
)

CASES = [
    ("second milestone table", MILESTONES, ("milestones", 1), 10),
    ("key in second milestone", MILESTONES, ("milestones", 1, "title"), 12),
    ("key in first milestone", MILESTONES, ("milestones", 0, "duration"), 8),
    ("array key line", MILESTONES, ("milestones", 1, "depends_on"), 14),
    ("multi-line array element 1", MILESTONES, ("milestones", 1, "depends_on", 0), 15),
    ("inline table element", MILESTONES, ("milestones", 1, "depends_on", 1), 16),
    (
        "key inside an inline table element",
        MILESTONES,
        ("milestones", 1, "depends_on", 1, "type"),
        16,
    ),
    ("literal string element after a comment", MILESTONES, ("milestones", 1, "depends_on", 2), 17),
    ("inline table key", MILESTONES, ("milestones", 1, "estimate", "likely"), 19),
    ("unknown path falls back to the item", MILESTONES, ("milestones", 1, "nope", 3), 10),
    ("the array of tables itself", MILESTONES, ("milestones",), 5),
    ("first mitigation of first risk", RISKS, ("risks", 0, "mitigations", 0, "id"), 5),
    ("second mitigation of first risk", RISKS, ("risks", 0, "mitigations", 1, "status"), 9),
    ("mitigation of the second risk", RISKS, ("risks", 1, "mitigations", 0), 14),
    ("key of the second risk's mitigation", RISKS, ("risks", 1, "mitigations", 0, "status"), 16),
    ("second risk", RISKS, ("risks", 1, "id"), 12),
    ("key after a multi-line string", STRINGS, ("milestones", 0, "title"), 9),
    ("key after a literal multi-line string", STRINGS, ("milestones", 0, "duration"), 13),
    ("header inside a string is not a table", STRINGS, ("milestones", 0), 1),
    ("dotted key at top level", DOTTED, ("program", "start"), 2),
    ("dotted key defines its table", DOTTED, ("program",), 1),
    ("quoted key with a dot", DOTTED, ("quoted.key",), 3),
    ("quoted key with an escape", DOTTED, ("esc\u00e9",), 4),
    ("dotted key in an item", DOTTED, ("milestones", 0, "estimate", "likely"), 8),
    ("dotted key's table in an item", DOTTED, ("milestones", 0, "estimate"), 8),
    (
        "quoted key with '=' in a dotted key",
        DOTTED,
        ("milestones", 0, "site", "key with = sign"),
        9,
    ),
    ("sub-table of the current item", DOTTED, ("milestones", 0, "extra", "deep"), 12),
]


@pytest.mark.parametrize(
    ("text", "path", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_line_of_path(text: str, path: Path, line: int) -> None:
    tomllib.loads(text)  # every case is valid TOML, as the scanner assumes
    assert scan(text).line_of(path) == line


def test_every_recorded_path_exists_in_the_document() -> None:
    """The map never invents items: each recorded path resolves in the parsed data."""
    for text in (MILESTONES, RISKS, STRINGS, DOTTED):
        data = tomllib.loads(text)
        for path in scan(text).lines:
            node = data
            for part in path:
                node = node[part]


def test_crlf_line_endings_give_the_same_lines() -> None:
    text = MILESTONES.replace("\n", "\r\n")
    assert scan(text).lines == scan(MILESTONES).lines
    assert scan(text).runs == scan(MILESTONES).runs


COMMENTS = [
    ("full-line comment", "# hello\na = 1\n", True),
    ("trailing comment after a value", "a = 1 # why\n", True),
    ("trailing comment after a string", 'a = "x" # why\n', True),
    ("comment after a header", "[program] # the program\n", True),
    ("comment inside a multi-line array", "a = [\n  1, # one\n]\n", True),
    ("hash inside a basic string", 'a = "#1 priority"\n', False),
    ("hash inside a literal string", "a = 'C#'\n", False),
    ("hash inside a multi-line string", 'a = """\n# not a comment\n"""\n', False),
    ("escaped quote before a hash", 'a = "say \\"#\\""\n', False),
    ("no comments at all", MILESTONES.replace("  # a comment with [brackets]", ""), False),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in COMMENTS], ids=[c[0] for c in COMMENTS]
)
def test_has_comments(text: str, expected: bool) -> None:
    tomllib.loads(text)
    assert scan(text).has_comments is expected


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("a = 1", ["a"]),
        ("a.b . c = 1", ["a", "b", "c"]),
        ('"a.b".c = 1', ["a.b", "c"]),
        ("'lit.eral' = 1", ["lit.eral"]),
        ('"tab\\tkey" = 1', ["tab\tkey"]),
    ],
    ids=["bare", "dotted with spaces", "quoted dot", "literal", "escape"],
)
def test_parse_key(line: str, parts: list[str]) -> None:
    parsed = parse_key(line)
    assert parsed is not None and parsed[0] == parts
    assert line[parsed[1]] == "="


@pytest.mark.parametrize(
    ("text", "path", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_locator_finds_the_lines_the_full_scan_finds(text: str, path: Path, line: int) -> None:
    assert Locator(text, tomllib.loads(text)).line_of(path) == line


def test_the_locator_scans_only_the_tables_it_is_asked_about() -> None:
    """Locating one warning in a large plan must not cost a scan of every item."""
    items = "".join(
        f'\n[[milestones]]\nid = "m{i}"\ntitle = "T"\nduration = 1\n' for i in range(500)
    )
    text = MILESTONES.split("[[milestones]]")[0] + items + RISKS
    data = tomllib.loads(text)
    found = Locator(text, data)
    full = scan(text)
    for path in [("milestones", 321, "title"), ("program", "start"), ("risks", 1, "id")]:
        assert found.line_of(path) == full.line_of(path)
    assert len(found._blocks) == 4  # milestone 321, the top level, [program], risk 2
    assert found._full is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(STRINGS, id="multi-line string"),
        pytest.param(
            'milestones = [{ id = "a" }, { id = "b" }]\n[[risks]]\nid = "r"\n', id="inline items"
        ),
    ],
)
def test_the_locator_agrees_with_the_scan_where_headers_cannot_be_trusted(text: str) -> None:
    data = tomllib.loads(text)
    full = scan(text)
    for path in [*full.lines, ("milestones", 1, "id"), ("risks", 0)]:
        assert Locator(text, data).line_of(path) == full.line_of(path), path
