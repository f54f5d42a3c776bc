"""Preventive maintenance API contract (issue 19 §4, §9).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
Numbers in are plain ``int`` / ``float`` / ``str`` without schema limits: the service checks the
permission before it validates (a schema-valid body never gets 422 before 403).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Schema

from hiqc.core.calendar import BEIJING


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
    state: str  # the case's status (ADR 0032), under the name the API has always used
    status: str
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

    # read from the task and its joins (lists hand over a queryset: paginated before it is read)
    @staticmethod
    def resolve_plan_name(obj: Any) -> str:
        return obj["plan_name"] if isinstance(obj, dict) else obj.plan.name

    @staticmethod
    def resolve_asset_number(obj: Any) -> str:
        return obj["asset_number"] if isinstance(obj, dict) else obj.equipment.asset_number

    @staticmethod
    def resolve_equipment_name(obj: Any) -> str:
        return obj["equipment_name"] if isinstance(obj, dict) else obj.equipment.name

    @staticmethod
    def resolve_org_unit_id(obj: Any) -> UUID:
        return obj["org_unit_id"] if isinstance(obj, dict) else obj.equipment.org_unit_id

    @staticmethod
    def resolve_checklist_version(obj: Any) -> int:
        return obj["checklist_version"] if isinstance(obj, dict) else obj.checklist.version

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        if isinstance(obj, dict):
            return bool(obj["overdue"])
        return obj.state == "pending" and obj.due_on < _today()

    @staticmethod
    def resolve_due_soon(obj: Any) -> bool:
        if isinstance(obj, dict):
            return bool(obj["due_soon"])
        return obj.state == "pending" and obj.warn_on <= _today() <= obj.due_on


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


class MaintenanceTaskDetailOut(MaintenanceTaskOut):
    steps: list[MaintenanceStepOut]
    allowed_actions: list[str]
