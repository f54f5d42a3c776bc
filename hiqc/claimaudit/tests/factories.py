"""Decided claims for audit tests, written directly (the claims workflow is tested in claims)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hiqc.claims.models import Claim, ClaimDocument
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent
from hiqc.customers.models import Customer
from hiqc.policies.models import Policy, Product
from hiqc.policies.tests.factories import catalogue_product

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


def make_policy(unit) -> Policy:
    product: Any = Product.objects.filter(code="MED-A").first()
    if product is None:
        product = catalogue_product(
            code="MED-A",
            name="住院医疗保险",
            documents=[("form", "理赔申请书", True), ("invoice", "医疗费用发票", True)],
        )
    version = product.versions.get()
    holder = Customer.objects.create(org_unit=unit, name="王五")
    return Policy.objects.create(
        number=f"P-{unit.code}-{Policy.objects.count() + 1}", product=product,
        product_version=version, holder=holder,
        org_unit=unit, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
        premium_yuan=Decimal("1200"),
    )  # fmt: skip


def decided_claims(unit, count, *, start=T0, amounts=None, outcome="approve", decider=None):
    """``count`` claims of ``unit`` decided one hour apart from ``start``."""
    policy = make_policy(unit)
    out = []
    for i in range(count):
        amount = Decimal(amounts[i % len(amounts)] if amounts else 1000 + 37 * i)
        at = start + timedelta(hours=i)
        claim = Claim.objects.create(
            number=f"LP{unit.code}{Claim.objects.count() + 1:06d}", policy=policy,
            insured=policy.holder, claimant=policy.holder, claim_type="medical_reimbursement",
            incident_date=date(2026, 2, 20), amount_claimed=amount, channel="counter",
            org_unit=unit, received_at=at - timedelta(days=5), status="decided",
            outcome=outcome, amount_approved=amount if outcome == "approve" else Decimal(0),
            reason_code="" if outcome == "approve" else "exclusion", decided_at=at,
            diagnosis_code="K35.8",
        )  # fmt: skip
        ClaimDocument.objects.create(
            claim=claim, requirement_code="form", name="理赔申请书", received_at=at
        )
        if decider is not None:
            CaseEvent.objects.create(
                case_type="claims.claim", case_id=str(claim.pk), org_path=unit.path,
                activity="decide" if outcome != "refuse" else "refuse", from_state="adjudication",
                to_state="decided", at=at, actor_id=decider.pk, actor_name=decider.username,
                source="page",
            )  # fmt: skip
        out.append(claim)
    return out
