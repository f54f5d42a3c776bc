"""Facilities API contract (issue 19 §9): outlets with their facilities and inspections,
inspections with their marks, rectification cases, equipment with its history.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class OutletFacilityOut(Schema):
    address: str
    floor_area: Decimal | None
    opening_hours: str
    has_reception: bool
    reception_seats: int
    has_business: bool
    private_windows: int
    has_rest: bool
    has_water: bool
    has_consultation: bool
    has_signage: bool
    barrier_free: bool
    note: str
    gaps: list[str]


class OutletFacilityIn(Schema):
    address: str = ""
    floor_area: str = ""
    opening_hours: str = ""
    has_reception: bool = False
    reception_seats: int = 0
    has_business: bool = False
    private_windows: int = 0
    has_rest: bool = False
    has_water: bool = False
    has_consultation: bool = False
    has_signage: bool = False
    barrier_free: bool = False
    note: str = ""


class FacilityLastInspectionOut(Schema):
    performed_at: datetime
    percent: Decimal | None
    passed: bool | None


class OutletOut(Schema):
    id: UUID
    code: str
    name: str
    path: str
    facility: OutletFacilityOut | None
    last_inspection: FacilityLastInspectionOut | None
    inspections: int
    open_rectifications: int


class FacilityInspectionIn(Schema):
    org_unit: UUID
    kind: str = "facility"
    due_date: date


class FacilityMarkOut(Schema):
    item_id: UUID
    category: str
    text: str
    points: int
    critical: bool
    mark: int | None
    note: str


class FacilityInspectionOut(Schema):
    id: UUID
    org_unit_id: UUID
    kind: str
    checklist_id: UUID
    checklist_code: str
    checklist_version: int
    due_date: date
    planned_by: str
    performed_at: datetime | None
    performed_by: str
    score: int | None
    max_score: int | None
    percent: Decimal | None
    passed: bool | None
    notes: str


class FacilityInspectionDetailOut(FacilityInspectionOut):
    marks: list[FacilityMarkOut]
    photos: int
    rectification_ids: list[UUID]


class FacilityInspectionPerformIn(Schema):
    """``marks``: item id → points (0…the item's points) or "na" (not applicable)."""

    marks: dict[str, Any]
    notes: dict[str, str] = {}
    summary: str = ""


class FacilityTrendOut(Schema):
    month: str
    percent: Decimal | None
    pass_rate: Decimal | None
    inspections: int


class RectificationOut(Schema):
    id: UUID
    number: str
    status: str
    org_unit_id: UUID
    inspection_id: UUID
    item_id: UUID
    title: str
    finding: str
    opened_at: datetime
    correction: str
    verification: str
    closed_at: datetime | None


class RectificationCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    rectification: RectificationOut


class EquipmentIn(Schema):
    asset_number: str
    name: str
    category: str
    org_unit: UUID
    location: str = ""
    model_name: str = ""
    serial_number: str = ""
    supplier: str = ""
    purchase_date: date | None = None
    purchase_cost: str = ""
    warranty_end: date | None = None
    safety_certificate: str = ""
    environmental_certificate: str = ""
    state: str = "in_use"
    note: str = ""


class EquipmentOut(Schema):
    id: UUID
    asset_number: str
    name: str
    category: str
    org_unit_id: UUID
    location: str
    model_name: str
    serial_number: str
    supplier: str
    purchase_date: date | None
    purchase_cost: Decimal | None
    warranty_end: date | None
    safety_certificate: str
    environmental_certificate: str
    state: str
    note: str


class EquipmentEventIn(Schema):
    kind: str
    happened_on: date
    note: str = ""
    cost: str = ""
    org_unit: UUID | None = None  # relocation: the unit it moves to
    reading: float | None = None  # 使用记录: the usage counter (usage-based maintenance)


class EquipmentEventOut(Schema):
    id: UUID
    kind: str
    happened_on: date
    note: str
    cost: Decimal | None
    recorded_by: str
    reading: Decimal | None = None


class EquipmentDetailOut(EquipmentOut):
    history: list[EquipmentEventOut]


class EquipmentImportRejectionOut(Schema):
    line: int
    field: str
    problem: str


class EquipmentImportOut(Schema):
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected_total: int
    rejected: list[EquipmentImportRejectionOut]
