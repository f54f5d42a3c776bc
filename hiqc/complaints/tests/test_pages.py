"""Complaint pages: registration, detail with the actions allowed now, letters (issue 4 §9)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hiqc.complaints.models import Complaint, RootCause
from hiqc.core.models import AuditEvent
from hiqc.customers.services import customer_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(actors, org):
    return customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "赵六", "mobile": "13900001111"},
    )


def login(personas, name) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


def form(org, customer, **extra):
    return {
        "customer_id": str(customer.pk),
        "org_unit_id": str(org["C1"].pk),
        "channel": "counter",
        "source": "direct",
        "respondent_kind": "branch",
        "request": "要求赔付",
        "facts": "拒赔理由不清",
        "dispute_type": "claims",
        "product_line": "medical",
        "nature": "contract_dispute",
        **extra,
    }


def test_the_lookup_finds_the_complainant_by_full_mobile_number(personas, customer):
    page = login(personas, "handler").get("/complaints/customer-lookup/?lookup=13900001111")
    assert page.status_code == 200
    assert "赵六" in page.content.decode() and "13900001111" not in page.content.decode()


def test_registering_on_the_page_redirects_to_the_case_with_its_clock(personas, org, customer):
    client = login(personas, "handler")
    response = client.post("/complaints/new/", form(org, customer))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert complaint.reference in page and "投诉处理决定" in page and "分派承办人" in page


def test_a_bad_registration_shows_the_errors_by_field_and_saves_nothing(personas, org, customer):
    response = login(personas, "handler").post(
        "/complaints/new/", form(org, customer, request="", source="regulator")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "此项必填" in body and "CP-9" in body
    assert not Complaint.objects.exists()


def test_an_action_refused_on_the_page_explains_why(personas, org, customer):
    client = login(personas, "handler")
    client.post("/complaints/new/", form(org, customer))
    complaint = Complaint.objects.get()
    response = client.post(
        f"/complaints/{complaint.pk}/actions/assign/",
        {"assignee": str(personas["handler"].pk), "version": "1"},
    )
    assert response.status_code == 302  # the handler may take it: no interest in the matter
    response = client.post(
        f"/complaints/{complaint.pk}/actions/extend_further/", {"reason": "复杂", "version": "2"}
    )
    assert response.status_code == 403


def test_the_letter_page_shows_the_notice_and_audits_the_reading(personas, org, customer):
    client = login(personas, "handler")
    client.post("/complaints/new/", form(org, customer))
    complaint = Complaint.objects.get()
    client.post(
        f"/complaints/{complaint.pk}/actions/assign/", {"assignee": str(personas["handler"].pk)}
    )
    client.post(f"/complaints/{complaint.pk}/actions/extend/", {"reason": "需调取病历"})
    letter = complaint.letters.get()
    page = client.get(f"/complaints/letters/{letter.pk}/").content.decode()
    assert "延期处理告知书" in page and "需调取病历" in page
    assert AuditEvent.objects.filter(action="complaints.letter.read").exists()


def test_the_list_shows_the_clock_of_each_complaint(personas, org, customer):
    client = login(personas, "handler")
    client.post("/complaints/new/", form(org, customer))
    page = client.get("/complaints/").content.decode()
    assert Complaint.objects.get().reference in page and "剩 " in page


def test_a_bad_list_filter_is_shown_at_its_field_and_the_good_ones_still_apply(
    personas, org, customer
):
    # Given one registered complaint
    client = login(personas, "handler")
    client.post("/complaints/new/", form(org, customer))
    reference = Complaint.objects.get().reference
    assert reference in client.get("/complaints/").content.decode()  # (and its message read)
    # When the list is filtered by an impossible date and a number that matches nothing
    page = client.get("/complaints/?received_from=2026-13-45&q=NOPE").content.decode()
    # Then the date is refused beside its field, and the number filter still applies
    assert re.search(r'<span class="error">[^<]+</span>', page)
    assert reference not in page


def test_the_employee_named_on_the_form_cannot_then_be_assigned(personas, org, customer):
    client = login(personas, "handler")
    handler = str(personas["handler"].pk)
    response = client.post(
        "/complaints/new/",
        form(org, customer, respondent_kind="employee", respondent_user_id=handler),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    manager = login(personas, "branch_manager")
    refused = manager.post(f"/complaints/{complaint.pk}/actions/assign/", {"assignee": handler})
    assert refused.status_code == 422 and "回避" in refused.content.decode()
    own = client.post(f"/complaints/{complaint.pk}/actions/withdraw/", {"reason": "x"})
    assert own.status_code == 403  # nor may the person complained about touch the case


def _investigating(personas, org, customer):
    client = login(personas, "handler")
    client.post("/complaints/new/", form(org, customer))
    complaint = Complaint.objects.get()
    client.post(
        f"/complaints/{complaint.pk}/actions/assign/", {"assignee": str(personas["handler"].pk)}
    )
    complaint.refresh_from_db()
    return client, complaint


def _action_form(html: str, action: str) -> str:
    match = re.search(
        rf'<details class="action" id="action-{action}"[^>]*>.*?</details>', html, re.S
    )
    assert match, f"no form for {action}"
    return match.group(0)


def test_a_refused_decision_keeps_the_typed_values_and_shows_the_field_errors(
    personas, org, customer
):
    client, complaint = _investigating(personas, org, customer)
    cause = RootCause.objects.exclude(parent=None).order_by("code").first()
    assert cause is not None
    response = client.post(
        f"/complaints/{complaint.pk}/actions/decide/",
        {"version": str(complaint.version), "outcome": "partly_upheld", "root_cause": cause.code,
         "facts_found": "查明：<住院> 12 天", "basis": "", "decision_text": "补偿 500 元"},
    )  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert "缺少必填信息" in html.split('id="action-error"')[1].split("</div>")[0]
    decide = _action_form(html, "decide")
    assert decide.startswith('<details class="action" id="action-decide" open>')
    assert '<option value="partly_upheld" selected>' in decide
    assert f'<option value="{cause.code}" selected>' in decide
    assert ">查明：&lt;住院&gt; 12 天</textarea>" in decide and ">补偿 500 元</textarea>" in decide
    assert 'id="decide-basis-error">此项必填。' in decide
    assert 'id="decide-facts_found-error"' not in decide
    assert Complaint.objects.get().status == complaint.status


def test_a_refused_assignment_keeps_the_chosen_handler(personas, org, customer):
    client = login(personas, "handler")
    client.post("/complaints/new/", form(org, customer))
    complaint = Complaint.objects.get()
    handler = str(personas["handler"].pk)
    response = client.post(
        f"/complaints/{complaint.pk}/actions/assign/", {"assignee": handler, "version": "7"}
    )
    assert response.status_code == 409
    assign = _action_form(response.content.decode(), "assign")
    assert f'<option value="{handler}" selected>' in assign
