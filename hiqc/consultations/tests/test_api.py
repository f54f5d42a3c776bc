"""The consultation API: the case contract over HTTP (docs/architecture.md §9)."""

from __future__ import annotations

import json

from django.test import Client

from hiqc.consultations.models import Consultation


def _as(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _body(org, capture_data, **extra):
    return {**capture_data, "org_unit_id": str(org["C1"].pk), **extra}


def test_an_agent_captures_a_consultation_and_gets_the_case_representation(
    personas, org, capture_data
):
    response = _post(_as(personas, "agent"), "/api/v1/consultations", _body(org, capture_data))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["version"], body["allowed_actions"]) == ("received", 1, ["answer"])
    assert body["deadlines"][0]["clock"] == "consultation.reply"
    assert [e["activity"] for e in body["events"]] == ["create"]
    assert body["consultation"]["caller_masked"] == "赵*"
    assert body["consultation"]["mobile_masked"] == "139****1111"
    assert "13900001111" not in response.content.decode()


def test_field_errors_come_back_in_chinese_with_the_field_named(personas, org, capture_data):
    response = _post(
        _as(personas, "agent"),
        "/api/v1/consultations",
        _body(org, capture_data, call_id="", resolved_now=True),
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert {"recording_ref", "answer"} <= set(body["fields"])
    assert "须" in body["fields"]["answer"][0]


def test_a_stale_version_is_a_409_naming_state_version_and_allowed_actions(
    personas, org, capture_data
):
    client = _as(personas, "agent")
    case_id = _post(client, "/api/v1/consultations", _body(org, capture_data)).json()["id"]
    url = f"/api/v1/consultations/{case_id}/actions/answer"
    first = _post(client, url, {"version": 1, "data": {"answer": "正在审核中。"}})
    assert first.status_code == 200 and first.json()["status"] == "answered"
    again = _post(client, f"/api/v1/consultations/{case_id}/actions/resolve", {"version": 1})
    assert again.status_code == 409
    body = again.json()
    assert (body["code"], body["state"], body["version"]) == ("stale_version", "answered", 2)
    assert set(body["allowed_actions"]) == {"resolve", "convert_complaint", "convert_suggestion"}


def test_an_action_not_allowed_now_is_a_409(personas, org, capture_data):
    client = _as(personas, "agent")
    case_id = _post(client, "/api/v1/consultations", _body(org, capture_data)).json()["id"]
    response = _post(client, f"/api/v1/consultations/{case_id}/actions/resolve", {"version": 1})
    assert response.status_code == 409 and response.json()["code"] == "action_not_allowed"


def test_conversion_to_a_suggestion_over_the_api_links_the_suggestion(personas, org, capture_data):
    client = _as(personas, "agent")
    created = _post(client, "/api/v1/consultations", _body(org, capture_data, answer="好的"))
    case_id = created.json()["id"]
    response = _post(
        client,
        f"/api/v1/consultations/{case_id}/actions/convert_suggestion",
        {"version": 2, "data": {"content": "希望增加夜间人工服务。"}},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "converted_suggestion"
    assert response.json()["suggestion_id"]


def test_an_outsider_gets_404_for_a_consultation_in_another_province(personas, org, capture_data):
    case_id = _post(
        _as(personas, "agent"), "/api/v1/consultations", _body(org, capture_data)
    ).json()["id"]
    response = _as(personas, "outsider_agent").get(f"/api/v1/consultations/{case_id}")
    assert response.status_code == 404
    missing = _as(personas, "outsider_agent").get(
        "/api/v1/consultations/00000000-0000-0000-0000-000000000000"
    )
    assert missing.json() == response.json()


def test_the_list_filters_by_status_and_channel_and_is_paginated(personas, org, capture_data):
    client = _as(personas, "agent")
    _post(client, "/api/v1/consultations", _body(org, capture_data))
    _post(client, "/api/v1/consultations", _body(org, capture_data, answer="好", resolved_now=True))
    assert client.get("/api/v1/consultations").json()["count"] == 2
    resolved = client.get("/api/v1/consultations?status=resolved").json()
    assert resolved["count"] == 1 and resolved["items"][0]["first_contact_resolution"] is True
    assert client.get("/api/v1/consultations?channel=email").json()["count"] == 0
    assert client.get("/api/v1/consultations?status=bogus").status_code == 422
    assert client.get("/api/v1/consultations?date_to=0").status_code == 422  # not a Unix time
    assert client.get("/api/v1/consultations?date_from=2000-01-01").json()["count"] == 2
    assert Consultation.objects.count() == 2


def test_the_topic_endpoint_returns_two_levels(personas):
    body = _as(personas, "agent").get("/api/v1/consultation-topics").json()
    assert body[0]["name"] == "产品咨询"
    assert all(c["topics"] for c in body)


def test_conversion_to_a_complaint_over_the_api_links_both_ways(personas, org, capture_data):
    client = _as(personas, "agent")
    created = _post(client, "/api/v1/consultations", _body(org, capture_data, answer="已解释"))
    case_id = created.json()["id"]
    classification = {
        "request": "要求全额赔付住院费用。",
        "dispute_type": "claims",
        "product_line": "medical",
        "nature": "contract_dispute",
        "respondent_kind": "branch",
    }
    response = _post(
        client,
        f"/api/v1/consultations/{case_id}/actions/convert_complaint",
        {"version": 2, "data": classification},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "converted_complaint" and body["complaint_id"]
    case = Consultation.objects.select_related("complaint").get(pk=case_id)
    assert case.complaint is not None
    assert list(case.complaint.consultations.all()) == [case]


def test_a_bad_classification_is_a_422_and_nothing_changes(personas, org, capture_data):
    client = _as(personas, "agent")
    case_id = _post(
        client, "/api/v1/consultations", _body(org, capture_data, answer="已解释")
    ).json()["id"]
    response = _post(
        client,
        f"/api/v1/consultations/{case_id}/actions/convert_complaint",
        {
            "version": 2,
            "data": {
                "request": "x",
                "dispute_type": "nonsense",
                "product_line": "medical",
                "nature": "contract_dispute",
                "respondent_kind": "branch",
            },
        },
    )
    assert response.status_code == 422 and "dispute_type" in response.json()["fields"]
    assert Consultation.objects.get(pk=case_id).status == "answered"
