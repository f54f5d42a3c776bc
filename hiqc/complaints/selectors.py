"""Reads of complaints, always through the actor's scope (DESIGN rule 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.models import CaseEvent, Deadline
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.selectors import units_in_scope

from .models import Complaint, Letter, RootCause

VIEW = "complaints.view"


def access_complaint(actor: Actor, complaint_id: Any, *, for_update: bool = False) -> Complaint:
    return get_in_scope(
        actor,
        Complaint.objects.select_related(
            "org_unit", "complainant", "root_cause", "assignee", "respondent_unit"
        ),
        complaint_id,
        VIEW,
        for_update=for_update,
    )


def complaint_list(
    actor: Actor,
    *,
    q: str = "",
    status: str = "",
    dispute_type: str = "",
    source: str = "",
    org_path: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
) -> QuerySet[Complaint]:
    qs = scope(actor, Complaint.objects.select_related("org_unit", "complainant"), VIEW)
    if q:
        qs = qs.filter(reference__icontains=q.strip()) | qs.filter(complainant__name=q.strip())
    if status:
        qs = qs.filter(status=status)
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    if source:
        qs = qs.filter(source=source)
    if org_path:
        qs = qs.filter(org_unit__path__startswith=org_path)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    return qs.order_by("-received_at")


def complaints_of_customer(actor: Actor, customer_id: Any, *, limit: int = 10) -> list[Complaint]:
    """The customer's recent complaints in the actor's scope (history panels, repeat checks)."""
    return list(
        scope(actor, Complaint.objects.filter(complainant_id=customer_id), VIEW).order_by(
            "-received_at"
        )[:limit]
    )


def root_cause_names() -> dict[str, str]:
    """Every root cause's name by code, retired ones included (old decisions name them)."""
    return dict(RootCause.objects.values_list("code", "name"))


def root_causes(*, active_only: bool = True) -> QuerySet[RootCause]:
    qs = RootCause.objects.select_related("parent")
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("parent__position", "parent__code", "position", "code")


def letter_list(complaint: Complaint) -> list[Letter]:
    return list(complaint.letters.order_by("created_at"))


def access_letter(actor: Actor, letter_id: Any) -> Letter:
    return get_in_scope(actor, Letter.objects.select_related("complaint"), letter_id, VIEW)


def decide_deadlines(complaint_ids: list[Any]) -> dict[str, Deadline]:
    """The decision clock of each listed complaint (one query for a page of rows)."""
    rows = Deadline.objects.filter(
        case_type="complaints.complaint",
        case_id__in=[str(i) for i in complaint_ids],
        clock="complaints.decide",
    )
    return {d.case_id: d for d in rows}


def case_deadlines(complaint: Complaint) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            case_type="complaints.complaint", case_id=str(complaint.pk)
        ).order_by("started_at")
    )


def case_events(complaint: Complaint) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(
            case_type="complaints.complaint", case_id=str(complaint.pk)
        ).order_by("at", "id")
    )


def linked_consultations(complaint: Complaint) -> list[Any]:
    """Consultations converted into this complaint (the link is held by the consultation)."""
    related = getattr(complaint, "consultations", None)
    return list(related.all()) if related is not None else []


def staff_for_register(actor: Actor) -> QuerySet[User]:
    """Active staff of the units where the actor registers complaints: who can be named as the
    employee complained about or as involved (CP-6)."""
    paths = actor.paths_for("complaints.register")
    if not paths:
        return User.objects.none()
    qs = User.objects.filter(is_active=True).select_related("org_unit")
    if "" not in paths:
        predicate = Q()
        for p in paths:
            predicate |= Q(org_unit__path__startswith=p)
        qs = qs.filter(predicate)
    return qs.order_by("org_unit__path", "username")


def units_in_view(actor: Actor) -> QuerySet[OrgUnit]:
    """Units down to city level whose complaints the actor sees (the list's unit filter)."""
    return units_in_scope(actor, VIEW).filter(level__lte=3)
