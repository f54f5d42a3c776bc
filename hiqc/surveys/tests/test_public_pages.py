"""The public survey answer page (issue 6 §3): no login, Chinese, accessible, conditional
questions decided by the server, partial save, submit, friendly pages for closed links, opt-out,
rate limits, no personal data, and the token kept out of caches and referrers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import Client

from hiqc.surveys.enums import InvitationStatus
from hiqc.surveys.models import Invitation, OptOut, Question, SurveyResponse
from hiqc.surveys.public_views import answers_from_post, error_summary, question_items
from hiqc.surveys.questionnaires import Q, clean_answers

from .conftest import T0
from .test_invitations import issue, make_plan

pytestmark = pytest.mark.django_db

ANSWER_DAY = T0 + timedelta(days=5)


@pytest.fixture(autouse=True)
def _rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def links(actors, org, questionnaire, paid_claims):
    """Ten online invitations issued on T0 + 4 days (valid 14 days); (invitation id, token)."""
    plan = make_plan(actors, org, questionnaire)
    report, _sent = issue(plan, T0 + timedelta(days=4))
    return report.tokens


@pytest.fixture
def day(links):
    with time_machine.travel(ANSWER_DAY, tick=False):
        yield links


def url(token: str) -> str:
    return f"/s/{token}/"


def html(response) -> str:
    return response.content.decode().replace("<wbr>", "")  # line-break hints in scale anchors


def test_the_page_shows_the_questions_without_a_login_and_marks_the_link_opened(day):
    inv_id, token = day[0]
    response = Client().get(url(token))
    assert response.status_code == 200
    body = html(response)
    assert "理赔服务满意度调查" in body and "总体满意度" in body
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert "非常不满意" in body and "非常满意" in body  # the scale's text anchors
    assert 'type="checkbox"' in body and "<textarea" in body
    assert 'data-show-if="overall"' in body  # the live condition for answer.js
    assert "“总体满意度”中选择了“非常不满意”或“不满意”" in body  # and for readers without JS
    inv = Invitation.objects.get(pk=inv_id)
    assert inv.case_number in body
    assert inv.opened_at == ANSWER_DAY
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in body and " onclick" not in body


def test_every_input_has_a_label_and_every_choice_group_a_legend(day):
    body = html(Client().get(url(day[0][1])))
    ids = re.findall(r'<(?:input|textarea) [^>]*id="([^"]+)"', body)
    assert ids and all(f'for="{i}"' in body for i in ids)
    assert body.count("<fieldset") == body.count("<legend") == 4  # overall, speed, why, nps


def test_the_page_shows_no_personal_data(day):
    inv_id, token = day[0]
    inv = Invitation.objects.select_related("customer").get(pk=inv_id)
    body = html(Client().get(url(token)))
    assert inv.customer.name and inv.customer.name not in body
    assert inv.customer.mobile and inv.customer.mobile not in body
    assert inv.customer.mobile[:3] + "****" not in body  # not even masked
    assert str(inv.customer_id) not in body


def test_a_partial_save_keeps_the_values_and_can_be_continued_later(day):
    inv_id, token = day[0]
    client = Client()
    response = client.post(url(token), {"action": "save", "overall": "4", "comment": "还可以"})
    assert response.status_code == 200
    body = html(response)
    assert "已保存" in body
    assert 'value="4" checked' in body and "还可以" in body
    inv = Invitation.objects.get(pk=inv_id)
    assert inv.status == InvitationStatus.STARTED
    saved = SurveyResponse.objects.get(invitation=inv)
    assert saved.submitted_at is None and saved.satisfaction == 4
    again = html(client.get(url(token)))  # back later through the same link
    assert 'value="4" checked' in again and "还可以" in again and "已保存" not in again


def test_submitting_without_a_required_shown_question_explains_next_to_it(day):
    inv_id, token = day[0]
    response = Client().post(
        url(token), {"action": "submit", "overall": "2", "nps": "3", "comment": "等了很久"}
    )
    assert response.status_code == 400
    body = html(response)
    assert 'id="error-summary"' in body and 'href="#q-why-0"' in body
    assert re.search(r'id="q-why-error">[^<]*此题必答', body)  # next to the question
    assert 'value="2" checked' in body and 'value="3" checked' in body and "等了很久" in body
    assert Invitation.objects.get(pk=inv_id).status == InvitationStatus.SENT
    assert not SurveyResponse.objects.filter(invitation_id=inv_id).exists()


def test_a_missing_required_question_is_refused_and_a_bad_value_is_explained(day):
    response = Client().post(url(day[0][1]), {"action": "submit", "nps": "12"})
    assert response.status_code == 400
    body = html(response)
    assert re.search(r'id="q-overall-error">[^<]*此题必答', body)
    assert "请选择 0 到 10 分" in body


def test_a_complete_answer_is_thanked_and_closes_the_invitation(day):
    inv_id, token = day[0]
    response = Client().post(
        url(token),
        {"action": "submit", "overall": "2", "speed": "1", "why": ["slow", "docs"], "nps": "3",
         "comment": "希望更快一些"},
    )  # fmt: skip
    assert response.status_code == 200 and "感谢您的评价" in html(response)
    assert response["Cache-Control"] == "no-store"
    inv = Invitation.objects.get(pk=inv_id)
    assert inv.status == InvitationStatus.ANSWERED and inv.answered_at == ANSWER_DAY
    saved = SurveyResponse.objects.get(invitation=inv)
    assert saved.submitted_at == ANSWER_DAY and saved.mode == "online"
    assert (saved.satisfaction, saved.recommend) == (2, 3)
    assert saved.answers["why"] == ["slow", "docs"] and saved.texts == {"comment": "希望更快一些"}


def test_an_answer_to_a_hidden_question_is_ignored(day):
    inv_id, token = day[0]
    response = Client().post(url(token), {"action": "submit", "overall": "5", "why": ["slow"]})
    assert response.status_code == 200
    assert "why" not in SurveyResponse.objects.get(invitation_id=inv_id).answers


def test_a_used_link_gets_a_friendly_410_page(day):
    _inv_id, token = day[0]
    client = Client()
    client.post(url(token), {"action": "submit", "overall": "5"})
    for response in (client.get(url(token)), client.post(url(token), {"action": "submit"})):
        assert response.status_code == 410
        body = html(response)
        assert "您已完成本次调查" in body and "Traceback" not in body
        assert response["Referrer-Policy"] == "no-referrer"


def test_an_expired_link_gets_a_friendly_410_page(links):
    _inv_id, token = links[1]
    with time_machine.travel(T0 + timedelta(days=4 + 15), tick=False):
        response = Client().get(url(token))
        assert response.status_code == 410 and "调查链接已过期" in html(response)
        response = Client().post(url(token), {"action": "save", "overall": "3"})
        assert response.status_code == 410


def test_an_unknown_link_gets_a_friendly_404_page(day):
    response = Client().get(url("not-a-token-we-issued"))
    assert response.status_code == 404
    body = html(response)
    assert "链接无效" in body and "Traceback" not in body
    assert Client().post(url("x" * 300), {"action": "submit"}).status_code == 404
    assert Client().get(url("nope") + "opt-out").status_code == 404


def test_opting_out_asks_for_confirmation_then_closes_the_link(day):
    inv_id, token = day[0]
    client = Client()
    assert f'href="/s/{token}/opt-out"' in html(client.get(url(token)))
    confirm = client.get(url(token) + "opt-out")
    assert confirm.status_code == 200 and "确认退订" in html(confirm)
    assert not OptOut.objects.exists()  # looking at the question changes nothing
    done = client.post(url(token) + "opt-out")
    assert done.status_code == 200 and "已为您退订" in html(done)
    inv = Invitation.objects.get(pk=inv_id)
    assert OptOut.objects.filter(customer_id=inv.customer_id, source="link").exists()
    assert inv.status == InvitationStatus.OPTED_OUT
    after = client.get(url(token))
    assert after.status_code == 410 and "您已退订满意度调查" in html(after)


def test_a_browser_post_under_no_referrer_is_accepted_and_sets_no_cookie(day):
    """No-referrer makes browsers send ``Origin: null``; the link token, not a CSRF cookie, is
    what a forged request would lack."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(day[0][1]), {"action": "save", "overall": "3"}, HTTP_ORIGIN="null")
    assert response.status_code == 200 and "已保存" in html(response)
    assert not response.cookies
    assert not Client().get(url(day[0][1])).cookies


