from __future__ import annotations

from ninja import Field, Schema


class ProcessOut(Schema):
    code: str = Field(description="the process code: its case kind, e.g. claims.claim")
    name: str
    states: dict[str, str]
    initial: str
    final: list[str]
    steps: list[dict[str, str | list[str]]]


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
    frequency: int
    cases: int
    calendar: DurationOut | None = Field(description="calendar time; none on start/end edges")
    working: DurationOut | None = Field(description="working time on the official calendar")


class VariantOut(Schema):
    activities: list[str]
    cases: int
    share: float
    calendar: DurationOut
    working: DurationOut


class WaitingOut(Schema):
    activity: str
    label: str
    calendar: DurationOut
    working: DurationOut


class ReworkOut(Schema):
    activity: str
    cases: int
    repeats: int


class DeviationOut(Schema):
    activity: str
    kind: str
    replay_state: str
    count: int
    cases: int


class ConformanceOut(Schema):
    fitness: float | None
    fitting_cases: int
    deviations: list[DeviationOut]


class MiningOut(Schema):
    code: str
    org_unit_path: str
    period_from: str
    period_to: str
    cases: int
    events: int
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    variants: list[VariantOut]
    bottlenecks: list[WaitingOut]
    rework: list[ReworkOut]
    rework_rate: float | None
    conformance: ConformanceOut
    warnings: list[str]
