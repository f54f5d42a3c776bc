"""Pages: the capture form built for agents, list, detail, suggestions, taxonomy."""

from __future__ import annotations

import re

from django.test import Client

from hiqc.consultations.models import Consultation, Suggestion


def _as(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def _form(org, capture_data, **extra):
    return {**capture_data, "org_unit": str(org["C1"].pk), **extra}


def test_the_capture_page_starts_on_the_lookup_with_visible_access_keys(personas):
    html = _as(personas, "agent").get("/consultations/new/").content.decode()
    assert 'name="q" autofocus accesskey="k"' in html
    for key in ('accesskey="c"', 'accesskey="t"', 'accesskey="s"', "Alt+S"):
        assert key in html
    assert "产品咨询" in html and "理赔进度查询" in html  # two-level select, grouped
    assert "consultations/capture.js" in html


def test_the_lookup_partial_shows_the_customer_masked_with_their_history(
    personas, org, customer, capture_data
):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data))
    html = client.get("/consultations/lookup/", {"q": "13900001111"}).content.decode()
    assert "赵六" in html and "139****1111" in html and "110101********4477" in html
    assert "13900001111" not in html and "110101199003074477" not in html
    assert "近期咨询" in html and Consultation.objects.get().number in html
    html = client.get("/consultations/lookup/", {"q": "110101199003074477"}).content.decode()
    assert "赵六" in html
    html = client.get("/consultations/lookup/", {"q": "赵"}).content.decode()
    assert "精确匹配" in html


def test_capture_through_the_page_redirects_to_the_detail(personas, org, capture_data):
    response = _as(personas, "agent").post(
        "/consultations/new/",
        _form(org, capture_data, answer="已审核完毕", resolved_now="on"),
        follow=True,
    )
    case = Consultation.objects.get()
    assert case.first_contact_resolution
    html = response.content.decode()
    assert case.number in html and "已办结" in html


def test_capture_errors_are_shown_in_chinese_next_to_the_fields(personas, org, capture_data):
    response = _as(personas, "agent").post(
        "/consultations/new/", _form(org, capture_data, question="", call_id="")
    )
    html = response.content.decode()
    assert "请填写咨询内容。" in html
    assert "电话咨询须填写通话流水号或录音编号" in html
    assert not Consultation.objects.exists()


def test_the_topic_select_is_narrowed_by_category(personas, topic):
    html = (
        _as(personas, "agent")
        .get("/consultations/topics/options/", {"category_id": str(topic.category_id)})
        .content.decode()
    )
    assert "理赔进度查询" in html and "保障范围与责任" not in html


def test_list_and_detail_mask_the_customer_and_offer_the_actions_allowed_now(
    personas, org, capture_data
):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data))
    case = Consultation.objects.get()
    html = client.get("/consultations/?status=received").content.decode()
    assert case.number in html and "赵*" in html and "139****1111" in html
    detail = client.get(f"/consultations/{case.pk}/").content.decode()
    assert "答复" in detail and f"/consultations/{case.pk}/actions/answer/" in detail
    assert "/actions/resolve/" not in detail


def test_answer_then_convert_into_a_suggestion_from_the_detail_page(personas, org, capture_data):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data))
    case = Consultation.objects.get()
    client.post(f"/consultations/{case.pk}/actions/answer/", {"version": 1, "answer": "已答复"})
    response = client.post(
        f"/consultations/{case.pk}/actions/convert_suggestion/",
        {"version": 2, "content": "建议开通微信理赔进度查询"},
        follow=True,
    )
    suggestion = Suggestion.objects.get()
    assert suggestion.number in response.content.decode()
    html = client.get(f"/consultations/suggestions/{suggestion.pk}/").content.decode()
    assert case.number in html  # linked both ways


def test_a_stale_form_shows_the_conflict_message(personas, org, capture_data):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data))
    case = Consultation.objects.get()
    client.post(f"/consultations/{case.pk}/actions/answer/", {"version": 1, "answer": "已答复"})
    response = client.post(
        f"/consultations/{case.pk}/actions/resolve/", {"version": 1}, follow=True
    )
    assert "已被他人更新" in response.content.decode()


def test_the_quality_lead_adds_and_deactivates_topics(personas):
    client = _as(personas, "quality_lead")
    assert "理赔咨询" in client.get("/consultations/topics/").content.decode()
    client.post("/consultations/topics/", {"op": "add_category", "name": "团险", "code": "group"})
    html = client.get("/consultations/topics/").content.decode()
    assert "团险" in html
    bad = client.post("/consultations/topics/", {"op": "add_category", "name": "", "code": "x"})
    assert bad.status_code == 422 and "请填写名称。" in bad.content.decode()


def test_the_navigation_shows_consultation_links_to_an_agent(personas):
    html = _as(personas, "agent").get("/").content.decode()
    assert 'href="/consultations/new/"' in html and 'href="/consultations/"' in html
    assert 'href="/consultations/topics/"' not in html


def test_open_consultations_appear_in_my_work(personas, org, capture_data):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data))
    html = client.get("/my-work/").content.decode()
    assert Consultation.objects.get().number in html


def test_the_complaint_conversion_form_asks_only_the_classification(personas, org, capture_data):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data, answer="已解释"))
    case = Consultation.objects.get()
    html = client.get(f"/consultations/{case.pk}/").content.decode()
    form = html.split("/actions/convert_complaint/")[1].split("</form>")[0]
    for name in ("request", "dispute_type", "product_line", "nature", "respondent_kind"):
        assert f'name="{name}"' in form
    for held in ("customer", "channel", "question", "recording"):
        assert f'name="{held}' not in form
    assert '<option value="claims" selected>' in form  # from the topic's category
    response = client.post(
        f"/consultations/{case.pk}/actions/convert_complaint/",
        {
            "version": case.version,
            "request": "要求全额赔付",
            "dispute_type": "claims",
            "product_line": "medical",
            "nature": "contract_dispute",
            "respondent_kind": "branch",
        },
        follow=True,
    )
    case.refresh_from_db()
    assert case.complaint is not None
    assert case.complaint.reference in response.content.decode()


def test_a_conversion_with_a_missing_request_shows_the_error_on_the_form(
    personas, org, capture_data
):
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data, answer="已解释"))
    case = Consultation.objects.get()
    response = client.post(
        f"/consultations/{case.pk}/actions/convert_complaint/",
        {"version": case.version, "request": "", "dispute_type": "claims"},
    )
    assert response.status_code == 422
    assert "此项必填。" in response.content.decode()


def test_a_bad_list_filter_is_shown_at_its_field_and_the_good_ones_still_apply(
    personas, org, capture_data
):
    # Given one received consultation, listed
    client = _as(personas, "agent")
    client.post("/consultations/new/", _form(org, capture_data))
    number = Consultation.objects.get().number
    assert number in client.get("/consultations/").content.decode()
    # When the list is filtered by an impossible date and a status it is not in
    page = client.get("/consultations/?date_from=2026-13-45&status=resolved").content.decode()
    # Then the date is refused beside its field, and the status filter still applies
    assert re.search(r'<span class="error">[^<]+</span>', page.split('name="date_from"')[1])
    assert number not in page
