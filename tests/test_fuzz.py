"""Bad input never crashes: structure-aware fuzzing of every command with hypothesis.

Two generators: arbitrary TOML documents whose shapes and types are wrong (known keys with
wrong types, missing and extra keys, huge numbers, NaN/inf, extreme dates, control
characters, long strings), and near-valid plans (mutations of a valid one). Each document is
fed through loading and every analysis command. The only acceptable outcomes are a result
(exit 0) or tpm's diagnostics (exit 1); an exception escaping a command fails the test, and
the failing document is printed so it can be kept under tests/data/fuzz/ as a regression.

``make fuzz`` runs many more cases (TPM_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpm.cli import COMMANDS, main

EXAMPLES = int(os.environ.get("TPM_FUZZ_EXAMPLES", "0"))
REGRESSIONS = Path(__file__).parent / "data" / "fuzz"

# Every command that analyses a plan, with arguments that keep each run small.
ANALYSES: list[list[str]] = [
    ["check"],
    ["check", "--json"],
    ["schedule", "--json"],
    ["schedule"],
    ["blockers", "--json"],
    ["why", "--json", "{first}"],
    ["forecast", "--runs", "50", "--json"],
    ["risks", "--json"],
    ["risks", "--md"],
    ["kpi", "--json"],
    ["report"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "ics"],
    ["export", "--format", "mermaid"],
    ["export", "--format", "tjp"],
    ["fmt", "--check"],
]


def _available(args: list[str]) -> bool:
    if args[0] not in COMMANDS:
        return False
    if args[0] == "export":
        from tpm.commands import export

        registry = getattr(export, "FORMATS", None)
        return registry is None or args[-1] in registry
    return True


def run_all(text: str, every_command: bool) -> None:
    """Write the document to a file and run the commands on it; fail on any exception."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(text, encoding="utf-8")
        first = _first_id(text)
        commands = [a for a in ANALYSES if _available(a)]
        if not every_command:
            commands = commands[:3]
        for args in commands:
            argv = [args[0], str(path), *(a.replace("{first}", first) for a in args[1:])]
            if args[0] == "fmt":
                argv = ["fmt", "--check", str(path)]
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(argv)
            except SystemExit as exc:  # argparse usage errors are fine only for bad ids
                code = exc.code if isinstance(exc.code, int) else 2
            except Exception as exc:  # the point of the test: nothing may escape
                raise AssertionError(f"tpm {' '.join(argv)} crashed on:\n{text}") from exc
            assert code in (0, 1), (
                f"tpm {' '.join(argv)} exited {code} on:\n{text}\n{err.getvalue()}"
            )
            assert "Traceback" not in err.getvalue()


def _first_id(text: str) -> str:
    import tomllib

    try:
        data = tomllib.loads(text)
        return str(data["milestones"][0]["id"])
    except Exception:
        return "nothing"


# ------------------------------------------------------------------ generators

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(["", "x" * 5000, "a|b`<script>", "é ü 中文 🚀", "\x00\x07\x1b[31m"])
SCALAR = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 5, 100, 10**6, 10**12, 2**63 - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 3, 2)]),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "name",
        "start",
        "duration",
        "depends_on",
        "status",
        "target",
        "amber",
        "probability",
        "impact",
        "affects",
        "measurements",
        "date",
        "value",
        "due",
        "estimate",
        "type",
        "lag",
        "team",
        "teams",
        "workdays",
        "holidays",
        "percent_complete",
        "actual_start",
        "actual_finish",
        "mitigations",
        "as_of",
        "override",
        "rag",
        "expires",
        "optimistic",
        "likely",
        "pessimistic",
        "schedule_impact",
        "risk_bands",
        "low",
    ]
) | TEXT.filter(lambda k: 0 < len(k) < 20)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=12,
)
SECTIONS = st.sampled_from(
    [
        "program",
        "calendar",
        "settings",
        "status",
        "teams",
        "milestones",
        "risks",
        "kpis",
        "decisions",
        "baselines",
    ]
)
DOCUMENT = st.dictionaries(
    SECTIONS | KEYS,
    st.one_of(VALUE, st.lists(st.dictionaries(KEYS, VALUE, max_size=8), max_size=4)),
    max_size=8,
)


