"""The text scanners step over exactly one value, whatever its quotes and escapes."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm.plan import storage
from tpm.plan.tomlscan import multiline_strings, value_extent

TRICKY = [
    '"""a\\""""',  # an escaped quote, then the closing ones
    '"""a\\\\"""',  # an escaped backslash: the quotes close
    '"""\\\\\\""""',  # backslash, then an escaped quote
    '""""a"""""',  # quotes inside, two extra at the end
    '"""a\\\n  b"""',  # a line-ending backslash
    "'''a\\'''",  # a literal string: no escapes
    "''''a'''''",
]


@pytest.mark.parametrize("literal", TRICKY)
def test_a_multi_line_string_ends_where_toml_says(literal: str) -> None:
    text = f"v = {literal}\nw = 1\n"
    assert tomllib.loads(text)["w"] == 1
    assert value_extent(text, 4) == (4 + len(literal), False)
    assert multiline_strings(text) == [(4, 4 + len(literal))]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab\"\\\n'[#", max_size=20))
def test_every_string_tpm_writes_is_stepped_over(value: str) -> None:
    literal = storage._lit(value)
    text = f"v = {literal}\nw = 1\n"
    assert tomllib.loads(text)["v"] == value
    assert value_extent(text, 4) == (4 + len(literal), False)
    strings = multiline_strings(text)
    assert strings == ([(4, 4 + len(literal))] if literal.startswith(("'''", '"""')) else [])
