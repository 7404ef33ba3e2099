"""Whole working days for people (convention 10): rounded towards worse, exact in JSON."""

from __future__ import annotations

import pytest

from tpm.render.days import exact_days, fmt_days


@pytest.mark.parametrize(
    ("value", "more_is_worse", "shown"),
    [
        pytest.param(-3.75, False, "-4", id="negative-float-reads-later"),
        pytest.param(-0.25, False, "-1", id="a-quarter-day-late-is-not-on-time"),
        pytest.param(0.25, False, "0", id="a-quarter-day-of-float-is-none"),
        pytest.param(26.5, False, "26", id="float-rounds-down"),
        pytest.param(3.75, True, "4", id="lateness-rounds-up"),
        pytest.param(0.25, True, "1", id="a-quarter-day-slip-is-a-day"),
        pytest.param(-1.5, True, "-1", id="negative-variance-rounds-up"),
        pytest.param(0.0, False, "0", id="zero-float"),
        pytest.param(0.0, True, "0", id="zero-slip"),
        pytest.param(-0.0, False, "0", id="minus-zero"),
        pytest.param(5.0, True, "5", id="whole-slip"),
        pytest.param(-3.0, False, "-3", id="whole-negative-float"),
        pytest.param(4059.0000000001, True, "4059", id="float-noise-is-not-a-day"),
        pytest.param(2.9999999999, False, "3", id="float-noise-below-is-not-a-day"),
    ],
)
def test_days_round_towards_worse(value: float, more_is_worse: bool, shown: str) -> None:
    assert fmt_days(value, more_is_worse=more_is_worse) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(2.5, "+2"), (-0.5, "-1"), (0.0, "0"), (3.0, "+3"), (None, "—")],
)
def test_signed_days_and_unknown(value: float | None, shown: str) -> None:
    assert fmt_days(value, signed=True) == shown


def test_values_the_plan_states_are_shown_as_written() -> None:
    assert [exact_days(v) for v in (0.3, 2.0, 0.25, -1.5)] == ["0.3", "2", "0.25", "-1.5"]
    assert [exact_days(v, signed=True) for v in (0.5, 0.0, -2.0)] == ["+0.5", "0", "-2"]
