"""Property tests: any valid plan survives a save and a load, and saving is idempotent.

Plans are generated from the models' own shapes: random ids, unicode text with quotes,
newlines and backslashes, dates, whole and fractional durations, dependency tables with
lags, risks with mitigations, KPIs with measurements, baselines, and unknown keys of
assorted TOML types at every level (tpm must keep them). The hypothesis profile sets the
number of examples (tests/conftest.py); ``TPM_ROUNDTRIP_EXAMPLES`` overrides it.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tpm.plan.model import (
    MAX_DAYS,
    MAX_VALUE,
    WEEKDAYS,
    Dependency,
    Kpi,
    Measurement,
    Milestone,
    Mitigation,
    Plan,
    Program,
    Risk,
)
from tpm.plan.storage import dumps

EXAMPLES = int(os.environ.get("TPM_ROUNDTRIP_EXAMPLES", settings().max_examples))
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any unicode a TOML file can hold (no surrogates), biased towards the awkward characters.
TEXT = st.text(
    st.one_of(
        st.sampled_from("\"'\\\n\r\t#[]{}=.,é💥"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
)
IDS = st.text(st.sampled_from("abcxyz-_09éü"), min_size=1, max_size=8) | st.from_regex(
    r"\A[a-z][a-z0-9-]{0,12}\Z"
)
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
DAYS = st.integers(0, MAX_DAYS) | st.floats(0, MAX_DAYS, allow_nan=False, allow_infinity=False)
NUMBERS = st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
KPI_VALUES = st.integers(-(10**15), 10**15) | st.floats(-MAX_VALUE, MAX_VALUE)
SCORES = st.integers(1, 5)

SCALARS = st.one_of(
    TEXT,
    NUMBERS,
    st.booleans(),
    DATES,
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)),
    st.times(),
)
EXTRA_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def extras(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Unknown keys for a table of this model: any key name it does not declare."""
    key = TEXT.filter(lambda k: k not in model.model_fields)
    return st.dictionaries(key, EXTRA_VALUES, max_size=2)


def table(model: type[BaseModel], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A dict with each optional field present or absent, plus unknown keys."""
    required = {n for n, info in model.model_fields.items() if info.is_required()}
    optional = {n: s for n, s in fields.items() if n not in required}
    return st.builds(
        lambda req, opt, extra: {**extra, **req, **opt},
        st.fixed_dictionaries({n: fields[n] for n in required}),
        st.fixed_dictionaries({}, optional=optional),
        extras(model),
    )


def estimates() -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(DAYS, min_size=3, max_size=3).map(
        lambda v: dict(zip(("optimistic", "likely", "pessimistic"), sorted(v), strict=True))
    )


DEPENDENCY = IDS | table(
    Dependency,
    id=IDS,
    type=st.sampled_from(["FS", "SS", "FF", "SF"]),
    lag=st.integers(-MAX_DAYS, MAX_DAYS) | st.floats(-MAX_DAYS, MAX_DAYS, allow_nan=False),
)
MILESTONE = table(
    Milestone,
    id=IDS,
    title=TEXT,
    team=IDS,
    owner=TEXT,
    duration=DAYS,
    depends_on=st.lists(DEPENDENCY, max_size=3),
    status=st.sampled_from(["planned", "in_progress", "blocked", "done", "cancelled"]),
    percent_complete=st.integers(0, 100) | st.floats(0, 100),
    actual_start=DATES,
    actual_finish=DATES,
    due=DATES,
    estimate=estimates(),
    blocked_reason=TEXT,
    blocked_since=DATES,
    notes=TEXT,
)
MITIGATION = table(
    Mitigation,
    id=IDS,
    action=TEXT,
    owner=TEXT,
    due=DATES,
    status=st.sampled_from(["todo", "doing", "done", "dropped"]),
    done_on=DATES,
)
RISK = table(
    Risk,
    id=IDS,
    title=TEXT,
    description=TEXT,
    probability=SCORES,
    impact=SCORES,
    status=st.sampled_from(["open", "mitigating", "accepted", "closed", "occurred"]),
    response=st.sampled_from(["avoid", "mitigate", "transfer", "accept", "escalate"]),
    affects=st.lists(IDS, max_size=3),
    schedule_impact=DAYS,
    last_reviewed=DATES,
    residual_probability=SCORES,
    mitigations=st.lists(MITIGATION, max_size=3),
)
KPI = table(
    Kpi,
    id=IDS,
    name=TEXT,
    unit=TEXT,
    direction=st.sampled_from(["higher_is_better", "lower_is_better"]),
    target=KPI_VALUES,
    amber=KPI_VALUES,
    baseline=KPI_VALUES,
    cadence_days=st.integers(1, 365),
    measurements=st.lists(table(Measurement, date=DATES, value=KPI_VALUES, note=TEXT), max_size=4),
)
PLAN = st.builds(
    lambda program, optional, extra: {**extra, "program": program, **optional},
    table(Program, name=TEXT, objective=TEXT, owner=TEXT, start=DATES, target=DATES, as_of=DATES),
    st.fixed_dictionaries(
        {},
        optional={
            "calendar": st.fixed_dictionaries(
                {},
                optional={
                    "workdays": st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7),
                    "holidays": st.lists(DATES, max_size=4),
                },
            ),
            "settings": st.fixed_dictionaries(
                {},
                optional={
                    "near_critical_days": DAYS,
                    "probability_percent": st.lists(st.integers(0, 100), min_size=5, max_size=5),
                    "risk_bands": st.lists(
                        st.integers(1, 25), min_size=3, max_size=3, unique=True
                    ).map(lambda v: dict(zip(("low", "medium", "high"), sorted(v), strict=True))),
                },
            ),
            "status": st.fixed_dictionaries(
                {},
                optional={
                    "override": st.fixed_dictionaries(
                        {
                            "rag": st.sampled_from(["green", "amber", "red"]),
                            "reason": TEXT,
                            "expires": DATES,
                        }
                    )
                },
            ),
            "teams": st.lists(st.fixed_dictionaries({"id": IDS}, optional={"lead": TEXT})),
            "milestones": st.lists(MILESTONE, max_size=4),
            "risks": st.lists(RISK, max_size=3),
            "kpis": st.lists(KPI, max_size=2),
            "decisions": st.lists(
                st.fixed_dictionaries(
                    {"id": IDS},
                    optional={"date": DATES, "rationale": TEXT, "links": st.lists(TEXT)},
                ),
                max_size=2,
            ),
            "baselines": st.lists(
                st.fixed_dictionaries(
                    {
                        "name": TEXT,
                        "recorded": DATES,
                        "finish": DATES,
                        "milestones": st.lists(
                            st.fixed_dictionaries({"id": IDS, "start": DATES, "finish": DATES}),
                            max_size=2,
                        ),
                    }
                ),
                max_size=2,
            ),
        },
    ),
    extras(Plan),
).map(Plan.model_validate)


@PROFILE
@given(PLAN)
def test_save_then_load_gives_the_same_plan_and_saving_is_idempotent(plan: Plan) -> None:
    text = dumps(plan)
    loaded = Plan.model_validate(tomllib.loads(text))
    assert loaded == plan
    assert dumps(loaded) == text  # byte for byte: a second save changes nothing
    assert loaded.model_dump() == plan.model_dump()  # extra keys included, in every item
