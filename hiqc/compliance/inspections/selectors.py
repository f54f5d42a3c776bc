"""Reads of compliance inspections (DESIGN rules 1–2; standard 9.1.2(3)(4); issue 20 §3).

Door: ``access_inspection`` — another unit's visit is the same 404 as a missing one. Plans and
visits are listed through the same scope predicate (their unit's path); the findings a visit
raised are kernel ``Finding`` rows (kind ``compliance.inspection``) read with ``findings.view``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.calendar import BEIJING
from hiqc.core.models import Deadline, Finding

from ..enums import VIEW
from ..models import Control, Obligation
from .enums import FINDING_KIND, InspectionStatus
from .models import ComplianceInspection, ComplianceInspectionMark, InspectionPlan
from .workflow import PROCESS, REPORT_CLOCK

OPEN_STATES = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS, InspectionStatus.REPORTED)


def plan_list(actor: Actor, *, year: int | None = None) -> QuerySet[InspectionPlan]:
    qs = scope(actor, InspectionPlan.objects.select_related("org_unit", "checklist"), VIEW)
    return qs.filter(year=year) if year else qs


def inspection_list(actor: Actor, *, status: str = "", plan: Any = None
                    ) -> QuerySet[ComplianceInspection]:  # fmt: skip
    qs = scope(actor, ComplianceInspection.objects.select_related("org_unit", "plan"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if plan:
        qs = qs.filter(plan_id=plan)
    return qs


def access_inspection(actor: Actor, case_id: Any, *, for_update: bool = False
                      ) -> ComplianceInspection:  # fmt: skip
    qs = (ComplianceInspection.objects.all() if for_update else
          ComplianceInspection.objects.select_related("org_unit", "plan__checklist"))  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)


def marks_of(inspection: ComplianceInspection) -> list[ComplianceInspectionMark]:
    return list(inspection.marks.select_related("item", "finding").order_by("item__position"))


def findings_of(actor: Actor, inspection: ComplianceInspection) -> list[Finding]:
    return list(scope(actor, Finding.objects.filter(kind=FINDING_KIND, case_type=PROCESS,
                                                    case_id=str(inspection.pk)), "findings.view"))  # fmt: skip


def inspection_findings(actor: Actor, *, open_only: bool = False) -> QuerySet[Finding]:
    """Every finding raised by a compliance inspection in the actor's findings.view scope."""
    qs = scope(actor, Finding.objects.filter(kind=FINDING_KIND), "findings.view")
    return qs.filter(status=Finding.Status.OPEN) if open_only else qs


def overdue(actor: Actor, *, now: datetime) -> list[ComplianceInspection]:
    """Visits past their planned date and not started, or in progress past the report clock's
    due time (whether or not the breach sweep has run yet)."""
    today = now.astimezone(BEIJING).date()
    late_reports = Deadline.objects.filter(case_type=PROCESS, clock=REPORT_CLOCK.code,
                                           closed_at__isnull=True, due_at__lt=now
                                           ).values_list("case_id", flat=True)  # fmt: skip
    return list(inspection_list(actor).filter(
        Q(status=InspectionStatus.PLANNED, planned_on__lt=today)
        | Q(status=InspectionStatus.IN_PROGRESS, pk__in=list(late_reports))
    ))  # fmt: skip


def register_controls() -> list[Control]:
    """Every control with its obligation, by code (``control_for_finding``'s list)."""
    return list(Control.objects.select_related("obligation").order_by("code"))


def obligations_all() -> QuerySet[Obligation]:
    """The register's obligations by code (the plan form's choices; register data)."""
    return Obligation.objects.order_by("code")
