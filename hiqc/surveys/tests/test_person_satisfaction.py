"""Satisfaction of the cases a person handled, in the staff assessment (standard 7.2.2; issue 18
§4; ADR 0021), through the kernel's person-measure registry, against values counted by hand.

The scene (the ``surveyed`` claims of C1, answered in March 2026 with the overall scores 5, 4, 3,
2, 1, 5, 4 for LP-T-0000 … LP-T-0006): LP-T-0000…0003 were handled by ``claims``, LP-T-0004…0006
by ``handler``. By hand: claims → 5, 4, 3, 2 → 2 satisfied of 4; handler → 1, 5, 4 → 2 of 3.
"""

from __future__ import annotations

import pytest

from hiqc.core.personmeasures import PERSON_MEASURES, person_measure
from hiqc.surveys.indicators import satisfaction_by_person
from hiqc.surveys.models import Invitation

from .test_indicator_cases import MARCH
from .test_indicator_cases import surveyed as surveyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(personas, surveyed):
    numbers = [f"LP-T-{i:04d}" for i in range(7)]
    Invitation.objects.filter(case_number__in=numbers[:4]).update(handler=personas["claims"])
    Invitation.objects.filter(case_number__in=numbers[4:]).update(handler=personas["handler"])
    return surveyed


def test_satisfaction_of_a_persons_cases_is_satisfied_over_answered_by_hand(actors, handled):
    claims, handler = str(actors["claims"].user_id), str(actors["handler"].user_id)
    got = person_measure("surveys.satisfaction", [claims, handler], *MARCH)
    assert (got[claims].numerator, got[claims].denominator) == (2.0, 4.0)
    assert (got[handler].numerator, got[handler].denominator) == (2.0, 3.0)
    assert got[claims].value("rate") == 50.0
    # the evidence is the surveyed cases' numbers
    assert sorted(got[handler].evidence) == ["LP-T-0004", "LP-T-0005", "LP-T-0006"]
    # someone who handled nothing surveyed: no data, never 0
    assert person_measure("surveys.satisfaction", [str(actors["agent"].user_id)], *MARCH) == {}


def test_satisfaction_by_person_is_registered_and_one_query(actors, handled,
                                                             django_assert_num_queries):  # fmt: skip
    assert PERSON_MEASURES["surveys.satisfaction"].compute is satisfaction_by_person
    with django_assert_num_queries(1):
        satisfaction_by_person([str(actors["claims"].user_id)], *MARCH)
