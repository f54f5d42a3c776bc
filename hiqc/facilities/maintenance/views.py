"""Preventive maintenance pages (standard 8.2.2; issue 19 §4): plans (list, create, edit), tasks
(overdue and due soon per unit, the list), the task page (the phone form: a result per step).
Thin: every read is a selector or a door, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_allowed_actions, case_deadlines
from hiqc.core.checklists import checklist_items
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.organisations.selectors import units_in_scope

from ..enums import MANAGE, VIEW, EquipmentCategory
from . import selectors
from .enums import TaskState
from .services import (
    KIND,
    maintenance_plan_create,
    maintenance_plan_update,
    maintenance_task_act,
    plan_checklist,
)

T = "facilities/maintenance/"


def _today() -> Any:
    return timezone.now().astimezone(BEIJING).date()


def _write(request: HiqcRequest, write: Any, done: str) -> tuple[Any, dict[str, list[str]], int]:
    try:
        result = write()
    except (ValidationFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        return None, getattr(exc, "fields", None) or {}, exc.status
    messages.success(request, done)
    return result, {}, 200


@login_required
def plans_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"lead_days": "7"}
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        plan, errors, status = _write(
            request, lambda: maintenance_plan_create(actor=actor, data=values),
            _("已创建保养计划。"))  # fmt: skip
        if plan is not None:
            return redirect("facilities:maintenance_plan", plan.pk)
    form = ChoiceFilters(request.GET, fields={"category": (_("类别"), EquipmentCategory.choices)})
    f = list_filters(form)
    page = Paginator(selectors.plan_list(actor, category=f.get("category") or ""), 50).get_page(
        request.GET.get("page"))  # fmt: skip
    can_manage = actor.can(MANAGE)
    return render(request, T + "plans.html", {
        "page": page, "form": form, "errors": errors, "values": values,
        "can_manage": can_manage, "categories": EquipmentCategory.choices,
        "units": units_in_scope(actor, MANAGE) if can_manage else [],
    }, status=status)  # fmt: skip


@login_required
def plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    actor = request.actor
    plan = selectors.access_plan(actor, plan_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        done, errors, status = _write(
            request, lambda: maintenance_plan_update(actor=actor, plan_id=plan.pk, data=values),
            _("已保存保养计划。"))  # fmt: skip
        if done is not None:
            return redirect("facilities:maintenance_plan", plan.pk)
    checklist = plan_checklist(plan)
    steps = [i.text for i in checklist_items(checklist)]
    if not values:
        values = {f: getattr(plan, f) for f in ("name", "interval_days", "usage_interval",
                                                "usage_unit", "lead_days", "active")}  # fmt: skip
        values["starts_on"] = plan.starts_on.isoformat()
        values["steps"] = "\n".join(steps)
    tasks = selectors.task_list(actor, plan_id=plan.pk, today=_today()).order_by("-due_on")
    return render(request, T + "plan.html", {
        "plan": plan, "checklist": checklist, "steps": steps, "errors": errors,
        "values": values, "can_manage": actor.can(MANAGE, plan.org_unit.path),
        "tasks": tasks[:50], "counts": [(TaskState(k).label, n) for k, n in selectors.task_counts(tasks).items()],
        "today": _today(),
    }, status=status)  # fmt: skip


@login_required
def tasks_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    today = _today()
    query = request.GET.copy()
    if "state" not in query:  # first visit: what is still to do (全部 shows the history too)
        query["state"] = TaskState.PENDING
    form = ChoiceFilters(query, fields={
        "state": (_("状态"), TaskState.choices),
        "due": (_("到期"), [("overdue", _("已逾期")), ("due_soon", _("即将到期"))]),
    })  # fmt: skip
    f = list_filters(form)
    due = f.get("due") or ""
    unit = str(query.get("org_unit") or "")[:40]
    try:
        qs = selectors.task_list(actor, state=f.get("state") or "", overdue=due == "overdue",
                                 due_soon=due == "due_soon", org_unit_id=unit or None,
                                 today=today)  # fmt: skip
    except NotFound:
        qs, unit = selectors.task_list(actor, today=today).none(), ""
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, T + "tasks.html", {
        "page": page, "form": form, "today": today, "org_unit": unit,
        "by_unit": selectors.overdue_by_unit(actor, today=today),
    })  # fmt: skip


@login_required
def task_page(request: HiqcRequest, task_id: str) -> HttpResponse:
    actor = request.actor
    task = selectors.access_task(actor, task_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        values = post.dict()
        action = str(post.get("action") or "")[:20]
        data = {
            "steps": {k[5:]: v for k, v in post.items() if k.startswith("step_")},
            "step_notes": {k[5:]: v for k, v in post.items() if k.startswith("note_")},
            **{k: post.get(k, "") for k in ("done_on", "notes", "cost", "reading", "reason")},
        }  # fmt: skip
        version = int(post["version"]) if str(post.get("version", "")).isdigit() else None
        done, errors, status = _write(
            request, lambda: maintenance_task_act(actor=actor, task_id=task.pk, action=action,
                                                  data=data, version=version),
            _("已登记保养。") if action == "complete" else _("已取消保养任务。"))  # fmt: skip
        if done is not None:
            return redirect("facilities:maintenance_task", task.pk)
    pending = task.status == TaskState.PENDING
    allowed = case_allowed_actions(KIND, task, actor)
    checklist = plan_checklist(task.plan) if pending else task.checklist
    rows = []
    for item in checklist_items(checklist):
        sid = str(item.pk)
        result = (task.results or {}).get(sid, {})
        rows.append({"item": item, "result": result.get("result", ""),
                     "note": result.get("note", ""), "value": values.get(f"step_{sid}", ""),
                     "note_value": values.get(f"note_{sid}", ""),
                     "errors": errors.get(f"item_{sid}", [])})  # fmt: skip
    today = _today()
    return render(request, T + "task.html", {
        "t": task, "checklist": checklist, "rows": rows, "errors": errors, "values": values,
        "today": today, "overdue": pending and task.due_on < today,
        "can_complete": "complete" in allowed, "can_cancel": "cancel" in allowed,
        "deadlines": case_deadlines(KIND, task),
    }, status=status)  # fmt: skip


def equipment_context(equipment: Any) -> dict[str, Any]:
    """What the equipment page shows of maintenance (its door was passed)."""
    return {"maintenance": selectors.equipment_maintenance(equipment)}
