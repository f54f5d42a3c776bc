"""Preventive maintenance API contract (issue 19 §4, §9).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
Numbers in are plain ``int`` / ``float`` / ``str`` without schema limits: the service checks the
permission before it validates (a schema-valid body never gets 422 before 403).
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema


class MaintenancePlanIn(Schema):
    """Either ``org_unit`` + ``category`` (every in-use item of the category in the unit's
    subtree) or ``equipment`` (one item). ``interval_days`` and/or ``usage_interval``."""

    name: str
    org_unit: UUID | None = None
    category: str = ""
    equipment: UUID | None = None
    interval_days: int | None = None
    usage_interval: int | None = None
    usage_unit: str = ""
    lead_days: int | None = None
    starts_on: date | None = None
    active: bool = True
    steps: list[str]


class MaintenancePlanUpdateIn(Schema):
    name: str
    interval_days: int | None = None
    usage_interval: int | None = None
    usage_unit: str = ""
    lead_days: int | None = None
    starts_on: date | None = None
    active: bool = True
    steps: list[str]


class MaintenancePlanOut(Schema):
    id: UUID
    name: str
    org_unit_id: UUID
    category: str
    equipment_id: UUID | None
    interval_days: int | None
    usage_interval: int | None
    usage_unit: str
    lead_days: int
    starts_on: date
    active: bool
    checklist_code: str
    checklist_version: int
    steps: list[str]


class MaintenanceStepOut(Schema):
    item_id: str
    text: str
    result: str
    note: str


class MaintenanceTaskOut(Schema):
    id: UUID
    plan_id: UUID
    plan_name: str
    equipment_id: UUID
    asset_number: str
    equipment_name: str
    org_unit_id: UUID
    due_on: date
    warn_on: date
    due_reading: Decimal | None
    state: str
    version: int
    overdue: bool
    due_soon: bool
    completed_on: date | None
    completed_at: datetime | None
    completed_by: str
    on_time: bool | None
    reading: Decimal | None
    cost: Decimal | None
    notes: str
    cancel_reason: str
    checklist_version: int


class MaintenanceTaskDetailOut(MaintenanceTaskOut):
    steps: list[MaintenanceStepOut]
    allowed_actions: list[str]
