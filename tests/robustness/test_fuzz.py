"""Bad input never crashes: structure-aware fuzzing of every command with hypothesis.

Two generators: arbitrary TOML documents whose shapes and types are wrong (known keys with
wrong types, missing and extra keys, huge numbers, NaN/inf, extreme dates, control
characters, long strings), and near-valid plans (a valid plan with a few nodes deleted,
retyped, set to type-correct extremes, duplicated or cross-linked). The only acceptable
outcomes are a result (exit 0) or tpm's diagnostics (exit 1); an exception escaping a command,
or the CLI's last-resort "internal error" (exit 3), fails the test and prints the document so
it can be kept under tests/data/fuzz/ as a regression. Every ``--json`` output (and ``export
--format json``) must also parse as strict RFC 8259 JSON: no NaN or Infinity.

Cost control (make test must stay under three minutes on two cores): a document that
does not load is refused the same way by every command, so it runs ``check`` and one analysis
(rotated by the document's hash, so all of them get exercised); a document that loads runs
every command, including the writing ones. ``make fuzz`` runs many more cases
(TPM_FUZZ_EXAMPLES, split between the two generators). The hypothesis profile (tests/conftest.py)
decides whether the cases are new every run (dev, fuzz) or the same (ci). The figures are
printed at the end.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import os
import re
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpm.cli import COMMANDS, main

# Total cases for both generators (make fuzz: 20,000). The defaults cost about 13 CPU seconds
# (30 to 40 ms a case, two thirds of it hypothesis drawing the document); make test draws new
# cases every run (the dev profile), so many runs cover more than one long run would, and the
# ci profile replays the same ones, so more of them would only re-check the same documents.
EXAMPLES = int(os.environ.get("TPM_FUZZ_EXAMPLES", "0"))
WRONG_SHARE = 0.6
DEFAULT_WRONG, DEFAULT_NEAR, DEFAULT_CONTROLS = 250, 125, 20
REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "fuzz"

# Every command that reads a plan, with arguments that keep each run small. The ones after
# the read-only block write to the (temporary) plan file, so they run last.
ANALYSES: list[list[str]] = [
    ["check"],
    ["check", "--json"],
    ["schedule", "--json"],
    ["schedule"],
    ["blockers", "--json"],
    ["blockers"],
    ["why", "--json", "{first}"],
    ["why", "{first}"],
    ["forecast", "--runs", "50", "--json"],
    ["forecast", "--runs", "20"],
    ["risks"],
    ["risks", "--json"],
    ["risks", "--md"],
    ["kpi"],
    ["kpi", "--json"],
    ["report"],
    ["report", "--since", "{base}"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "ics"],
    ["export", "--format", "mermaid"],
    ["export", "--format", "tjp"],
    ["fmt", "--check"],
]
WRITERS: list[list[str]] = [
    ["kpi", "record", "{first_kpi}", "1.5", "--date", "2026-04-02"],
    ["baseline", "--name", "fuzz"],
    ["fmt", "--force"],
]

FIGURES: Counter[str] = Counter()
# C0 except tab/newline/CRLF, DEL, C1, bidi embeddings, overrides and isolates.
TERMINAL_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)


def _available(args: list[str]) -> bool:
    if args[0] not in COMMANDS:
        return False
    if args[0] == "export":
        from tpm.commands import export

        registry = getattr(export, "FORMATS", None)
        return registry is None or args[-1] in registry
    return True


def _argv(args: list[str], path: Path, ids: dict[str, str]) -> list[str]:
    rest = [a.format(**ids) for a in args[1:]]
    if args[0] == "fmt":
        return ["fmt", *rest, str(path)]
    if args[:2] == ["kpi", "record"]:
        return ["kpi", "record", str(path), *rest[1:]]
    return [args[0], str(path), *rest]


def _run_one(argv: list[str], text: str) -> int:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as exc:  # argparse usage errors (an id that looks like an option)
        code = exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:  # the point of the test: nothing may escape
        raise AssertionError(f"tpm {' '.join(argv[:1] + argv[2:])} crashed on:\n{text}") from exc
    FIGURES["commands"] += 1
    assert code in (0, 1) or (code == 2 and argv[0] == "why"), (
        f"tpm {' '.join(argv[:1] + argv[2:])} exited {code} on:\n{text}\n{err.getvalue()}"
    )
    assert "Traceback" not in err.getvalue()
    # Nothing a terminal would act on reaches it (export's data formats to a pipe are exact
    # bytes by design, and this run's stdout is not a terminal).
    if argv[0] != "export":
        assert TERMINAL_CONTROL.search(out.getvalue()) is None, (argv, text)
    assert TERMINAL_CONTROL.search(err.getvalue()) is None, (argv, text)
    # Every JSON output is RFC 8259 JSON (no NaN or Infinity), whatever the plan holds.
    if ("--json" in argv or argv[-2:] == ["--format", "json"]) and out.getvalue().strip():
        try:
            json.loads(out.getvalue(), parse_constant=_not_json)
        except ValueError as exc:
            raise AssertionError(f"tpm {' '.join(argv[:1] + argv[2:])}: {exc} on:\n{text}") from exc
    return code


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def run_all(text: str, mode: str = "every") -> None:
    """Write the document to a file and run commands on it; fail on any exception.

    ``check`` runs first. ``mode`` "every" then runs every command; "loaded" runs every
    command only when the plan loads (a plan with errors is refused the same way by all of
    them) and else one more; "one" always runs a single further command. The one command is
    picked by the document's hash, so across cases all of them are exercised.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(text, encoding="utf-8")
        ids = _first_ids(text)
        # "Changes since" compares with the unmutated plan (also a file, as --since allows).
        ids["base"] = str(Path(folder) / "base.toml")
        Path(ids["base"]).write_text(tomli_w.dumps(_valid_plan()), encoding="utf-8")
        commands = [a for a in ANALYSES if _available(a)]
        loads = _run_one(_argv(commands[0], path, ids), text) == 0
        FIGURES["loaded" if loads else "refused"] += 1
        if mode == "one" or (mode == "loaded" and not loads):
            pick = 1 + zlib.crc32(text.encode("utf-8", "surrogatepass")) % (len(commands) - 1)
            commands = [commands[pick]]
        else:
            commands = commands[1:] + [a for a in WRITERS if _available(a)]
        for args in commands:
            _run_one(_argv(args, path, ids), text)


