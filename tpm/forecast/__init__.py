"""The Monte Carlo forecast: the schedule's rules replayed with sampled durations and risks.

The names below load on first use, so that importing :mod:`tpm.forecast.defaults` (as
``tpm forecast --help`` does) does not import numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpm.forecast.run import (
        Forecast,
        ForecastError,
        MilestoneForecast,
        Quantiles,
        RiskEvent,
        forecast,
    )
    from tpm.forecast.sampling import Sampler

__all__ = [
    "Forecast",
    "ForecastError",
    "MilestoneForecast",
    "Quantiles",
    "RiskEvent",
    "Sampler",
    "forecast",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'tpm.forecast' has no attribute {name!r}")
    module = "tpm.forecast.sampling" if name == "Sampler" else "tpm.forecast.run"
    return getattr(importlib.import_module(module), name)
