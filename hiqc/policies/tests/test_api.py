"""Policies API (issue 5 §1): the product catalogue with checklists, policies by number within
scope with masked ID numbers, and the CSV import door."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import csv_bytes, resident_id, row

pytestmark = pytest.mark.django_db


def client(personas, name: str) -> Client:
    c = Client()
    c.force_login(personas[name])
    return c


def test_the_catalogue_lists_each_products_checklist_per_claim_type(personas, policy):
    body = client(personas, "claims").get("/api/v1/products").json()
    (item,) = body
    assert (item["code"], item["line"], item["line_label"]) == ("MED-T1", "medical", "医疗保险")
    assert [c["claim_type"] for c in item["checklists"]] == [
        "medical_reimbursement",
        "hospital_cash",
    ]
    docs = item["checklists"][0]["documents"]
    assert docs == [
        {"code": "claim_form", "name": "理赔申请书", "required": True},
        {"code": "records", "name": "门诊病历", "required": False},
    ]


def test_a_policy_is_found_by_number_with_names_shown_and_id_numbers_masked(personas, policy):
    body = client(personas, "claims").get("/api/v1/policies?number=P-2026").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["number"] == "P-2026-0001"
    assert item["holder"]["name"] == "王建国"
    assert [(i["name"], i["relation"]) for i in item["insured"]] == [
        ("王建国", "self"),
        ("王小明", "child"),
    ]
    text = str(body)
    assert resident_id(1) not in text and resident_id(2, "20150601") not in text
    assert item["holder"]["id_number_masked"] == "110105********" + resident_id(1)[-4:]
    assert item["premium_yuan"] in ("980.50", 980.5)


def test_a_policy_outside_scope_is_the_same_404_as_a_missing_one(personas, policy):
    outsider = client(personas, "outsider_agent")
    assert outsider.get(f"/api/v1/policies/{policy.pk}").status_code == 404
    assert outsider.get("/api/v1/policies/00000000-0000-0000-0000-000000000000").status_code == 404
    assert outsider.get("/api/v1/policies?number=P-2026").json()["count"] == 0
    mine = client(personas, "branch_manager").get(f"/api/v1/policies/{policy.pk}")
    assert mine.status_code == 200 and mine.json()["status_label"] == "有效"


def test_the_import_takes_a_csv_body_and_reports_rows(personas, policy):
    quality = client(personas, "quality_lead")
    data = csv_bytes([row("P-9"), row("P-10", product="NOPE")])
    response = quality.post("/api/v1/policies/import", data, content_type="text/csv")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["rejected_total"]) == (1, 1)
    assert body["rejected"] == [{"line": 3, "field": "product", "problem": "未知产品代码：NOPE"}]
    again = quality.post("/api/v1/policies/import", data, content_type="text/csv").json()
    assert (again["created"], again["unchanged"]) == (0, 1)


def test_the_import_refuses_other_content_types_and_other_roles(personas, policy):
    data = csv_bytes([row("P-9")])
    quality = client(personas, "quality_lead")
    refused = quality.post("/api/v1/policies/import", data, content_type="application/json")
    assert refused.status_code == 422 and "content_type" in refused.json()["fields"]
    other = client(personas, "claims").post(
        "/api/v1/policies/import", data, content_type="text/csv"
    )
    assert other.status_code == 403
