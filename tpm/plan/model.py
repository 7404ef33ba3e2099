"""The plan: pydantic models for one program, as stored in ``plans/<name>.toml``.

These models are the single source of the plan format. Every field carries a description;
docs/reference/plan-format.md and ``tpm schema`` are generated from them. Unknown keys are
kept (``extra="allow"``) so that a save never drops data a user wrote, and ``tpm check``
warns about them in case they are typos.

Values are validated strictly: TOML already gives native types, so a string where a number
belongs is an error rather than a silent conversion that would rewrite the file on save.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MilestoneStatus = Literal["planned", "in_progress", "blocked", "done", "cancelled"]
RiskStatus = Literal["open", "mitigating", "accepted", "closed", "occurred"]
RiskResponse = Literal["avoid", "mitigate", "transfer", "accept", "escalate"]
MitigationStatus = Literal["todo", "doing", "done", "dropped"]
LinkType = Literal["FS", "SS", "FF", "SF"]
Direction = Literal["higher_is_better", "lower_is_better"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DecisionStatus = Literal["decided", "needed"]
Rag = Literal["green", "amber", "red"]

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Bounds keep every date computation inside Python's date range (year 1..9999).
MAX_DAYS = 100_000
WorkDays = Annotated[float | int, Field(ge=0, le=MAX_DAYS, allow_inf_nan=False)]
Lag = Annotated[float | int, Field(ge=-MAX_DAYS, le=MAX_DAYS, allow_inf_nan=False)]
Score = Annotated[int, Field(ge=1, le=5)]
Percent = Annotated[float | int, Field(ge=0, le=100, allow_inf_nan=False)]
# KPI values: within +-1e15 (a quadrillion, beyond any real KPI even in cents), so that the
# differences, trends and percentages computed from them stay finite.
MAX_VALUE = 1e15
Value = Annotated[float | int, Field(ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False)]


class Item(BaseModel):
    """Base for every table in a plan: strict types, unknown keys kept."""

    model_config = ConfigDict(extra="allow", strict=True, validate_assignment=True)


class Program(Item):
    """The ``[program]`` table: what the program is and when it runs."""

    name: str = Field(description="Program name, shown in every report title.")
    objective: str = Field("", description="One or two sentences: what the program delivers.")
    owner: str = Field("", description="The TPM who owns the program end to end.")
    start: dt.date = Field(description="First day of the program (TOML date).")
    target: dt.date | None = Field(None, description="Deadline for the whole program.")
    as_of: dt.date | None = Field(
        None, description="Status date for analyses; defaults to today; --as-of overrides it."
    )


class Calendar(Item):
    """The ``[calendar]`` table: which days are working days."""

    workdays: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]),
        description="Working weekdays, from mon tue wed thu fri sat sun.",
    )
    holidays: list[dt.date] = Field(
        default_factory=list, description="Non-working dates (public holidays, shutdowns)."
    )

    @field_validator("workdays")
    @classmethod
    def _some_workdays(cls, value: list[Weekday]) -> list[Weekday]:
        if not value:
            raise ValueError("at least one working weekday is needed")
        return value


class RiskBands(Item):
    """Upper score edges of the risk bands; scores above ``high`` are critical."""

    low: int = Field(4, ge=1, le=25, description="Highest score that is still low.")
    medium: int = Field(9, ge=1, le=25, description="Highest score that is still medium.")
    high: int = Field(15, ge=1, le=25, description="Highest score that is still high.")

    @model_validator(mode="after")
    def _ordered(self) -> RiskBands:
        if not self.low < self.medium < self.high:
            raise ValueError("band edges must rise: low < medium < high")
        return self


def _default_probability_percent() -> list[int]:
    return [10, 30, 50, 70, 90]


class Settings(Item):
    """The ``[settings]`` table: thresholds that tune the analyses."""

    near_critical_days: WorkDays = Field(
        5, description="A milestone with total float at or below this is near-critical."
    )
    review_cadence_days: int = Field(
        14, ge=1, description="A risk not reviewed within this many days is stale."
    )
    risk_bands: RiskBands = Field(
        default_factory=RiskBands, description="Score edges of low/medium/high/critical."
    )
    probability_percent: list[Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=_default_probability_percent,
        min_length=5,
        max_length=5,
        description="Chance in percent that a risk of probability 1..5 occurs (forecast).",
    )
    kpi_trend_points: int = Field(
        6, ge=2, description="How many recent measurements a KPI trend is fitted over."
    )
    report_period_days: int = Field(
        7,
        ge=1,
        le=366,
        description="Days a status report covers: the previous report is the plan as "
        "committed this many days before the status date.",
    )
    current_baseline: str | None = Field(
        None,
        description="Name of the baseline variance is measured against; default: the "
        "latest recorded one.",
    )
    progress_logic: Literal["retained", "override"] = Field(
        "retained",
        description="Work that started out of sequence: retained (its remaining work still "
        "waits for its FS and SS predecessors, P6's default) or override (progress "
        "overrides those links). FF and SF links hold its finish either way.",
    )


class Override(Item):
    """A manual RAG override: allowed only with a reason and an expiry date."""

    rag: Rag = Field(description="The colour to report: green, amber or red.")
    reason: str = Field(description="Why the computed colour is overridden.")
    expires: dt.date = Field(description="Last day the override applies.")


class StatusRules(Item):
    """The ``[status]`` table: thresholds of the RAG rules, and an optional override."""

    schedule_amber_margin_days: WorkDays = Field(
        5, description="Schedule is amber when the margin to target is below this."
    )
    blockers_red_count: int = Field(
        3, ge=1, description="Blockers are red at this many blocked critical milestones."
    )
    kpi_red_streak: int = Field(
        2, ge=1, description="KPIs are red when one is red for this many measurements running."
    )
    blocker_amber_age_days: int = Field(
        10, ge=0, description="Blockers are amber when one is older than this many calendar days."
    )
    override: Override | None = Field(None, description="Manual override of the overall RAG.")


class Team(Item):
    """A ``[[teams]]`` entry."""

    id: str = Field(description="Unique slug that milestones refer to.")
    name: str = Field("", description="Display name.")
    lead: str = Field("", description="Who leads the team.")


class Dependency(Item):
    """A link from a predecessor, written as a plain id (FS, no lag) or a table."""

    id: str = Field(description="The predecessor milestone id.")
    type: LinkType = Field("FS", description="FS finish-to-start, SS start-to-start, FF, SF.")
    lag: Lag = Field(0, description="Working days between the linked dates; negative = lead.")


class Estimate(Item):
    """A three-point estimate in working days, used by the Monte Carlo forecast."""

    optimistic: WorkDays = Field(description="Best case.")
    likely: WorkDays = Field(description="Most likely case.")
    pessimistic: WorkDays = Field(description="Worst case.")

    @model_validator(mode="after")
    def _ordered(self) -> Estimate:
        if not self.optimistic <= self.likely <= self.pessimistic:
            raise ValueError("needs optimistic <= likely <= pessimistic")
        return self


class Milestone(Item):
    """A ``[[milestones]]`` entry: a deliverable with a duration and dependencies."""

    id: str = Field(description="Unique slug, required.")
    title: str = Field(description="What is delivered, required.")
    team: str = Field("", description="Team id; must name a declared team when teams exist.")
    owner: str = Field("", description="Who is accountable.")
    duration: WorkDays = Field(description="Working days; 0 makes an event milestone.")
    depends_on: list[Dependency] = Field(
        default_factory=list,
        description="Predecessors: ids (finish-to-start) or {id, type, lag} tables.",
    )
    status: MilestoneStatus = Field(
        "planned", description="planned, in_progress, blocked, done or cancelled."
    )
    percent_complete: Percent = Field(0, description="Progress, 0..100.")
    actual_start: dt.date | None = Field(None, description="Day work really started.")
    actual_finish: dt.date | None = Field(None, description="Day work really finished.")
    due: dt.date | None = Field(None, description="Deadline for this milestone.")
    estimate: Estimate | None = Field(None, description="Three-point estimate for the forecast.")
    blocked_reason: str = Field("", description="Required when status is blocked.")
    blocked_since: dt.date | None = Field(None, description="Day it became blocked (ages it).")
    notes: str = Field("", description="Free text: context, links, what changed and why.")

    @field_validator("depends_on", mode="before")
    @classmethod
    def _plain_ids(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value


class Mitigation(Item):
    """A ``[[risks.mitigations]]`` entry: an action that lowers a risk."""

    id: str = Field(description="Slug, unique within the plan's mitigations.")
    action: str = Field("", description="What will be done.")
    owner: str = Field("", description="Who does it.")
    due: dt.date | None = Field(None, description="When it must be done.")
    status: MitigationStatus = Field("todo", description="todo, doing, done or dropped.")
    done_on: dt.date | None = Field(None, description="Day it was done.")


class Risk(Item):
    """A ``[[risks]]`` entry of the risk register."""

    id: str = Field(description="Unique slug, required.")
    title: str = Field(description="Short name, required.")
    description: str = Field("", description="Cause, event and effect.")
    category: str = Field("", description="Free category, e.g. technical, vendor, regulatory.")
    owner: str = Field("", description="Who watches and drives it.")
    probability: Score = Field(description="1 (rare) .. 5 (almost certain).")
    impact: Score = Field(description="1 (minor) .. 5 (severe).")
    status: RiskStatus = Field("open", description="open, mitigating, accepted, closed, occurred.")
    response: RiskResponse | None = Field(
        None, description="avoid, mitigate, transfer, accept or escalate."
    )
    trigger: str = Field("", description="The early sign that it is happening.")
    affects: list[str] = Field(default_factory=list, description="Milestone ids it would hit.")
    schedule_impact: WorkDays = Field(0, description="Working days of slip if it occurs.")
    proximity: dt.date | None = Field(None, description="When it could occur.")
    raised: dt.date | None = Field(None, description="Day it was raised.")
    last_reviewed: dt.date | None = Field(None, description="Day it was last reviewed.")
    residual_probability: Score | None = Field(None, description="Probability after mitigation.")
    residual_impact: Score | None = Field(None, description="Impact after mitigation.")
    follow_up: str = Field("", description="What was done once it occurred (issue, action).")
    mitigations: list[Mitigation] = Field(
        default_factory=list, description="Actions that lower it."
    )


class Measurement(Item):
    """One KPI measurement."""

    date: dt.date = Field(description="Day of the measurement.")
    value: Value = Field(description="Measured value, in the KPI's unit.")
    note: str = Field("", description="Context for the number.")


class Kpi(Item):
    """A ``[[kpis]]`` entry: a number the program is accountable for."""

    id: str = Field(description="Unique slug, required.")
    name: str = Field(description="Display name, required.")
    unit: str = Field("", description="Unit shown after values, e.g. % or ms.")
    owner: str = Field("", description="Who reports it.")
    direction: Direction = Field(
        "higher_is_better", description="higher_is_better or lower_is_better."
    )
    target: Value = Field(description="Green at or beyond this, required.")
    amber: Value | None = Field(
        None, description="Threshold between amber and red; absent means no amber band."
    )
    baseline: Value | None = Field(None, description="Value before the program started.")
    cadence_days: int = Field(7, ge=1, description="Stale when no measurement in this many days.")
    measurements: list[Measurement] = Field(default_factory=list, description="History.")


class Decision(Item):
    """A ``[[decisions]]`` entry of the RAID decisions log, or an open ask."""

    id: str = Field(description="Unique slug.")
    date: dt.date | None = Field(None, description="Day it was decided (or asked).")
    title: str = Field("", description="What was decided or needs deciding.")
    decided_by: str = Field("", description="Who decided (or who must decide, for an ask).")
    rationale: str = Field("", description="Why.")
    links: list[str] = Field(default_factory=list, description="Related ids or URLs.")
    status: DecisionStatus = Field(
        "decided", description="decided, or needed for an open ask in the report."
    )
    needed_by: dt.date | None = Field(None, description="For an ask: when it must be decided.")


class BaselineEntry(Item):
    """One milestone's dates in a baseline."""

    id: str = Field(description="Milestone id.")
    start: dt.date = Field(description="Forecast start when the baseline was taken.")
    finish: dt.date = Field(description="Forecast finish when the baseline was taken.")


