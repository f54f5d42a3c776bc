"""Reads of claims, always through the actor's scope (DESIGN rule 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.models import CaseEvent, Deadline

from .models import Claim, ClaimLetter

VIEW = "claims.view"
CASE_TYPE = "claims.claim"


def access_claim(actor: Actor, claim_id: Any, *, for_update: bool = False) -> Claim:
    return get_in_scope(
        actor,
        Claim.objects.select_related(
            "org_unit", "policy", "policy__product", "insured", "claimant", "assignee"
        ),
        claim_id,
        VIEW,
        for_update=for_update,
    )


def claim_list(
    actor: Actor,
    *,
    q: str = "",
    status: str = "",
    claim_type: str = "",
    org_path: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
) -> QuerySet[Claim]:
    qs = scope(actor, Claim.objects.select_related("org_unit", "policy", "claimant"), VIEW)
    if q:
        q = q.strip()
        qs = qs.filter(number__icontains=q) | qs.filter(policy__number=q)
    if status:
        qs = qs.filter(status=status)
    if claim_type:
        qs = qs.filter(claim_type=claim_type)
    if org_path:
        qs = qs.filter(org_unit__path__startswith=org_path)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    return qs.order_by("-received_at")


def access_claim_letter(actor: Actor, letter_id: Any) -> ClaimLetter:
    return get_in_scope(actor, ClaimLetter.objects.select_related("claim"), letter_id, VIEW)


def open_clocks(claim_ids: list[Any]) -> dict[str, list[Deadline]]:
    """The running or paused clocks of a page of claims, in one query."""
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(
        case_type=CASE_TYPE, case_id__in=[str(i) for i in claim_ids], closed_at=None
    ).exclude(state=Deadline.State.CANCELLED):
        out.setdefault(d.case_id, []).append(d)
    return out


def claim_clocks(claim: Claim) -> list[Deadline]:
    return list(
        Deadline.objects.filter(case_type=CASE_TYPE, case_id=str(claim.pk))
        .exclude(state=Deadline.State.CANCELLED)
        .order_by("started_at")
    )


def claim_events(claim: Claim) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case_type=CASE_TYPE, case_id=str(claim.pk)).order_by("at", "id")
    )
