"""Reads of supervision plans, visits and findings, in the actor's scope (DESIGN rule 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor, scope
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.models import Deadline

from .models import SupervisionFinding, SupervisionPlan, SupervisionVisit, VisitStatus
from .services import due_dates
from .workflow import FINDING_PROCESS, VIEW


def plans(actor: Actor) -> QuerySet[SupervisionPlan]:
    return scope(actor, SupervisionPlan.objects.select_related("org_unit"), VIEW)


def visits(actor: Actor, plan: SupervisionPlan) -> QuerySet[SupervisionVisit]:
    return scope(actor, plan.visits.select_related("org_unit"), VIEW)


def findings(actor: Actor, *, status: str = "") -> QuerySet[SupervisionFinding]:
    qs = scope(actor, SupervisionFinding.objects.select_related("org_unit"), VIEW)
    return qs.filter(status=status) if status else qs


def schedule(actor: Actor, plan: SupervisionPlan, today: date) -> list[dict[str, Any]]:
    """The plan's due dates (up to the next one) for its unit, each with the visits planned for
    that date and whether it is done, overdue (past, no visit done) or still to come."""
    by_day: dict[date, list[SupervisionVisit]] = {}
    for v in visits(actor, plan):
        by_day.setdefault(v.planned_date, []).append(v)
    rows = []
    for day in due_dates(plan, today):
        vs = by_day.get(day, [])
        done = any(v.status == VisitStatus.DONE for v in vs)
        rows.append({"day": day, "visits": vs, "done": done, "overdue": day < today and not done})
    return rows


def open_clocks(ids: list[Any]) -> dict[str, list[Deadline]]:
    out: dict[str, list[Deadline]] = {}
    rows = Deadline.objects.filter(case_type=FINDING_PROCESS, case_id__in=[str(i) for i in ids],
                                   state=Deadline.State.RUNNING).order_by("due_at")  # fmt: skip
    for d in rows:
        out.setdefault(d.case_id, []).append(d)
    return out


def process_names() -> list[tuple[str, str]]:
    return sorted((k.label, str(k.name) or k.label) for k in CASE_KINDS.values())
