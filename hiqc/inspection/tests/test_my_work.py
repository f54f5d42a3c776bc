"""Inspection cases in "my work" (issue 15 §3): never a task scoring the reader's own service,
never the reader's own dispute, and not a dispute about the reader's own scoring while another
inspector can decide it — exactly as the actions are offered (``_task_blocked``,
``_decider_refusal``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from hiqc.core.casework import case_allowed_actions
from hiqc.inspection import services
from hiqc.inspection.models import InspectionTask
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership

from . import test_cases
from .helpers import draw_march
from .test_cases import SCORED, _labels

# the fixtures of the case tests
score, task = test_cases.score, test_cases.task

pytestmark = pytest.mark.django_db


def test_an_agent_does_not_see_the_scoring_of_their_own_call_in_my_work(actors, org, personas,
                                                                        world):  # fmt: skip
    # Given a task scoring the supervisor's own consultation, in the supervisor's scope
    from .conftest import make_consultation

    make_consultation(org["P1"], personas["supervisor"], 99)
    draw_march(actors["quality_lead"], org["P1"], per_agent=5, kinds=["consultation"])
    own = InspectionTask.objects.get(agent__username="supervisor")
    # Then it is another inspector's work, not theirs (they are not offered the scoring)
    assert case_allowed_actions(services.TASK_KIND, own, actors["supervisor"]) == []
    assert str(own.pk) not in _labels(actors["supervisor"], "inspection.inspectiontask")
    assert str(own.pk) in _labels(actors["quality_lead"], "inspection.inspectiontask")
    # while the tasks scoring others are still theirs
    in_p1 = InspectionTask.objects.filter(org_unit__path__startswith=org["P1"].path)
    others = {str(t.pk) for t in in_p1.exclude(agent__username="supervisor")}
    assert others and others <= set(_labels(actors["supervisor"], "inspection.inspectiontask"))


def _dispute(actors, score):
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        return services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")


def test_the_scorer_does_not_have_the_dispute_of_their_score_while_another_inspector_can_decide(
    actors,
    score,
):
    # Given a dispute about the supervisor's scoring, which the quality lead could decide too
    dispute = _dispute(actors, score)
    # Then it is the quality lead's work, not the scorer's
    assert str(dispute.pk) not in _labels(actors["supervisor"], "inspection.dispute")
    assert _labels(actors["quality_lead"], "inspection.dispute") == [str(dispute.pk)]


def test_the_scorer_has_the_dispute_of_their_score_when_no_other_inspector_can_decide(
    actors,
    score,
):
    # Given no other inspector over the unit (the quality lead's role no longer inspects there)
    Membership.objects.filter(role=Role.QUALITY_LEAD).delete()
    dispute = _dispute(actors, score)
    # Then the scorer decides it, and has it in their work
    assert case_allowed_actions(services.DISPUTE_KIND, dispute, actors["supervisor"]) == [
        "uphold", "amend",
    ]  # fmt: skip
    assert _labels(actors["supervisor"], "inspection.dispute") == [str(dispute.pk)]


def test_an_agent_does_not_have_their_own_dispute_in_my_work_even_as_an_inspector(
    actors,
    org,
    personas,
    score,
):
    # Given the scored agent also inspects over their unit
    Membership.objects.create(user=personas["agent"], role=Role.CALL_CENTRE_SUPERVISOR,
                              org_unit=org["C1"])  # fmt: skip
    from hiqc.organisations.services import actor_for_user

    dispute = _dispute(actors, score)
    agent = actor_for_user(personas["agent"])
    # Then their own dispute is not theirs to decide, nor in their work
    assert case_allowed_actions(services.DISPUTE_KIND, dispute, agent) == []
    assert _labels(agent, "inspection.dispute") == []
