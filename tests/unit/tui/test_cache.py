"""The analysis cache: a warm start finds the dashboard's overview only under its own key
(plan bytes, status date, tpm's version and source), and a broken cache is never an error."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import tpm
from tpm.check.load import load_plan
from tpm.report.data import build
from tpm.tui import cache
from tpm.tui.overview import Overview, from_json, overview, to_json

AS_OF = dt.date(2026, 4, 15)
FIXTURE = Path(__file__).resolve().parents[2] / "tui" / "data" / "fixture.toml"
PLAN = Path("/plans/checkout.toml")
DIGEST = "a" * 64


@pytest.fixture(scope="module")
def view() -> Overview:
    """The fixture plan's overview, forecast included."""
    plan = load_plan(FIXTURE).plan
    assert plan is not None
    return overview(build(plan, AS_OF), plan, True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, with the cache on (tests/conftest.py turns it off)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TPM_NO_CACHE", raising=False)
    return tmp_path / "xdg" / "tpm"


def test_the_overview_round_trips_through_json(view: Overview) -> None:
    assert view.odds is not None and view.areas and view.kpis  # every kind of field is there
    assert from_json(json.loads(json.dumps(to_json(view)))) == view


def test_a_stored_overview_is_found_under_its_key(home: Path, view: Overview) -> None:
    cache.store(PLAN, DIGEST, None, None, view)
    assert [p.parent for p in home.iterdir()] == [home]
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) == view


def _other_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tpm, "__version__", "9.9.9")
    monkeypatch.setattr(cache, "_source", [])


def _other_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_source", ["another build of tpm"])


MISSES: list[tuple[str, dict[str, object], Callable[[pytest.MonkeyPatch], None] | None]] = [
    ("other plan bytes", {"digest": "b" * 64}, None),
    ("other plan file", {"path": Path("/plans/other.toml")}, None),
    ("--as-of given", {"as_of": AS_OF}, None),
    ("another day, plan dated by today", {"today": AS_OF + dt.timedelta(days=1)}, None),
    ("another tpm version", {}, _other_version),
    ("tpm's source changed", {}, _other_source),
]


@pytest.mark.parametrize(("lookup", "change"), [m[1:] for m in MISSES], ids=[m[0] for m in MISSES])
def test_a_change_of_any_key_input_misses(
    home: Path,
    view: Overview,
    monkeypatch: pytest.MonkeyPatch,
    lookup: dict[str, object],
    change: Callable[[pytest.MonkeyPatch], None] | None,
) -> None:
    cache.store(PLAN, DIGEST, None, None, view)
    if change is not None:
        change(monkeypatch)
    args: dict[str, object] = {"path": PLAN, "digest": DIGEST, "as_of": None, "today": AS_OF}
    args |= lookup
    assert cache.lookup(args["path"], args["digest"], args["as_of"], args["today"]) is None  # type: ignore[arg-type]


def test_the_status_date_decides_not_the_clock(home: Path, view: Overview) -> None:
    """A plan with its own as_of hits on any day; --as-of hits only with the same date."""
    tomorrow = AS_OF + dt.timedelta(days=1)
    cache.store(PLAN, DIGEST, None, AS_OF, view)
    assert cache.lookup(PLAN, DIGEST, None, tomorrow) == view
    cache.store(PLAN, DIGEST, AS_OF, None, view)
    assert cache.lookup(PLAN, DIGEST, AS_OF, tomorrow) == view
    assert cache.lookup(PLAN, DIGEST, tomorrow, tomorrow) is None


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


def _wrong_type(text: str) -> str:
    entry = json.loads(text)
    entry["overview"]["rag"] = 3
    return json.dumps(entry)


def _field_missing(text: str) -> str:
    entry = json.loads(text)
    del entry["overview"]["areas"][0]["findings"]
    return json.dumps(entry)


def _bad_date(text: str) -> str:
    entry = json.loads(text)
    entry["overview"]["finish"] = "2026-13-45"
    return json.dumps(entry)


BROKEN: dict[str, Callable[[str], str]] = {
    "empty": lambda _text: "",
    "not json": lambda _text: "{not json",
    "truncated": _truncated,
    "a list": lambda _text: "[]",
    "a wrong type": _wrong_type,
    "a field missing": _field_missing,
    "a bad date": _bad_date,
}


@pytest.mark.parametrize("damage", BROKEN.values(), ids=BROKEN.keys())
def test_a_corrupt_entry_is_ignored(
    home: Path, view: Overview, damage: Callable[[str], str]
) -> None:
    cache.store(PLAN, DIGEST, None, None, view)
    entry = cache.entry_path(PLAN)
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) is None
    cache.store(PLAN, DIGEST, None, None, view)  # and the next analysis repairs it
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) == view


def test_an_unreadable_or_unwritable_cache_is_ignored(
    tmp_path: Path, view: Overview, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TPM_NO_CACHE", raising=False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    cache.store(PLAN, DIGEST, None, None, view)  # cannot create the folder: no error
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache.entry_path(PLAN).mkdir(parents=True)  # a folder where the entry should be
    cache.store(PLAN, DIGEST, None, None, view)
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) is None


def test_tpm_no_cache_turns_it_off(
    home: Path, view: Overview, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.store(PLAN, DIGEST, None, None, view)
    monkeypatch.setenv("TPM_NO_CACHE", "1")
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) is None
    cache.store(PLAN, DIGEST, None, None, dataclasses.replace(view, rag="green"))
    monkeypatch.delenv("TPM_NO_CACHE")
    assert cache.lookup(PLAN, DIGEST, None, AS_OF) == view  # nothing was written


def test_a_relative_xdg_cache_home_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache.cache_dir() == Path.home() / ".cache" / "tpm"


def test_the_file_digest_is_the_sessions(tmp_path: Path) -> None:
    from tpm.plan.storage import current_digest

    path = tmp_path / "plan.toml"
    path.write_bytes(FIXTURE.read_bytes())
    assert cache.file_digest(path) == current_digest(path)
    assert cache.file_digest(tmp_path) is None  # a folder: no digest, no hit
    assert cache.file_digest(tmp_path / "gone.toml") is None
