"""The complaint handler's own figures in the staff assessment (standard 7.2.2; issue 18 §4; ADR
0021), through the kernel's person-measure registry, against values counted by hand.

The scene (C1's ``handler``, Beijing time): complaint A registered 03-02 and decided 5 days later
(on time); B registered 03-03, extended and decided after 20 days (on time within the extended
30); C registered 02-10, extended and decided after 35 days, on 03-17 (late); D registered 03-25
and decided on 04-04 (outside March). By hand for March: handled 3 (A, B, C); on time 2 of 3.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hiqc.complaints.indicators import handled_by_person, on_time_by_person
from hiqc.core.calendar import BEIJING
from hiqc.core.personmeasures import PERSON_MEASURES, person_measure

from .test_indicators import MARCH, T0, customer, make  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors, org, customer):  # noqa: F811
    a = make(actors, org, customer, at=T0, decide_after_days=5)
    b = make(actors, org, customer, at=T0 + timedelta(days=1), decide_after_days=20)
    c = make(actors, org, customer, at=datetime(2026, 2, 10, 10, tzinfo=BEIJING),
             decide_after_days=35)  # fmt: skip
    d = make(actors, org, customer, at=datetime(2026, 3, 25, 10, tzinfo=BEIJING),
             decide_after_days=10)  # fmt: skip
    return a, b, c, d


def test_on_time_rate_of_a_handler_is_met_clocks_over_closed_clocks_by_hand(actors, scene):
    a, b, c, _d = scene
    handler = str(actors["handler"].user_id)
    got = person_measure("complaints.on_time", [handler], *MARCH)[handler]
    assert (got.numerator, got.denominator) == (2.0, 3.0)
    assert got.value("rate") == pytest.approx(200 / 3)
    assert sorted(got.evidence) == sorted(str(x.pk) for x in (a, b, c))


def test_complaints_handled_counts_the_decisions_in_the_period(actors, scene):
    handler = str(actors["handler"].user_id)
    got = person_measure("complaints.handled", [handler], *MARCH)[handler]
    assert got.value("count") == 3.0
    # someone else, or a period without decisions: no data, never 0
    assert person_measure("complaints.handled", [str(actors["agent"].user_id)], *MARCH) == {}


def test_the_complaint_measures_are_registered_and_read_in_at_most_two_queries(
    actors, scene, django_assert_max_num_queries
):
    assert PERSON_MEASURES["complaints.on_time"].compute is on_time_by_person
    assert PERSON_MEASURES["complaints.handled"].roles == ("complaint_handler",)
    ids = [str(actors["handler"].user_id), str(actors["agent"].user_id)]
    with django_assert_max_num_queries(2):
        on_time_by_person(ids, *MARCH)
    with django_assert_max_num_queries(1):
        handled_by_person(ids, *MARCH)
