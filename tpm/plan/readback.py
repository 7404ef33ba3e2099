"""Checking that a patched plan file reads back as exactly the plan the user made.

Patches (``tpm.plan.patches``) keep every byte outside the changed spans, so a save can be
checked cheaply: when only existing items changed, only those items' text is parsed and
validated; otherwise the whole result is read back. A save never writes a plan that does not
load as the one the user made.
"""

from __future__ import annotations

import typing
from pathlib import Path as PathLike
from typing import Any

from pydantic import BaseModel

from tpm.plan import storage
from tpm.plan.blocks import ItemId, Layout, scan_layout
from tpm.plan.changes import Change, without_lists
from tpm.plan.model import Plan
from tpm.plan.patches import Splice, Unpatchable, splice


def verified(text: str, new: Plan) -> bool:
    """True when ``text`` reads back as exactly the plan ``new`` (a check after patching)."""
    try:
        data = storage.parse(PathLike("patched"), text.encode("utf-8")).data
        return Plan.model_validate(data) == new
    except (storage.TOMLDecodeError, ValueError):
        return False


def apply_verified(text: str, changes: list[Change], old: Plan, new: Plan) -> str:
    """Apply ``changes`` (from ``diff_plans(old, new)``) to ``text``, the file ``old`` was
    read from, and check that the result reads back as exactly ``new``.

    When every change is inside existing items and the items keep their order, only those
    items' text is read back (each is a complete ``[[section]]`` block, parsed on its own and
    validated); the rest of the file is byte-identical to what ``old`` was read from. Any
    other change reads the whole result back (:func:`verified`). Raises :class:`Unpatchable`
    when the result is not ``new``, so a save never writes a plan that does not load as the
    one the user made.
    """
    if not changes:
        return text
    layout = scan_layout(text)
    result, splices = splice(text, changes, layout)
    same_items = _items_read_back(text, result, splices, changes, layout, old, new)
    if same_items is None:
        same_items = verified(result, new)
    if not same_items:
        raise Unpatchable("the patched text did not read back as the new plan")
    return result


def _items_read_back(
    text: str,
    result: str,
    splices: list[Splice],
    changes: list[Change],
    layout: Layout,
    old: Plan,
    new: Plan,
) -> bool | None:
    """Whether the changed items read back as ``new``'s; None when the check must read the
    whole file (a change outside items, items added, removed or moved)."""
    touched: set[tuple[str, str]] = set()
    for change in changes:
        path = change.path
        if len(path) < 3 or not isinstance(path[1], ItemId) or path[1].key != "id":
            return None
        if path[0] not in storage._LIST_SECTIONS or path[0] == "baselines":
            return None
        touched.add((str(path[0]), path[1].value))
    if without_lists(old) != without_lists(new):
        return None
    spans: list[tuple[int, int, Any]] = []
    for name in storage._LIST_SECTIONS:
        olds, news = getattr(old, name), getattr(new, name)
        if len(olds) != len(news):
            return None
        for before, after in zip(olds, news, strict=True):
            if before is after:
                continue
            ident = getattr(after, "id", None)
            if not isinstance(ident, str) or getattr(before, "id", None) != ident:
                return None
            if (name, ident) not in touched:
                return None
            span = layout.item_span((name, ItemId("id", ident)))
            if span is None:
                return None
            spans.append((span[0], span[1], after))
    if len(spans) != len(touched):
        return None
    shift = 0
    done = 0
    for start, end, expected in sorted(spans, key=lambda x: x[0]):
        inside = [s for s in splices if start <= s.start and s.end <= end]
        before = [s for s in splices[done:] if s.start < start]
        shift += sum(len(s.text) - (s.end - s.start) for s in before)
        done += len(before)
        grown = sum(len(s.text) - (s.end - s.start) for s in inside)
        a, b = start + shift, end + shift + grown
        if (a and result[a - 1] != "\n") or (b < len(result) and result[b - 1] != "\n"):
            return None
        try:
            parsed = storage.loads(result[a:b])
        except storage.TOMLDecodeError:
            return None
        name = _section_of(expected)
        items = parsed.get(name) if len(parsed) == 1 else None
        if not isinstance(items, list) or len(items) != 1:
            return None
        try:
            if type(expected).model_validate(items[0]) != expected:
                return False
        except ValueError:
            return False
    covered = sum(1 for s in splices if any(a <= s.start and s.end <= b for a, b, _ in spans))
    return True if covered == len(splices) else None


def _section_of(item: BaseModel) -> str:
    for name in storage._LIST_SECTIONS:
        field = Plan.model_fields[name].annotation
        if type(item) in typing.get_args(field):
            return name
    raise ValueError(f"not an item of a plan list: {type(item).__name__}")
