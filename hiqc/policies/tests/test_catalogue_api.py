"""The catalogue API (issue 17 §1): create a product with its first version in one call, draft,
change and publish versions, compare them; field errors, head-office-only writes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hiqc.policies.models import Product

pytestmark = pytest.mark.django_db

DOCS = [{"code": "form", "name": "理赔申请书", "required": True}]
BODY = {
    "code": "MED-API",
    "name": "安康医疗险",
    "line": "medical",
    "coverage": [{"name": "住院医疗费用"}],
    "sum_insured_options": [2000000],
    "net_premium_yuan": "300",
    "health_services": [{"name": "在线问诊", "cost_yuan": "30"}],
    "claim_types": ["medical_reimbursement"],
    "checklists": [{"claim_type": "medical_reimbursement", "documents": DOCS}],
}


def client(personas, name: str) -> Client:
    c = Client()
    c.force_login(personas[name])
    return c


def post(c: Client, path: str, body: dict, method: str = "post"):
    return getattr(c, method)(path, json.dumps(body), content_type="application/json")


def test_a_product_is_created_with_its_first_version_and_published_in_one_call(personas):
    # Given a product manager at head office
    pm = client(personas, "product_manager")
    # When they post a complete product with a date in force
    r = post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"})
    # Then the product exists with version 1 in force and its checklist
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["version"] == 1 and body["line_label"] == "医疗保险"
    (v1,) = body["versions"]
    assert (v1["state"], v1["state_label"]) == ("in_force", "生效中")
    assert v1["health_service_share"] in ("0.1", 0.1)
    assert v1["checklists"][0]["documents"] == DOCS
    assert v1["published_by"]
    detail = pm.get("/api/v1/products/MED-API").json()
    assert detail["versions"][0]["coverage"][0]["name"] == "住院医疗费用"


def test_every_bad_field_of_a_new_product_is_reported_and_nothing_is_created(personas):
    pm = client(personas, "product_manager")
    bad = {**BODY, "code": "含 空格", "line": "space", "term_years": 0, "renewal": "forever"}
    r = post(pm, "/api/v1/products", bad)
    assert r.status_code == 422
    assert {"code", "line", "term_years", "renewal"} <= set(r.json()["fields"])
    assert not Product.objects.exists()


def test_a_type_error_is_a_422_naming_the_field(personas):
    r = post(client(personas, "product_manager"), "/api/v1/products",
             {**BODY, "sum_insured_options": ["many"]})  # fmt: skip
    assert r.status_code == 422
    assert any(k.startswith("sum_insured_options") for k in r.json()["fields"])


def test_publishing_an_incomplete_version_says_what_is_missing_and_creates_nothing(personas):
    pm = client(personas, "product_manager")
    body = {**BODY, "checklists": [], "effective_from": "2026-01-01"}
    r = post(pm, "/api/v1/products", body)
    assert r.status_code == 422 and list(r.json()["fields"]) == ["documents"]
    assert not Product.objects.exists()


def test_a_draft_is_changed_then_published_and_then_frozen(personas):
    pm = client(personas, "product_manager")
    assert post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"}).status_code == 201
    # When a new version is drafted with a higher net premium and an extra document
    docs = [*DOCS, {"code": "invoice", "name": "发票", "required": True}]
    r = post(pm, "/api/v1/products/MED-API/versions", {
        "net_premium_yuan": "400",
        "checklists": [{"claim_type": "medical_reimbursement", "documents": docs}],
    })  # fmt: skip
    assert r.status_code == 201, r.content
    assert (r.json()["number"], r.json()["state"]) == (2, "draft")
    # And the draft is patched, then published
    r = post(pm, "/api/v1/products/MED-API/versions/2", {"waiting_period_days": 60}, "patch")
    assert r.status_code == 200 and r.json()["waiting_period_days"] == 60
    bad = post(pm, "/api/v1/products/MED-API/versions/2/publish", {"effective_from": "2025-12-31"})
    assert bad.status_code == 422 and "effective_from" in bad.json()["fields"]
    r = post(pm, "/api/v1/products/MED-API/versions/2/publish", {"effective_from": "2026-07-01"})
    assert r.status_code == 200 and r.json()["effective_from"] == "2026-07-01"
    # Then the published version is frozen
    r = post(pm, "/api/v1/products/MED-API/versions/2", {"term_years": 2}, "patch")
    assert r.status_code == 422 and "version" in r.json()["fields"]
    # And the comparison names what changed
    changes = pm.get("/api/v1/products/MED-API/compare?base=1&other=2").json()["changes"]
    by_field = {c["field"]: c for c in changes}
    assert by_field["net_premium_yuan"]["before"] == "300.00"
    assert by_field["waiting_period_days"]["after"] == "60"
    assert by_field["documents"]["added"] == ["医疗费用报销：发票"]


def test_only_head_office_maintainers_write_and_branches_get_the_house_answers(personas):
    # Given a product
    pm = client(personas, "product_manager")
    post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"})
    branch = client(personas, "branch_manager")  # policies.view at P1, no manage
    # Then a branch may read the shared catalogue but not write it
    assert branch.get("/api/v1/products/MED-API").status_code == 200
    assert post(branch, "/api/v1/products", {**BODY, "code": "X1"}).status_code == 403
    assert post(branch, "/api/v1/products/MED-API/versions", {}).status_code == 403
    r = post(branch, "/api/v1/products/MED-API/versions/1", {"term_years": 2}, "patch")
    assert r.status_code == 403
    # And a missing product is a 404 alike for reader and writer
    assert branch.get("/api/v1/products/NOPE").status_code == 404
    assert post(pm, "/api/v1/products/NOPE/versions", {}).status_code == 404
    assert post(pm, "/api/v1/products/MED-API/versions/9", {}, "patch").status_code == 404
    # And a role without policies.view is refused the catalogue
    assert client(personas, "trainer").get("/api/v1/products/MED-API").status_code == 403


def test_the_list_filters_by_line_and_keeps_its_old_shape(personas):
    pm = client(personas, "product_manager")
    post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"})
    items = pm.get("/api/v1/products?line=medical").json()
    assert [i["code"] for i in items] == ["MED-API"]
    assert set(items[0]) >= {"code", "line", "version", "term_years", "claim_types", "checklists"}
    assert pm.get("/api/v1/products?line=long_term_care").json() == []


def test_the_import_takes_csv_and_reports_rows(personas):
    from .test_catalogue_import import HEADER

    body = HEADER + "MED-I,医疗险,医疗保险,,1,2026-01-01,1,,300,,,,住院,,医疗费用报销,a:申请书,\n"
    pm = client(personas, "product_manager")
    r = pm.post("/api/v1/products/import", body.encode(), content_type="text/csv")
    assert r.status_code == 200, r.content
    assert r.json()["versions_published"] == 1
    assert r.json()["rejected"] == []
    again = pm.post("/api/v1/products/import", body.encode(), content_type="text/csv").json()
    assert (again["unchanged"], again["versions_created"]) == (1, 0)
    branch = client(personas, "branch_manager")
    assert branch.post("/api/v1/products/import", body.encode(),
                       content_type="text/csv").status_code == 403  # fmt: skip