def _valid_plan() -> dict[str, Any]:
    return {
        "program": {
            "name": "Fuzz",
            "start": dt.date(2026, 3, 2),
            "target": dt.date(2026, 6, 1),
            "as_of": dt.date(2026, 4, 1),
        },
        "calendar": {"holidays": [dt.date(2026, 4, 3)]},
        "teams": [{"id": "web"}, {"id": "api"}],
        "milestones": [
            {
                "id": "a",
                "title": "A",
                "duration": 5,
                "team": "web",
                "status": "done",
                "actual_start": dt.date(2026, 3, 2),
                "actual_finish": dt.date(2026, 3, 9),
            },
            {
                "id": "b",
                "title": "B",
                "duration": 3.5,
                "team": "api",
                "depends_on": ["a"],
                "status": "in_progress",
                "actual_start": dt.date(2026, 3, 10),
                "percent_complete": 40,
                "estimate": {"optimistic": 2, "likely": 3.5, "pessimistic": 9},
            },
            {
                "id": "c",
                "title": "C",
                "duration": 0,
                "depends_on": [{"id": "b", "type": "SS", "lag": 2}, "a"],
                "due": dt.date(2026, 3, 20),
            },
            {
                "id": "d",
                "title": "D",
                "duration": 8,
                "depends_on": [{"id": "c", "type": "FF", "lag": -1}],
                "status": "blocked",
                "blocked_reason": "vendor",
            },
        ],
        "risks": [
            {
                "id": "r",
                "title": "R",
                "probability": 4,
                "impact": 5,
                "affects": ["d"],
                "schedule_impact": 3,
                "mitigations": [{"id": "m", "action": "do", "due": dt.date(2026, 3, 1)}],
            }
        ],
        "kpis": [
            {
                "id": "k",
                "name": "K",
                "target": 99,
                "amber": 95,
                "measurements": [
                    {"date": dt.date(2026, 3, 2), "value": 97},
                    {"date": dt.date(2026, 3, 9), "value": 90},
                ],
            }
        ],
        "decisions": [{"id": "d1", "title": "T", "status": "needed"}],
    }


PATHS = [
    ("program", "start"),
    ("program", "name"),
    ("program", "target"),
    ("calendar", "workdays"),
    ("milestones", 0, "duration"),
    ("milestones", 1, "depends_on"),
    ("milestones", 2, "id"),
    ("milestones", 3, "status"),
    ("milestones", 1, "estimate"),
    ("milestones", 2, "depends_on"),
    ("milestones", 0, "actual_finish"),
    ("risks", 0, "probability"),
    ("risks", 0, "affects"),
    ("risks", 0, "mitigations"),
    ("kpis", 0, "measurements"),
    ("kpis", 0, "amber"),
    ("kpis", 0, "target"),
    ("milestones",),
    ("risks",),
    ("teams",),
    ("milestones", 1, "team"),
]


@st.composite
def near_valid(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan with a few keys deleted, retyped, set to extremes or cross-linked."""
    plan = _valid_plan()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = plan
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["delete", "replace", "link", "duplicate"]))
        last = path[-1]
        if action == "delete":
            if isinstance(parent, dict):
                parent.pop(last, None)
        elif action == "link":
            parent_ms = plan.get("milestones")
            if isinstance(parent_ms, list) and len(parent_ms) > 1:
                i, j = draw(st.integers(0, 3)), draw(st.integers(0, 3))
                if i < len(parent_ms) and j < len(parent_ms) and isinstance(parent_ms[i], dict):
                    parent_ms[i]["depends_on"] = [parent_ms[j].get("id", "zz")]
        elif action == "duplicate":
            items = plan.get(str(path[0]))
            if isinstance(items, list) and items:
                items.append(copy.deepcopy(items[0]))
        elif isinstance(parent, dict):
            parent[last] = draw(VALUE)
    return plan


def _dump(doc: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return None


FUZZ = settings(
    max_examples=EXAMPLES or 600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not EXAMPLES,
    database=None,
)


@FUZZ
@given(DOCUMENT)
def test_wrong_shapes_never_crash(doc: dict[str, Any]) -> None:
    text = _dump(doc)
    if text is not None:
        run_all(text, every_command=False)


@settings(FUZZ, max_examples=EXAMPLES or 400)
@given(near_valid())
def test_near_valid_plans_never_crash(doc: dict[str, Any]) -> None:
    text = _dump(doc)
    if text is not None:
        run_all(text, every_command=True)


def test_the_unmutated_fuzz_plan_is_valid_so_mutations_start_from_a_real_plan() -> None:
    text = tomli_w.dumps(_valid_plan())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.toml"
        path.write_text(text, encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            assert main(["check", str(path)]) == 0, out.getvalue()


@pytest.mark.parametrize(
    "case", sorted(REGRESSIONS.glob("*.toml")) if REGRESSIONS.is_dir() else [], ids=lambda p: p.name
)
def test_saved_fuzz_regressions_never_crash(case: Path) -> None:
    run_all(case.read_text(encoding="utf-8"), every_command=True)
