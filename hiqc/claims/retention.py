"""The retention of claim files (CL-9: Insurance Law art. 87; standard 6.1.3(3); issue 21 §2).

A closed claim keeps its file until ``retain_until`` (set at closing: 5 years after the policy
ends for a term of at most one year, 10 years beyond). Then the kernel's retention job
(``hiqc.core.retention``) anonymises it: the diagnosis, the decision's reasons and the letters'
text are emptied; the claim row stays with its dates, amounts and clocks for the statistics. A
legal hold on the claim number stops it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hiqc.core.retention import ANONYMISE, RetentionPolicy
from hiqc.customers.models import Customer

from .models import Claim, ClaimLetter

HOLD_TYPE = "claims.claim"


def due(as_of: date) -> QuerySet[Any]:
    return Claim.objects.filter(retain_until__lt=as_of, anonymised_at__isnull=True)


def remove(qs: QuerySet[Any], now: datetime) -> int:
    ids = list(qs.values_list("pk", flat=True))
    ClaimLetter.objects.filter(claim_id__in=ids).update(body="")
    return Claim.objects.filter(pk__in=ids).update(
        diagnosis_code="", diagnosis_text="", reason_text="", anonymised_at=now
    )


POLICY = RetentionPolicy(
    code="claims.files",
    label=_("理赔档案"),
    model="claims.Claim",
    method=ANONYMISE,
    basis=_("CL-9：短期险终止后 5 年、长期险终止后 10 年（保险法第八十七条）"),
    due=due,
    remove=remove,
    ref_field="number",
    hold_type=HOLD_TYPE,
    number_field="number",
)


def customers_needed(as_of: date) -> QuerySet[Any]:
    """Customers a claim still needs on ``as_of`` (its insured and claimant): every claim not yet
    anonymised — open, within CL-9, or kept by a legal hold (ADR 0031)."""
    live = Claim.objects.filter(anonymised_at__isnull=True)
    return Customer.objects.filter(
        Q(pk__in=live.values("insured_id")) | Q(pk__in=live.values("claimant_id"))
    ).values_list("pk", flat=True)
