"""The compliance inspections API contract (issue 20 §3). Names carry the domain (OpenAPI
component names are unique across apps); numbers are floats."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class ComplianceInspectionPlanIn(Schema):
    org_unit: str = Field(..., max_length=64)
    year: int
    quarter: int = Field(0, description="0 = the whole year, 1–4 = a quarter")
    title: str = Field(..., max_length=120)
    obligations: list[str] = Field([], description="obligation codes of the register")
    domains: list[str] = Field([], description="every obligation of these domains")


class ComplianceInspectionPlanOut(Schema):
    id: UUID
    org_unit_id: UUID
    org_unit_name: str
    year: int
    quarter: int
    title: str
    checklist_id: UUID
    obligations: list[str]
    created_by: str


class ComplianceInspectionIn(Schema):
    plan: str = Field(..., max_length=64)
    org_unit: str = Field(..., max_length=64)
    planned_on: str = Field(..., max_length=10, description="YYYY-MM-DD, in the plan's period")


class ComplianceInspectionMarkOut(Schema):
    item_id: UUID
    text: str
    obligation: str
    points: int
    mark: int | None
    note: str
    finding_id: int | None


class ComplianceInspectionOut(Schema):
    id: UUID
    number: str
    plan_id: UUID
    org_unit_id: UUID
    org_unit_name: str
    status: str
    planned_on: date
    started_at: datetime | None
    reported_at: datetime | None
    summary: str
    score: int | None
    max_score: int | None
    percent: float | None
    passed: bool | None
    conclusion: str
    closed_at: datetime | None


class ComplianceInspectionFindingOut(Schema):
    id: int
    rule: str
    title: str
    status: str
    created_at: datetime
    control_code: str | None
    nonconformity_id: UUID | None


class ComplianceInspectionCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    inspection: ComplianceInspectionOut
    marks: list[ComplianceInspectionMarkOut]
    findings: list[ComplianceInspectionFindingOut]
