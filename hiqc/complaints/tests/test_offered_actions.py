"""What a complaint page offers is what will succeed now (issue 13): the domain's clock rules hold
actions back from ``allowed_actions`` and the page, and a handler can ask for CP-3 approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from hiqc.complaints.services import KIND
from hiqc.core.casework import case_allowed_actions, case_representation
from hiqc.core.errors import Conflict
from hiqc.core.models import Notification

from .test_complaint_process import T0, act, customer, decide_clock, register  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def extended(actors, org, customer):  # noqa: F811
    complaint = register(actors, org, customer)
    act(
        actors,
        complaint,
        "assign",
        at=T0 + timedelta(hours=1),
        assignee=str(actors["handler"].user_id),
    )
    act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="需调取医院病历")
    complaint.refresh_from_db()
    return complaint


def _allowed(actor, complaint, at):
    complaint.refresh_from_db()
    with time_machine.travel(at, tick=False):
        return case_allowed_actions(KIND, complaint, actor)


def test_extend_is_offered_once_then_the_handler_may_ask_head_office_instead(actors, org, customer):  # noqa: F811
    complaint = register(actors, org, customer)
    act(
        actors,
        complaint,
        "assign",
        at=T0 + timedelta(hours=1),
        assignee=str(actors["handler"].user_id),
    )
    before = _allowed(actors["handler"], complaint, T0 + timedelta(days=2))
    assert "extend" in before and "request_further_extension" not in before
    act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="需调取医院病历")
    after = _allowed(actors["handler"], complaint, T0 + timedelta(days=6))
    assert "extend" not in after
    assert "request_further_extension" in after
    assert "extend_further" not in after  # a branch handler holds no CP-3 approval


def test_a_held_back_action_is_refused_with_409_and_the_reason(actors, extended):
    with pytest.raises(Conflict) as exc:
        act(actors, extended, "extend", at=T0 + timedelta(days=6), reason="再延")
    assert "申请再延期" in exc.value.message
    assert "extend" not in exc.value.allowed_actions


def test_the_cp3_request_notifies_head_office_approvers_who_then_see_the_approval(
    actors, personas, extended, django_capture_on_commit_callbacks
):
    at = T0 + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        act(actors, extended, "request_further_extension", at=at, reason="涉及三家医院，需专家论证")
    # Then those holding complaints.approve at head office are asked, the branch manager not
    asked = Notification.objects.filter(kind=Notification.Kind.APPROVAL_REQUESTED)
    assert {n.user.username for n in asked} == {"quality_lead", "compliance"}
    assert all(extended.reference in n.title for n in asked)
    # and the handler cannot ask twice while it is pending
    assert "request_further_extension" not in _allowed(actors["handler"], extended, at)
    # the approver sees the approval; after it, nobody may extend again
    assert "extend_further" in _allowed(actors["quality_lead"], extended, at)
    act(
        actors,
        extended,
        "extend_further",
        who="quality_lead",
        at=at + timedelta(hours=2),
        reason="批准",
    )
    assert decide_clock(extended).amount == 60
    later = at + timedelta(days=1)
    for who in ("handler", "quality_lead"):
        allowed = _allowed(actors[who], extended, later)
        assert not {"extend", "request_further_extension", "extend_further"} & set(allowed)


def test_the_api_read_lists_only_actions_that_will_succeed(actors, extended):
    at = T0 + timedelta(days=6)
    with time_machine.travel(at, tick=False):
        rep = case_representation(KIND, extended, actors["handler"])
    assert "extend" not in rep["allowed_actions"]
    assert "request_further_extension" in rep["allowed_actions"]


def test_the_page_lists_what_is_held_back_and_why(client, personas, extended):
    client.force_login(personas["handler"])
    with time_machine.travel(T0 + timedelta(days=6), tick=False):
        page = client.get(f"/complaints/{extended.pk}/").content.decode()
    assert 'id="action-extend"' not in page
    assert 'id="action-request_further_extension"' in page
    assert 'id="unavailable-extend"' in page and "申请再延期" in page
