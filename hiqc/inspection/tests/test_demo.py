"""The inspection demo: scores for the demo agents, a few disputes, idempotent, and harmless
when the other apps loaded little or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.inspection.demo import demo_load
from hiqc.inspection.models import Dispute, InspectionTask, Score
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User

from .conftest import make_call, make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(org, personas):
    """The demo usernames the hook looks for, on the test tree."""
    agent = User.objects.create_user(username="agent_bj", org_unit=org["C1"])
    Membership.objects.create(user=agent, role=Role.CONSULTATION_AGENT, org_unit=org["C1"])
    users = {
        "agent_bj": agent,
        "complaint_handler_bj": User.objects.create_user(username="complaint_handler_bj"),
        "cc_supervisor": personas["supervisor"],
        "quality_lead": personas["quality_lead"],
    }
    return users


def _load(org, users):
    return demo_load(
        seed=7, org_units={"HO": org["HO"], **org}, users=users, actor=Actor.system("demo")
    )


def test_the_demo_does_nothing_harmful_when_there_is_nothing_to_inspect(org, demo_people):
    counts = _load(org, demo_people)
    assert counts["tasks"] == counts["scores"] == counts["disputes"] == 0


def test_the_demo_scores_recent_work_and_a_rerun_adds_nothing(org, demo_people):
    now = timezone.now()
    agent = demo_people["agent_bj"]
    for n in range(40):
        at = now - timedelta(days=1 + n * 2, hours=3)
        make_consultation(org["C1"], agent, n, at=at)
        make_call(org["C1"], "agent_bj", n, at=at)
    counts = _load(org, demo_people)
    assert counts["tasks"] > 0 and counts["scores"] > 0
    assert InspectionTask.objects.count() == counts["tasks"]
    assert Score.objects.count() == counts["scores"]
    assert all(0 <= s.final_total <= 100 for s in Score.objects.all())
    assert Dispute.objects.count() == counts["disputes"]
    again = _load(org, demo_people)
    assert (again["tasks"], again["scores"], again["disputes"]) == (0, 0, 0)


def test_the_demo_leaves_each_case_where_the_engine_would(org, demo_people):
    from hiqc.core.models import CaseEvent, Deadline

    now = timezone.now()
    agent = demo_people["agent_bj"]
    for n in range(40):
        at = now - timedelta(days=1 + n * 2, hours=3)
        make_consultation(org["C1"], agent, n, at=at)
    _load(org, demo_people)
    windows = {d.case_id: d for d in Deadline.objects.filter(case_type="inspection.score")}
    for score in Score.objects.all():
        window = windows[str(score.pk)]
        assert window.due_at == score.dispute_until
        expected = {
            "scored": ("running", score.agent_id),
            "confirmed": ("cancelled", score.agent_id),
            "disputed": ("met", None),
            "upheld": ("met", None),
            "amended": ("met", None),
        }[score.status]
        assert (window.state, score.assignee_id) == expected
        if score.status == "scored":
            assert window.due_at > now
        last = CaseEvent.objects.filter(case_id=str(score.pk)).order_by("at", "id").last()
        assert last is not None and last.to_state == score.status
    for task in InspectionTask.objects.all():
        last = CaseEvent.objects.filter(case_id=str(task.pk)).order_by("at", "id").last()
        assert last is not None and last.to_state == task.status
    for dispute in Dispute.objects.all():
        last = CaseEvent.objects.filter(case_id=str(dispute.pk)).order_by("at", "id").last()
        assert last is not None and last.to_state == dispute.status
    # and each case's version counts its transitions, as case_transition raises it
    for model in (InspectionTask, Score, Dispute):
        for case in model.objects.all():
            assert case.version == CaseEvent.objects.filter(case_id=str(case.pk)).count()


def test_the_demo_steps_are_taken_by_the_personas_through_the_services(org, demo_people):
    """Given interactions of a demo agent, the demo's scores are the supervisor's, its disputes
    the agent's and its decisions the quality lead's, as the engine recorded them."""
    from hiqc.core.models import CaseEvent

    now = timezone.now()
    agent = demo_people["agent_bj"]
    for n in range(40):
        make_consultation(org["C1"], agent, n, at=now - timedelta(days=1 + n * 2, hours=3))
    _load(org, demo_people)
    actors = {
        (e.case_type, e.activity): str(e.actor_id)
        for e in CaseEvent.objects.filter(case_type__startswith="inspection.")
    }
    supervisor = str(demo_people["cc_supervisor"].pk)
    lead = demo_people["quality_lead"].pk
    assert actors[("inspection.inspectiontask", "score")] == supervisor
    assert actors[("inspection.score", "create")] == supervisor
    assert Dispute.objects.exists()
    assert actors[("inspection.score", "dispute")] == str(agent.pk)
    decided = Dispute.objects.exclude(decided_by=None)
    assert all(d.decided_by_id == lead for d in decided)
