"""The complaint API follows the case contract (docs/architecture.md §9)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hiqc.core.models import AuditEvent
from hiqc.customers.services import customer_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(personas):
    def make(name: str) -> Client:
        client = Client()
        client.force_login(personas[name])
        return client

    return make


@pytest.fixture
def customer(actors, org):
    return customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "赵六", "mobile": "13900001111"},
    )


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def register(client: Client, org, customer, **extra):
    return post(
        client,
        "/api/v1/complaints",
        {
            "org_unit_id": str(org["C1"].pk),
            "customer_id": str(customer.pk),
            "channel": "phone",
            "request": "赔付",
            "facts": "被拒赔",
            "dispute_type": "claims",
            "product_line": "medical",
            "nature": "contract_dispute",
            "respondent_kind": "branch",
            **extra,
        },
    )


def test_registering_returns_the_case_with_its_clocks_and_allowed_actions(
    client_for, org, customer
):
    response = register(client_for("handler"), org, customer)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered" and body["version"] == 1
    assert {d["clock"] for d in body["deadlines"]} == {
        "complaints.decide",
        "complaints.internal_reply",
    }
    assert "assign" in body["allowed_actions"] and "extend_further" not in body["allowed_actions"]


def test_registration_errors_come_back_by_field(client_for, org, customer):
    response = register(client_for("handler"), org, customer, dispute_type="x")
    assert response.status_code == 422 and "dispute_type" in response.json()["fields"]
    response = register(client_for("handler"), org, customer, source="regulator")
    assert response.status_code == 422 and "forwarded_on" in response.json()["fields"]


def test_a_stale_version_gets_409_with_the_current_state(client_for, org, customer):
    client = client_for("handler")
    complaint = register(client, org, customer).json()
    url = f"/api/v1/complaints/{complaint['id']}/actions/withdraw"
    ok = post(client, url, {"version": 1, "data": {"reason": "撤回"}})
    assert ok.status_code == 200 and ok.json()["status"] == "withdrawn"
    again = post(client, url, {"version": 1, "data": {"reason": "撤回"}})
    assert again.status_code == 409
    assert again.json()["code"] == "stale_version" and again.json()["version"] == 2


def test_reading_a_letter_is_audited(client_for, org, customer, personas):
    client = client_for("handler")
    complaint = register(client, org, customer).json()
    base = f"/api/v1/complaints/{complaint['id']}/actions"
    hq = client_for("branch_manager")
    # the branch manager (P1) holds complaints.handle; the handler is free to be assigned
    assigned = post(hq, f"{base}/assign", {"data": {"assignee": str(personas["handler"].pk)}})
    assert assigned.status_code == 200, assigned.content
    extended = post(client, f"{base}/extend", {"data": {"reason": "需调取病历"}})
    letter = extended.json()["letters"][0]
    response = client.get(f"/api/v1/complaint-letters/{letter['id']}")
    assert response.status_code == 200 and "需调取病历" in response.json()["body"]
    assert AuditEvent.objects.filter(action="complaints.letter.read").count() == 1


def test_root_causes_are_listed_with_their_parents(client_for):
    body = client_for("handler").get("/api/v1/complaint-root-causes").json()
    leaf = next(c for c in body if c["code"] == "claims.delay")
    assert leaf["parent_code"] == "claims"
