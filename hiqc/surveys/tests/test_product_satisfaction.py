"""Satisfaction by product through the kernel's per-product figure registry (issue 17 §4, §5;
standard 3.2.2, 3.3.3, 4.3.3): the CSAT definition (4 or 5 on the 1–5 overall question ÷ the
answers to it) grouped by the invitation's product code, over an org subtree.

The scene (the ``surveyed`` claims of C1, product MED-1, answered in March 2026 with the overall
scores 5, 4, 3, 2, 1, 5, 4 for LP-T-0000 … LP-T-0006), then: LP-T-0005 and LP-T-0006 (5, 4) were
sold under MED-2; LP-T-0000 (5) is attributed to C2 (under P2); LP-T-0004 (1) names no product.
By hand, over the head office: MED-1 → LP-T-0000…0003 = 5, 4, 3, 2 → 2 satisfied of 4; MED-2 →
2 of 2. Over P1: MED-1 → 4, 3, 2 → 1 of 3; MED-2 → 2 of 2. Over P2: MED-1 → 1 of 1.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.core.productfigures import PRODUCT_FIGURES, product_figure
from hiqc.surveys.indicators import satisfaction_by_product
from hiqc.surveys.models import Invitation, SurveyResponse

from .test_indicator_cases import MARCH
from .test_indicator_cases import surveyed as surveyed

pytestmark = pytest.mark.django_db
APRIL = (MARCH[1], datetime(2026, 5, 1, tzinfo=BEIJING))


@pytest.fixture
def by_product(org, surveyed):
    Invitation.objects.filter(case_number__in=["LP-T-0005", "LP-T-0006"]).update(
        product_code="MED-2"
    )
    Invitation.objects.filter(case_number="LP-T-0004").update(product_code="")
    SurveyResponse.objects.filter(invitation__case_number="LP-T-0000").update(
        org_path=org["C2"].path
    )
    return surveyed


def test_satisfaction_by_product_is_the_share_of_satisfied_answers_as_counted_by_hand(
    org, by_product
):
    # given the scene, when satisfaction is read over the head office through the kernel
    got = product_figure("satisfaction", *MARCH, org["HO"].path)
    # then each product has its satisfied answers over its answers; the one without a product
    # code is nobody's
    assert got == {"MED-1": (2.0, 4.0), "MED-2": (2.0, 2.0)}


def test_satisfaction_by_product_counts_only_the_answers_of_the_subtree(org, by_product):
    assert product_figure("satisfaction", *MARCH, org["P1"].path) == {
        "MED-1": (1.0, 3.0), "MED-2": (2.0, 2.0)}  # fmt: skip
    assert product_figure("satisfaction", *MARCH, org["P2"].path) == {"MED-1": (1.0, 1.0)}


def test_satisfaction_by_product_answers_only_the_products_asked_for_and_the_period(
    org, by_product
):
    assert product_figure("satisfaction", *MARCH, org["HO"].path, ["MED-2", "NONE"]) == {
        "MED-2": (2.0, 2.0)}  # fmt: skip
    # and nothing is submitted in April: no data, not zero
    assert product_figure("satisfaction", *APRIL, org["HO"].path) == {}


def test_the_surveys_app_registers_satisfaction_with_the_kernel():
    assert PRODUCT_FIGURES["satisfaction"].compute is satisfaction_by_product
    # a figure nobody registered answers nothing
    assert product_figure("nobody", *MARCH, "0001/") == {}


def test_satisfaction_by_product_is_one_grouped_query(org, by_product, django_assert_num_queries):
    with django_assert_num_queries(1):
        satisfaction_by_product(*MARCH, org["HO"].path, None)
