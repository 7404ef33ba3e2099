"""Every relative link and anchor in README.md and docs/ leads somewhere on GitHub.

Links are read with markdown-it-py (so a link inside code is not a link), files are checked
on disk, and anchors against the headings of the target page, slugged as GitHub does it:
the heading's text, lower-cased, without punctuation, spaces as hyphens, and ``-1``, ``-2``
added to repeated headings.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from docgen import ROOT
from markdown_it import MarkdownIt
from markdown_it.token import Token

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
_MD = MarkdownIt("commonmark").enable("table")
_NOT_IN_SLUG = re.compile(r"[^\w\- ]")
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")


def slug(text: str) -> str:
    """GitHub's anchor for a heading whose rendered text is ``text`` (before de-duplication)."""
    return _NOT_IN_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def _text(inline: Token) -> str:
    return "".join(t.content for t in inline.children or [] if t.type in ("text", "code_inline"))


@cache
def _tokens(page: Path) -> list[Token]:
    return _MD.parse(page.read_text(encoding="utf-8"))


@cache
def anchors(page: Path) -> frozenset[str]:
    """The anchors a page has: one per heading (repeats numbered) and HTML ids."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    tokens = _tokens(page)
    for n, token in enumerate(tokens):
        if token.type == "heading_open":
            base = slug(_text(tokens[n + 1]))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        elif token.type in ("html_block", "html_inline"):
            found.update(_HTML_ID.findall(token.content))
        for child in token.children or []:
            if child.type == "html_inline":
                found.update(_HTML_ID.findall(child.content))
    return frozenset(found)


def links(page: Path) -> list[str]:
    """The targets of the page's links and images, in order."""
    out: list[str] = []
    for token in _tokens(page):
        for child in token.children or []:
            if child.type == "link_open":
                out.append(str(child.attrs.get("href", "")))
            elif child.type == "image":
                out.append(str(child.attrs.get("src", "")))
    return out


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """The page's relative links whose file or anchor does not exist (or that leave ``root``,
    where GitHub cannot follow), each with the reason."""
    problems = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, ...
            continue
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not dest.exists():
            problems.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest):
            problems.append(f"{target}: no heading with anchor #{anchor} in {dest.name}")
        elif path_part and root != dest and root not in dest.parents:
            problems.append(f"{target}: outside the repository")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    assert broken_links(page) == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("## `tpm check PLAN --json`", "tpm-check-plan---json"),
        ("## Risks, KPIs and status", "risks-kpis-and-status"),
        ("## 6. Next two weeks", "6-next-two-weeks"),
        ("## `tpm kpi` · KPIs", "tpm-kpi--kpis"),
        ("## Adding a **check**", "adding-a-check"),
        ("## [Links](x.md) in headings", "links-in-headings"),
        ("## Überblick: Größe", "überblick-größe"),
        ("## snake_case & more!", "snake_case--more"),
    ],
)
def test_slug_follows_github(heading: str, anchor: str) -> None:
    tokens = _MD.parse(heading)
    assert slug(_text(tokens[1])) == anchor


def test_a_missing_file_and_a_missing_anchor_are_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Title\n\n## Same\n\n## Same\n", encoding="utf-8")
    page.write_text(
        "# Page\n\n[ok](other.md#same-1) [ok](#page) [gone](nope.md) [bad](other.md#same-2)\n"
        "`[code](nope.md)` [web](https://example.com/x#y)\n",
        encoding="utf-8",
    )
    assert [p.split(":")[0] for p in broken_links(page, tmp_path)] == ["nope.md", "other.md#same-2"]


def test_every_docs_page_is_linked_from_the_docs_index() -> None:
    index = ROOT / "docs" / "README.md"
    linked = {(index.parent / unquote(t.partition("#")[0])).resolve() for t in links(index)}
    orphans = [p for p in PAGES if p.is_relative_to(index.parent) and p.resolve() not in linked]
    assert [str(p.relative_to(ROOT)) for p in orphans if p != index] == []
