"""Three-point duration sampling for the Monte Carlo forecast, vectorised with numpy.

A three-point estimate (optimistic a, likely m, pessimistic b) is a distribution on [a, b]:

- ``pert``: PERT-beta, Beta(alpha, beta) scaled to [a, b] with
  alpha = 1 + 4 (m - a) / (b - a) and beta = 1 + 4 (b - m) / (b - a); mean (a + 4m + b) / 6.
- ``triangular``: the triangle with corners a, m, b; mean (a + m + b) / 3.
- a == b (degenerate): the constant a, exactly.

Why inverse transform from quantile tables instead of ``Generator.beta``: numpy draws a beta
variate from two gamma variates, which takes about 0.7 s for 10,000 runs x 1,000 milestones
on our 2-core machine, more than the whole forecast may take. Every estimate's shape depends
only on r = (m - a) / (b - a), so one table of 4,096 equally likely quantiles per distinct r
(the quantile at the centre of each 1/4,096 probability cell) turns sampling into one table
lookup per draw, scaled to [a, b] as a + (b - a) q. A draw is thus one of
4,096 equally likely values: any quantile of the sampled distribution is within 1/8,192 in
probability of the exact one, far below the Monte Carlo noise of a forecast and the one-day
resolution of dates. The PERT-beta table
inverts the CDF computed numerically (trapezoid rule on 8,193 points; quantiles within
2e-5 of the range); the triangular table uses the closed-form inverse CDF.

Randomness: 12 uniform random bits per draw, taken straight from the PCG64 bit generator
(``random_raw``, read as little-endian 16-bit words), so the same seed gives the same draws
on every machine.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Method = Literal["pert", "triangular"]
METHODS: tuple[Method, ...] = ("pert", "triangular")

Floats = npt.NDArray[np.float64]

LEVELS = 4096  # equally likely quantiles per shape (12 random bits per draw)
_SHIFT = 4  # 16 random bits -> 12
_GRID = 8193  # points of the numerical CDF of a PERT-beta


@functools.lru_cache(maxsize=4096)
def quantile_table(r: float, method: Method) -> Floats:
    """Quantiles Q((j + 0.5) / LEVELS), j = 0..LEVELS-1, of the standard shape with mode r.

    The standard shape lives on [0, 1]; r = (m - a) / (b - a) is where its mode sits.
    Tables are computed once per process (a trend forecasts dozens of versions of one plan)
    and are read-only.
    """
    table = _quantile_table(r, method)
    table.setflags(write=False)
    return table


def _quantile_table(r: float, method: Method) -> Floats:
    p = (np.arange(LEVELS, dtype=np.float64) + 0.5) / LEVELS
    if method == "triangular":
        left = np.sqrt(p * r)
        right = 1.0 - np.sqrt((1.0 - p) * (1.0 - r))
        q: Floats = np.where(p < r, left, right)
        return q
    alpha, beta = 1.0 + 4.0 * r, 5.0 - 4.0 * r
    x = np.linspace(0.0, 1.0, _GRID)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pdf = (alpha - 1.0) * np.log(x) + (beta - 1.0) * np.log1p(-x)
    pdf = np.exp(log_pdf)  # exp(-inf) = 0 at an end where the exponent is positive
    if alpha == 1.0:
        pdf[0] = 1.0
    if beta == 1.0:
        pdf[-1] = 1.0
    cdf = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) * 0.5)))
    cdf /= cdf[-1]
    q = np.interp(p, cdf, x)
    return q


Triple = tuple[float, float, float]


@dataclass(frozen=True)
class Sampler:
    """Draws durations for a list of non-degenerate estimates, one row each.

    Rows with the same (a, m, b) form a block drawn with a single lookup in their shape's
    table; ``build`` sorts the rows into such blocks. The draws are then scaled to [a, b]
    row by row, ``a + (b - a) * q`` with the same two roundings as scaling the table first,
    so no (a, m, b) needs a table of its own (building hundreds of them cost more than a
    200-run forecast's draws).
    """

    estimates: tuple[Triple, ...]  # row order: sorted, equal estimates adjacent
    blocks: tuple[tuple[int, int, Floats], ...]  # (first row, end row, shape's table)
    low: Floats  # (rows, 1): each row's a
    span: Floats  # (rows, 1): each row's b - a

    @classmethod
    def build(cls, estimates: list[Triple], method: Method) -> Sampler:
        """A sampler for these (a, m, b) estimates, each with a < b, in sorted row order."""
        rows = tuple(sorted(estimates))
        blocks: list[tuple[int, int, Floats]] = []
        start = 0
        for i in range(1, len(rows) + 1):
            if i < len(rows) and rows[i] == rows[start]:
                continue
            a, m, b = rows[start]
            blocks.append((start, i, quantile_table((m - a) / (b - a), method)))
            start = i
        low = np.array([a for a, _m, _b in rows], dtype=np.float64).reshape(-1, 1)
        span = np.array([b - a for a, _m, b in rows], dtype=np.float64).reshape(-1, 1)
        return cls(estimates=rows, blocks=tuple(blocks), low=low, span=span)

    @property
    def size(self) -> int:
        """How many estimates (rows) this sampler draws for."""
        return len(self.estimates)

    def draw(self, rng: np.random.Generator, out: Floats) -> None:
        """Fill ``out`` (shape (size, runs)) with one draw per estimate and run."""
        k, runs = out.shape
        if k == 0 or runs == 0:
            return
        words = (k * runs + 3) // 4
        bits = rng.bit_generator.random_raw(words).astype("<u8", copy=False)
        levels = (bits.view("<u2")[: k * runs] >> _SHIFT).reshape(k, runs)
        for lo, hi, table in self.blocks:
            np.take(table, levels[lo:hi], out=out[lo:hi])
        out *= self.span  # (b - a) * q, then a + that: as a + (b - a) * table, bit for bit
        out += self.low
