"""API errors speak the reader's language and tell the truth (issue 14 §6, §8)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(personas) -> Client:
    client = Client()
    client.force_login(personas["admin"])
    return client


def test_field_errors_are_chinese_and_name_the_field(admin):
    response = admin.post("/api/v1/tokens", json.dumps({}), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "请求数据有误。"
    assert body["fields"]["name"] == ["必填。"]


def test_a_date_error_says_the_expected_form_in_english_when_english_is_chosen(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["auditor"])
    response = client.get("/api/v1/audit-events", {"until": "0.5"})
    assert response.status_code == 422
    (message,) = response.json()["fields"]["until"]
    assert "2026-10-08T09:00:00+08:00" in message and "应为" not in message


def test_a_bound_in_a_message_is_filled_in(admin):
    response = admin.post(
        "/api/v1/tokens", json.dumps({"name": "x", "days": "many"}), content_type="application/json"
    )
    assert response.json()["fields"]["days"] == ["应为整数。"]


def test_an_invalid_bearer_token_on_a_post_answers_401_not_a_csrf_403(client):
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"name": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer hiqc_00000000_not-a-token",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