class Baseline(Item):
    """A ``[[baselines]]`` entry: the forecast recorded by ``tpm baseline``."""

    name: str = Field(description="Unique name, e.g. the date or 'kickoff'.")
    recorded: dt.date = Field(description="Status date it was recorded on.")
    finish: dt.date = Field(description="Program forecast finish at that time.")
    milestones: list[BaselineEntry] = Field(default_factory=list, description="Per milestone.")


class SnapshotMilestone(Item):
    """One key milestone's forecast finish in a snapshot."""

    id: str = Field(description="Milestone id.")
    finish: dt.date = Field(description="Its forecast finish on the snapshot's date.")


class Snapshot(Item):
    """A ``[[snapshots]]`` entry: what one status report said, recorded by ``--record``."""

    date: dt.date = Field(description="Status date of the report.")
    rag: Rag = Field(description="Overall RAG reported.")
    schedule: Rag | None = Field(None, description="Schedule area RAG.")
    risks: Rag | None = Field(None, description="Risks area RAG.")
    kpis: Rag | None = Field(None, description="KPIs area RAG.")
    blockers: Rag | None = Field(None, description="Blockers area RAG.")
    finish: dt.date | None = Field(None, description="Program forecast finish.")
    p80: dt.date | None = Field(None, description="Monte Carlo P80 of the program finish.")
    milestones: list[SnapshotMilestone] = Field(
        default_factory=list, description="Key milestones' forecast finish."
    )


class Plan(Item):
    """A whole program plan: one TOML file."""

    program: Program = Field(description="What the program is and when it runs.")
    calendar: Calendar = Field(default_factory=Calendar, description="Working days.")
    settings: Settings = Field(default_factory=Settings, description="Analysis thresholds.")
    status: StatusRules = Field(default_factory=StatusRules, description="RAG rule thresholds.")
    teams: list[Team] = Field(default_factory=list, description="Teams doing the work.")
    milestones: list[Milestone] = Field(default_factory=list, description="The schedule.")
    risks: list[Risk] = Field(default_factory=list, description="The risk register.")
    kpis: list[Kpi] = Field(default_factory=list, description="Accountability numbers.")
    decisions: list[Decision] = Field(default_factory=list, description="Decisions and asks.")
    baselines: list[Baseline] = Field(default_factory=list, description="Recorded forecasts.")
    snapshots: list[Snapshot] = Field(
        default_factory=list, description="What past status reports said (slip trend)."
    )

    def milestone(self, milestone_id: str) -> Milestone | None:
        """Return the milestone with this id, or None."""
        for m in self.milestones:
            if m.id == milestone_id:
                return m
        return None
