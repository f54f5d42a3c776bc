"""Reads of claims, always through the actor's scope (DESIGN rule 2).

Beyond the scope, other apps may withhold a claim from an actor for a while through the kernel's
read guards (``hiqc.core.readguards``, label ``claims.claim``): the claims audit keeps a claim's
decision from a reviewer who still has to re-adjudicate it blind. The doors below ask every guard;
claims import nothing from the guarding apps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, QuerySet, Value, When

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.identifiers import is_uuid
from hiqc.core.models import CaseEvent, Deadline
from hiqc.core.readguards import Withheld, read_guarded, withheld_ids

from .models import Claim, ClaimDocument, ClaimLetter

VIEW = "claims.view"
CASE_TYPE = "claims.claim"


class ClaimWithheld(Withheld):
    """403: the actor may see this claim in general, but not now (a read guard's refusal)."""

    code = "claim_withheld"


def _guarded(actor: Actor, claim: Claim) -> Claim:
    return read_guarded(CASE_TYPE, actor, claim)  # system actors are never guarded


def access_claim(actor: Actor, claim_id: Any, *, for_update: bool = False) -> Claim:
    claim = get_in_scope(
        actor,
        Claim.objects.select_related(
            "org_unit", "policy", "policy__product", "insured", "claimant", "assignee"
        ),
        claim_id,
        VIEW,
        for_update=for_update,
    )
    return _guarded(actor, claim)


def claims_in_scope(actor: Actor, claim_ids: Iterable[Any]) -> set[str]:
    """Which of ``claim_ids`` (as strings) are claims within the actor's scope: what the actor may
    be told exists. The events import asks this before it says a claim number or an event id is
    already taken; anything else is answered as missing (DESIGN rule 2)."""
    ids = sorted({str(i) for i in claim_ids})
    if not ids:
        return set()
    found: set[str] = set()
    qs = scope(actor, Claim.objects.all(), VIEW)
    for start in range(0, len(ids), 5_000):
        part = [i for i in ids[start : start + 5_000] if is_uuid(i)]
        found.update(str(pk) for pk in qs.filter(pk__in=part).values_list("pk", flat=True))
    return found


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
    withheld = withheld_ids(CASE_TYPE, actor)
    if withheld:  # rows keep the claim, without its decision (ClaimRow reads decision_withheld)
        qs = qs.annotate(decision_withheld=Case(When(pk__in=withheld, then=Value(True)),
                                                default=Value(False), output_field=BooleanField()))  # fmt: skip
    return qs.order_by("-received_at")


def access_claim_document(actor: Actor, document_id: Any) -> ClaimDocument:
    """A received document, behind its claim's door (scope, then the blind-review guard)."""
    doc = get_in_scope(actor, ClaimDocument.objects.select_related("claim"), document_id, VIEW)
    _guarded(actor, doc.claim)
    return doc


def access_claim_letter(actor: Actor, letter_id: Any) -> ClaimLetter:
    letter = get_in_scope(actor, ClaimLetter.objects.select_related("claim"), letter_id, VIEW)
    _guarded(actor, letter.claim)
    return letter


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
