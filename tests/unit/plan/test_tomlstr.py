"""tpm's TOML string/key writer gives tomli-w's bytes, and every string reads back unchanged."""

from __future__ import annotations

import tomllib

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tpm.plan.tomlstr import format_key_part, format_string

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "a\r\nb", 'q"uote', "back\\slash", "tab\there", "\x00\x1f\x7f", "line\nbreak\n"]
)


@given(TEXT, st.booleans())
def test_strings_are_written_as_tomli_w_writes_them(text: str, multiline: bool) -> None:
    expected = tomli_w.dumps({"k": text}, multiline_strings=multiline)
    assert f"k = {format_string(text, allow_multiline=multiline)}\n" == expected
    read_back = text.replace("\r\n", "\n") if multiline else text
    assert tomllib.loads(expected)["k"] == read_back


@given(TEXT)
def test_keys_are_written_as_tomli_w_writes_them(key: str) -> None:
    expected = tomli_w.dumps({key: 1})
    assert f"{format_key_part(key)} = 1\n" == expected
    assert tomllib.loads(expected) == {key: 1}
