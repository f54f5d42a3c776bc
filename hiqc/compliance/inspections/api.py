"""Compliance inspections API (issue 20 §3; standard 9.1.2(3)(4)): plans, visits and the visit's
case actions. Scope before anything is said: another unit's visit is the same 404 as a missing
one; permission before the body is judged.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import Actor, require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from .. import selectors as register
from ..enums import MANAGE, VIEW
from . import selectors
from .schemas import (
    ComplianceInspectionCaseOut,
    ComplianceInspectionIn,
    ComplianceInspectionOut,
    ComplianceInspectionPlanIn,
    ComplianceInspectionPlanOut,
)
from .services import KIND, inspection_act, inspection_create, nonconformities_for, plan_create

router = Router(tags=["compliance"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _plan(p) -> dict:
    return {"id": p.id, "org_unit_id": p.org_unit_id, "org_unit_name": p.org_unit.name,
            "year": p.year, "quarter": p.quarter, "title": p.title,
            "checklist_id": p.checklist_id, "created_by": p.created_by,
            "obligations": sorted(p.obligations.values_list("code", flat=True))}  # fmt: skip


def _visit(v) -> dict:
    return {**{f: getattr(v, f) for f in (
        "id", "number", "plan_id", "org_unit_id", "status", "planned_on", "started_at",
        "reported_at", "summary", "score", "max_score", "passed", "conclusion", "closed_at")},
        "percent": float(v.percent) if v.percent is not None else None,
        "org_unit_name": v.org_unit.name}  # fmt: skip


def _case(actor: Actor, case) -> dict:
    findings = selectors.findings_of(actor, case) if actor.can("findings.view") else []
    ncs = nonconformities_for(findings)
    controls = selectors.register_controls()
    return {
        **case_representation(KIND, case, actor), "inspection": _visit(case),
        "marks": [{"item_id": m.item_id, "text": m.item.text, "obligation": m.item.clause,
                   "points": m.item.points, "mark": m.mark, "note": m.note,
                   "finding_id": m.finding_id} for m in selectors.marks_of(case)],
        "findings": [{"id": f.pk, "rule": f.rule, "title": f.title, "status": f.status,
                      "created_at": f.created_at,
                      "control_code": getattr(register.control_for_finding(f, controls), "code",
                                              None),
                      "nonconformity_id": ncs[f.pk].pk if f.pk in ncs else None}
                     for f in findings],
    }  # fmt: skip


@router.get("/compliance-inspection-plans", response={200: list[ComplianceInspectionPlanOut],
                                                      **ERRORS})  # fmt: skip
@paginate
def list_inspection_plans(request: HiqcRequest, year: int | None = None):
    """Inspection plans in the actor's scope (9.1.2(4)), with the obligations they examine."""
    require(request.actor, VIEW)
    return [_plan(p) for p in selectors.plan_list(request.actor, year=year)]


@router.post("/compliance-inspection-plans",
             response={201: ComplianceInspectionPlanOut, **ERRORS})  # fmt: skip
def create_inspection_plan(request: HiqcRequest, payload: ComplianceInspectionPlanIn):
    """A unit's plan for a year or quarter over obligations (codes) and/or domains; its
    checklist is generated from them (compliance.manage over the unit)."""
    require(request.actor, MANAGE)
    return Status(201, _plan(plan_create(actor=request.actor, data=payload.dict())))


@router.get("/compliance-inspections", response={200: list[ComplianceInspectionOut], **ERRORS})
@paginate
def list_inspections(request: HiqcRequest, status: str = "", plan: UUID | None = None):
    require(request.actor, VIEW)
    return [_visit(v) for v in selectors.inspection_list(request.actor, status=status[:20],
                                                         plan=plan)]  # fmt: skip


@router.post("/compliance-inspections", response={201: ComplianceInspectionCaseOut, **ERRORS})
def create_inspection(request: HiqcRequest, payload: ComplianceInspectionIn):
    """A visit of a plan to a unit on a day of the plan's period (compliance.manage)."""
    require(request.actor, MANAGE)
    case = inspection_create(actor=request.actor, data=payload.dict())
    return Status(201, _case(request.actor, selectors.access_inspection(request.actor, case.pk)))


@router.get("/compliance-inspections/{case_id}", response={200: ComplianceInspectionCaseOut,
                                                           **ERRORS})  # fmt: skip
def get_inspection(request: HiqcRequest, case_id: UUID):
    return _case(request.actor, selectors.access_inspection(request.actor, case_id))


@router.post("/compliance-inspections/{case_id}/actions/{action}",
             response={200: ComplianceInspectionCaseOut, **CASE_ERRORS})  # fmt: skip
def inspection_action(request: HiqcRequest, case_id: UUID, action: str, payload: CaseActionIn):
    """start; report (summary, item_<item id>: points or "na", note_<item id>); open_nc
    (finding: a finding id of this visit → a quality nonconformity); close (conclusion); cancel
    (reason) at ``version``: 409 when stale or not allowed now, 422 naming the field."""
    inspection_act(actor=request.actor, case_id=case_id, action=action[:60], data=payload.data,
                   version=payload.version)  # fmt: skip
    return _case(request.actor, selectors.access_inspection(request.actor, case_id))