def test_too_many_requests_from_one_address_get_a_friendly_429(day, settings):
    settings.HIQC_SURVEY_LIMITS = {"get:ip": (2, 3600)}
    client = Client(REMOTE_ADDR="10.1.2.3")
    tokens = [t for _i, t in day]
    assert client.get(url(tokens[0])).status_code == 200
    assert client.get(url(tokens[1])).status_code == 200
    response = client.get(url(tokens[2]))
    assert response.status_code == 429
    assert "请稍后再试" in html(response) and "操作过于频繁" in html(response)
    assert response["Retry-After"] == "3600" and response["Cache-Control"] == "no-store"
    assert Client(REMOTE_ADDR="10.9.9.9").get(url(tokens[2])).status_code == 200


def test_too_many_posts_for_one_link_get_a_429_from_any_address(day, settings):
    settings.HIQC_SURVEY_LIMITS = {"post:token": (2, 3600)}
    token = day[0][1]
    for n in range(2):
        response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(url(token), {"action": "save"})
        assert response.status_code == 200
    response = Client(REMOTE_ADDR="10.0.0.99").post(url(token), {"action": "save"})
    assert response.status_code == 429
    assert Client().get(url(token)).status_code == 200  # reading is counted separately


def test_matrix_rows_are_fieldsets_and_posted_rows_become_one_answer():
    questions = [
        Question(code="svc", kind="matrix", text="各环节满意度", required=True,
                 rows=[{"code": "speed", "label": "速度"}, {"code": "staff", "label": "态度"}]),
        Question(code="channel", kind="single", text="办理渠道",
                 options=[{"value": "app", "label": "手机应用"}, {"value": "counter", "label": "柜面"}]),
    ]  # fmt: skip
    posted = QueryDict("svc.speed=4&svc.staff=&channel=app")
    answers = answers_from_post(questions, posted)
    assert answers == {"svc": {"speed": "4"}, "channel": "app"}
    clean, errors = clean_answers([Q.of(q) for q in questions], answers, final=True)
    assert clean == {"channel": "app"} and errors == {"svc": ["请为每一行打分。"]}
    items = question_items(questions, answers, errors)
    body = render_to_string("surveys/_questions.html", {"items": items})
    assert body.count("<fieldset") == body.count("<legend") == 4  # matrix, its 2 rows, single
    assert '<legend class="sv-rowlegend">速度</legend>' in body
    assert 'name="svc.speed" value="4" checked' in body and 'name="svc.staff" value="4">' in body
    assert 'name="channel" value="app" checked' in body and 'type="radio"' in body
    assert 'id="q-svc-error"' in body and 'aria-describedby="q-svc-error"' in body
    assert error_summary(items) == [
        {"href": "q-svc-r0-0", "text": "各环节满意度", "message": "请为每一行打分。"}
    ]
