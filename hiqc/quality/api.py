"""Quality API (issue 7 §7): nonconformities and improvement plans, on the case API contract.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from .nonconformities import selectors as nc_selectors
from .nonconformities.services import (
    KIND,
    access_nonconformity,
    nonconformity_act,
    nonconformity_open,
)
from .plans import selectors as plan_selectors
from .plans.services import PLAN_KIND, access_plan, action_add, plan_act, plan_create, plan_effect
from .schemas import (
    ImprovementPlanOut,
    MeasureIn,
    NonconformityCaseOut,
    NonconformityIn,
    NonconformityOut,
    PlanCaseOut,
    PlanIn,
)
from .workflow import VIEW

router = Router(tags=["quality"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _nc(request: HiqcRequest, nc) -> dict:
    return {**case_representation(KIND, nc, request.actor), "nonconformity": nc}


def _plan(request: HiqcRequest, plan) -> dict:
    effect = plan_effect(plan)
    return {**case_representation(PLAN_KIND, plan, request.actor), "plan": plan,
            "nonconformity_ids": list(plan.nonconformities.values_list("pk", flat=True)),
            "measures": list(plan.actions.all()),
            "effect": effect.__dict__ if effect is not None else None}  # fmt: skip


@router.get("/nonconformities", response={200: list[NonconformityOut], **ERRORS})
@paginate
def list_nonconformities(request: HiqcRequest, status: str = "", source: str = ""):
    """Nonconformities in the caller's scope (quality.nc.view), newest first."""
    require(request.actor, VIEW)
    return nc_selectors.nonconformities(request.actor, status=status, source=source)


@router.post("/nonconformities", response={201: NonconformityCaseOut, **ERRORS})
def create_nonconformity(request: HiqcRequest, payload: NonconformityIn):
    """Open one by hand (quality.nc.open): supervision, audit, feedback, complaint root cause or a
    compliance finding (by its number)."""
    data = payload.dict()
    nc = nonconformity_open(actor=request.actor, org_unit_id=data.pop("org_unit"),
                            data={**data, "finding": data.get("finding") or ""})  # fmt: skip
    return Status(201, _nc(request, access_nonconformity(request.actor, nc.pk)))


@router.get("/nonconformities/{nc_id}", response={200: NonconformityCaseOut, **ERRORS})
def get_nonconformity(request: HiqcRequest, nc_id: UUID):
    return _nc(request, access_nonconformity(request.actor, nc_id))


@router.post("/nonconformities/{nc_id}/actions/{action}",
             response={200: NonconformityCaseOut, **CASE_ERRORS})  # fmt: skip
def nonconformity_action(request: HiqcRequest, nc_id: UUID, action: str, payload: CaseActionIn):
    """start_analysis, record_cause (root_cause, correction), close (verification), cancel
    (reason) at ``version``: 409 when stale or not allowed now, 422 for missing inputs."""
    nonconformity_act(actor=request.actor, nc_id=nc_id, action=action[:60], data=payload.data,
                      version=payload.version)  # fmt: skip
    return _nc(request, access_nonconformity(request.actor, nc_id))


@router.get("/improvement-plans", response={200: list[ImprovementPlanOut], **ERRORS})
@paginate
def list_plans(request: HiqcRequest):
    """Improvement plans in the caller's scope, newest first."""
    require(request.actor, VIEW)
    return plan_selectors.plans(request.actor)


@router.post("/improvement-plans", response={201: PlanCaseOut, **ERRORS})
def create_plan(request: HiqcRequest, payload: PlanIn):
    """Plan (PDCA "P"): the need, the indicator and baseline, linked nonconformities of the unit."""
    data = payload.dict()
    plan = plan_create(actor=request.actor, org_unit_id=data.pop("org_unit"),
                       nonconformity_ids=data.pop("nonconformity_ids"), data=data)  # fmt: skip
    return Status(201, _plan(request, access_plan(request.actor, plan.pk)))


@router.post("/improvement-plans/{plan_id}/measures", response={201: PlanCaseOut, **CASE_ERRORS})
def add_measure(request: HiqcRequest, plan_id: UUID, payload: MeasureIn):
    """An action of the plan (PDCA "D") with its owner and due date."""
    action_add(actor=request.actor, plan_id=plan_id,
               data={**payload.dict(), "owner": str(payload.owner)})  # fmt: skip
    return Status(201, _plan(request, access_plan(request.actor, plan_id)))


@router.get("/improvement-plans/{plan_id}", response={200: PlanCaseOut, **ERRORS})
def get_plan(request: HiqcRequest, plan_id: UUID):
    """The plan with its measured effect (verdict, test, before / after, difference, interval)."""
    return _plan(request, access_plan(request.actor, plan_id))


@router.post("/improvement-plans/{plan_id}/actions/{action}",
             response={200: PlanCaseOut, **CASE_ERRORS})  # fmt: skip
def plan_action(request: HiqcRequest, plan_id: UUID, action: str, payload: CaseActionIn):
    """start, check (after_start), act (act_outcome, act_note), cancel (reason)."""
    plan_act(actor=request.actor, plan_id=plan_id, action=action[:60], data=payload.data,
             version=payload.version)  # fmt: skip
    return _plan(request, access_plan(request.actor, plan_id))
