"""``tpm kpi`` shows KPIs; ``tpm kpi record`` appends a measurement safely."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import tpm.commands.kpi as kpi_command
from tpm.check.load import Loaded, load_plan
from tpm.plan import calendar, storage
from tpm.plan.model import Measurement

DATA = Path(__file__).resolve().parents[1] / "data"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """A temporary copy of the small, canonical KPI plan."""
    path = tmp_path / "kpis.toml"
    shutil.copy(DATA / "kpis_small.toml", path)
    return path


def test_table_shows_rag_trend_change_and_staleness(run_cli: Run, plan: Path) -> None:
    code, out, err = run_cli("kpi", plan)
    assert code == 0 and err == ""
    rows = {line.split(":")[0]: line for line in out.splitlines() if ": " in line}
    assert "99.2%" in rows["availability"] and "red x3" in rows["availability"]
    assert "↘ -0.19%/wk worse" in rows["availability"]
    assert "≤ 200 ms (amber 250)" in rows["latency"] and "amber" in rows["latency"]
    assert "↘" in rows["latency"] and "better" in rows["latency"]
    assert rows["latency"].endswith("█▆▄▃▁")
    assert "never STALE" in rows["nps"]
    assert out.splitlines()[-1] == "red: availability · stale: nps"


def test_never_measured_is_stale_only_after_a_cadence(run_cli: Run, plan: Path) -> None:
    code, out, _err = run_cli("kpi", plan, "--as-of", "2026-01-05")  # the program's first day
    assert code == 0
    rows = [
        line for line in out.splitlines() if line.startswith(("availability", "latency", "nps"))
    ]
    assert len(rows) == 3 and all(row.endswith(" never") for row in rows)
    assert out.splitlines()[-1] == "red: none · stale: none"


def test_json_and_as_of(run_cli: Run, plan: Path) -> None:
    code, out, _err = run_cli("kpi", plan, "--json", "--as-of", "2026-02-20")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-02-20"
    avail = data["kpis"][0]
    assert avail["id"] == "availability" and avail["latest"]["value"] == 99.7
    assert avail["rag"] == "amber" and avail["stale"] is False
    assert [p["rag"] for p in avail["history"]] == ["green", "amber"]


def test_record_adds_exactly_one_line(run_cli: Run, plan: Path) -> None:
    before = plan.read_text().splitlines()
    code, out, err = run_cli(
        "kpi", "record", plan, "latency", "205", "--date", "2026-03-13", "--note", "after fix"
    )
    assert code == 0 and err == ""
    assert out == f"{plan}: recorded latency = 205 ms on 2026-03-13 (amber against target 200 ms)\n"
    after = plan.read_text().splitlines()
    assert len(after) == len(before) + 1
    added = [line for line in after if line not in before]
    assert added == ['    { date = 2026-03-13, value = 205, note = "after fix" },']
    assert storage.dumps(load_plan(plan).plan) == plan.read_text()  # type: ignore[arg-type]


def test_record_defaults_to_as_of_else_today_and_keeps_date_order(
    run_cli: Run, plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 2, 20))
    code, out, _err = run_cli("kpi", "record", plan, "availability", "99.6")
    assert code == 0 and "on 2026-03-16" in out  # the plan's as_of, not the clock
    plan.write_text(plan.read_text().replace("as_of = 2026-03-16\n", ""))
    code, _out, _err = run_cli("kpi", "record", plan, "latency", "295.5")
    assert code == 0
    text = plan.read_text()
    latency = text[text.index('id = "latency"') :].splitlines()
    lines = [line for line in latency if line.startswith("    { date")]
    assert lines[:3] == [
        "    { date = 2026-02-16, value = 310 },",
        "    { date = 2026-02-20, value = 295.5 },",
        "    { date = 2026-02-23, value = 280 },",
    ]


def test_a_date_after_as_of_is_refused_with_the_reason(run_cli: Run, plan: Path) -> None:
    before = plan.read_bytes()
    code, _out, err = run_cli("kpi", "record", plan, "latency", "190", "--date", "2026-03-17")
    assert code == 1 and plan.read_bytes() == before
    assert "after the plan's status date (as_of = 2026-03-16)" in err and "ignore" in err


def test_same_day_keeps_both_and_says_so_unless_replace(run_cli: Run, plan: Path) -> None:
    code, _out, err = run_cli(
        "kpi", "record", plan, "latency", "230", "--date", "2026-03-09", "--note", "cache on"
    )
    assert code == 0 and "both are kept" in err and "--replace" in err
    kpi = load_plan(plan).plan.kpis[1]  # type: ignore[union-attr]
    assert [m.value for m in kpi.measurements if m.date == dt.date(2026, 3, 9)] == [240, 230]
    code, _out, err = run_cli(
        "kpi", "record", plan, "latency", "235", "--date", "2026-03-09", "--replace"
    )
    # The replaced note goes too, and the message says which.
    assert code == 0
    assert (
        'replaced the earlier value of 2026-03-09 (240 ms, 230 ms with the note "cache on")' in err
    )
    kpi = load_plan(plan).plan.kpis[1]  # type: ignore[union-attr]
    assert [m.value for m in kpi.measurements if m.date == dt.date(2026, 3, 9)] == [235]


def test_record_to_a_kpi_without_measurements(run_cli: Run, plan: Path) -> None:
    assert run_cli("kpi", "record", plan, "nps", "-12", "--date", "2026-03-01")[0] == 0
    assert "measurements = [\n    { date = 2026-03-01, value = -12 },\n]" in plan.read_text()


@pytest.mark.parametrize(
    ("word", "value"), [("-1e15", -1e15), ("-0.5", -0.5), ("-5", -5), ("-2.5E3", -2500.0)]
)
def test_a_negative_value_is_a_value_not_an_option(
    run_cli: Run, plan: Path, word: str, value: float
) -> None:
    code, _out, err = run_cli("kpi", "record", plan, "nps", word, "--date", "2026-03-01")
    assert code == 0, err
    [measurement] = load_plan(plan).plan.kpis[2].measurements  # type: ignore[union-attr]
    assert measurement.value == value and type(measurement.value) is type(value)


def test_a_word_starting_with_a_dash_that_is_no_number(
    run_cli: Run, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = plan.read_bytes()
    code, _out, err = run_cli("kpi", "record", plan, "nps", "-inf")
    assert code == 2 and "VALUE must be a finite number, not '-inf'" in err
    with pytest.raises(SystemExit) as info:  # argparse's own error: an unknown option
        run_cli("kpi", "record", plan, "nps", "-x")
    assert info.value.code == 2 and "unrecognized arguments: -x" in capsys.readouterr().err
    assert plan.read_bytes() == before


def test_unknown_kpi_says_did_you_mean(run_cli: Run, plan: Path) -> None:
    before = plan.read_bytes()
    code, _out, err = run_cli("kpi", "record", plan, "latncy", "1")
    assert code == 1
    assert "error: unknown KPI 'latncy' (did you mean 'latency'?" in err
    assert plan.read_bytes() == before


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "1,5", ""])
def test_non_number_value_is_a_usage_error(run_cli: Run, plan: Path, value: str) -> None:
    before = plan.read_bytes()
    code, _out, err = run_cli("kpi", "record", plan, "latency", value)
    assert code == 2 and "VALUE must be a finite number" in err
    assert plan.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["record"], id="record-without-args"),
        pytest.param(["record", "p.toml", "latency"], id="record-missing-value"),
        pytest.param(["PLAN", "extra"], id="show-with-extra-word"),
        pytest.param(["PLAN", "--note", "x"], id="show-with-record-option"),
        pytest.param(["record", "PLAN", "latency", "1", "--json"], id="record-with-json"),
    ],
)
def test_usage_errors_exit_2(run_cli: Run, plan: Path, args: list[str]) -> None:
    args = [str(plan) if a == "PLAN" else a for a in args]
    code, _out, err = run_cli("kpi", *args)
    assert code == 2 and "usage: tpm kpi" in err


def test_comments_and_layout_are_kept(run_cli: Run, plan: Path) -> None:
    text = plan.read_text().replace("[[kpis]]", "# owned by the SRE guild\n[[kpis]]  # KPI", 1)
    text = text.replace(
        "    { date = 2026-02-23, value = 280 },",
        "    { date = 2026-02-23, value = 280 },  # hotfix",
    )
    text = "# Payments KPIs: reviewed every Monday\n" + text.replace("name = ", "name   = ", 1)
    plan.write_text(text)
    code, _out, err = run_cli("kpi", "record", plan, "latency", "199", "--date", "2026-03-12")
    assert code == 0 and err == ""
    after = plan.read_text()
    added = [line for line in after.splitlines() if line not in text.splitlines()]
    assert added == ["    { date = 2026-03-12, value = 199 },"]
    assert after.replace(added[0] + "\n", "", 1) == text


def test_plan_with_errors_is_not_touched(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[program]\nname = "x"\n')
    code, _out, err = run_cli("kpi", "record", bad, "k", "1")
    assert code == 1 and "error" in err and bad.read_text() == '[program]\nname = "x"\n'


def _changing_loader(path: Path, times: int) -> Callable[[Path], Loaded]:
    """A load_plan that, on its first `times` calls, lets someone else save in between."""
    calls = {"n": 0}

    def load(p: Path) -> Loaded:
        loaded = load_plan(p)
        calls["n"] += 1
        if calls["n"] <= times:
            other = load_plan(path)
            assert other.plan is not None and other.source is not None
            edited = kpi_command.with_measurement(
                other.plan,
                "availability",
                Measurement(date=dt.date(2026, 3, 1 + calls["n"]), value=99.0),
            )
            storage.save(path, edited, other.source.digest)
        return loaded

    return load


def test_concurrent_change_is_retried_and_both_edits_survive(
    run_cli: Run, plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kpi_command, "load_plan", _changing_loader(plan, times=2))
    monkeypatch.setattr(kpi_command, "RETRY_PAUSE", 0.0)
    code, _out, err = run_cli("kpi", "record", plan, "latency", "199", "--date", "2026-03-12")
    assert code == 0, err
    text = plan.read_text()
    assert "{ date = 2026-03-12, value = 199 }" in text
    assert text.count("value = 99.0 }") == 2  # the other writer's two edits are kept


def test_gives_up_after_a_few_attempts(
    run_cli: Run, plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kpi_command, "load_plan", _changing_loader(plan, times=99))
    monkeypatch.setattr(kpi_command, "RETRY_PAUSE", 0.0)
    code, _out, err = run_cli("kpi", "record", plan, "latency", "199", "--date", "2026-03-12")
    assert code == 1
    assert "kept changing on disk" in err and "nothing was written" in err
    assert "value = 199 }" not in plan.read_text()


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        pytest.param(12, "", "12", id="int"),
        pytest.param(12.0, "ms", "12 ms", id="integral-float"),
        pytest.param(99.95, "%", "99.95%", id="percent-sticks"),
        pytest.param(0.12345, "", "0.123", id="three-decimals"),
        pytest.param(-0.0001, "", "0", id="tiny-negative-is-zero"),
        pytest.param(None, "ms", "—", id="none"),
        pytest.param(5, "req/s\nx", "5 req/s x", id="unit-one-line"),
    ],
)
def test_value_formatting(value: float | None, unit: str, text: str) -> None:
    from tpm.render.text.kpis import fmt_value

    assert fmt_value(value, unit) == text
