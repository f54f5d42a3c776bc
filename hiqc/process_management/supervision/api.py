"""Supervision API (issue 16 §6) on the case API contract: plans, visits and findings with their
actions. Scope before anything is said: another unit's id is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, CaseDeadlineOut, CaseEventOut, ErrorOut

from . import selectors
from .services import (
    FINDING_KIND,
    VISIT_KIND,
    access_finding,
    access_plan,
    access_visit,
    finding_act,
    finding_link,
    finding_open,
    plan_create,
    visit_plan,
    visit_record,
)
from .workflow import VIEW

router = Router(tags=["supervision"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


class SupervisionPlanIn(Schema):
    process: str
    title: str
    method: str
    org_unit: UUID
    period_days: int
    start_date: date
    checklist: list[str]


class SupervisionPlanOut(Schema):
    id: UUID
    process: str
    title: str
    method: str
    org_unit_id: UUID
    period_days: int
    start_date: date
    checklist: list[str]
    owner: str


class SupervisionVisitIn(Schema):
    org_unit: UUID | None = None
    planned_date: date


class SupervisionVisitOut(Schema):
    id: UUID
    plan_id: UUID
    org_unit_id: UUID
    planned_date: date
    done_at: datetime | None
    results: list[dict[str, str]]
    evidence: str


class SupervisionItemIn(Schema):
    result: str
    note: str = ""


class SupervisionRecordIn(Schema):
    version: int | None = None
    items: list[SupervisionItemIn]
    evidence: str = ""


class SupervisionFindingIn(Schema):
    process: str
    org_unit: UUID
    title: str
    description: str
    deviation: str = ""
    link_type: str = ""
    link_id: str = ""


class SupervisionLinkIn(Schema):
    link_type: str
    link_id: str


class SupervisionFindingOut(Schema):
    id: UUID
    process: str
    org_unit_id: UUID
    visit_id: UUID | None
    item: str
    deviation: str
    title: str
    description: str
    opened_at: datetime
    response: str
    verification: str
    link_type: str
    link_id: str


class SupervisionCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]


class SupervisionVisitCaseOut(SupervisionCaseOut):
    visit: SupervisionVisitOut


class SupervisionFindingCaseOut(SupervisionCaseOut):
    finding: SupervisionFindingOut


def _visit(request: HiqcRequest, visit) -> dict:
    return {**case_representation(VISIT_KIND, visit, request.actor), "visit": visit}


def _finding(request: HiqcRequest, finding) -> dict:
    return {**case_representation(FINDING_KIND, finding, request.actor), "finding": finding}


@router.get("/supervision/plans", response={200: list[SupervisionPlanOut], **ERRORS})
@paginate
def list_plans(request: HiqcRequest):
    """Supervision plans in the caller's scope (processes.view)."""
    require(request.actor, VIEW)
    return selectors.plans(request.actor)


@router.post("/supervision/plans", response={201: SupervisionPlanOut, **ERRORS})
def create_plan(request: HiqcRequest, payload: SupervisionPlanIn):
    """A plan (processes.supervise over its unit): every `period_days` days from `start_date`."""
    data = payload.dict()
    data["start_date"] = data["start_date"].isoformat()
    data["period_days"] = str(data["period_days"]) if data["period_days"] > 0 else ""
    return Status(201, plan_create(actor=request.actor, data=data))


@router.get("/supervision/plans/{plan_id}", response={200: SupervisionPlanOut, **ERRORS})
def get_plan(request: HiqcRequest, plan_id: UUID):
    return access_plan(request.actor, plan_id)


@router.post(
    "/supervision/plans/{plan_id}/visits", response={201: SupervisionVisitCaseOut, **ERRORS}
)
def create_visit(request: HiqcRequest, plan_id: UUID, payload: SupervisionVisitIn):
    """Plan a visit of the plan's unit (or `org_unit` below it) on `planned_date`."""
    data = {"org_unit": payload.org_unit or "", "planned_date": payload.planned_date.isoformat()}
    visit = visit_plan(actor=request.actor, plan_id=plan_id, data=data)
    return Status(201, _visit(request, access_visit(request.actor, visit.pk)))


@router.get("/supervision/visits/{visit_id}", response={200: SupervisionVisitCaseOut, **ERRORS})
def get_visit(request: HiqcRequest, visit_id: UUID):
    return _visit(request, access_visit(request.actor, visit_id))


@router.post("/supervision/visits/{visit_id}/record",
             response={200: SupervisionVisitCaseOut, **CASE_ERRORS})  # fmt: skip
def record_visit(request: HiqcRequest, visit_id: UUID, payload: SupervisionRecordIn):
    """The checklist results in the plan's order (ok / not_ok / na, a note for not_ok) and the
    evidence; each not-ok item opens a finding."""
    data = {"evidence": payload.evidence}
    for i, item in enumerate(payload.items):
        data[f"result_{i}"], data[f"note_{i}"] = item.result, item.note
    visit_record(actor=request.actor, visit_id=visit_id, data=data, version=payload.version)
    return _visit(request, access_visit(request.actor, visit_id))


@router.get("/supervision/findings", response={200: list[SupervisionFindingOut], **ERRORS})
@paginate
def list_findings(request: HiqcRequest, status: str = ""):
    """Findings in the caller's scope (processes.view), newest first."""
    require(request.actor, VIEW)
    return selectors.findings(request.actor, status=status)


@router.post("/supervision/findings", response={201: SupervisionFindingCaseOut, **ERRORS})
def create_finding(request: HiqcRequest, payload: SupervisionFindingIn):
    """Open one by hand or from a deviation (processes.supervise over the unit); `link_type` and
    `link_id` name a nonconformity or improvement plan in scope."""
    finding = finding_open(actor=request.actor, data=payload.dict())
    return Status(201, _finding(request, access_finding(request.actor, finding.pk)))


@router.get(
    "/supervision/findings/{finding_id}", response={200: SupervisionFindingCaseOut, **ERRORS}
)
def get_finding(request: HiqcRequest, finding_id: UUID):
    return _finding(request, access_finding(request.actor, finding_id))


@router.post(
    "/supervision/findings/{finding_id}/link", response={200: SupervisionFindingCaseOut, **ERRORS}
)
def link_finding(request: HiqcRequest, finding_id: UUID, payload: SupervisionLinkIn):
    finding_link(actor=request.actor, finding_id=finding_id, data=payload.dict())
    return _finding(request, access_finding(request.actor, finding_id))


@router.post("/supervision/findings/{finding_id}/actions/{action}",
             response={200: SupervisionFindingCaseOut, **CASE_ERRORS})  # fmt: skip
def finding_action(request: HiqcRequest, finding_id: UUID, action: str, payload: CaseActionIn):
    """respond (response), verify (verification), close (reason) at `version`: 409 when stale or
    not allowed now, 422 for missing inputs."""
    finding_act(actor=request.actor, finding_id=finding_id, action=action[:60],
                data=payload.data, version=payload.version)  # fmt: skip
    return _finding(request, access_finding(request.actor, finding_id))
