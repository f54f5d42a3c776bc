"""Every read of the emergency app (DESIGN rules 1–2; standard 9.3; issue 20 §6).

Doors: ``access_plan``, ``access_drill``, ``access_incident`` — missing and not yours are the same
404. Lists use the same scope predicate. ``drill_list`` puts overdue drills first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.models import Deadline

from .enums import VIEW, IncidentStatus
from .models import Drill, EmergencyPlan, Incident, IncidentEntry
from .workflow import PROCESS

OPEN_INCIDENT = (IncidentStatus.REPORTED, IncidentStatus.HANDLING, IncidentStatus.CONTAINED)


# --- plans ---------------------------------------------------------------------------------------


def plan_list(actor: Actor, *, scenario: str = "", current_only: bool = True
              ) -> QuerySet[EmergencyPlan]:  # fmt: skip
    qs = scope(actor, EmergencyPlan.objects.select_related("org_unit"), VIEW)
    if current_only:
        qs = qs.filter(current=True)
    if scenario:
        qs = qs.filter(scenario=scenario)
    return qs


def access_plan(actor: Actor, plan_id: Any, *, for_update: bool = False) -> EmergencyPlan:
    qs = EmergencyPlan.objects.all() if for_update else EmergencyPlan.objects.select_related(
        "org_unit")  # fmt: skip
    return get_in_scope(actor, qs, plan_id, VIEW, for_update=for_update)


def plan_versions(plan: EmergencyPlan) -> QuerySet[EmergencyPlan]:
    """Every version of the plan, newest first (the caller has opened it through its door)."""
    return EmergencyPlan.objects.filter(family=plan.family).order_by("-version")


# --- drills --------------------------------------------------------------------------------------


def drill_list(actor: Actor, *, state: str = "", today: date, plan_family: Any = None
               ) -> QuerySet[Drill]:  # fmt: skip
    """Drills in scope: overdue first (oldest due first), then planned, then performed (newest
    first). ``state`` planned | overdue | done."""
    qs = scope(actor, Drill.objects.select_related("plan", "org_unit"), VIEW)
    if plan_family:
        qs = qs.filter(family=plan_family)
    if state == "done":
        qs = qs.filter(performed_on__isnull=False)
    elif state == "planned":
        qs = qs.filter(performed_on__isnull=True)
    elif state == "overdue":
        qs = qs.filter(performed_on__isnull=True, due_date__lt=today)
    rank = Case(
        When(performed_on__isnull=True, due_date__lt=today, then=Value(0)),
        When(performed_on__isnull=True, then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )  # fmt: skip
    return qs.annotate(rank=rank).order_by("rank", "due_date", "-performed_on", "created_at")


def overdue_drills(actor: Actor, *, today: date) -> QuerySet[Drill]:
    return drill_list(actor, state="overdue", today=today)


def access_drill(actor: Actor, drill_id: Any, *, for_update: bool = False) -> Drill:
    qs = Drill.objects.all() if for_update else Drill.objects.select_related("plan", "org_unit")
    return get_in_scope(actor, qs, drill_id, VIEW, for_update=for_update)


# --- incidents -----------------------------------------------------------------------------------


def incident_list(actor: Actor, *, status: str = "", open_only: bool = False
                  ) -> QuerySet[Incident]:  # fmt: skip
    qs = scope(actor, Incident.objects.select_related("org_unit"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_INCIDENT)
    return qs


def access_incident(actor: Actor, case_id: Any, *, for_update: bool = False) -> Incident:
    qs = Incident.objects.all() if for_update else Incident.objects.select_related(
        "org_unit", "plan")  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)


def incident_entries(incident: Incident) -> QuerySet[IncidentEntry]:
    return incident.entries.order_by("at", "created_at")


def open_clocks(ids: list[Any]) -> dict[str, list[Deadline]]:
    """The running clocks of these incidents, by case id."""
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(case_type=PROCESS, case_id__in=[str(i) for i in ids],
                                     closed_at=None).order_by("due_at"):  # fmt: skip
        out.setdefault(d.case_id, []).append(d)
    return out
