"""Three-point sampling: the quantile tables reproduce PERT-beta and triangular moments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from forecast_helpers import pert_mean, triangular_mean

from tpm.forecast.sampling import (
    LEVELS,
    Method,
    Sampler,
    quantile_table,
)


def _pert_var(a: float, m: float, b: float) -> float:
    alpha = 1 + 4 * (m - a) / (b - a)
    beta = 1 + 4 * (b - m) / (b - a)
    return (b - a) ** 2 * alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))


def _tri_var(a: float, m: float, b: float) -> float:
    return (a * a + m * m + b * b - a * m - a * b - m * b) / 18


ESTIMATES = [
    pytest.param((2.0, 5.0, 14.0), id="right-skewed"),
    pytest.param((0.0, 0.0, 60.0), id="mode-at-optimistic"),
    pytest.param((1.0, 9.0, 9.0), id="mode-at-pessimistic"),
    pytest.param((3.0, 4.5, 6.0), id="symmetric"),
    pytest.param((0.5, 0.75, 40.0), id="long-tail"),
]


@pytest.mark.parametrize("abc", ESTIMATES)
@pytest.mark.parametrize(
    ("method", "mean", "var"),
    [
        pytest.param("pert", pert_mean, _pert_var, id="pert"),
        pytest.param("triangular", triangular_mean, _tri_var, id="triangular"),
    ],
)
def test_table_moments_match_the_distribution(abc, method: Method, mean, var) -> None:  # type: ignore[no-untyped-def]
    a, m, b = abc
    # The table's values are the distribution's quantiles at the centres of LEVELS equal
    # probability cells: their average is the mean, up to the midpoint rule's error.
    x = a + (b - a) * quantile_table((m - a) / (b - a), method)
    assert len(x) == LEVELS
    assert x.mean() == pytest.approx(mean(a, m, b), abs=1e-3 * (b - a))
    assert x.var() == pytest.approx(var(a, m, b), rel=5e-3)
    assert a < x.min() and x.max() < b and bool(np.all(np.diff(x) >= 0))


def test_pert_table_median_matches_the_closed_form_for_beta_1_5() -> None:
    # Beta(1, 5): CDF 1 - (1 - x)^5, so the median is 1 - 0.5^(1/5).
    q = quantile_table(0.0, "pert")
    assert (q[LEVELS // 2 - 1] + q[LEVELS // 2]) / 2 == pytest.approx(1 - 0.5**0.2, abs=2e-4)


def test_draws_are_spread_over_the_whole_table_and_deterministic() -> None:
    sampler = Sampler.build([(2.0, 5.0, 14.0), (0.0, 1.0, 2.0), (2.0, 5.0, 14.0)], "pert")
    assert sampler.estimates == ((0.0, 1.0, 2.0), (2.0, 5.0, 14.0), (2.0, 5.0, 14.0))
    out = np.empty((3, 20000))
    sampler.draw(np.random.default_rng(1), out)
    assert out[0].mean() == pytest.approx(1.0, abs=0.01)
    assert math.isclose(float(np.median(out[0])), 1.0, abs_tol=0.02)
    for row in (1, 2):
        assert out[row].mean() == pytest.approx(pert_mean(2, 5, 14), abs=0.05)
        assert len(np.unique(out[row])) > LEVELS * 0.95  # nearly every level shows up
    assert not np.array_equal(out[1], out[2])  # equal estimates, independent draws
    again = np.empty((3, 20000))
    sampler.draw(np.random.default_rng(1), again)
    assert np.array_equal(out, again)
