"""Survey fixtures: a published questionnaire and paid claims to survey about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from hiqc.claims.models import Claim, Payment
from hiqc.core.calendar import BEIJING
from hiqc.customers.services import customer_create
from hiqc.policies.models import Policy
from hiqc.policies.tests.factories import catalogue_product
from hiqc.surveys.enums import QuestionKind
from hiqc.surveys.models import Questionnaire
from hiqc.surveys.questionnaires import question_add, questionnaire_create, questionnaire_publish

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)

SCALE_OPTIONS: list = []
REASONS = [{"value": "slow", "label": "速度慢"}, {"value": "docs", "label": "材料繁琐"},
           {"value": "attitude", "label": "态度"}]  # fmt: skip


@pytest.fixture
def questionnaire(actors):
    lead = actors["quality_lead"]
    q: Questionnaire = questionnaire_create(lead, code="claims-csat", title="理赔服务满意度调查")
    question_add(lead, q, code="overall", kind=QuestionKind.SCALE, text="总体满意度",
                 required=True, overall=True, scale="service")  # fmt: skip
    question_add(lead, q, code="speed", kind=QuestionKind.SCALE, text="理赔速度", scale="service")
    question_add(lead, q, code="why", kind=QuestionKind.MULTIPLE, text="不满意的原因",
                 options=REASONS, required=True,
                 show_if={"question": "overall", "values": [1, 2]})  # fmt: skip
    question_add(lead, q, code="nps", kind=QuestionKind.NPS, text="向亲友推荐的可能性")
    question_add(lead, q, code="comment", kind=QuestionKind.TEXT, text="其他意见")
    return questionnaire_publish(lead, q)


@pytest.fixture
def paid_claims(actors, org):
    """Ten claims paid on T0 + i hours at C1, each with its own claimant (mobile on file)."""
    product = catalogue_product(code="MED-1", name="住院医疗保险", line="medical",
                                     claim_types=["medical_reimbursement"], term_years=1)  # fmt: skip
    claims = []
    for i in range(10):
        person = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk,
                                 data={"name": f"客户{i}", "mobile": f"1380000{i:04d}"})  # fmt: skip
        policy = Policy.objects.create(
            number=f"P-{i:04d}", product=product, product_version=product.v1, holder=person, org_unit=org["C1"],
            start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal(1200),
        )  # fmt: skip
        claim = Claim.objects.create(
            number=f"LP-T-{i:04d}", policy=policy, insured=person, claimant=person,
            claim_type="medical_reimbursement", incident_date=date(2026, 2, 1),
            amount_claimed=Decimal(1000), channel="counter", org_unit=org["C1"],
            received_at=T0 - timedelta(days=10), status="paid", outcome="approve",
            amount_approved=Decimal(1000), assignee=None,
        )  # fmt: skip
        Payment.objects.create(claim=claim, kind="benefit", amount=Decimal(1000),
                               channel="bank_transfer", paid_at=T0 + timedelta(hours=i),
                               reference=f"BT-{i}")  # fmt: skip
        claims.append(claim)
    return claims
