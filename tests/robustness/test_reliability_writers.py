"""Concurrent writers: 20 processes each record 10 KPI measurements on one plan at once.

Saves compare the file's content hash under an exclusive lock (compare-and-swap), so a
writer that lost the race reloads and re-applies its append, or says so and exits non-zero.
Either way no update may be lost silently: every measurement must end up in the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from pathlib import Path

import pytest

from tpm.check.load import load_plan
from tpm.cli import COMMANDS, main
from tpm.plan.model import Kpi, Plan, Program
from tpm.plan.storage import save

WRITERS = 20
RECORDS = 10

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or "kpi" not in COMMANDS, reason="needs fork and tpm kpi"
)


def _writer(path: Path, writer: int) -> int:
    """Child: record RECORDS measurements, retrying any that report failure; exit code = retries."""
    retries = 0
    for n in range(RECORDS):
        value = str(writer * 1000 + n)
        while True:
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                code = main(["kpi", "record", str(path), "k", value, "--date", "2026-03-02"])
            if code == 0:
                break
            retries += 1  # the writer said it could not get its turn: try again
            if retries > 200:
                return 255
    return min(retries, 254)


def test_twenty_concurrent_writers_lose_no_measurement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.toml"
    plan = Plan(
        program=Program(name="Race", start=dt.date(2026, 3, 2)),
        kpis=[Kpi(id="k", name="K", target=1)],
    )
    save(path, plan, None)
    # One writer's work in this process first: the forked writers then share the modules it
    # imported instead of each importing them (3 of 11 CPU seconds), and spend on the race.
    warm = tmp_path / "warm.toml"
    save(warm, plan, None)
    _writer(warm, 0)
    pids = []
    for writer in range(WRITERS):
        pid = os.fork()
        if pid == 0:
            code = 255
            try:
                code = _writer(path, writer)
            finally:
                os._exit(code)
        pids.append(pid)
    retries = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        assert code != 255, "a writer kept failing"
        retries += code
    loaded = load_plan(path)
    assert loaded.plan is not None
    values = sorted(int(m.value) for m in loaded.plan.kpis[0].measurements)
    expected = sorted(w * 1000 + n for w in range(WRITERS) for n in range(RECORDS))
    assert values == expected, f"lost {len(set(expected) - set(values))} measurements"
    with capsys.disabled():
        print(f"\nconcurrent writers: {WRITERS}x{RECORDS} records, {retries} retried, 0 lost")
