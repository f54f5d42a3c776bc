"""Claim-audit accuracy of the original handler in the staff assessment (standard 5.3.3, 7.2.2;
issue 18 §4; ADR 0021), through the kernel's person-measure registry, counted by hand.

The scene: four claims of C1 decided by ``claims``, two of C2 decided by ``supervisor``; all six
audited in April, three of C1 reviewed (the first and third with errors) and one left pending,
both of C2 reviewed without error. By hand for April: ``claims`` 1 right of 3; ``supervisor`` 2 of 2.
"""

from __future__ import annotations

import pytest

from hiqc.claimaudit.indicators import accuracy_by_person
from hiqc.claimaudit.models import AuditItem
from hiqc.core.personmeasures import PERSON_MEASURES, person_measure

from .factories import decided_claims
from .test_indicator_cases import APRIL, new_round, review

pytestmark = pytest.mark.django_db


def test_accuracy_of_a_handler_is_their_audited_decisions_without_error_by_hand(
    actors, org, personas, django_assert_num_queries
):
    decided_claims(org["C1"], 4, decider=personas["claims"])
    decided_claims(org["C2"], 2, decider=personas["supervisor"])
    items = list(AuditItem.objects.filter(round=new_round(actors, org))
                 .select_related("claim").order_by("claim__number"))  # fmt: skip
    review(actors, items[0], errors=["over_payment"])
    review(actors, items[1])
    review(actors, items[2], errors=["procedure"])
    review(actors, items[4])
    review(actors, items[5])
    claims, reviewer = str(actors["claims"].user_id), str(actors["supervisor"].user_id)
    got = person_measure("claimaudit.accuracy", [claims, reviewer], *APRIL)
    assert (got[claims].numerator, got[claims].denominator) == (1.0, 3.0)
    assert (got[reviewer].numerator, got[reviewer].denominator) == (2.0, 2.0)
    assert sorted(got[claims].evidence) == sorted(str(i.pk) for i in items[:3])
    assert PERSON_MEASURES["claimaudit.accuracy"].compute is accuracy_by_person
    with django_assert_num_queries(1):
        accuracy_by_person([claims, reviewer], *APRIL)
