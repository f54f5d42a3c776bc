"""API shapes of the quality app (issue 7 §7): nonconformities and improvement plans follow the
case API contract (docs/architecture.md)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class NonconformityOut(Schema):
    id: UUID
    number: str
    status: str
    org_unit_id: UUID
    source: str
    title: str
    description: str
    opened_at: datetime
    assignee_id: UUID | None
    indicator_code: str
    period_start: datetime | None
    evidence: dict[str, Any]
    finding_id: int | None
    root_cause: str
    correction: str
    verification: str
    closed_at: datetime | None


class NonconformityIn(Schema):
    org_unit: UUID
    source: str
    title: str
    description: str
    finding: int | None = None
    reference: str = ""


class CaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]


class NonconformityCaseOut(CaseOut):
    nonconformity: NonconformityOut


class EffectOut(Schema):
    verdict: str
    test: str
    before_n: float
    after_n: float
    before: float | None
    after: float | None
    difference: float | None
    low: float | None
    high: float | None
    p_value: float | None
    effect_size: float | None


class ImprovementPlanOut(Schema):
    id: UUID
    number: str
    status: str
    org_unit_id: UUID
    title: str
    need: str
    indicator_code: str
    baseline_start: date
    baseline_end: date
    after_start: date | None
    after_end: date | None
    act_outcome: str
    act_note: str


class PlanIn(Schema):
    org_unit: UUID
    title: str
    need: str
    indicator_code: str
    baseline_start: date
    baseline_end: date
    nonconformity_ids: list[UUID] = []


class MeasureIn(Schema):
    title: str
    owner: UUID
    due_date: date


class MeasureOut(Schema):
    id: int
    title: str
    owner_id: UUID
    due_date: date
    done_at: datetime | None
    note: str


class PlanCaseOut(CaseOut):
    plan: ImprovementPlanOut
    nonconformity_ids: list[UUID]
    measures: list[MeasureOut]
    effect: EffectOut | None
