"""Canonical layout, byte-identical round trips, atomic saves and changed-on-disk refusal."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path
from typing import Any

import pytest

from tpm.check.load import load_plan
from tpm.plan import storage
from tpm.plan.model import Plan
from tpm.plan.storage import (
    TEMP_MARK,
    ChangedOnDisk,
    StorageError,
    current_digest,
    decode,
    digest_of,
    dumps,
    read_bytes,
    save,
    write_atomic,
)

D = dt.date


def _document() -> dict[str, Any]:
    return {
        "zeta": 1,
        "alpha": "top",
        "flags": ["x", "y"],
        "program": {
            "name": "Checkout",
            "start": D(2026, 3, 2),
            "target": D(2026, 9, 30),
            "sponsor": "CFO",
            "objective": "",
        },
        "integrations": {"jira": {"project": "PAY"}},
        "kpis": [
            {
                "id": "k",
                "name": "K",
                "target": 99.5,
                "measurements": [
                    {"date": D(2026, 3, 2), "value": 98},
                    {"date": D(2026, 3, 9), "value": 98.7, "note": "ok"},
                ],
            }
        ],
        "risks": [
            {
                "id": "r",
                "title": "R",
                "impact": 3,
                "probability": 2,
                "mitigations": [{"id": "m", "status": "done", "done_on": D(2026, 3, 3)}],
            }
        ],
        "milestones": [
            {
                "title": "A",
                "id": "a",
                "duration": 5,
                "percent_complete": 0,
                "status": "planned",
                "zz_extra": True,
                "aa_extra": {"k": 1},
            },
            {
                "id": "b",
                "title": 'B "quoted"',
                "duration": 2.5,
                "depends_on": ["a", {"id": "a", "type": "SS", "lag": -1}],
                "notes": "line1\nline2",
            },
        ],
        "settings": {"risk_bands": {"low": 3, "medium": 9, "high": 15}},
        "teams": [{"id": "web", "name": "Web"}],
        "calendar": {"holidays": [D(2026, 5, 1)], "workdays": ["mon", "tue", "wed", "thu", "fri"]},
    }


CANONICAL = '''\
alpha = "top"
flags = ["x", "y"]
zeta = 1

[program]
name = "Checkout"
start = 2026-03-02
target = 2026-09-30
sponsor = "CFO"

[calendar]
holidays = [2026-05-01]

[settings.risk_bands]
low = 3

[[teams]]
id = "web"
name = "Web"

[[milestones]]
id = "a"
title = "A"
duration = 5
status = "planned"
aa_extra = { k = 1 }
zz_extra = true

[[milestones]]
id = "b"
title = "B \\"quoted\\""
duration = 2.5
depends_on = ["a", { id = "a", type = "SS", lag = -1 }]
status = "planned"
notes = """
line1
line2"""

[[risks]]
id = "r"
title = "R"
probability = 2
impact = 3
status = "open"

[[risks.mitigations]]
id = "m"
status = "done"
done_on = 2026-03-03

[[kpis]]
id = "k"
name = "K"
target = 99.5
measurements = [
    { date = 2026-03-02, value = 98 },
    { date = 2026-03-09, value = 98.7, note = "ok" },
]

[integrations.jira]
project = "PAY"
'''


def _plan(doc: dict[str, Any] | None = None) -> Plan:
    return Plan.model_validate(doc or _document())


def test_canonical_layout() -> None:
    """Fixed table and key order whatever the input order; defaults left out; unknown keys
    kept (scalars before the first table, sorted after known keys, nested tables last)."""
    assert dumps(_plan()) == CANONICAL


def test_canonical_text_loads_back_to_the_same_plan() -> None:
    import tomllib

    assert Plan.model_validate(tomllib.loads(CANONICAL)) == _plan()


def test_dumps_is_deterministic_and_ends_with_one_newline() -> None:
    texts = {dumps(_plan()) for _ in range(3)}
    assert len(texts) == 1
    text = texts.pop()
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_long_arrays_break_one_element_per_line() -> None:
    doc = _document()
    doc["milestones"][1]["depends_on"] = [f"predecessor-number-{i}" for i in range(8)]
    doc["milestones"] += [
        {"id": f"predecessor-number-{i}", "title": "p", "duration": 1} for i in range(8)
    ]
    text = dumps(_plan(doc))
    assert 'depends_on = [\n    "predecessor-number-0",\n    "predecessor-number-1",\n' in text
    assert all(len(line) <= 100 for line in text.splitlines())


def _edit(change: str) -> Plan:
    plan = _plan()
    m = plan.milestones[1]
    if change == "milestone title":
        m.title = "B renamed"
    elif change == "milestone status":
        plan.milestones[0].status = "in_progress"
    elif change == "percent from default":
        m.percent_complete = 40
    elif change == "dependency lag":
        m.depends_on[1].lag = 3
    elif change == "risk probability":
        plan.risks[0].probability = 5
    elif change == "mitigation status":
        plan.risks[0].mitigations[0].status = "dropped"
    elif change == "kpi measurement value":
        plan.kpis[0].measurements[1].value = 99.1
    elif change == "program target":
        plan.program.target = D(2026, 10, 30)
    elif change == "unknown key value":
        plan.milestones[0].__pydantic_extra__["zz_extra"] = False  # type: ignore[index]
    elif change == "notes line":
        m.notes = "line1\nline two"
    elif change == "risk band edge":
        plan.settings.risk_bands.low = 2
    return plan


EDITS = [
    "milestone title",
    "milestone status",
    "percent from default",
    "dependency lag",
    "risk probability",
    "mitigation status",
    "kpi measurement value",
    "program target",
    "unknown key value",
    "notes line",
    "risk band edge",
]


@pytest.mark.parametrize("change", EDITS)
def test_changing_one_field_changes_one_line(change: str) -> None:
    before = dumps(_plan()).splitlines()
    after = dumps(_edit(change)).splitlines()
    diff = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    removed = [line for line in diff if line.startswith("-")]
    added = [line for line in diff if line.startswith("+")]
    assert len(added) == 1 and len(removed) <= 1, diff


def test_saving_a_loaded_canonical_plan_unchanged_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes(CANONICAL.encode())
    loaded = load_plan(path)
    assert loaded.plan is not None and loaded.source is not None
    digest = save(path, loaded.plan, loaded.source.digest)
    assert path.read_bytes() == CANONICAL.encode()
    assert digest == loaded.source.digest == digest_of(CANONICAL.encode())


def test_save_leaves_no_temp_files_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    path.chmod(0o640)
    edited = _edit("milestone title")
    save(path, edited, digest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]
    assert path.stat().st_mode & 0o777 == 0o640
    assert load_plan(path).plan == edited


def test_a_failed_replace_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError, match="could not save: No space left on device"):
        save(path, _edit("milestone title"), digest)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_a_failed_fsync_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(StorageError, match="Input/output error"):
        save(path, _edit("milestone title"), digest)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


def test_saving_into_a_missing_folder_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="could not save"):
        save(tmp_path / "no" / "plan.toml", _plan(), None)


def test_refuses_to_overwrite_a_file_another_writer_changed(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    mine = save(path, _plan(), None)
    path.write_text(CANONICAL.replace('"Checkout"', '"Theirs"'), encoding="utf-8")
    with pytest.raises(ChangedOnDisk, match="changed on disk since it was loaded"):
        save(path, _edit("milestone title"), mine)
    assert '"Theirs"' in path.read_text(encoding="utf-8")


def test_refuses_a_new_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    assert current_digest(path) is None
    path.write_text("# someone else's plan\n", encoding="utf-8")
    with pytest.raises(ChangedOnDisk, match="was created since"):
        save(path, _plan(), None)
    assert path.read_text(encoding="utf-8") == "# someone else's plan\n"


def test_refuses_when_the_file_was_deleted_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    path.unlink()
    with pytest.raises(ChangedOnDisk, match="was deleted"):
        save(path, _plan(), digest)
    assert not path.exists()


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = save(path, _plan(), None)
    dead = tmp_path / f".plan.toml{TEMP_MARK}{_dead_pid()}"
    alive = tmp_path / f".plan.toml{TEMP_MARK}{os.getppid()}"
    other = tmp_path / f".other.toml{TEMP_MARK}{_dead_pid()}"
    for temp in (dead, alive, other):
        temp.write_text("half a plan", encoding="utf-8")
    save(path, _edit("milestone title"), digest)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([alive.name, other.name, "plan.toml"])


def test_write_atomic_returns_the_digest_of_what_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    digest = write_atomic(path, "x = 1\n", None)
    assert digest == current_digest(path) == digest_of(b"x = 1\n")


# ---------------------------------------------------------------- reading


def test_read_refuses_files_over_the_limit_without_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "MAX_BYTES", 100)
    path = tmp_path / "plan.toml"
    path.write_bytes(b"#" * 101)
    with pytest.raises(StorageError, match="too large"):
        read_bytes(path)
    path.write_bytes(b"#" * 100)
    assert read_bytes(path) == b"#" * 100


def test_read_refuses_a_fifo(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    os.mkfifo(path)
    with pytest.raises(StorageError, match="not a regular file"):
        read_bytes(path)


@pytest.mark.parametrize(
    ("raw", "message", "line"),
    [
        (b"a = 1\nb = '\xff'\n", "byte 0xff at column 6", 2),
        (b"a = 1\n\x00", "binary file", 2),
    ],
    ids=["latin-1 byte", "NUL byte"],
)
def test_decode_names_the_line_of_bad_bytes(raw: bytes, message: str, line: int) -> None:
    with pytest.raises(StorageError, match=message) as info:
        decode(raw)
    assert info.value.line == line


def test_decode_drops_a_byte_order_mark() -> None:
    assert decode("\ufeffa = 1\n".encode()) == "a = 1\n"
