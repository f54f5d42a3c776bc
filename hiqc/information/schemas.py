"""Information API contract (issue 21 §4, §5, §9): access recertification cases, dormant
accounts, reveal anomalies, security roles, self-evaluations and remediation cases.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut, IsoDate


class RecertificationLineOut(Schema):
    id: UUID
    membership_id: UUID | None
    user_id: UUID
    username: str
    display_name: str
    role: str
    role_label: str
    decision: str
    reason: str
    decided_by: str
    decided_at: datetime | None


class RecertificationOut(Schema):
    id: UUID
    status: str
    quarter: str
    org_unit_id: UUID
    org_unit_name: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str
    lines_total: int
    lines_pending: int
    lines_revoked: int


class RecertificationCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    recertification: RecertificationOut
    lines: list[RecertificationLineOut]


class DormantAccountOut(Schema):
    user_id: UUID
    username: str
    display_name: str
    org_unit_name: str
    last_seen: datetime
    idle_days: int
    disable_on: date
    never_signed_in: bool


class RevealAnomalyOut(Schema):
    kind: str
    kind_label: str
    actor_id: UUID | None
    actor_name: str
    day: date
    count: int
    mean: float | None = None
    sd: float | None = None
    working_day: bool | None = None
    customers: int | None = None
    window_start: datetime | None = None
    minutes: int | None = None


class HolderOut(Schema):
    id: UUID
    org_unit_id: UUID
    role: str
    user_id: UUID
    username: str
    display_name: str
    starts_on: date
    ends_on: date | None
    note: str


class HolderIn(Schema):
    org_unit: UUID
    role: str
    user: UUID
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    note: str = Field("", max_length=300)


class RoleSlotOut(Schema):
    role: str
    label: str
    holders: list[HolderOut]


class ResponsibilityOut(Schema):
    org_unit_id: UUID
    org_unit_name: str
    roles: list[RoleSlotOut]
    vacant: list[str]


class EvaluationIn(Schema):
    org_unit: UUID
    year: int = Field(..., ge=2000, le=2100)
    marks: dict[str, Any] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    summary: str = Field("", max_length=4000)


class EvaluationMarkOut(Schema):
    item_id: UUID
    category: str
    text: str
    points: int
    critical: bool
    clause: str
    mark: int | None
    note: str


class EvaluationOut(Schema):
    id: UUID
    org_unit_id: UUID
    year: int
    checklist_id: UUID
    performed_at: datetime
    performed_by: str
    score: int
    max_score: int
    percent: Decimal
    passed: bool
    notes: str


class EvaluationDetailOut(EvaluationOut):
    marks: list[EvaluationMarkOut]
    remediation_ids: list[UUID]


class RemediationOut(Schema):
    id: UUID
    number: str
    status: str
    org_unit_id: UUID
    evaluation_id: UUID
    item_id: UUID
    title: str
    finding: str
    opened_at: datetime
    correction: str
    verification: str
    closed_at: datetime | None


class RemediationCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    remediation: RemediationOut
