"""Satisfaction by product end to end (issue 17 §4, §5; standard 3.3.3, 4.3.3): real survey answers
(``hiqc.surveys``) read as the seventh product figure (``hiqc.products``) through the kernel's
per-product figure registry — the two apps may not import each other, so the wiring is tested
here, above both.

The scene is the surveys' own: ten paid claims of C1 under product MED-1 surveyed in March 2026,
seven answered with the overall scores 5, 4, 3, 2, 1, 5, 4 — four satisfied (4 or 5) of seven."""

from __future__ import annotations

from datetime import date

import pytest

from hiqc.policies.models import Product
from hiqc.products.monitoring.figures import bounds, figures
from hiqc.surveys.tests.conftest import paid_claims as paid_claims
from hiqc.surveys.tests.conftest import questionnaire as questionnaire
from hiqc.surveys.tests.test_indicator_cases import surveyed as surveyed

pytestmark = pytest.mark.django_db
MARCH = bounds(date(2026, 3, 1), date(2026, 3, 31))


def test_the_products_satisfaction_figure_counts_the_surveys_answers_of_the_product(org, surveyed):
    # given the surveyed claims of MED-1, when its figures are read over the head office
    med1 = Product.objects.get(code="MED-1")
    got = figures(org["HO"], *MARCH, [med1.pk])[med1.pk]["satisfaction"]
    # then satisfaction is four satisfied answers of seven
    assert (got.numerator, got.denominator) == (4.0, 7.0)
    assert got.value == pytest.approx(4 / 7)
    # and P2's subtree holds none of them: no data, not zero
    other = figures(org["P2"], *MARCH, [med1.pk])[med1.pk]["satisfaction"]
    assert (other.denominator, other.value) == (0, None)
