"""Sampling frames: the real records a plan draws its respondents from (standard 4.3.1; issue 6
§1). Each frame lists the cases whose triggering event fell in a window, with everything an answer
is attributed to (org unit, channel, product, handler), so answers never re-read the case."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery

from hiqc.claims.enums import Outcome, PaymentKind
from hiqc.claims.models import Claim, Payment
from hiqc.complaints.models import Complaint
from hiqc.consultations.models import Consultation
from hiqc.policies.models import Policy

from .enums import Frame


@dataclass(frozen=True)
class Candidate:
    case_type: str
    case_id: str
    case_number: str
    event_at: datetime | None
    customer_id: uuid.UUID
    org_unit_id: uuid.UUID
    org_path: str
    channel: str
    product_code: str
    handler_id: uuid.UUID | None


def _claims_paid(path: str, start: datetime, end: datetime) -> Iterator[Candidate]:
    seen: set[uuid.UUID] = set()
    payments = Payment.objects.filter(kind=PaymentKind.BENEFIT, paid_at__gte=start,
                                      paid_at__lt=end, claim__org_unit__path__startswith=path)  # fmt: skip
    rows = payments.order_by("paid_at").values_list(
        "claim_id",
        "claim__number",
        "paid_at",
        "claim__claimant_id",
        "claim__org_unit_id",
        "claim__org_unit__path",
        "claim__channel",
        "claim__policy__product__code",
        "claim__assignee_id",
    )
    for claim_id, number, at, customer, unit, upath, channel, product, handler in rows:
        if claim_id in seen:  # the first benefit payment triggers, not an instalment
            continue
        seen.add(claim_id)
        yield Candidate("claims.claim", str(claim_id), number, at, customer, unit, upath, channel,
                        product, handler)  # fmt: skip


def _claims_refused(path: str, start: datetime, end: datetime) -> Iterator[Candidate]:
    rows = Claim.objects.filter(
        outcome=Outcome.REFUSE, decided_at__gte=start, decided_at__lt=end,
        org_unit__path__startswith=path,
    ).values_list("pk", "number", "decided_at", "claimant_id", "org_unit_id", "org_unit__path",
                  "channel", "policy__product__code", "assignee_id")  # fmt: skip
    for pk, number, at, customer, unit, upath, channel, product, handler in rows:
        yield Candidate("claims.claim", str(pk), number, at, customer, unit, upath, channel,
                        product, handler)  # fmt: skip


def _complaints_decided(path: str, start: datetime, end: datetime) -> Iterator[Candidate]:
    """A complaint's product is that of the policy it names (``policy_ref``); a complaint naming
    none is about no product in particular (its product line is not a product)."""
    product = Policy.objects.filter(number=OuterRef("policy_ref")).values("product__code")[:1]
    rows = Complaint.objects.filter(
        decided_at__gte=start, decided_at__lt=end, org_unit__path__startswith=path,
        complainant__isnull=False,
    ).annotate(product=Subquery(product)).values_list(
        "pk", "reference", "decided_at", "complainant_id", "org_unit_id", "org_unit__path",
        "channel", "product", "assignee_id")  # fmt: skip
    for pk, number, at, customer, unit, upath, channel, code, handler in rows:
        yield Candidate("complaints.complaint", str(pk), number, at, customer, unit, upath,
                        channel, code or "", handler)  # fmt: skip


def _consultations_closed(path: str, start: datetime, end: datetime) -> Iterator[Candidate]:
    rows = Consultation.objects.filter(
        resolved_at__gte=start, resolved_at__lt=end, org_unit__path__startswith=path,
        customer__isnull=False,
    ).values_list("pk", "number", "resolved_at", "customer_id", "org_unit_id", "org_unit__path",
                  "channel", "assignee_id")  # fmt: skip
    for pk, number, at, customer, unit, upath, channel, handler in rows:
        yield Candidate("consultations.consultation", str(pk), number, at, customer, unit, upath,
                        channel, "", handler)  # fmt: skip


def _segment(path: str, start: datetime, end: datetime) -> Iterator[Candidate]:
    """Policy holders of the subtree with a policy in force during the window (one per policy)."""
    rows = Policy.objects.filter(
        org_unit__path__startswith=path, start_date__lt=end.date(), end_date__gte=start.date()
    ).values_list("pk", "number", "holder_id", "org_unit_id", "org_unit__path", "product__code")
    for pk, number, holder, unit, upath, product in rows:
        yield Candidate("policies.policy", str(pk), number, None, holder, unit, upath, "",
                        product, None)  # fmt: skip


FRAMES = {
    Frame.CLAIMS_PAID: _claims_paid,
    Frame.CLAIMS_REFUSED: _claims_refused,
    Frame.COMPLAINTS_DECIDED: _complaints_decided,
    Frame.CONSULTATIONS_CLOSED: _consultations_closed,
    Frame.SEGMENT: _segment,
}


def frame_candidates(
    frame: str, *, org_path: str, start: datetime, end: datetime,
    products: list[str] | None = None, channels: list[str] | None = None,
) -> list[Candidate]:  # fmt: skip
    """The frame's cases in [start, end) under ``org_path``, filtered by the plan's products and
    channels when it names any."""
    wanted_products, wanted_channels = set(products or ()), set(channels or ())
    return [
        c
        for c in FRAMES[Frame(frame)](org_path, start, end)
        if (not wanted_products or c.product_code in wanted_products)
        and (not wanted_channels or c.channel in wanted_channels)
    ]
