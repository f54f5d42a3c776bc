"""Emergency API (issue 20 §6–7): plans, drills, incidents. Scope before anything is said:
another unit's id is the same 404 as a missing one; the permission is checked before the body is
validated (a schema-valid body from a reader is a 403, never a 422).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any, Literal
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from . import selectors
from .enums import DRILL, INCIDENT, MANAGE, VIEW
from .incidents import KIND, incident_act, incident_report
from .schemas import (
    DrillIn,
    DrillOut,
    DrillRecordIn,
    EmergencyPlanCreateIn,
    EmergencyPlanIn,
    EmergencyPlanOut,
    IncidentCaseOut,
    IncidentIn,
    IncidentOut,
)
from .services import drill_plan, drill_record, plan_create, plan_update, today

router = Router(tags=["emergency"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _drill(d) -> dict:
    return {**{f: getattr(d, f) for f in (
        "id", "plan_id", "family", "org_unit_id", "due_date", "planned_by", "performed_on",
        "performed_by", "participants", "notes", "timings", "recovery_minutes", "rto_minutes",
        "recovery_met", "met", "late", "review", "improvement_plan_id")},
        "overdue": d.performed_on is None and d.due_date < today()}  # fmt: skip


def _case(request: HiqcRequest, case) -> dict:
    return {**case_representation(KIND, case, request.actor), "incident": case,
            "timeline": list(selectors.incident_entries(case))}  # fmt: skip


# --- plans ---------------------------------------------------------------------------------------


@router.get("/emergency-plans", response={200: list[EmergencyPlanOut], **ERRORS})
@paginate
def list_plans(request: HiqcRequest, scenario: str = ""):
    """The current version of every plan in the caller's scope."""
    require(request.actor, VIEW)
    return selectors.plan_list(request.actor, scenario=scenario[:20])


@router.post("/emergency-plans", response={201: EmergencyPlanOut, **ERRORS})
def create_plan(request: HiqcRequest, payload: EmergencyPlanCreateIn):
    """A plan for a scenario at an org unit (for its subtree): roles, contact tree (levels),
    steps (owner role, target minutes), RTO / RPO minutes; `approve` approves it at once
    (emergency.manage over the unit)."""
    require(request.actor, MANAGE)
    return Status(201, plan_create(actor=request.actor, data=payload.dict()))


@router.get("/emergency-plans/{plan_id}", response={200: EmergencyPlanOut, **ERRORS})
def get_plan(request: HiqcRequest, plan_id: UUID):
    return selectors.access_plan(request.actor, plan_id)


@router.put("/emergency-plans/{plan_id}", response={200: EmergencyPlanOut, **CASE_ERRORS})
def put_plan(request: HiqcRequest, plan_id: UUID, payload: EmergencyPlanIn):
    """Replace the plan's content: an approved version stays and the edit becomes the next
    version (returned); an unapproved one is edited in place. 409 for a superseded version."""
    selectors.access_plan(request.actor, plan_id)
    require(request.actor, MANAGE)
    return plan_update(actor=request.actor, plan_id=plan_id, data=payload.dict())


# --- drills --------------------------------------------------------------------------------------


@router.get("/drills", response={200: list[DrillOut], **ERRORS})
@paginate
def list_drills(request: HiqcRequest, state: Literal["", "planned", "overdue", "done"] = ""):
    """Drills in scope, overdue first, then planned, then performed."""
    require(request.actor, VIEW)
    return [_drill(d) for d in selectors.drill_list(request.actor, state=state, today=today())]


@router.post("/drills", response={201: DrillOut, **CASE_ERRORS})
def create_drill(request: HiqcRequest, payload: DrillIn):
    """Put a drill of a current plan on the schedule by `due_date` (emergency.drill); 409 while
    the plan has a drill to do."""
    require(request.actor, DRILL)
    data = payload.dict()
    return Status(201, _drill(drill_plan(actor=request.actor, data=data)))


@router.get("/drills/{drill_id}", response={200: DrillOut, **ERRORS})
def get_drill(request: HiqcRequest, drill_id: UUID):
    return _drill(selectors.access_drill(request.actor, drill_id))


@router.post("/drills/{drill_id}/record", response={200: DrillOut, **CASE_ERRORS})
def record_drill(request: HiqcRequest, drill_id: UUID, payload: DrillRecordIn):
    """Record the drill: `timings` (position, actual minutes) for every step of the plan,
    `recovery_minutes` against the RTO → met / missed; `review` and its `actions` open an
    improvement plan. 409 once recorded."""
    drill = selectors.access_drill(request.actor, drill_id)
    require(request.actor, DRILL, drill)
    data = payload.dict()
    data["timings"] = {str(int(t["position"])): t["actual_minutes"] for t in data["timings"]}
    data["actions"] = [{**a, "owner": str(a["owner"]) if a["owner"] else None}
                       for a in data["actions"]]  # fmt: skip
    return _drill(drill_record(actor=request.actor, drill_id=drill_id, data=data))


# --- incidents -----------------------------------------------------------------------------------


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS})
@paginate
def list_incidents(request: HiqcRequest, status: str = ""):
    require(request.actor, VIEW)
    return selectors.incident_list(request.actor, status=status[:20])


@router.post("/incidents", response={201: IncidentCaseOut, **ERRORS})
def report_incident(request: HiqcRequest, payload: IncidentIn):
    """Report an incident: scenario, severity, detected at, the count of affected customers
    (never names). Clocks: containment, and notification when personal information is involved
    or the regulator must be told (design defaults; PIPL art. 57 fixes no hours)."""
    require(request.actor, INCIDENT)
    incident = incident_report(actor=request.actor, data=payload.dict())
    return Status(201, _case(request, selectors.access_incident(request.actor, incident.pk)))


@router.get("/incidents/{case_id}", response={200: IncidentCaseOut, **ERRORS})
def get_incident(request: HiqcRequest, case_id: UUID):
    return _case(request, selectors.access_incident(request.actor, case_id))


@router.post("/incidents/{case_id}/actions/{action}",
             response={200: IncidentCaseOut, **CASE_ERRORS})  # fmt: skip
def incident_action(request: HiqcRequest, case_id: UUID, action: str, payload: CaseActionIn):
    """accept (note), log (note, happened_at), contain (containment), notify /
    notify_after_containment (notification, customers, regulator), close (root_cause, lessons,
    actions: [{title, owner, due_date}]), withdraw (reason) at ``version``: 409 when stale or not
    allowed now, 422 for missing inputs."""
    incident_act(actor=request.actor, case_id=case_id, action=action[:60], data=payload.data,
                 version=payload.version)  # fmt: skip
    return _case(request, selectors.access_incident(request.actor, case_id))
