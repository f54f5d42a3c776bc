"""API contract of operators (8.2.6) and renewal plans (8.3.6; issue 19 §7–§8).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class OperatorOut(Schema):
    id: UUID
    name: str
    username: str
    assigned_on: date
    state: str  # current / expiring / lapsed / missing
    state_label: str
    expires_on: date | None


class EquipmentOperatorsOut(Schema):
    equipment_id: UUID
    asset_number: str
    qualification: str  # "" when the item needs none
    qualification_label: str
    operators: list[OperatorOut]


class EquipmentOperatorsIn(Schema):
    operators: list[str] = Field(..., max_length=20)  # user ids: the list replaces the operators


class OperatorRequirementOut(Schema):
    category: str
    equipment_id: UUID | None
    qualification: str
    qualification_label: str
    note: str
    updated_by: str


class OperatorRequirementIn(Schema):
    category: str = ""
    equipment: UUID | None = None
    qualification: str = ""  # "" removes the rule
    note: str = ""


class QualificationOut(Schema):
    code: str
    label: str


class OperatorGapOut(Schema):
    equipment_id: UUID
    asset_number: str
    name: str
    category: str
    org_unit_id: UUID
    org_unit_name: str
    qualification: str
    qualification_label: str
    operator_id: UUID | None
    operator: str
    state: str  # no_operator / missing / lapsed / expiring
    state_label: str
    expires_on: date | None


class RenewalPlanOut(Schema):
    id: UUID
    org_unit_id: UUID
    budget_year: int
    reason: str
    estimated_cost: Decimal
    state: str
    note: str
    planned_by: str
    approved_by: str
    approved_at: datetime | None
    done_on: date | None
    replacement_id: UUID | None
    items: list[UUID]


class RenewalPlanIn(Schema):
    org_unit: UUID
    items: list[UUID] = Field(..., max_length=200)
    budget_year: int = Field(..., ge=1900, le=2999)
    reason: str = Field(..., max_length=20)
    estimated_cost: float = Field(..., ge=0, le=9_999_999_999)
    note: str = Field("", max_length=2000)


class RenewalPlanUpdateIn(Schema):
    """Any of the details (while planned) and/or a new ``state`` (approved, planned, dropped,
    done); completing takes ``done_on``, ``replacement`` and ``dispose_old``."""

    state: str | None = None
    items: list[UUID] | None = None
    budget_year: int | None = None
    reason: str | None = None
    estimated_cost: float | None = None
    note: str | None = None
    done_on: date | None = None
    replacement: UUID | None = None
    dispose_old: bool = False


class RenewalSuggestionOut(Schema):
    equipment_id: UUID
    asset_number: str
    name: str
    category: str
    org_unit_id: UUID
    org_unit_name: str
    purchase_date: date | None
    age_years: int | None
    service_life_years: int
    faults_12m: int
    reasons: list[str]  # age / faults


class RenewalBudgetOut(Schema):
    budget_year: int
    planned: Decimal
    approved: Decimal
    done: Decimal
    total: Decimal
    plans: int
