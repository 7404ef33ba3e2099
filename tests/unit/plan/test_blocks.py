"""The layout map: the lazy lookups a one-field save uses find the same spans as the
line-by-line scan, whatever the file's layout."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tpm.plan.blocks import ItemId, Layout, _full_scan, scan_layout

HEAD = '[program]\nname = "P"\nstart = 2026-03-02\n\n'

TEXTS = [
    pytest.param(
        HEAD + '[[milestones]]\nid = "a"\nduration = 1\n\n[[milestones]]\nid = "b"\n'
        'depends_on = ["a"]\n\n[[risks]]\nid = "r"\n\n[[risks.mitigations]]\nid = "m"\n',
        id="canonical",
    ),
    pytest.param(
        HEAD + '  [[milestones]]\n  id = "a"\n  duration = 1\n\n  [[risks]]\n  id = "r"\n'
        '    [[risks.mitigations]]\n    id = "m"\n\n[[milestones]]\nid = "b"\n',
        id="indented-headers",
    ),
    pytest.param(
        HEAD + '[[milestones]]\nid = "a"\nextra = [\n[true]\n]\nduration = 3\n\n'
        '[[milestones]]\nid = "b"\nmore = [\n[2026-03-02]\n]\nduration = 4\n',
        id="arrays-nested-on-their-own-lines",
    ),
    pytest.param(
        HEAD + '[[milestones]]\nid = "a"\n\n["quoted name"]\nx = 1\n\n[[milestones]]\nid = "b"\n',
        id="quoted-header-name",
    ),
    pytest.param(
        'id = "b"\n' + HEAD + '[[milestones]]\nid = "a"\ndepends_on = ["b"]  # id = "b"\n'
        "\n[[milestones]]\nid = 'b'\n\n[[kpis]]\nid = \"b\"\n",
        id="id-quoted-elsewhere-first",
    ),
    pytest.param(
        HEAD + '[[milestones]]\nid = "a"\nnotes = """\n[[milestones]]\nid = "b"\n"""\n'
        'duration = 1\n\n[[milestones]]  # a """ in a comment\nid = \'b\'\n'
        "q = '\"\"\"'  # and in a literal string\nnotes = '''\n[x]\nsays \"\"\"\n'''\n\n"
        '[[milestones]]\nid = "c"\nx = ["""\n[y]""", """z\n[[milestones]]\nid = "a"\n"""]\n'
        "duration = 2\n",
        id="multi-line-strings-holding-headers-and-ids",
    ),
]


def item_paths(layout: Layout) -> list[tuple[object, ...]]:
    return [b.path for b in layout.blocks if b.path and isinstance(b.path[-1], ItemId)]


@pytest.mark.parametrize("text", TEXTS)
def test_lazy_lookups_find_what_the_full_scan_finds(text: str) -> None:
    full = _full_scan(text)
    paths = item_paths(full)
    assert paths
    for path in paths:
        lazy = scan_layout(text)  # a fresh map each time: the lookup runs lazily
        assert lazy.item_span(path) == full.item_span(path), path
        found, expected = scan_layout(text).block(path), full.block(path)
        assert found is not None and expected is not None
        assert (found.start, found.limit) == (expected.start, expected.limit), path
    lazy = scan_layout(text)
    assert [(b.path, b.start, b.limit) for b in lazy.blocks] == [
        (b.path, b.start, b.limit) for b in full.blocks
    ]


def test_an_absent_item_is_absent() -> None:
    text = TEXTS[0].values[0]
    assert isinstance(text, str)
    assert scan_layout(text).item_span(("milestones", ItemId("id", "zz"))) is None
    assert scan_layout(text).item_span(("kpis", ItemId("id", "a"))) is None


BODY = ["[[milestones]]", 'id = "m0"', "[x]", "text", "say '''", 'say """', "", "# not a comment"]
KEYS = [
    "x = 1",
    'q = \'"""\'  # a literal string',
    '# a """ comment',
    "arr = [\"\"\"a\n[y]\"\"\", 'b', '''c\n[[milestones]]''']",
    'deps = [\n  "m0",\n]',
]


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Items whose keys hold multi-line strings with header and id lines inside them."""
    out = [HEAD]
    for n in range(draw(st.integers(1, 5))):
        indent = "  " if draw(st.integers(0, 4)) == 0 else ""
        out.append(f'{indent}[[milestones]]\nid = "m{n}"\n')
        for _ in range(draw(st.integers(0, 3))):
            body = "\n".join(draw(st.lists(st.sampled_from(BODY), max_size=4)))
            quote = draw(st.sampled_from(['"""', "'''"]))
            if quote in body:
                body = body.replace(quote, "x")
            line = draw(st.sampled_from([*KEYS, f"notes = {quote}\n{body}\n{quote}"]))
            out.append(line.replace("x = 1", f"x{len(out)} = 1") + "\n")
        out.append("\n")
    return "".join(out)


@settings(max_examples=40, deadline=None)
@given(texts())
def test_lazy_lookups_agree_with_the_full_scan_on_generated_texts(text: str) -> None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)
    test_lazy_lookups_find_what_the_full_scan_finds(text)
