"""The policies tests' shared fixture: a family policy in C1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hiqc.policies.models import Policy, PolicyInsured

from .factories import person, product


@pytest.fixture
def policy(actors, org):
    p = product(claim_types=("medical_reimbursement", "hospital_cash"))
    holder = person(actors["agent"], org["C1"], "王建国", 1)
    child = person(actors["agent"], org["C1"], "王小明", 2, born="20150601")
    policy = Policy.objects.create(
        number="P-2026-0001", product=p, product_version=p.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("980.5"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder)
    PolicyInsured.objects.create(policy=policy, customer=child, relation="child")
    return policy
