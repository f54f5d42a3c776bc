from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class VersionInForceOut(Schema):
    org_path: str
    unit: str
    version: int | None
    effective_from: date | None


class ProcessOut(Schema):
    code: str = Field(description="the process code: its case kind, e.g. claims.claim")
    name: str
    states: dict[str, str]
    initial: str
    final: list[str]
    steps: list[dict[str, str | list[str]]]
    owner_role: str = Field("", description="the role owning the process (2.1.1), '' if not set")
    customers: str = ""
    channels: str = ""
    versions_in_force: list[VersionInForceOut] = Field(
        default_factory=list,
        description="the version in force today for the whole insurer ('' path) and each unit "
        "with a version of its own (null: none published)",
    )


class DurationOut(Schema):
    """Seconds; median and p90 by linear interpolation (percentile_cont)."""

    mean: float
    median: float
    p90: float


class NodeOut(Schema):
    activity: str
    label: str
    frequency: int
    cases: int


class EdgeOut(Schema):
    source: str
    target: str
    source_label: str
    target_label: str
    frequency: int
    cases: int
    calendar: DurationOut | None = Field(description="calendar time; none on start/end edges")
    working: DurationOut | None = Field(description="working time on the official calendar")


class VariantOut(Schema):
    activities: list[str]
    labels: list[str]
    cases: int
    share: float
    calendar: DurationOut
    working: DurationOut


class WaitingOut(Schema):
    activity: str
    label: str
    count: int
    suspended: bool = Field(
        description="the wait ran while the step's clock was suspended (the customer's or a "
        "third party's time): left out when the slowest step is chosen"
    )
    calendar: DurationOut
    working: DurationOut


class ReworkOut(Schema):
    activity: str
    label: str
    cases: int
    repeats: int


class DeviationOut(Schema):
    activity: str
    label: str
    kind: str = Field(description="unknown_activity | skipped | not_allowed | wrong_target")
    replay_state: str = Field(description="where the designed process had the case")
    replay_state_label: str
    count: int
    cases: int


class ConformanceOut(Schema):
    fitness: float | None = Field(description="fitting moves ÷ moves on replay against the design")
    fitting_cases: int
    cases: int
    deviations: list[DeviationOut]


class BranchOut(Schema):
    org_path: str
    count: int
    calendar: DurationOut
    working: DurationOut


class HotspotOut(Schema):
    """A step slow at one unit against the same step elsewhere in the subtree (a located
    bottleneck): units at city level, or directly below a chosen city or outlet."""

    activity: str
    label: str
    org_path: str = Field(description="the unit compared")
    count: int
    calendar: DurationOut = Field(description="the waiting before the step at the unit")
    working: DurationOut
    others_count: int = Field(description="waits before the same step in the rest of the subtree")
    others_mean: float = Field(description="their mean, calendar seconds")
    excess: float = Field(
        description="case-seconds: the unit's total waiting − its count × others_mean; most first"
    )


class TopStepOut(Schema):
    """The slowest of the insurer's own steps (the first bottleneck not waiting on the customer)
    compared across the units directly below."""

    activity: str
    label: str
    branches: list[BranchOut]


class RefusedMoveOut(Schema):
    """Imported events the design did not allow from the case's state (refused by the events
    door, so not in the event log), grouped by the action tried and the state the case was in."""

    action: str
    label: str
    from_state: str
    from_state_label: str
    to_state: str = Field(description="where the design's step would have taken the case")
    to_state_label: str
    count: int
    cases: int
    key: str = Field(description="action|from_state: the drill-down's `refused=`")


class MiningOut(Schema):
    code: str
    org_unit_path: str
    period_from: str
    period_to: str
    computed_at: datetime = Field(description="when the figures were computed (nightly or now)")
    rank: str
    cases: int
    events: int
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    variants: list[VariantOut]
    bottlenecks: list[WaitingOut]
    hotspots: list[HotspotOut] = Field(
        default_factory=list, description="located bottlenecks, most excess waiting first"
    )
    rework: list[ReworkOut]
    top_step: TopStepOut | None
    rework_rate: float | None
    conformance: ConformanceOut
    refused_imports: list[RefusedMoveOut] = Field(
        default_factory=list,
        description="imported events the design refused in the period, most frequent first",
    )
    fallback_years: list[int] = Field(
        description="years whose holidays are not loaded: working time counts Mon–Fri there"
    )


class EvidenceIn(Schema):
    case_type: str = Field(description="a registered case kind, e.g. complaints.complaint")
    case_id: str


class NeedsAnalysisIn(Schema):
    version: UUID = Field(description="the id of a published version of the process")
    summary: str
    needs: str
    other_evidence: str = Field("", description="sources that are not cases (survey comments)")
    evidence: list[EvidenceIn] = Field(default_factory=list)


class EvidenceOut(Schema):
    case_type: str
    case_id: str
    url: str


class NeedsAnalysisOut(Schema):
    id: UUID
    process: str
    version: UUID
    version_number: int
    summary: str
    needs: str
    other_evidence: str
    evidence: list[EvidenceOut] = Field(
        description="the cases cited that the caller may open (others are counted in hidden)"
    )
    hidden: int
    created_by: str
    created_at: datetime
