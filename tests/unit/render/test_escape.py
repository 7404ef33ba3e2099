"""Escaping plan strings for Markdown: hostile titles cannot break a table or inject HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tpm.render.escape import md_cell, md_cells, md_text

HOSTILE = [
    pytest.param("a | b | c", id="pipes"),
    pytest.param("`rm -rf` and ``double``", id="backticks"),
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("first line\nsecond | line\r\nthird", id="newlines"),
    pytest.param("[x](javascript:alert(1))", id="js-link"),
    pytest.param("![img](http://evil/x.png)", id="image"),
    pytest.param("<http://evil.example>", id="autolink"),
    pytest.param("**bold** and __bold__ and *em*", id="emphasis"),
    pytest.param("# heading", id="leading-hash"),
    pytest.param("- not a list", id="leading-dash"),
    pytest.param("1. not a list", id="leading-number"),
    pytest.param("> quote", id="leading-quote"),
    pytest.param("---", id="thematic-break"),
    pytest.param("&amp; &lt;b&gt; &#60;", id="entities"),
    pytest.param("trailing backslash \\", id="trailing-backslash"),
    pytest.param("\\| escaped pipe", id="escaped-pipe"),
    pytest.param("~~strike~~", id="strikethrough"),
    pytest.param("    indented code", id="indented"),
    pytest.param("[ref]: http://evil", id="link-reference-definition"),
    pytest.param("\u2028sep\u2029para\x85nel\x00nul\x1b[31m", id="unicode-breaks-controls"),
    pytest.param("", id="empty"),
    pytest.param("costs $5 and $x^2$ and $$\\sum$$", id="github-math"),
    pytest.param("fixes #42, GH-7 and org/repo#9", id="issue-references"),
    pytest.param("user\u202etxt.exe\u2066x\u2069 and \u200fmarks", id="bidi-overrides"),
    pytest.param("ad\u200bmin\u2060 zero\ufeffwidth\u200c\u200d", id="zero-width"),
    pytest.param("\x9b31m C1 \x9d0;title\x9c", id="c1-controls"),
]

_MD = MarkdownIt("commonmark").enable("table")


def _walk(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out.extend(_walk(token.children or []))
    return out


def _plain(text: str) -> str:
    """What a reader should see: the text on one line, whitespace collapsed, invisible and
    reordering characters dropped, an invisible zero-width space after an issue-like ``#``."""
    text = re.sub(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+", " ", text)
    text = re.sub(
        r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]",
        "",
        text,
    )
    text = re.sub(r" {2,}", " ", text).strip()
    return re.sub(r"((?<!&)#|\bGH-)(?=\d)", "\\g<1>\u200b", text, flags=re.IGNORECASE)


def _check_table(cells: list[str]) -> list[str]:
    """Render a 3-column table with the cells in the middle row; return what each shows."""
    source = "\n".join(
        [md_cells(["id", "title", "owner"]), "|---|---|---|", md_cells(cells), "| z | z | z |"]
    )
    tokens = _MD.parse(source + "\n")
    kinds = {t.type for t in _walk(tokens)}
    assert "html_inline" not in kinds and "html_block" not in kinds
    assert "link_open" not in kinds and "image" not in kinds
    assert "code_inline" not in kinds and "em_open" not in kinds and "strong_open" not in kinds
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        if token.type in ("td_open", "th_open"):
            inline = tokens[i + 1]
            rows[-1].append(inline.content if inline.type == "inline" else "")
    assert [len(r) for r in rows] == [3, 3, 3]
    shown = []
    for i, token in enumerate(tokens):
        if token.type == "td_open" and tokens[i + 1].type == "inline":
            children = tokens[i + 1].children or []
            shown.append("".join(c.content for c in children))
        elif token.type == "td_open":
            shown.append("")
    return shown[:3]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_string_in_a_table_cell_keeps_the_row_shape_and_shows_as_typed(text: str) -> None:
    shown = _check_table(["r1", md_cell(text), md_cell("alice")])
    assert shown == ["r1", _plain(text), "alice"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_string_as_prose_is_one_plain_paragraph(text: str) -> None:
    tokens = _MD.parse("- " + md_text(text) + "\n\n" + md_text(text) + "\n")
    kinds = [t.type for t in _walk(tokens)]
    for bad in ("html_inline", "html_block", "link_open", "image", "heading_open", "hr"):
        assert bad not in kinds
    assert kinds.count("bullet_list_open") == 1
    assert "blockquote_open" not in kinds and "code_block" not in kinds
    assert "ordered_list_open" not in kinds


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        pytest.param("$x$ costs $5", "\\$x\\$ costs \\$5", id="dollars"),
        pytest.param("see #42", "see #&#8203;42", id="issue"),
        pytest.param("GH-42 and gh-7", "GH-&#8203;42 and gh-&#8203;7", id="gh-issue"),
        pytest.param("a\u202eb\u200bc", "abc", id="bidi-zero-width"),
    ],
)
def test_github_math_references_and_invisible_characters_are_neutralised(
    text: str, escaped: str
) -> None:
    assert md_text(text) == escaped


def test_ids_with_inner_underscores_stay_readable() -> None:
    assert md_cell("api_v2_rollout") == "api_v2_rollout"
    assert md_cell("_private_") == "\\_private\\_"


def test_newlines_become_single_spaces() -> None:
    assert md_text("a\n\n  b\r\nc") == "a b c"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_string_keeps_the_table_shape_and_shows_as_typed(text: str) -> None:
    shown = _check_table(["r1", md_cell(text), md_cell(text)])
    assert shown[1] == shown[2] == _plain(text)
