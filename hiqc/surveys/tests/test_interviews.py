"""Phone-interview entry (issue 6 §3): agents with ``surveys.interview`` see the open phone
invitations of their subtree, oldest first, and record the answers given on the phone through the
same questions as the public page; out of scope is a 404, no permission a 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.core.models import AuditEvent
from hiqc.surveys.enums import Delivery, InvitationStatus
from hiqc.surveys.models import Invitation, SurveyResponse

from .conftest import T0
from .test_invitations import issue, make_plan

pytestmark = pytest.mark.django_db

LIST = "/surveys/interviews/"


@pytest.fixture
def calls(actors, org, questionnaire, paid_claims):
    """Ten phone invitations at C1 issued on T0 + 4 days; the pages are used on T0 + 5 days."""
    plan = make_plan(actors, org, questionnaire, method="phone", name="理赔电话回访")
    issue(plan, T0 + timedelta(days=4))
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        yield list(Invitation.objects.order_by("case_number"))


def login(personas, name: str) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


def entry(inv: Invitation) -> str:
    return f"{LIST}{inv.pk}/"


def test_the_agent_sees_the_open_phone_invitations_of_the_subtree_oldest_first(personas, calls):
    assert {inv.delivery for inv in calls} == {Delivery.PHONE}
    Invitation.objects.filter(pk=calls[0].pk).update(sent_at=T0 + timedelta(days=4, hours=2))
    Invitation.objects.filter(pk=calls[1].pk).update(status=InvitationStatus.ANSWERED)
    Invitation.objects.filter(pk=calls[2].pk).update(expires_at=T0 + timedelta(days=4, hours=5))
    response = login(personas, "agent").get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    listed = sorted(
        (body.index(i.case_number), i.case_number) for i in calls if i.case_number in body
    )
    # oldest first: the nine sent at T0 + 4 days, then the one sent two hours later; the
    # answered and the expired invitations are not listed
    assert [n for _at, n in listed] == [i.case_number for i in [*calls[3:], calls[0]]]
    assert "理赔电话回访" in body and "朝阳中心支公司" in body
    assert "138****0003" in body  # the number to call, masked
    assert "13800000003" not in body


def test_the_agent_records_a_phone_interview_in_two_steps(personas, calls):
    client = login(personas, "agent")
    inv = calls[0]
    page = client.get(entry(inv))
    assert page.status_code == 200
    body = page.content.decode()
    assert "总体满意度" in body and "非常<wbr>不满意" in body and 'data-show-if="overall"' in body
    assert "138****0000" in body and "13800000000" not in body
    saved = client.post(entry(inv), {"action": "save", "overall": "1", "why": ["attitude"]})
    assert saved.status_code == 302 and saved["Location"] == entry(inv)
    again = client.get(entry(inv)).content.decode()
    assert (
        "已保存" in again and 'value="1" checked' in again and 'value="attitude" checked' in again
    )
    done = client.post(
        entry(inv), {"action": "submit", "overall": "1", "why": ["attitude"], "nps": "2"}
    )
    assert done.status_code == 302 and done["Location"] == LIST
    response = SurveyResponse.objects.get(invitation=inv)
    assert response.mode == "phone" and response.submitted_at is not None
    assert response.interviewer_id == personas["agent"].pk
    assert (response.satisfaction, response.recommend) == (1, 2)
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.ANSWERED
    assert AuditEvent.objects.filter(action="surveys.response.phone").count() == 2
    listing = client.get(LIST).content.decode()
    assert "答卷已提交" in listing and inv.case_number not in listing.split("<tbody>")[1]
    closed = client.get(entry(inv))
    assert closed.status_code == 200 and "不能再录入" in closed.content.decode()
    assert client.post(entry(inv), {"action": "submit", "overall": "5"}).status_code == 409


def test_a_missing_required_answer_is_shown_next_to_the_question(personas, calls):
    response = login(personas, "agent").post(entry(calls[0]), {"action": "submit", "nps": "8"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-summary"' in body and "此题必答" in body and 'value="8" checked' in body
    assert not SurveyResponse.objects.exists()


def test_an_agent_outside_the_subtree_gets_404(personas, calls):
    client = login(personas, "outsider_agent")
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert not any(inv.case_number in listing.content.decode() for inv in calls)
    assert client.get(entry(calls[0])).status_code == 404
    assert client.post(entry(calls[0]), {"action": "submit", "overall": "5"}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_quality_lead_at_head_office_may_interview_too(personas, calls):
    client = login(personas, "quality_lead")
    assert calls[0].case_number in client.get(LIST).content.decode()
    assert client.get(entry(calls[0])).status_code == 200


def test_roles_without_the_interview_permission_get_403(personas, calls):
    for name in ("auditor", "claims"):  # auditors may view results, never answer for customers
        client = login(personas, name)
        assert client.get(LIST).status_code == 403
        assert client.get(entry(calls[0])).status_code == 403
        assert client.post(entry(calls[0]), {"action": "submit"}).status_code == 403


def test_an_online_invitation_is_not_entered_by_phone(actors, org, personas, questionnaire,
                                                      paid_claims):  # fmt: skip
    plan = make_plan(actors, org, questionnaire)
    issue(plan, T0 + timedelta(days=4))
    online = Invitation.objects.order_by("case_number")[0]
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        client = login(personas, "agent")
        assert online.case_number not in client.get(LIST).content.decode()
        assert client.get(entry(online)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(calls):
    response = Client().get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
