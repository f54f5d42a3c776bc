"""Claims-audit API: create a round, review blind, read the results with intervals (§8)."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import decided_claims

pytestmark = pytest.mark.django_db


def test_create_review_and_read_results_through_the_api(personas, org):
    decided_claims(org["C2"], 12)
    client = Client()
    client.force_login(personas["reviewer"])
    created = client.post(
        "/api/v1/claim-audits/rounds",
        {
            "name": "API 抽检",
            "org_unit_id": str(org["P2"].pk),
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "method": "stratified",
            "margin": 0.2,
            "seed": 3,
            "bands": [1200],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["population"], body["seed"], body["method"]) == (12, 3, "stratified")
    assert sum(s["sample"] for s in body["strata"]) == body["sample_size"]
    listing = client.get("/api/v1/claim-audits/rounds").json()
    assert listing["count"] == 1
    items = client.get(f"/api/v1/claim-audits/rounds/{body['id']}/items").json()["items"]
    assert all(i["original"] is None and i["status"] == "pending" for i in items)
    first = items[0]["id"]
    refused = client.post(f"/api/v1/claim-audits/items/{first}/errors", {"error_types": []},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 409  # the own decision comes first
    client.post(f"/api/v1/claim-audits/items/{first}/review", {"outcome": "refuse",
                "reason_code": "exclusion"}, content_type="application/json")  # fmt: skip
    done = client.post(f"/api/v1/claim-audits/items/{first}/errors",
                       {"error_types": ["over_payment", "procedure"]},
                       content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["errors"] == ["over_payment", "procedure"]
    results = client.get(f"/api/v1/claim-audits/rounds/{body['id']}").json()
    assert (results["done"], results["overall"]["errors"], results["overall"]["rate"]) == (1, 1, 1)
    assert round(results["overall"]["low"], 4) == 0.2065 and results["overall"]["high"] == 1
    assert results["by_branch"][0]["enough"] is False
    assert {t["label"] for t in results["by_type"]} == {"超赔", "程序错误"}
    outsider = Client()
    outsider.force_login(personas["branch_manager"])
    assert outsider.get(f"/api/v1/claim-audits/rounds/{body['id']}").status_code == 404
