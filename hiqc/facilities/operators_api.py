"""Operators (8.2.6) and renewal plans (8.3.6) API (issue 19 §7–§8). Thin: every read is a
selector or a door, every write a service; the permission is checked before the body is looked
at, and another unit's id answers as a missing one (404).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from ninja import Query, Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.http import HiqcRequest
from hiqc.core.qualifications import qualification_choices, qualification_label
from hiqc.core.schemas import ERRORS, ErrorOut

from .enums import VIEW
from .operators import (
    equipment_operators,
    equipment_operators_set,
    operator_gaps,
    operator_requirement_set,
    requirement_list,
)
from .operators_schemas import (
    EquipmentOperatorsIn,
    EquipmentOperatorsOut,
    OperatorGapOut,
    OperatorRequirementIn,
    OperatorRequirementOut,
    QualificationOut,
    RenewalBudgetOut,
    RenewalPlanIn,
    RenewalPlanOut,
    RenewalPlanUpdateIn,
    RenewalSuggestionOut,
)
from .renewal import (
    access_renewal_plan,
    plan_items,
    renewal_budget,
    renewal_plan_create,
    renewal_plan_list,
    renewal_plan_update,
    renewal_suggestions,
)

router = Router(tags=["facilities"])
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _requirement(r) -> dict:
    return {"category": r.category, "equipment_id": r.equipment_id,
            "qualification": r.qualification,
            "qualification_label": qualification_label(r.qualification), "note": r.note,
            "updated_by": r.updated_by}  # fmt: skip


def _plan(p) -> dict:
    return {**{f: getattr(p, f) for f in (
        "id", "org_unit_id", "budget_year", "reason", "estimated_cost", "state", "note",
        "planned_by", "approved_by", "approved_at", "done_on", "replacement_id")},
        "items": [e.pk for e in plan_items(p)]}  # fmt: skip


# --- operators -----------------------------------------------------------------------------------


@router.get("/equipment/{equipment_id}/operators",
            response={200: EquipmentOperatorsOut, **ERRORS})  # fmt: skip
def get_equipment_operators(request: HiqcRequest, equipment_id: UUID):
    """The qualification the item's operators must hold (8.2.6; "" when none) and its operators,
    each with the state of their certificate today (current, expiring, lapsed, missing)."""
    return equipment_operators(request.actor, equipment_id)


@router.put("/equipment/{equipment_id}/operators",
            response={200: EquipmentOperatorsOut, **WRITE_ERRORS})  # fmt: skip
def put_equipment_operators(request: HiqcRequest, equipment_id: UUID,
                            payload: EquipmentOperatorsIn):  # fmt: skip
    """Replace the item's operators (user ids; facilities.manage over it). A person newly named
    without a current certificate of the required qualification is refused: 422 on `operators`
    naming the person and why. 409 once the item is disposed of."""
    equipment_operators_set(actor=request.actor, equipment_id=equipment_id,
                            user_ids=payload.operators)  # fmt: skip
    return equipment_operators(request.actor, equipment_id)


@router.get("/operator-gaps", response={200: list[OperatorGapOut], **ERRORS})
@paginate
def list_operator_gaps(request: HiqcRequest, org_unit: UUID | None = None,
                       days: int | None = Query(None, ge=0, le=3650)):  # fmt: skip
    """Equipment whose required qualification its operators lack — missing, lapsed, or running
    out within `days` (the rule `facilities.operators.warn_days` by default) — or that has no
    operator, under `org_unit` (default: the whole scope); by unit and asset number."""
    require(request.actor, VIEW)
    return operator_gaps(request.actor, org_unit_id=org_unit, days=days)


@router.get("/operator-requirements", response={200: list[OperatorRequirementOut], **ERRORS})
def list_operator_requirements(request: HiqcRequest):
    """The qualification each equipment category's operators must hold (head-office data)."""
    require(request.actor, VIEW)
    return [_requirement(r) for r in requirement_list()]


