"""An exam taken on a phone (issue 18 §2, §3): the handler opens the exam on a phone-sized
screen, answers without sideways scrolling, hands in, sees the pass and the certificate — and,
with the complaint gate on, may then be assigned a complaint, which was refused before."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from hiqc.complaints.services import complaint_act, complaint_register
from hiqc.core.errors import ValidationFailed
from hiqc.core.services import rule_override_set
from hiqc.customers.services import customer_create
from hiqc.people.models import Question
from hiqc.people.services import exam_create, question_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _complaint(actors, org):
    customer = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk,
                               data={"name": "赵六", "mobile": "13900001111"})  # fmt: skip
    return complaint_register(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
        "customer_id": str(customer.pk), "channel": "phone", "source": "direct",
        "request": "请求按合同赔付。", "facts": "理赔被拒。", "dispute_type": "claims",
        "product_line": "medical", "nature": "contract_dispute", "respondent_kind": "branch",
    })  # fmt: skip


def test_handler_passes_the_exam_on_a_phone_and_may_then_be_assigned_a_complaint(
    live_server, personas, actors, org, browser_page, shot
):
    for i in range(3):
        question_create(actor=actors["trainer"], data={
            "org_unit": org["HO"].pk, "topic": "投诉处理", "kind": "single", "difficulty": "1",
            "text": f"第{i + 1}题：投诉处理一般时限为自受理之日起多少日？",
            "options": "7 日\n15 日\n30 日", "answer": "1"})  # fmt: skip
    exam = exam_create(actor=actors["trainer"], data={
        "org_unit": org["HO"].pk, "title": "投诉处理上岗资格考试", "topic": "投诉处理",
        "easy": "3", "medium": "0", "hard": "0", "duration_minutes": "20", "pass_percent": "80",
        "max_attempts": "2", "qualification": "complaint_handler"})  # fmt: skip
    rule_override_set(actor=actors["admin"], key="people.gate.complaint",
                      value="complaint_handler", reason="上岗资格")  # fmt: skip
    complaint = _complaint(actors, org)
    with pytest.raises(ValidationFailed, match="投诉处理上岗资格"):
        complaint_act(actor=actors["branch_manager"], complaint_id=complaint.pk, action="assign",
                      data={"assignee": str(personas["handler"].pk)})  # fmt: skip

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "handler")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/people/exams/")
    page.get_by_role("button", name="开始 / 继续考试").click()
    page.wait_for_selector("#paper")
    assert page.locator("fieldset.question").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for option in page.locator("label.option", has_text="15 日").all():
        option.click()
    shot(page, "exam-on-a-phone")
    page.get_by_role("button", name="交卷").click()
    page.wait_for_selector("#result")
    result = page.locator("#result").inner_text()
    assert "合格" in result and "不合格" not in result
    page.goto(f"{base}/people/exams/")
    assert "投诉处理上岗资格" in page.locator("#my-certificates").inner_text()
    assert page.csp_errors == []

    assigned = complaint_act(actor=actors["branch_manager"], complaint_id=complaint.pk,
                             action="assign", data={"assignee": str(personas["handler"].pk)})  # fmt: skip
    assert assigned.assignee_id == personas["handler"].pk
    assert Question.objects.filter(topic="投诉处理").count() == 3 and exam.pk
