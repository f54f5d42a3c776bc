"""The claims API follows the case contract (docs/architecture.md §9)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from .test_claim_process import policy  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def client(personas, name):
    c = Client()
    c.force_login(personas[name])
    return c


def post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


BODY = {
    "policy_number": "P-0001",
    "claim_type": "medical_reimbursement",
    "incident_date": "2026-02-20",
    "amount_claimed": "8600.00",
    "channel": "app",
    "diagnosis_code": "K35.8",
}


def test_a_claim_registered_by_api_shows_its_clocks_and_masks_the_diagnosis(personas, policy):  # noqa: F811
    response = post(client(personas, "claims"), "/api/v1/claims", BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {d["clock"] for d in body["deadlines"]} >= {"claims.decide", "claims.advance"}
    assert body["diagnosis_masked"] == "K****" and "K35.8" not in response.content.decode()
    assert [i["code"] for i in body["checklist"]][:2] == ["form", "id"]


def test_a_claim_outside_scope_is_not_found(personas, policy):  # noqa: F811
    body = post(client(personas, "claims"), "/api/v1/claims", BODY).json()
    assert client(personas, "outsider_agent").get(f"/api/v1/claims/{body['id']}").status_code == 404


def test_an_impossible_action_is_a_409_with_the_allowed_ones(personas, policy):  # noqa: F811
    c = client(personas, "claims")
    body = post(c, "/api/v1/claims", BODY).json()
    response = post(c, f"/api/v1/claims/{body['id']}/actions/pay", {"data": {}})
    assert response.status_code == 409 and "start_review" in response.json()["allowed_actions"]


def test_the_diagnosis_is_revealed_only_with_a_purpose_and_the_reveal_is_audited(personas, policy):  # noqa: F811
    from hiqc.core.models import AuditEvent

    c = client(personas, "claims")
    body = post(c, "/api/v1/claims", BODY).json()
    refused = c.post(f"/claims/{body['id']}/diagnosis/", {"purpose": "看"})
    assert refused.status_code == 422 and "K35.8" not in refused.content.decode()
    shown = c.post(f"/claims/{body['id']}/diagnosis/", {"purpose": "核对诊断与发票"})
    assert "K35.8" in shown.content.decode()
    assert AuditEvent.objects.filter(action="claims.diagnosis.reveal").count() == 1
    viewer = client(personas, "supervisor")  # may view claims, does not handle them
    assert (
        viewer.post(f"/claims/{body['id']}/diagnosis/", {"purpose": "查看一下诊断"}).status_code
        == 403
    )