@router.put("/operator-requirements", response={200: list[OperatorRequirementOut], **ERRORS})
def put_operator_requirement(request: HiqcRequest, payload: OperatorRequirementIn):
    """Set the qualification of a `category` (facilities.manage over the whole tree) or of one
    `equipment` item (over its unit); a blank `qualification` removes the rule. Answers the
    category rules."""
    operator_requirement_set(actor=request.actor, data=payload.dict())
    return [_requirement(r) for r in requirement_list()]


@router.get("/operator-qualifications", response={200: list[QualificationOut], **ERRORS})
def list_operator_qualifications(request: HiqcRequest):
    """The qualifications of the people chapter a requirement may name."""
    require(request.actor, VIEW)
    return [{"code": c, "label": label} for c, label in qualification_choices()]


# --- renewal plans -------------------------------------------------------------------------------


@router.get("/renewal-plans", response={200: list[RenewalPlanOut], **ERRORS})
@paginate
def list_renewal_plans(request: HiqcRequest,
                       budget_year: int | None = Query(None, ge=1900, le=2999), state: str = "",
                       org_unit: UUID | None = None):  # fmt: skip
    """Renewal plans in scope (`budget_year`, `state`, under `org_unit`), newest year first."""
    require(request.actor, VIEW)
    qs = renewal_plan_list(request.actor, budget_year=budget_year, state=state[:20],
                           org_unit_id=org_unit)  # fmt: skip
    return [_plan(p) for p in qs.prefetch_related("items")]


@router.post("/renewal-plans", response={201: RenewalPlanOut, **ERRORS})
def create_renewal_plan(request: HiqcRequest, payload: RenewalPlanIn):
    """Plan the replacement of `items` (equipment ids under `org_unit`) in `budget_year`, with a
    `reason` (age, faults, obsolete, damage, other) and the `estimated_cost` in yuan
    (facilities.manage over the unit)."""
    data = payload.dict()
    data["estimated_cost"] = str(payload.estimated_cost)
    return Status(201, _plan(renewal_plan_create(actor=request.actor, data=data)))


@router.get("/renewal-plans/{plan_id}", response={200: RenewalPlanOut, **ERRORS})
def get_renewal_plan(request: HiqcRequest, plan_id: UUID):
    return _plan(access_renewal_plan(request.actor, plan_id))


@router.put("/renewal-plans/{plan_id}", response={200: RenewalPlanOut, **WRITE_ERRORS})
def put_renewal_plan(request: HiqcRequest, plan_id: UUID, payload: RenewalPlanUpdateIn):
    """Change the details while planned and/or move the `state`: approved (or back to planned)
    needs facilities.renewal_approve; dropped; done with `done_on`, an optional `replacement`
    item and `dispose_old` (a 报废 entry in each old item's history). 409 for a move the state
    does not allow."""
    data = {k: v for k, v in payload.dict().items() if v is not None}
    if payload.estimated_cost is not None:
        data["estimated_cost"] = str(payload.estimated_cost)
    renewal_plan_update(actor=request.actor, plan_id=plan_id, data=data)
    return _plan(access_renewal_plan(request.actor, plan_id))


@router.get("/renewal-suggestions", response={200: list[RenewalSuggestionOut], **ERRORS})
@paginate
def list_renewal_suggestions(request: HiqcRequest, org_unit: UUID | None = None):
    """Items worth replacing, computed: older than their category's service life (a rule per
    category) or with at least the threshold of faults in the last twelve months; not disposed
    of and in no open plan."""
    require(request.actor, VIEW)
    return renewal_suggestions(request.actor, org_unit_id=org_unit)


@router.get("/renewal-budget", response={200: list[RenewalBudgetOut], **ERRORS})
def get_renewal_budget(request: HiqcRequest, org_unit: UUID | None = None):
    """Per budget year: Σ estimated cost of the plans planned, approved and done (dropped plans
    left out) and their number."""
    require(request.actor, VIEW)
    return renewal_budget(request.actor, org_unit_id=org_unit)
