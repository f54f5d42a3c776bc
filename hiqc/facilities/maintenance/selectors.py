"""Every read of preventive maintenance (standard 8.2.2; issue 19 §4; DESIGN rules 1–2).

Doors: ``access_plan`` (scoped by the plan's org unit) and ``access_task`` (by the item's org
unit) — missing and not yours are the same 404. ``task_list`` filters by state, overdue / due soon,
org unit (its subtree) and item; ``overdue_by_unit`` counts the overdue and due-soon tasks per org
unit in scope; ``equipment_maintenance`` is what an item's page shows (its plans, its open task).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.organisations.selectors import unit_in_scope

from ..enums import VIEW
from ..models import Equipment, MaintenancePlan, MaintenanceTask
from .enums import TaskState


def plan_list(actor: Actor, *, category: str = "", active: bool | None = None
              ) -> QuerySet[MaintenancePlan]:  # fmt: skip
    qs = scope(actor, MaintenancePlan.objects.select_related("org_unit", "equipment"), VIEW)
    if category:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def access_plan(actor: Actor, plan_id: Any, *, for_update: bool = False) -> MaintenancePlan:
    qs = MaintenancePlan.objects.all() if for_update else MaintenancePlan.objects.select_related(
        "org_unit", "equipment")  # fmt: skip
    return get_in_scope(actor, qs, plan_id, VIEW, for_update=for_update)


def task_list(actor: Actor, *, state: str = "", overdue: bool = False, due_soon: bool = False,
              org_unit_id: Any = None, equipment_id: Any = None, plan_id: Any = None,
              today: date) -> QuerySet[MaintenanceTask]:  # fmt: skip
    """Tasks in scope by due date. ``overdue``: open and past due; ``due_soon``: open, in the
    plan's lead window, not yet past due; ``org_unit_id``: that unit's subtree (in scope)."""
    qs = scope(actor, MaintenanceTask.objects.select_related(
        "plan", "equipment", "equipment__org_unit"), VIEW)  # fmt: skip
    if state:
        qs = qs.filter(status=state)
    if overdue or due_soon:
        q = Q()
        if overdue:
            q |= Q(due_on__lt=today)
        if due_soon:
            q |= Q(warn_on__lte=today, due_on__gte=today)
        qs = qs.filter(q, status=TaskState.PENDING)
    if org_unit_id:
        unit = unit_in_scope(actor, org_unit_id, VIEW)
        qs = qs.filter(equipment__org_unit__path__startswith=unit.path)
    if equipment_id:
        qs = qs.filter(equipment_id=equipment_id)
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    return qs


def access_task(actor: Actor, task_id: Any, *, for_update: bool = False) -> MaintenanceTask:
    qs = MaintenanceTask.objects.all() if for_update else MaintenanceTask.objects.select_related(
        "plan", "equipment", "equipment__org_unit", "checklist")  # fmt: skip
    return get_in_scope(actor, qs, task_id, VIEW, for_update=for_update)


def overdue_by_unit(actor: Actor, *, today: date) -> list[dict[str, Any]]:
    """Per org unit in scope with open tasks past due or due soon: the unit, both counts — the
    most overdue first."""
    qs = scope(actor, MaintenanceTask.objects.all(), VIEW).filter(
        Q(due_on__lt=today) | Q(warn_on__lte=today), status=TaskState.PENDING)  # fmt: skip
    rows = (qs.order_by().values("equipment__org_unit_id", "equipment__org_unit__name",
                                 "equipment__org_unit__code", "equipment__org_unit__path")
            .annotate(overdue=Count("id", filter=Q(due_on__lt=today)),
                      due_soon=Count("id", filter=Q(due_on__gte=today))))  # fmt: skip
    out = [{"unit_id": r["equipment__org_unit_id"], "name": r["equipment__org_unit__name"],
            "code": r["equipment__org_unit__code"], "path": r["equipment__org_unit__path"],
            "overdue": r["overdue"], "due_soon": r["due_soon"]} for r in rows]  # fmt: skip
    return sorted(out, key=lambda r: (-r["overdue"], -r["due_soon"], r["path"]))


def plans_for_equipment(equipment: Equipment) -> list[MaintenancePlan]:
    """The active plans that apply to an item (its own, its category's over an ancestor unit)."""
    path = equipment.org_unit.path
    plans = MaintenancePlan.objects.filter(
        Q(equipment=equipment) | Q(category=equipment.category, equipment__isnull=True),
        active=True).select_related("org_unit")  # fmt: skip
    return [p for p in plans if p.equipment_id or path.startswith(p.org_unit.path)]


def equipment_maintenance(equipment: Equipment) -> dict[str, Any]:
    """An item's plans, its open tasks and its last completed ones (the door was passed)."""
    tasks = equipment.maintenance_tasks.select_related("plan")
    return {
        "plans": plans_for_equipment(equipment),
        "open": list(tasks.filter(status=TaskState.PENDING).order_by("due_on")),
        "done": list(tasks.filter(status=TaskState.DONE).order_by("-completed_on")[:5]),
    }


def task_counts(tasks: QuerySet[MaintenanceTask]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for state, n in tasks.order_by().values_list("status").annotate(n=Count("id")):
        counts[state] = n
    return dict(counts)
