"""Fault ticket API contract (issue 19 §5, §9).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class FaultIn(Schema):
    equipment: UUID
    severity: Literal["critical", "major", "minor"]
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=2000)
    down_from: datetime | None = None  # default: now


class FaultOut(Schema):
    id: UUID
    number: str
    status: str
    severity: str
    category: str
    equipment_id: UUID
    asset_number: str
    org_unit_id: UUID
    title: str
    description: str
    source: str
    alarm_id: str | None
    reported_at: datetime
    reported_by: str
    responded_at: datetime | None
    down_from: datetime
    down_until: datetime | None
    downtime_hours: float | None
    cause: str
    resolution: str
    repaired_at: datetime | None
    closed_at: datetime | None
    assignee_id: UUID | None
    breached: bool


class FaultCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    fault: FaultOut


class FaultImportRejectionOut(Schema):
    line: int
    field: str
    problem: str


class FaultImportOut(Schema):
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected_total: int
    rejected: list[FaultImportRejectionOut]
