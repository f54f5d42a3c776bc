"""Every read of the fault tickets (DESIGN rules 1–2; standard 8.2.3; issue 19 §5–§6).

* ``access_fault`` — the door: missing and not yours are the same 404.
* ``fault_list`` — in scope, filtered; ``fault_queue`` orders the open ones as the list page shows
  them: breached clocks first, then by severity (紧急 first), then the oldest report.
* ``downtime`` — the outages of the equipment in a subtree over a span, for the kernel's
  downtime registry (the call-centre dashboard, the outlet page).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.downtime import Downtime
from hiqc.core.models import Deadline
from hiqc.organisations.models import User

from ..enums import VIEW
from ..models import Fault
from .enums import OPEN_STATES, FaultSeverity
from .workflow import PROCESS

SEVERITY_ORDER = Case(
    When(severity=FaultSeverity.CRITICAL, then=Value(0)),
    When(severity=FaultSeverity.MAJOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def access_fault(actor: Actor, fault_id: Any, *, for_update: bool = False) -> Fault:
    qs = Fault.objects.all() if for_update else Fault.objects.select_related(
        "org_unit", "equipment", "assignee")  # fmt: skip
    return get_in_scope(actor, qs, fault_id, VIEW, for_update=for_update)


def fault_list(actor: Actor, *, status: str = "", severity: str = "", open_only: bool = False,
               org_unit_id: Any = None, equipment_id: Any = None,
               category: str = "") -> QuerySet[Fault]:  # fmt: skip
    qs = scope(actor, Fault.objects.select_related("org_unit", "equipment", "assignee"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATES)
    if severity:
        qs = qs.filter(severity=severity)
    if category:
        qs = qs.filter(category=category)
    if org_unit_id:
        qs = qs.filter(org_unit_id=org_unit_id)
    if equipment_id:
        qs = qs.filter(equipment_id=equipment_id)
    return qs


def fault_queue(qs: QuerySet[Fault]) -> QuerySet[Fault]:
    """Breached clocks first, then 紧急 → 严重 → 一般, then the oldest report. (The breached
    tickets are read first: a deadline names its case by the text of its id, which SQLite stores
    without hyphens, so no join.)"""
    breached = set(Deadline.objects.filter(case_type=PROCESS, state=Deadline.State.BREACHED,
                                           closed_at=None).values_list("case_id", flat=True))  # fmt: skip
    return qs.annotate(
        breached=Case(When(id__in=list(breached), then=Value(1)), default=Value(0),
                      output_field=IntegerField()),
        rank=SEVERITY_ORDER,
    ).order_by("-breached", "rank", "reported_at")  # fmt: skip


def people_named(ids: list[Any]) -> list[tuple[str, str]]:
    """(id, display name) of these people (the repairers a ticket may be assigned to), by name."""
    people = User.objects.filter(pk__in=ids).order_by("username")
    return [(str(u.pk), u.display_name or u.username) for u in people]


def open_clocks(ids: list[Any]) -> dict[str, list[Deadline]]:
    """The clocks of these tickets still running or breached and not closed, by ticket id."""
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(case_type=PROCESS, case_id__in=[str(i) for i in ids],
                                     closed_at=None).order_by("due_at"):  # fmt: skip
        out.setdefault(d.case_id, []).append(d)
    return out


def downtime(org_path: str, start: datetime, end: datetime,
             categories: tuple[str, ...] | None) -> list[Downtime]:  # fmt: skip
    """The downtime of the equipment in the subtree overlapping [start, end): every ticket not
    cancelled whose service was down in the span (still down: ``end`` None)."""
    qs = Fault.objects.filter(org_unit__path__startswith=org_path, down_from__lt=end).exclude(
        status="cancelled").filter(Q(down_until__isnull=True) | Q(down_until__gt=start))  # fmt: skip
    if categories is not None:
        qs = qs.filter(category__in=categories)
    rows = qs.values_list("id", "number", "down_from", "down_until", "org_unit__path", "category",
                          "severity", "title", "equipment__asset_number")  # fmt: skip
    return [
        Downtime(start=f, end=u, org_path=p, category=c, severity=s, reference=n,
                 label=f"{asset} {title}", url=reverse("facilities:fault", args=[i]))
        for i, n, f, u, p, c, s, title, asset in rows
    ]  # fmt: skip