def _first_ids(text: str) -> dict[str, str]:
    import tomllib

    found = {"first": "nothing", "first_kpi": "nothing"}
    with contextlib.suppress(Exception):
        data = tomllib.loads(text)
        for key, section in (("first", "milestones"), ("first_kpi", "kpis")):
            with contextlib.suppress(Exception):
                found[key] = str(data[section][0]["id"])
    # An id starting with "-" would be read as an option; "--" ends the options.
    return {k: v if not v.startswith("-") else "nothing" for k, v in found.items()}


# ------------------------------------------------------------------ generators

HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "a|b`<script>alert(1)</script>",
    "é ü 中文 🚀",
    "\x00\x07\x1b[31m",
    "line\nbreak\r\n",
    "=cmd|' /C calc'!A0",
    "%%{init}%%",
    "section :x;#",
    "-flag",
    "\u2028\ufeff\u200b",
]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(HOSTILE)
EXTREME_DATES = [dt.date(1, 1, 1), dt.date(1, 1, 3), dt.date(9999, 12, 31), dt.date(9999, 12, 1)]
NUMBERS = [0, 1, -1, 0.5, 1e-9, 5, 100, 100.0, 99999.5, 100_000, -100_000, 10**6, 2**63 - 1]
SCALAR = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from(NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from([*EXTREME_DATES, dt.date(2026, 3, 2)]),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.times(),
)
# Values of the right type at the edges of what the model allows (these reach the analyses).
EXTREME = st.one_of(
    st.sampled_from(EXTREME_DATES),
    st.sampled_from([n for n in NUMBERS if abs(n) <= 100_000]),
    st.sampled_from(["", "x", "a", "b", "zz", "web", "k", "d", "r", *HOSTILE[1:6]]),
    st.sampled_from(["FS", "SS", "FF", "SF", "done", "blocked", "in_progress", "cancelled"]),
    st.sampled_from([["sun"], ["sat", "sun"], [], [dt.date(2026, 4, 2)], ["a", "a"], ["b"]]),
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
        "baseline",
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
        "blocked_since",
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
        "probability_percent",
        "milestones",
        "recorded",
        "finish",
        "needed_by",
    ]
) | TEXT.filter(lambda k: 0 < len(k) < 20)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=6,
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
# Small documents: generation, not tpm, dominates the cost of a large one, and shape bugs
# show up in a few keys.
RAW_DOCUMENT = st.dictionaries(
    SECTIONS | KEYS,
    st.one_of(VALUE, st.lists(st.dictionaries(KEYS, VALUE, max_size=5), max_size=3)),
    max_size=5,
)
VALID_PROGRAM = {"name": "Fuzz", "start": dt.date(2026, 3, 2), "as_of": dt.date(2026, 4, 1)}
# Half of the documents get a valid [program], so the checks of the other sections run too.
DOCUMENT = st.tuples(RAW_DOCUMENT, st.booleans()).map(
    lambda t: {**t[0], "program": dict(VALID_PROGRAM)} if t[1] else t[0]
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
        "settings": {"near_critical_days": 2, "kpi_trend_points": 3},
        "status": {
            "override": {"rag": "amber", "reason": "r", "expires": dt.date(2026, 5, 1)},
        },
        "teams": [{"id": "web", "name": "Web"}, {"id": "api"}],
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
                "blocked_since": dt.date(2026, 3, 25),
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
                "last_reviewed": dt.date(2026, 3, 1),
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
                    {"date": dt.date(2026, 3, 16), "value": 91.5},
                ],
            }
        ],
        "decisions": [
            {"id": "d1", "title": "T", "status": "needed", "needed_by": dt.date(2026, 4, 8)}
        ],
        "baselines": [
            {
                "name": "kickoff",
                "recorded": dt.date(2026, 3, 2),
                "finish": dt.date(2026, 4, 20),
                "milestones": [
                    {"id": "a", "start": dt.date(2026, 3, 2), "finish": dt.date(2026, 3, 6)},
                    {"id": "d", "start": dt.date(2026, 3, 30), "finish": dt.date(2026, 4, 8)},
                ],
            }
        ],
    }


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return sorted(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


@st.composite
def near_valid(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan with a few nodes deleted, retyped, set to extremes or cross-linked.

    Each mutation walks from the root to a random node of the current document (so earlier
    deletions are respected) and changes it.
    """
    plan = _valid_plan()
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        parent: Any = plan
        key: Any = draw(st.sampled_from(_children(plan)))
        for _depth in range(draw(st.integers(0, 3))):
            below = _children(parent[key])
            if not below:
                break
            parent, key = parent[key], draw(st.sampled_from(below))
        action = draw(
            st.sampled_from(["delete", "replace", "extreme", "extreme", "link", "duplicate", "add"])
        )
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = copy.deepcopy(draw(VALUE))
        elif action == "extreme":
            parent[key] = copy.deepcopy(draw(EXTREME))
        elif action == "add" and isinstance(parent[key], dict):
            parent[key][draw(KEYS)] = copy.deepcopy(draw(VALUE | EXTREME))
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "link":
            milestones = plan.get("milestones")
            if isinstance(milestones, list) and milestones:
                i = draw(st.integers(0, len(milestones) - 1))
                j = draw(st.integers(0, len(milestones) - 1))
                if isinstance(milestones[i], dict) and isinstance(milestones[j], dict):
                    target = milestones[j].get("id", "zz")
                    link = draw(st.sampled_from(["plain", "table"]))
                    dep = target if link == "plain" else {"id": target, "type": "SF", "lag": -3}
                    milestones[i]["depends_on"] = [dep]
        if not plan:
            break
    return plan


def _dump(doc: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return None


def _share(default: int, share: float) -> int:
    return max(1, int(EXAMPLES * share)) if EXAMPLES else default


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def figures(capsys: pytest.CaptureFixture[str]) -> Iterator[Counter[str]]:
    """Reset the counters; print them (past pytest's capture) when the test passes."""
    FIGURES.clear()
    yield FIGURES
    with capsys.disabled():
        print(
            f"\nfuzz: {FIGURES['cases']} cases ({FIGURES['loaded']} loaded, "
            f"{FIGURES['refused']} refused with diagnostics), {FIGURES['commands']} command "
            "runs, 0 crashes"
        )


@settings(FUZZ, max_examples=_share(DEFAULT_WRONG, WRONG_SHARE))
@given(DOCUMENT)
def _wrong_shapes(doc: dict[str, Any]) -> None:
    text = _dump(doc)
    if text is not None:
        FIGURES["cases"] += 1
        run_all(text, mode="one")


@settings(FUZZ, max_examples=_share(DEFAULT_NEAR, 1 - WRONG_SHARE))
@given(near_valid())
def _near_valid(doc: dict[str, Any]) -> None:
    text = _dump(doc)
    if text is not None:
        FIGURES["cases"] += 1
        run_all(text, mode="loaded")


def test_wrong_shapes_never_crash(figures: Counter[str]) -> None:
    _wrong_shapes()
    assert figures["cases"] >= _share(DEFAULT_WRONG, WRONG_SHARE) // 2


def test_near_valid_plans_never_crash(figures: Counter[str]) -> None:
    _near_valid()
    assert figures["cases"] >= _share(DEFAULT_NEAR, 1 - WRONG_SHARE) // 2
    # Mutations must leave many plans valid, or the analyses would never be reached.
    assert figures["loaded"] >= figures["cases"] // 5


def test_the_unmutated_fuzz_plan_is_valid_so_mutations_start_from_a_real_plan() -> None:
    text = tomli_w.dumps(_valid_plan())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.toml"
        path.write_text(text, encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            assert main(["check", str(path)]) == 0, out.getvalue()
            assert main(["forecast", str(path), "--runs", "20"]) == 0, out.getvalue()


@pytest.mark.parametrize(
    "case", sorted(REGRESSIONS.glob("*.toml")) if REGRESSIONS.is_dir() else [], ids=lambda p: p.name
)
def test_saved_fuzz_regressions_never_crash(case: Path) -> None:
    run_all(case.read_text(encoding="utf-8"), mode="every")


@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-01-03", "9999-12-25", "9999-12-31"])
def test_status_dates_at_the_ends_of_the_calendar_never_crash(as_of: str) -> None:
    """--as-of near the years 1 and 9999: a result or a one-line error, never an overflow."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(tomli_w.dumps(_valid_plan()), encoding="utf-8")
        ids = {"first": "a", "first_kpi": "k", "base": str(path)}
        for args in ANALYSES[2:] + WRITERS[:2]:
            if _available(args) and args[0] not in ("fmt",):
                argv = _argv(args, path, ids)
                argv += ["--as-of", as_of] if args[:2] != ["kpi", "record"] else []
                _run_one(argv, f"--as-of {as_of}")


# ------------------------------------------------------------------ control characters everywhere

CONTROL_CHARS = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]] + [
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]8;;http://evil/\x1b\\",
    "\x9b31m",
    "\u202e",
    "\u2066",
]
CONTROL_TEXT = st.lists(st.sampled_from(CONTROL_CHARS), min_size=1, max_size=4).map("".join)
# Keys whose strings are keywords (an enum); the rest of the plan's strings are free text.
_KEYWORD_KEYS = {"status", "type", "rag", "direction"}


def _strings_of(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, str) and key not in _KEYWORD_KEYS:
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings_of(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings_of(v, key)


def _replace_strings(value: Any, new: dict[str, str], key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in _KEYWORD_KEYS else new.get(value, value)
    if isinstance(value, dict):
        return {k: _replace_strings(v, new, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_strings(v, new, key) for v in value]
    return value


@st.composite
def with_controls(draw: st.DrawFn) -> dict[str, Any]:
    """The valid plan with control characters spliced into every free-text string.

    Each distinct string is changed the same way everywhere (an id and its references stay
    equal), so most documents still load and reach every command's output.
    """
    doc = _valid_plan()
    new = {}
    for text in sorted(set(_strings_of(doc))):
        ctl = draw(CONTROL_TEXT)
        at = draw(st.integers(0, len(text)))
        new[text] = text[:at] + ctl + text[at:]
    return cast(dict[str, Any], _replace_strings(doc, new))


@settings(FUZZ, max_examples=_share(DEFAULT_CONTROLS, 0.05))
@given(with_controls())
def _controls(doc: dict[str, Any]) -> None:
    text = _dump(doc)
    if text is not None:
        FIGURES["cases"] += 1
        run_all(text, mode="every")


def test_terminal_control_in_every_string_never_reaches_the_terminal(
    figures: Counter[str],
) -> None:
    _controls()
    assert figures["cases"] >= _share(DEFAULT_CONTROLS, 0.05) // 2
    assert figures["loaded"] >= figures["cases"] // 2, "the control characters broke the plans"
