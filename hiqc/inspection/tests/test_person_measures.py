"""The agent's QA score in the staff assessment (standard 7.2.2; issue 18 §4; ADR 0021), through
the kernel's person-measure registry, against values counted by hand.

The scene: March's sample of C1 (three tasks per agent); in April the supervisor scores the
``agent``'s three tasks losing 10, 0 and 5 points (90, 100, 95) and one of the ``handler``'s
losing 5 (95). By hand for April: the agent's mean 95.0 over 3 scores, the handler's 95.0 over 1.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.personmeasures import PERSON_MEASURES, person_measure
from hiqc.inspection.indicators import qa_score_by_person
from hiqc.inspection.models import InspectionTask

from .helpers import draw_march, score_one

pytestmark = pytest.mark.django_db
APRIL = (datetime(2026, 4, 1, tzinfo=BEIJING), datetime(2026, 5, 1, tzinfo=BEIJING))


@pytest.fixture
def scored(actors, personas, org, world):
    draw_march(actors["supervisor"], org["C1"])
    made = []
    with time_machine.travel(datetime(2026, 4, 10, 10, tzinfo=BEIJING), tick=False):
        tasks = InspectionTask.objects.filter(agent=personas["agent"]).order_by("object_id")
        for task, lose in zip(tasks[:3], (10, 0, 5), strict=True):
            made.append(score_one(actors["supervisor"], task, lose=lose))
        theirs = InspectionTask.objects.filter(agent=personas["handler"]).first()
        assert theirs is not None
        made.append(score_one(actors["supervisor"], theirs, lose=5))
    return made


def test_qa_score_of_a_person_is_the_mean_final_score_by_hand(actors, scored):
    agent, handler = str(actors["agent"].user_id), str(actors["handler"].user_id)
    got = person_measure("inspection.qa_score", [agent, handler], *APRIL)
    assert (got[agent].numerator, got[agent].denominator) == (285.0, 3.0)
    assert got[agent].value("mean") == 95.0
    assert got[handler].value("mean") == 95.0
    assert sorted(got[agent].evidence) == sorted(str(s.pk) for s in scored[:3])
    # March: nothing was scored then — no data, not zero
    march = (datetime(2026, 3, 1, tzinfo=BEIJING), APRIL[0])
    assert person_measure("inspection.qa_score", [agent], *march) == {}


def test_qa_score_is_registered_and_one_query_for_everyone(actors, scored,
                                                           django_assert_num_queries):  # fmt: skip
    assert PERSON_MEASURES["inspection.qa_score"].compute is qa_score_by_person
    with django_assert_num_queries(1):
        qa_score_by_person([str(actors["agent"].user_id), str(actors["handler"].user_id)], *APRIL)
