"""Factory data for the product figures (issue 17 §4): policies, complaints, claims, payments,
clocks and consultations written directly, so each figure can be computed by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from hiqc.claims.models import Claim, Payment
from hiqc.complaints.models import Complaint
from hiqc.consultations.models import Consultation, Topic, TopicCategory
from hiqc.core.calendar import BEIJING
from hiqc.core.models import Deadline
from hiqc.policies.models import Policy, Product, ProductVersion
from hiqc.policies.tests.factories import catalogue_product, person

_seq = count(1)
T = datetime(2026, 6, 15, 10, tzinfo=BEIJING)  # inside the figures' period (2026-06)


def product(code: str = "MED-A", line: str = "medical", name: str = "测试医疗险") -> Product:
    """A product with version 1 in force (``product.v1``)."""
    return catalogue_product(code=code, name=name, line=line)


def version2(prod: Product) -> ProductVersion:
    """A second published version of ``prod``."""
    v1 = prod.v1  # type: ignore[attr-defined]
    return ProductVersion.objects.create(
        product=prod, number=2, claim_types=v1.claim_types, term_years=1,
        coverage=v1.coverage, net_premium_yuan=v1.net_premium_yuan,
        effective_from=date(2026, 3, 1), published_at=v1.published_at,
    )  # fmt: skip


def customer(actor: Any, unit: Any) -> Any:
    n = next(_seq)
    return person(actor, unit, f"客户{n}", n)


def policy(prod: Product, unit: Any, holder: Any, *, status: str = "in_force",
           start: date = date(2026, 1, 1), end: date = date(2026, 12, 31),
           premium: str = "1000.00", version: ProductVersion | None = None) -> Policy:  # fmt: skip
    return Policy.objects.create(
        number=f"PL{next(_seq):06d}", product=prod, holder=holder, org_unit=unit,
        product_version=version or prod.v1,  # type: ignore[attr-defined]
        start_date=start, end_date=end, premium_yuan=Decimal(premium), status=status,
    )  # fmt: skip


def complaint(unit: Any, holder: Any, policy_ref: str = "", at: datetime = T) -> Complaint:
    return Complaint.objects.create(
        status="registered", reference=f"TS{next(_seq):08d}", org_unit=unit, complainant=holder,
        channel="phone", source="direct", received_at=at, respondent_kind="branch",
        request="r", facts="f", dispute_type="claims", product_line="medical",
        nature="contract_dispute", policy_ref=policy_ref,
    )  # fmt: skip


def claim(pol: Policy, *, outcome: str = "", decided_at: datetime | None = T) -> Claim:
    return Claim.objects.create(
        status="decided" if outcome else "received", number=f"LP{next(_seq):08d}", policy=pol,
        insured=pol.holder, claimant=pol.holder, claim_type="medical_reimbursement",
        incident_date=date(2026, 5, 1), amount_claimed=Decimal("500"), channel="online",
        org_unit=pol.org_unit, received_at=T - timedelta(days=10), outcome=outcome,
        decided_at=decided_at if outcome else None,
    )  # fmt: skip


def payment(c: Claim, amount: str, at: datetime = T) -> Payment:
    return Payment.objects.create(claim=c, kind="benefit", amount=Decimal(amount),
                                  channel="bank_transfer", paid_at=at,
                                  reference=f"PAY{next(_seq):08d}")  # fmt: skip


def clock(c: Claim, state: str, clock_code: str = "claims.decide", at: datetime = T) -> Deadline:
    return Deadline.objects.create(
        case_type="claims.claim", case_id=str(c.pk), org_path=c.org_unit.path, clock=clock_code,
        label="x", source="x", unit="days", amount=30, started_at=at - timedelta(days=5),
        due_at=at + timedelta(days=1), state=state, closed_at=at,
    )  # fmt: skip


def consultation(unit: Any, cust: Any, at: datetime = T, *, about_product: bool = True
                 ) -> Consultation:  # fmt: skip
    cat, _c = TopicCategory.objects.get_or_create(code="product", defaults={"name": "产品咨询"})
    topic, _t = Topic.objects.get_or_create(code="product.coverage",
                                            defaults={"name": "保障范围与责任", "category": cat})  # fmt: skip
    if not about_product:
        other, _o = TopicCategory.objects.get_or_create(
            code="claims", defaults={"name": "理赔咨询"}
        )
        topic, _t = Topic.objects.get_or_create(code="claims.progress",
                                                defaults={"name": "理赔进度", "category": other})  # fmt: skip
    return Consultation.objects.create(
        number=f"ZX{next(_seq):08d}", org_unit=unit, channel="phone", customer=cust, topic=topic,
        question="q", received_at=at,
    )  # fmt: skip
