"""Fixtures for the online-claim tests: a policy with a holder (e-mail on file) and an insured
child (mobile only), a second policy of someone else, and helpers to identify a claimant."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache

from hiqc.claims.online import services as online
from hiqc.core.tests import hostile
from hiqc.customers.services import customer_create
from hiqc.customers.validation import resident_id_check_digit
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured
from hiqc.policies.tests.factories import catalogue_product


def rid(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


HOLDER_ID = rid("11010519800101001")
CHILD_ID = rid("11010520100202002")
OTHER_ID = rid("31011519750303003")
# real files (every upload is parsed whole: hiqc.core.filecheck), built by the test
JPEG = hostile.jpeg()
PNG = hostile.png()
PDF = hostile.pdf()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _online_defaults(settings, tmp_path, monkeypatch):
    """Each test starts with empty rate-limit counters and its own media directory; the code
    message is sent at once (the test's transaction never commits)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(online, "after_commit", lambda fn: fn())
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def family(actors, org):
    product = catalogue_product(
        code="MED-ONLINE", name="百万医疗保险", line="medical",
        claim_types=["medical_reimbursement", "hospital_cash"], term_years=1,
    )  # fmt: skip
    for i, (code, name, required) in enumerate(
        [
            ("form", "理赔申请书", True),
            ("invoice", "医疗费用发票", True),
            ("discharge", "出院小结", True),
            ("records", "门诊病历", False),
        ]
    ):
        DocumentRequirement.objects.create(
            version=product.v1, claim_type="medical_reimbursement", code=code, name=name,
            position=i, required=required,
        )  # fmt: skip
    holder = customer_create(
        actor=actors["claims"], org_unit_id=org["C1"].pk,
        data={"name": "王五", "id_number": HOLDER_ID, "email": "wangwu@example.cn",
              "mobile": "13800138000"},
    )  # fmt: skip
    child = customer_create(
        actor=actors["claims"], org_unit_id=org["C1"].pk,
        data={"name": "王小五", "id_number": CHILD_ID, "mobile": "13900139000"},
    )  # fmt: skip
    policy = Policy.objects.create(
        number="OL-0001", product=product, product_version=product.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("800"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder, relation="self")
    PolicyInsured.objects.create(policy=policy, customer=child, relation="child")
    other = customer_create(
        actor=actors["claims"], org_unit_id=org["C1"].pk,
        data={"name": "赵六", "id_number": OTHER_ID, "email": "zhao@example.cn"},
    )  # fmt: skip
    other_policy = Policy.objects.create(
        number="OL-0002", product=product, product_version=product.v1, holder=other, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("800"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=other_policy, customer=other)
    return {
        "product": product, "policy": policy, "holder": holder, "child": child,
        "other": other, "other_policy": other_policy,
    }  # fmt: skip


def last_code() -> str:
    match = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def identify(policy_number: str, id_number: str, *, ip: str = "10.0.0.1"):
    """Request a code, read it from the outbox, verify it: (session, token)."""
    issued = online.online_code_request(policy_number=policy_number, id_number=id_number, ip=ip)
    token = online.online_code_verify(challenge_id=issued.challenge_id, code=last_code(), ip=ip)
    return online.online_session_open(token), token


CLAIM = {
    "claim_type": "medical_reimbursement",
    "incident_date": "2026-03-01",
    "amount_claimed": "5200",
    "diagnosis_text": "急性阑尾炎",
}
