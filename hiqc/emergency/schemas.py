"""Emergency API contract (issue 20 §6–7): plans, drills, incidents on the case API contract.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
Numbers come in as ``float`` (the OpenAPI contract test sends any number; the service checks
them and names the field).
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class EmergencyPlanRoleIO(Schema):
    role: str
    duty: str = ""


class EmergencyPlanContactIO(Schema):
    level: float = 1
    role: str = ""
    person: str = ""


class EmergencyPlanStepIn(Schema):
    title: str
    owner_role: str
    target_minutes: float


class EmergencyPlanStepOut(Schema):
    position: int
    title: str
    owner_role: str
    target_minutes: int


class EmergencyPlanIn(Schema):
    scenario: str
    title: str
    roles: list[EmergencyPlanRoleIO] = []
    contacts: list[EmergencyPlanContactIO] = []
    steps: list[EmergencyPlanStepIn]
    rto_minutes: float
    rpo_minutes: float | None = None
    approve: bool = False


class EmergencyPlanCreateIn(EmergencyPlanIn):
    org_unit: UUID


class EmergencyPlanOut(Schema):
    id: UUID
    family: UUID
    version: int
    org_unit_id: UUID
    scenario: str
    title: str
    roles: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    steps: list[EmergencyPlanStepOut]
    rto_minutes: int
    rpo_minutes: int | None
    approved: bool
    approved_by: str
    approved_on: date | None
    current: bool


class DrillIn(Schema):
    plan: UUID
    due_date: date


class DrillTimingIn(Schema):
    position: float
    actual_minutes: float


class DrillActionIn(Schema):
    title: str
    owner: UUID | None = None
    due_date: date


class DrillRecordIn(Schema):
    performed_on: date
    participants: float
    notes: str = ""
    timings: list[DrillTimingIn]
    recovery_minutes: float
    review: str = ""
    actions: list[DrillActionIn] = []


class DrillTimingOut(Schema):
    position: int
    title: str
    target_minutes: int
    actual_minutes: int | None
    met: bool


class DrillOut(Schema):
    id: UUID
    plan_id: UUID
    family: UUID
    org_unit_id: UUID
    due_date: date
    overdue: bool
    planned_by: str
    performed_on: date | None
    performed_by: str
    participants: int | None
    notes: str
    timings: list[DrillTimingOut]
    recovery_minutes: int | None
    rto_minutes: int | None
    recovery_met: bool | None
    met: bool | None
    late: bool | None
    review: str
    improvement_plan_id: UUID | None


class IncidentIn(Schema):
    org_unit: UUID
    scenario: str
    severity: str
    title: str
    detected_at: datetime | None = None
    affected_customers: float = 0
    personal_data: bool = False
    regulator_required: bool = False
    plan: UUID | None = None
    note: str = ""


class IncidentEntryOut(Schema):
    at: datetime
    text: str
    recorded_by: str


class IncidentOut(Schema):
    id: UUID
    number: str
    status: str
    org_unit_id: UUID
    scenario: str
    severity: str
    title: str
    plan_id: UUID | None
    detected_at: datetime
    affected_customers: int
    personal_data: bool
    regulator_required: bool
    containment: str
    contained_at: datetime | None
    customers_notified_at: datetime | None
    regulator_notified_at: datetime | None
    notification: str
    root_cause: str
    lessons: str
    improvement_plan_id: UUID | None
    closed_at: datetime | None


class IncidentCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    incident: IncidentOut
    timeline: list[IncidentEntryOut]
