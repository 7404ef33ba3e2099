"""The Monte Carlo forecast: the schedule's rules replayed with sampled durations and risks."""

from __future__ import annotations

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
