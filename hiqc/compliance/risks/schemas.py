"""Risk register API schemas (issue 20 §7): prefixed ``Risk…``/``Kri…`` (unique component names)."""

from datetime import date, datetime
from uuid import UUID

from ninja import Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class RiskIn(Schema):
    org_unit: str
    category: str
    title: str
    cause: str
    event: str
    consequence: str
    owner_role: str
    owner: str = ""
    inherent_likelihood: float
    inherent_impact: float
    qualitative: str = ""
    controls: list[str] = []
    reason: str = ""


class RiskPatchIn(Schema):
    category: str | None = None
    title: str | None = None
    cause: str | None = None
    event: str | None = None
    consequence: str | None = None
    qualitative: str | None = None
    owner_role: str | None = None
    owner: str | None = None
    controls: list[str] | None = None


class RiskReviewIn(Schema):
    inherent_likelihood: float
    inherent_impact: float
    reason: str
    qualitative: str = ""


class RiskControlOut(Schema):
    id: UUID
    code: str
    name: str
    status: str
    effectiveness: float | None
    period: date | None
    credit: float


class RiskRatingOut(Schema):
    kind: str
    at: datetime
    rated_by: str
    reason: str
    inherent_likelihood: int
    inherent_impact: int
    residual_likelihood: int
    residual_impact: int
    control_effectiveness: float


class RegisterRiskOut(Schema):
    id: UUID
    number: str
    org_unit_id: UUID
    org_unit_name: str
    category: str
    title: str
    cause: str
    event: str
    consequence: str
    owner_role: str
    owner: str
    inherent_likelihood: int
    inherent_impact: int
    inherent_rating: int
    residual_likelihood: int
    residual_impact: int
    residual_rating: int
    residual_band: str
    above_appetite: bool
    control_effectiveness: float
    qualitative: str
    review_status: str
    review_reason: str


class RiskDetailOut(RegisterRiskOut):
    controls: list[RiskControlOut]
    ratings: list[RiskRatingOut]
    treatment_ids: list[UUID]


class RiskHeatCellOut(Schema):
    likelihood: int
    impact: int
    count: int


class RiskHeatmapOut(Schema):
    inherent: list[RiskHeatCellOut]
    residual: list[RiskHeatCellOut]
    appetite: int


class KriIn(Schema):
    indicator: str
    warning: float
    limit: float
    direction: str = ""


class KriOut(Schema):
    id: UUID
    risk_id: UUID
    indicator: str
    direction: str
    warning: float
    limit: float
    state: str
    last_value: float | None
    last_period: date | None
    evaluated_at: datetime | None


class RiskTreatmentIn(Schema):
    title: str
    plan: str = ""


class RiskTreatmentOut(Schema):
    id: UUID
    number: str
    risk_id: UUID
    status: str
    title: str
    opened_at: datetime
    plan: str
    actions: list[dict[str, str]]
    outcome: str
    closed_at: datetime | None


class RiskTreatmentCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    treatment: RiskTreatmentOut
