"""Evidence from the case engine's clocks (issue 22 §2; ADR 0034): the deadlines of one case type
due in a period, met or breached — for the rules whose clause asks for something "及时" that a
workflow times (a fault's repair, a risk treatment plan)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from .evidence import Evidence, beijing_bounds, record_evidence
from .models import Deadline


def clock_evidence(case_type: str, org_path: str, start: date, end: date, *, url: str = ""
                   ) -> Evidence:  # fmt: skip
    """The clocks of ``case_type`` cases in the subtree due in [start, end) (cancelled ones left
    out): failing = breached, or still running (or paused) past their due time."""
    lo, hi = beijing_bounds(start, end)
    clocks = Deadline.objects.filter(
        case_type=case_type, org_path__startswith=org_path, due_at__gte=lo, due_at__lt=hi
    ).exclude(state=Deadline.State.CANCELLED)
    breached = Q(state=Deadline.State.BREACHED) | Q(
        state__in=(Deadline.State.RUNNING, Deadline.State.PAUSED), due_at__lt=timezone.now()
    )
    return record_evidence(clocks, breached, url=url)
