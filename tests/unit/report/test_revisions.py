"""Successive versions of a plan checked piece by piece (tpm.report.revisions): the plan and
diagnostics are always those of a whole parse, and unchanged items are not validated again."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm.check.document import Checked, check_document
from tpm.plan.sourcemap import SourceMap
from tpm.plan.storage import TOMLDecodeError, loads
from tpm.report import revisions
from tpm.report.revisions import Reader
from tpm.schedule.graph import build_graph

HEAD = '[program]\nname = "P"\nstart = 2026-01-05\nas_of = {as_of}\n\n[[teams]]\nid = "core"\n'


def milestone(ident: str, duration: int, *deps: str, extra: str = "") -> str:
    links = ", ".join(f'"{d}"' for d in deps)
    return (
        f'\n[[milestones]]\nid = "{ident}"\ntitle = "{ident.upper()}"\nteam = "core"\n'
        f"duration = {duration}\ndepends_on = [{links}]\n{extra}"
    )


def version(as_of: str, *items: str, tail: str = "") -> bytes:
    return (HEAD.format(as_of=as_of) + "".join(items) + tail).encode()


def whole(raw: bytes) -> Checked:
    return check_document(loads(raw.decode()), "plan.toml", SourceMap, unknown=False)


def same(got: Checked, want: Checked) -> None:
    assert got.plan == want.plan
    assert [d.message for d in got.diagnostics if d.severity == "error"] == [
        d.message for d in want.diagnostics if d.severity == "error"
    ]


A, B = milestone("a", 3), milestone("b", 2, "a")
RISK = '\n[[risks]]\nid = "r1"\ntitle = "R"\nprobability = 2\nimpact = 3\naffects = ["b"]\n'


def test_unchanged_items_are_reused_and_the_plan_is_that_of_a_whole_parse() -> None:
    reader = Reader()
    first = version("2026-02-02", A, B, milestone("c", 1, "b"), RISK)
    got = reader.check(first, "plan.toml")
    same(got, whole(first))
    assert got.plan is not None
    old = {m.id: m for m in got.plan.milestones}
    # A week later: as_of moves, c is longer, d is new, the risk is unchanged.
    second = version("2026-02-09", A, B, milestone("c", 4, "b"), milestone("d", 1, "c"), RISK)
    again = reader.check(second, "plan.toml")
    same(again, whole(second))
    assert again.plan is not None
    new = {m.id: m for m in again.plan.milestones}
    assert new["a"] is old["a"] and new["b"] is old["b"]  # neither parsed nor validated
    assert new["c"] is not old["c"] and new["c"].duration == 4
    assert again.plan.risks[0] is got.plan.risks[0]


def test_only_new_or_changed_items_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = Reader()
    items = [milestone(f"m{i}", 1 + i % 3, *([f"m{i - 1}"] if i else [])) for i in range(20)]
    reader.check(version("2026-02-02", *items), "plan.toml")
    parsed: list[str] = []
    real = revisions.loads

    def counting(text: str) -> dict[str, object]:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(revisions, "loads", counting)
    items[7] = milestone("m7", 9, "m6")
    got = reader.check(version("2026-02-09", *items), "plan.toml")
    assert got.plan is not None and got.plan.milestones[7].duration == 9
    assert len(parsed) == 2  # the text before the first item, and m7
    assert 'id = "m7"' in parsed[1]


@pytest.mark.parametrize(
    "tail",
    [
        # A header line inside a multi-line string is text, not an item.
        milestone("d", 1, extra='notes = """\nmoved:\n[[milestones]]\nid = "x"\n"""\n'),
        # Tables after the items; a table of the program's defined after the items.
        "\n[extra]\nkey = 1\n",
        "\n[program.more]\nkey = 1\n",
        # Items spelled so that they are not cut apart.
        '\n[[ milestones ]]\nid = "e"\ntitle = "E"\nduration = 1\n',
        # One list's items on both sides of another list's.
        '\n[[risks]]\nid = "r2"\ntitle = "R2"\nprobability = 1\nimpact = 1\n',
    ],
    ids=["header-in-string", "table-after", "program-table-after", "spaced-header", "more-risks"],
)
def test_texts_that_cannot_be_cut_give_what_a_whole_parse_gives(tail: str) -> None:
    reader = Reader()
    for as_of in ("2026-02-02", "2026-02-09"):  # the second time with items to reuse
        raw = version(as_of, A, RISK, B, tail=tail)
        same(reader.check(raw, "plan.toml"), whole(raw))


def test_errors_are_reported_as_for_a_whole_parse_and_the_next_version_recovers() -> None:
    reader = Reader()
    reader.check(version("2026-02-02", A, B), "plan.toml")
    broken = version("2026-02-09", milestone("a", 3, "b"), B)  # a <-> b: a cycle
    got = reader.check(broken, "plan.toml")
    assert got.plan is None
    same(got, whole(broken))
    bad_toml = version("2026-02-09", A, B, tail='\n[[milestones]]\nid = "c\n')
    with pytest.raises(TOMLDecodeError):
        reader.check(bad_toml, "plan.toml")
    fixed = version("2026-02-16", A, B)
    same(reader.check(fixed, "plan.toml"), whole(fixed))


def test_the_graph_is_reused_only_while_the_links_are_the_same() -> None:
    reader = Reader()
    graphs = []
    for raw in (
        version("2026-02-02", A, B, milestone("c", 1, "b")),
        version("2026-02-09", A, B, milestone("c", 5, "b")),  # a duration: the same links
        version("2026-02-16", A, B, milestone("c", 5, "a")),  # a link moved
        version("2026-02-23", A, B, milestone("c", 5, "a", extra='status = "cancelled"\n')),
    ):
        plan = reader.check(raw, "plan.toml").plan
        assert plan is not None
        graph = reader.graph(plan)
        assert graph == build_graph(plan)
        graphs.append(graph)
    assert graphs[1] is graphs[0]
    assert graphs[2] is not graphs[1] and graphs[3] is not graphs[2]


def test_a_plan_that_starts_with_an_item_is_read_as_a_whole_parse_reads_it() -> None:
    reader = Reader()
    for as_of in ("2026-02-02", "2026-02-09"):
        raw = (
            f'[[teams]]\nid = "core"\n\n[program]\nname = "P"\nstart = 2026-01-05\n'
            f"as_of = {as_of}\n{A}{B}"
        ).encode()
        got = reader.check(raw, "plan.toml")
        assert got.plan is not None and [m.id for m in got.plan.milestones] == ["a", "b"]
        same(got, whole(raw))


# Items a version is made of: a few ways each to be plain, to change, to break or to need
# the whole text (a header inside a string, a spelling that is not cut, a table after it).
_ITEMS = st.sampled_from(
    [
        A,
        milestone("a", 4),
        B,
        milestone("b", 2, "c"),  # with c depending on b: a cycle
        milestone("c", 1, "b"),
        milestone("c", 1, "b", extra='status = "cancelled"\n'),
        milestone("c", 1, "b", extra='notes = """\n[[milestones]]\nid = "n"\n"""\n'),
        milestone("d", 2, "a", "a"),  # a repeated link: a warning
        milestone("a", 1),  # a duplicate id when a is there too
        '\n[[ milestones ]]\nid = "e"\ntitle = "E"\nduration = 1\n',
        RISK,
        "\n[extra]\nkey = 1\n",
        '\n[[milestones]]\nid = "f\n',  # not TOML
    ]
)


@settings(max_examples=30)  # each example checks up to eight small plans
@given(st.lists(st.lists(_ITEMS, max_size=6), min_size=2, max_size=4))
def test_any_sequence_of_versions_reads_as_whole_parses_do(versions: list[list[str]]) -> None:
    reader = Reader()
    for week, items in enumerate(versions):
        raw = version(f"2026-02-{week + 2:02d}", *items)
        try:
            want = whole(raw)
        except TOMLDecodeError:
            with pytest.raises(TOMLDecodeError):
                reader.check(raw, "plan.toml")
            continue
        same(reader.check(raw, "plan.toml"), want)
