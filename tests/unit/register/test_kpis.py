"""The KPI engine: RAG by target and amber, trend, staleness, red streak, changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tpm.plan.model import Plan
from tpm.register.kpis import analyse_kpis, slope_per_week
from tpm.register.sparkline import sparkline

AS_OF = dt.date(2026, 3, 16)
D = dt.date


def _plan(*kpis: dict[str, Any], trend_points: int = 6) -> Plan:
    return Plan.model_validate(
        {
            "program": {"name": "P", "start": D(2026, 1, 5)},
            "settings": {"kpi_trend_points": trend_points},
            "kpis": list(kpis),
        }
    )


def _kpi(values: list[float], kid: str = "k", step: int = 7, **extra: Any) -> dict[str, Any]:
    """A KPI with one measurement every `step` days, the last one on AS_OF."""
    start = AS_OF - dt.timedelta(days=step * (len(values) - 1))
    data: dict[str, Any] = {
        "id": kid,
        "name": kid.upper(),
        "target": 90,
        "amber": 80,
        "measurements": [
            {"date": start + dt.timedelta(days=step * n), "value": v} for n, v in enumerate(values)
        ],
    }
    data.update(extra)
    return data


RAG = [
    pytest.param(95, {}, "green", id="hib-above-target"),
    pytest.param(90, {}, "green", id="hib-at-target"),
    pytest.param(89.9, {}, "amber", id="hib-just-below-target"),
    pytest.param(80, {}, "amber", id="hib-at-amber"),
    pytest.param(79.9, {}, "red", id="hib-beyond-amber"),
    pytest.param(85, {"amber": None}, "red", id="hib-no-amber-band"),
    pytest.param(85, {"amber": 90}, "red", id="hib-amber-equals-target-empty-band"),
    pytest.param(
        190,
        {"direction": "lower_is_better", "target": 200, "amber": 250},
        "green",
        id="lib-below-target",
    ),
    pytest.param(
        200,
        {"direction": "lower_is_better", "target": 200, "amber": 250},
        "green",
        id="lib-at-target",
    ),
    pytest.param(
        250,
        {"direction": "lower_is_better", "target": 200, "amber": 250},
        "amber",
        id="lib-at-amber",
    ),
    pytest.param(
        251,
        {"direction": "lower_is_better", "target": 200, "amber": 250},
        "red",
        id="lib-beyond-amber",
    ),
    pytest.param(
        201, {"direction": "lower_is_better", "target": 200}, "red", id="lib-no-amber-band"
    ),
]


@pytest.mark.parametrize(("value", "extra", "rag"), RAG)
def test_rag_by_target_and_amber(value: float, extra: dict[str, Any], rag: str) -> None:
    status = analyse_kpis(_plan(_kpi([value], **extra)), AS_OF)[0]
    assert status.rag == rag
    assert status.meets_target == (rag == "green")


TREND = [
    pytest.param([80, 82, 84, 86], {}, "improving", 2.0, id="hib-rising-improves"),
    pytest.param([86, 84, 82, 80], {}, "worsening", -2.0, id="hib-falling-worsens"),
    pytest.param(
        [300, 280, 260],
        {"direction": "lower_is_better", "target": 200, "amber": 250},
        "improving",
        -20.0,
        id="lib-falling-improves",
    ),
    pytest.param(
        [200, 220, 240],
        {"direction": "lower_is_better", "target": 200, "amber": 250},
        "worsening",
        20.0,
        id="lib-rising-worsens",
    ),
    pytest.param([85, 85, 85], {}, "flat", 0.0, id="constant-flat"),
    pytest.param([85.0, 85.2, 85.1, 85.3], {}, "flat", 0.08, id="noise-under-1pct-flat"),
    pytest.param([0, 0], {"target": 0, "amber": None}, "flat", 0.0, id="all-zero-flat"),
    # Availability-style KPIs: small numbers against a narrow amber band still trend.
    pytest.param(
        [99.95, 99.7, 99.4, 99.3, 99.2],
        {"target": 99.9, "amber": 99.5},
        "worsening",
        -0.19,
        id="narrow-band-decline-worsens",
    ),
    pytest.param(
        [99.9, 99.91, 99.9, 99.92],
        {"target": 99.9, "amber": 99.5},
        "flat",
        0.006,
        id="under-tenth-of-band-flat",
    ),
    pytest.param(
        [99.9, 99.4, 98.8],
        {"target": 99.9, "amber": None},
        "worsening",
        -0.55,
        id="no-amber-over-1pct-worsens",
    ),
    pytest.param(
        [99.9, 99.6, 99.3],
        {"target": 99.9, "amber": None},
        "flat",
        -0.3,
        id="no-amber-under-1pct-flat",
    ),
]


@pytest.mark.parametrize(("values", "extra", "direction", "slope"), TREND)
def test_trend_direction_and_slope_per_week(
    values: list[float], extra: dict[str, Any], direction: str, slope: float
) -> None:
    status = analyse_kpis(_plan(_kpi(values, **extra)), AS_OF)[0]
    assert status.trend is not None
    assert status.trend.direction == direction
    assert status.trend.slope_per_week == pytest.approx(slope, abs=0.01)
    assert status.trend.points == len(values)


def test_trend_uses_only_the_last_n_points_and_days_not_indexes() -> None:
    # Old points fall outside the window of 3; slope is per week even with daily measurements.
    status = analyse_kpis(_plan(_kpi([0, 0, 10, 11, 12], step=1), trend_points=3), AS_OF)[0]
    assert status.trend is not None and status.trend.points == 3
    assert status.trend.slope_per_week == pytest.approx(7.0)
    assert status.recent == (10, 11, 12)


def test_one_measurement_has_no_trend_and_no_change() -> None:
    status = analyse_kpis(_plan(_kpi([85])), AS_OF)[0]
    assert status.trend is None and status.change is None and status.previous is None


def test_slope_of_same_day_points_is_zero() -> None:
    assert slope_per_week([(AS_OF, 1.0), (AS_OF, 5.0)]) == 0.0


STALE = [
    pytest.param(0, 7, False, id="measured-today"),
    pytest.param(7, 7, False, id="exactly-cadence"),
    pytest.param(8, 7, True, id="one-day-past-cadence"),
    pytest.param(20, 30, False, id="monthly-kpi-fresh"),
    pytest.param(31, 30, True, id="monthly-kpi-stale"),
]


@pytest.mark.parametrize(("age", "cadence", "stale"), STALE)
def test_staleness_by_cadence(age: int, cadence: int, stale: bool) -> None:
    kpi = _kpi([85], cadence_days=cadence)
    status = analyse_kpis(_plan(kpi), AS_OF + dt.timedelta(days=age))[0]
    assert status.stale == stale and status.days_since_measured == age


def test_no_measurements_is_stale_with_no_rag() -> None:
    status = analyse_kpis(_plan(_kpi([])), AS_OF)[0]
    assert status.stale and status.rag is None and status.latest is None
    assert status.red_streak == 0 and status.sparkline == ""


def test_measurements_after_as_of_are_ignored() -> None:
    status = analyse_kpis(_plan(_kpi([70, 95])), AS_OF - dt.timedelta(days=1))[0]
    assert status.latest is not None and status.latest.value == 70
    assert status.rag == "red" and len(status.history) == 1


@pytest.mark.parametrize(
    ("values", "streak"),
    [
        pytest.param([95, 70, 70], 2, id="two-red-running"),
        pytest.param([70, 70, 85], 0, id="amber-breaks-it"),
        pytest.param([70, 95, 70], 1, id="one-red"),
        pytest.param([70, 70, 70, 70], 4, id="all-red"),
    ],
)
def test_red_streak_counts_the_latest_reds(values: list[float], streak: int) -> None:
    status = analyse_kpis(_plan(_kpi(values)), AS_OF)[0]
    assert status.red_streak == streak
    assert len(status.rags) == len(values)


def test_change_since_previous_and_since_a_date() -> None:
    status = analyse_kpis(
        _plan(_kpi([70, 80, 86, 84])), AS_OF, since=AS_OF - dt.timedelta(days=15)
    )[0]
    assert status.change == -2 and status.change_direction == "worsening"
    assert status.change_since == 14  # 84 now vs 70 on the last measurement on or before since


def test_measurements_in_any_file_order_are_read_by_date() -> None:
    kpi = _kpi([60, 95])
    kpi["measurements"].reverse()
    status = analyse_kpis(_plan(kpi), AS_OF)[0]
    assert status.latest is not None and status.latest.value == 95


def test_kpis_are_sorted_by_id() -> None:
    statuses = analyse_kpis(_plan(_kpi([1], kid="zeta"), _kpi([1], kid="alpha")), AS_OF)
    assert [s.id for s in statuses] == ["alpha", "zeta"]


@pytest.mark.parametrize(
    ("values", "line"),
    [
        pytest.param([], "", id="empty"),
        pytest.param([5, 5, 5], "▄▄▄", id="flat"),
        pytest.param([0, 1, 2, 3, 4, 5, 6, 7], "▁▂▃▄▅▆▇█", id="ramp"),
        pytest.param([10, 0], "█▁", id="drop"),
        pytest.param([-3.5, 2.0], "▁█", id="negative"),
    ],
)
def test_sparkline(values: list[float], line: str) -> None:
    assert sparkline(values) == line


def test_kpi_sparkline_shows_the_trend_window() -> None:
    status = analyse_kpis(_plan(_kpi([1, 2, 3, 9, 1, 5], kid="k"), trend_points=3), AS_OF)[0]
    assert status.sparkline == "█▁▅"
    assert status.to_json()["sparkline"] == "█▁▅"
