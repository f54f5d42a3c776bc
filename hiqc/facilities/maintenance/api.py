"""Preventive maintenance API (standard 8.2.2; issue 19 §4, §9): plans and tasks. Scope before
anything is said: another unit's id is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_allowed_actions
from hiqc.core.checklists import checklist_items
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from ..enums import VIEW
from . import selectors
from .enums import TaskState
from .schemas import (
    MaintenancePlanIn,
    MaintenancePlanOut,
    MaintenancePlanUpdateIn,
    MaintenanceTaskDetailOut,
    MaintenanceTaskOut,
)
from .services import (
    KIND,
    maintenance_plan_create,
    maintenance_plan_update,
    maintenance_task_act,
    plan_checklist,
)

router = Router(tags=["facilities"])
ACTION_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _today():
    return timezone.now().astimezone(BEIJING).date()


def _plan(plan) -> dict:
    checklist = plan_checklist(plan)
    return {**{f: getattr(plan, f) for f in (
        "id", "name", "org_unit_id", "category", "equipment_id", "interval_days",
        "usage_interval", "usage_unit", "lead_days", "starts_on", "active", "checklist_code")},
        "checklist_version": checklist.version,
        "steps": [i.text for i in checklist_items(checklist)]}  # fmt: skip


def _task(t, today) -> dict:
    pending = t.state == TaskState.PENDING
    return {**{f: getattr(t, f) for f in (
        "id", "plan_id", "equipment_id", "due_on", "warn_on", "due_reading", "state", "status", "version",
        "completed_on", "completed_at", "completed_by", "on_time", "reading", "cost", "notes",
        "cancel_reason")},
        "plan_name": t.plan.name, "asset_number": t.equipment.asset_number,
        "equipment_name": t.equipment.name, "org_unit_id": t.equipment.org_unit_id,
        "overdue": pending and t.due_on < today,
        "due_soon": pending and t.warn_on <= today <= t.due_on,
        "checklist_version": t.checklist.version}  # fmt: skip


def _task_detail(request: HiqcRequest, t) -> dict:
    today = _today()
    out = _task(t, today)
    if t.state == TaskState.PENDING:
        steps = [{"item_id": str(i.pk), "text": i.text, "result": "", "note": ""}
                 for i in checklist_items(plan_checklist(t.plan))]  # fmt: skip
    else:
        steps = [{"item_id": k, **v} for k, v in (t.results or {}).items()]
    allowed = case_allowed_actions(KIND, t, request.actor)
    return {**out, "steps": steps, "allowed_actions": allowed}


@router.get("/maintenance-plans", response={200: list[MaintenancePlanOut], **ERRORS})
@paginate
def list_plans(request: HiqcRequest, category: str = ""):
    """Maintenance plans in scope (8.2.2), by org unit and name; `category` filters."""
    require(request.actor, VIEW)
    return [_plan(p) for p in selectors.plan_list(request.actor, category=category[:20])]


@router.post("/maintenance-plans", response={201: MaintenancePlanOut, **ERRORS})
def create_plan(request: HiqcRequest, payload: MaintenancePlanIn):
    """A plan for a category over an org unit's subtree, or for one item (facilities.manage);
    its `steps` become a versioned checklist."""
    plan = maintenance_plan_create(actor=request.actor, data=payload.dict())
    return Status(201, _plan(plan))


@router.get("/maintenance-plans/{plan_id}", response={200: MaintenancePlanOut, **ERRORS})
def get_plan(request: HiqcRequest, plan_id: UUID):
    return _plan(selectors.access_plan(request.actor, plan_id))


@router.put("/maintenance-plans/{plan_id}", response={200: MaintenancePlanOut, **ERRORS})
def put_plan(request: HiqcRequest, plan_id: UUID, payload: MaintenancePlanUpdateIn):
    """Change a plan (facilities.manage over its unit); changed steps publish the next version
    of its checklist."""
    maintenance_plan_update(actor=request.actor, plan_id=plan_id, data=payload.dict())
    return _plan(selectors.access_plan(request.actor, plan_id))


@router.get("/maintenance-tasks", response={200: list[MaintenanceTaskOut], **ERRORS})
@paginate
def list_tasks(request: HiqcRequest, state: Literal["", "pending", "done", "cancelled"] = "",
               overdue: bool = False, due_soon: bool = False, org_unit: UUID | None = None,
               equipment: UUID | None = None):  # fmt: skip
    """Maintenance tasks in scope by due date: `state`, `overdue` (open, past due), `due_soon`
    (open, in the plan's warning lead), `org_unit` (its subtree), `equipment`."""
    require(request.actor, VIEW)
    qs = selectors.task_list(request.actor, state=state, overdue=overdue, due_soon=due_soon,
                             org_unit_id=org_unit, equipment_id=equipment, today=_today())  # fmt: skip
    return qs.select_related("checklist")


@router.get("/maintenance-tasks/{task_id}", response={200: MaintenanceTaskDetailOut, **ERRORS})
def get_task(request: HiqcRequest, task_id: UUID):
    return _task_detail(request, selectors.access_task(request.actor, task_id))


@router.post("/maintenance-tasks/{task_id}/actions/{action}",
             response={200: MaintenanceTaskDetailOut, **ACTION_ERRORS})  # fmt: skip
def task_action(request: HiqcRequest, task_id: UUID, action: str, payload: CaseActionIn):
    """complete (`steps`: step id → ok | fail | na, `step_notes`, `done_on`, `notes`, `cost`,
    `reading`; facilities.maintain) or cancel (`reason`; facilities.manage) at `version`: 409
    when stale or closed, 422 for missing inputs."""
    maintenance_task_act(actor=request.actor, task_id=task_id, action=action[:60],
                         data=payload.data, version=payload.version)  # fmt: skip
    return _task_detail(request, selectors.access_task(request.actor, task_id))
