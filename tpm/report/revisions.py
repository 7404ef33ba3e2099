"""Successive versions of one plan, checked without parsing or validating unchanged items again.

A trend checks dozens of versions of one plan, and one week's commit changes a few of its
items: the other 990 ``[[milestones]]`` tables are the same text as in the version before.
:class:`Reader` cuts a plan's text at each line that is exactly an item header
(``[[milestones]]``, ``[[risks]]``, ...), parses the text before the first one and each
item's text on its own, and reuses the validated model of an item whose text it checked in
the previous version; only new or changed items are parsed and validated. The assembled
document then goes through the same :func:`tpm.check.document.check_document` as a whole
parse (cross-item checks, references, cycles), which accepts validated models in the place
of their tables.

The result is the plan a whole parse would give, or the whole parse itself: the reader falls
back to parsing the whole text whenever a piece does not parse on its own (a cut inside a
multi-line string or array leaves a piece unterminated, so such cuts always fall back), when
two pieces define the same top-level key in a way the whole text might not allow, or when
the assembled plan has errors (so messages are exactly those of a whole parse).

Why a reused model stands for its table: validating an item does not depend on the rest of
the plan, and the checks that do (links, ids, cycles) run on the assembled plan. The one
per-item check that counts milestones (more distinct links than the plan has milestones)
can only fail with a link to an unknown milestone, which the cross checks report as an
error, so such a version falls back to the whole parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from tpm.check.document import Checked, check_document
from tpm.check.references import LISTS
from tpm.plan.model import Milestone, Plan
from tpm.plan.sourcemap import SourceMap
from tpm.plan.storage import TOMLDecodeError, decode, loads
from tpm.schedule.graph import Graph, build_graph

# A line that is exactly an item header: where a piece starts. Searched for in "\n" + text,
# with the newline before it: a literal start lets the regex engine skip ahead (6x faster).
_HEADER = re.compile(r"\n\[\[(" + "|".join(LISTS) + r")\]\][ \t]*(?=\r?\n|\Z)")

_Memo = dict[tuple[str, str], BaseModel]  # (section, item text) -> its validated model


@dataclass
class _Piece:
    section: str
    text: str
    position: int  # index of its (first) item in the section's list; -1: not reusable


class Reader:
    """Checks versions of one plan one after the other, remembering the last one's items.

    Memory holds the models of the last version checked without errors (they are shared
    with the plan returned, which is not modified by any analysis).
    """

    def __init__(self) -> None:
        self.memo: _Memo = {}
        self.last: tuple[list[Milestone], Graph] | None = None  # milestones and their graph

    def graph(self, plan: Plan) -> Graph:
        """The graph of a plan checked without errors: the last one's when its milestones'
        ids, links and cancellations are the same (build_graph reads nothing else)."""
        last, new = self.last, plan.milestones
        graph = last[1] if last is not None and _same_links(last[0], new) else build_graph(plan)
        self.last = (list(new), graph)
        return graph

    def check(self, raw: bytes, name: str) -> Checked:
        """The plan in ``raw`` checked as :func:`check_document` checks a whole parse
        (without warning lines or the unknown-key walk); StorageError (not UTF-8) and
        TOMLDecodeError propagate as from a whole parse."""
        text = decode(raw)
        assembled = _assemble(text, self.memo)
        if assembled is not None:
            data, pieces = assembled
            checked = check_document(data, name, _no_lines, unknown=False)
            if checked.plan is not None:
                self.memo = _remember(data, pieces)
                return checked
        # The memo still holds (text, model) pairs that are right: the next version uses it.
        return check_document(loads(text), name, _no_lines, unknown=False)


def _same_links(old: list[Milestone], new: list[Milestone]) -> bool:
    """Whether two versions' milestones give the same graph (the same objects mostly: the
    reader reuses unchanged items)."""
    if len(old) != len(new):
        return False
    for a, b in zip(old, new, strict=True):
        if a is b:
            continue
        if (
            a.id != b.id
            or (a.status == "cancelled") != (b.status == "cancelled")
            or a.depends_on != b.depends_on
        ):
            return False
    return True


def _no_lines() -> SourceMap:
    return SourceMap()


def _assemble(text: str, memo: _Memo) -> tuple[dict[str, Any], list[_Piece]] | None:
    """The document of ``text`` built from its pieces (models of known items in place of
    their tables), or None when only a whole parse can be trusted."""
    # Each match's start in "\n" + text is where its line starts in text.
    found = [(m.start(), m.group(1)) for m in _HEADER.finditer("\n" + text)]
    if not found:
        return None
    try:
        data: dict[str, Any] = loads(text[: found[0][0]])
    except TOMLDecodeError:
        return None
    ours: set[str] = set()  # sections whose list this function made
    pieces: list[_Piece] = []
    ends = [start for start, _section in found[1:]] + [len(text)]
    for (start, section), end in zip(found, ends, strict=True):
        chunk = text[start:end]
        if section not in ours:
            if section in data:
                return None  # the head (or an earlier piece) defines it some other way
            data[section] = []
            ours.add(section)
        items: list[Any] = data[section]
        model = memo.get((section, chunk))
        if model is not None:
            pieces.append(_Piece(section, chunk, len(items)))
            items.append(model)
            continue
        try:
            parsed = loads(chunk)
        except TOMLDecodeError:
            return None
        own = parsed.pop(section)
        reusable = len(own) == 1 and not parsed
        pieces.append(_Piece(section, chunk, len(items) if reusable else -1))
        items.extend(own)
        for key, value in parsed.items():  # other tables after the item, in this piece
            if key in data:
                return None
            data[key] = value
    return data, pieces


def _remember(data: dict[str, Any], pieces: list[_Piece]) -> _Memo:
    """The models of this version's reusable pieces (check_document put them in ``data``
    in place of their tables)."""
    memo: _Memo = {}
    for piece in pieces:
        if piece.position < 0:
            continue
        item = data[piece.section][piece.position]
        if isinstance(item, BaseModel):
            memo[piece.section, piece.text] = item
    return memo
