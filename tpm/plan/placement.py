"""Where a new key or table goes in a plan file: the model's declared field order.

The canonical writer (``tpm.plan.storage``) writes fields in the order the model declares
them. A patch or a merge that adds a key or a table to existing text puts it where that
writer would have: after the last key (or table) that comes before it in that order, so a
patched file still reads like a canonical one.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Any

from pydantic import BaseModel

from tpm.plan.blocks import Block, Layout, Path
from tpm.plan.changes import key_names
from tpm.plan.model import Plan


def key_position(layout: Layout, block: Block, table: Path, key: str) -> int:
    """Where a new key goes: after the last key that comes before it in canonical order."""
    order = _field_order(key_names(table))
    rank = _rank(order, key)
    at = block.header_end
    for line in layout.keys(block):
        if _rank(order, line.key[0]) <= rank:
            at = line.end
    return at


def _rank(order: tuple[str, ...], key: str) -> tuple[int, str]:
    return (order.index(key), "") if key in order else (len(order), key)


@functools.cache
def _field_order(names: tuple[str, ...]) -> tuple[str, ...]:
    """Declared field order of the model stored at these table names ("" for unknown)."""
    model: type[BaseModel] | None = Plan
    for name in names:
        field = model.model_fields.get(name) if model else None
        model = _model_of(field.annotation) if field else None
    return tuple(model.model_fields) if model else ()


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
    return None


def section_position(layout: Layout, path: Path) -> int:
    """Where a new top-level table or first item of a section goes, in canonical order."""
    order = _field_order(())
    rank = _rank(order, str(path[0]))
    at = layout.end(layout.root())
    for block in layout.blocks[1:]:
        if _rank(order, block.names[0]) <= rank:
            at = max(at, layout.end(block))
    return at
