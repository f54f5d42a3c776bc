"""Demo products and policies (issue 5 §1): every line and claim type has a checklist; most
customers get a policy in their own unit; a re-run creates nothing; no customers, no failure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hiqc.core.access import Actor
from hiqc.policies.demo import demo_load
from hiqc.policies.enums import ClaimType, ProductLine
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured, Product, ProductVersion

from .factories import person

pytestmark = pytest.mark.django_db


def run() -> dict[str, int]:
    return demo_load(seed=7, org_units={}, users={}, actor=Actor.system("test"))


def test_given_no_customers_the_demo_still_builds_the_catalogue(org):
    counts = run()
    assert counts["policies"] == 0
    assert {p.line for p in Product.objects.all()} == set(ProductLine.values)
    versions = ProductVersion.objects.all()
    assert {v.number for v in versions} == {1}
    assert all(v.is_published and v.health_service_share is not None for v in versions)
    assert all((v.health_service_share or 0) <= Decimal("0.2") for v in versions)  # PR-1
    covered = {t for v in versions for t in v.claim_types}
    assert covered == set(ClaimType.values)
    for v in versions:
        for claim_type in v.claim_types:
            items = DocumentRequirement.objects.filter(version=v, claim_type=claim_type)
            assert items.filter(code="claim_form", required=True).exists()
            assert items.filter(required=False).exists()
    assert DocumentRequirement.objects.filter(name="病理报告").exists()
    assert DocumentRequirement.objects.filter(name="伤残鉴定报告").exists()


def test_given_a_few_customers_most_get_policies_in_their_unit_and_a_rerun_adds_nothing(
    actors, org
):
    people = [
        person(actors["agent"], org["C1" if i % 2 else "O1"], f"客户{i}", i, born=born)
        for i, born in enumerate(
            ["19800101", "19820202", "19750303", "19900404", "19650505", "19580606",
             "20120707", "20150808", "19880909", "19921010", "19701111", "19951212"]
        )
    ]  # fmt: skip
    first = run()
    assert first["policies"] >= 8
    assert first["policy_insured"] >= first["policies"]
    insured = set(PolicyInsured.objects.values_list("customer_id", flat=True))
    assert len(insured) >= len(people) * 0.6
    for policy in Policy.objects.select_related("holder", "product"):
        assert policy.org_unit_id == policy.holder.org_unit_id
        assert policy.end_date > policy.start_date
        assert policy.premium_yuan > 0
        born = policy.holder.birth_date
        assert born is not None and born.year < 2008  # children never hold policies
    snapshot = (Product.objects.count(), Policy.objects.count(), PolicyInsured.objects.count())
    again = run()
    assert again["policies"] == again["products"] == 0
    assert snapshot == (
        Product.objects.count(),
        Policy.objects.count(),
        PolicyInsured.objects.count(),
    )
