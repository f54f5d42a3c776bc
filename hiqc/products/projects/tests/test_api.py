"""The product-project API on the case API contract (issue 17 §2, §6)."""

from __future__ import annotations

import json

import pytest

from hiqc.organisations.services import actor_for_user
from hiqc.products.projects.services import attachment_add, project_act

from .conftest import CODE, client_for, complete, png

pytestmark = pytest.mark.django_db
API = "/api/v1/product-projects"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def opened(client):
    response = post(
        client, API, {"kind": "update", "product": CODE, "title": "更新", "reason": "投诉率上升"}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_project_is_opened_and_its_first_gate_signed_through_the_api(personas, product):
    pm = client_for(personas["product_manager"])
    # When a product manager opens an update project
    body = opened(pm)
    # Then it stands at 需求分析 with its clock, its gates and the checklist
    assert body["status"] == "needs" and body["project"]["version_number"] == 2
    assert [g["state"] for g in body["gates"]][:2] == ["current", "waiting"]
    assert [d["clock"] for d in body["deadlines"]] == ["products.gate_needs"]
    assert {r["code"] for r in body["checklist"]} >= {"PR-1", "PR-2"}
    url = f"{API}/{body['id']}"
    # When it signs with nothing recorded: 409 saying what is missing
    refused = post(pm, f"{url}/actions/pass_needs", {"version": body["version"], "data": {}})
    assert refused.status_code == 409 and refused.json()["code"] == "gate_incomplete"
    assert "缺少市场调研与需求分析" in refused.json()["message"]
    # When the inputs are given (a text and a file)
    bad = post(pm, f"{url}/actions/record_needs", {"version": body["version"], "data": {}})
    assert bad.status_code == 422 and "needs_analysis" in bad.json()["fields"]
    done = post(
        pm,
        f"{url}/actions/record_needs",
        {"version": body["version"], "data": {"needs_analysis": "调研结论"}},
    )
    assert done.status_code == 200
    upload = pm.post(f"{url}/attachments", {"gate": "needs", "file": png()})
    assert upload.status_code == 201, upload.content
    assert upload.json()["content_type"] == "image/png"
    wrong = pm.post(
        f"{url}/attachments",
        {
            "gate": "needs",
            "file": png("x.txt").__class__("x.txt", b"just text", content_type="text/plain"),
        },
    )
    assert wrong.status_code == 422 and "file" in wrong.json()["fields"]
    # Then the sign-off passes; a stale version is refused
    stale = post(pm, f"{url}/actions/pass_needs", {"version": 1, "data": {}})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    passed = post(pm, f"{url}/actions/pass_needs", {"version": done.json()["version"], "data": {}})
    assert passed.status_code == 200 and passed.json()["status"] == "design"
    assert passed.json()["gates"][0]["signoff"]["by"] == "product_manager"


def test_the_wrong_role_is_refused_and_another_branch_sees_nothing(personas, product):
    pm = client_for(personas["product_manager"])
    body = opened(pm)
    url = f"{API}/{body['id']}"
    # The compliance officer may read but not sign the needs analysis
    compliance = client_for(personas["compliance"])
    assert compliance.get(url).status_code == 200
    refused = post(compliance, f"{url}/actions/pass_needs", {"data": {}})
    assert refused.status_code == 403
    # A branch manager (products.view over a province): the same 404 as a missing project, and
    # an empty list; an agent (no products.view) is refused the list
    branch = client_for(personas["branch_manager"])
    missing = branch.get(f"{API}/00000000-0000-4000-8000-000000000000")
    theirs = branch.get(url)
    assert theirs.status_code == missing.status_code
    assert theirs.content == missing.content
    listed = branch.get(API)
    assert listed.status_code == 200 and body["id"] not in listed.content.decode()
    assert client_for(personas["agent"]).get(API).status_code == 403


def test_list_filters_and_field_errors(personas, product):
    pm = client_for(personas["product_manager"])
    opened(pm)
    new = post(
        pm,
        API,
        {
            "kind": "new",
            "title": "新品",
            "reason": "需求",
            "code": "NEW-1",
            "name": "新品医疗险",
            "line": "medical",
        },
    )
    assert new.status_code == 201
    assert pm.get(API).json()["count"] == 2
    assert [p["kind"] for p in pm.get(f"{API}?kind=new").json()["items"]] == ["new"]
    assert pm.get(f"{API}?product={CODE}").json()["count"] == 1
    assert pm.get(f"{API}?gate=needs").json()["count"] == 2
    assert pm.get(f"{API}?gate=launched").json()["count"] == 0
    bad = pm.get(f"{API}?gate=nowhere")
    assert bad.status_code == 422 and "gate" in bad.json()["fields"]
    errors = post(pm, API, {"kind": "update", "product": "NONE", "title": "", "reason": ""})
    assert errors.status_code == 422
    assert set(errors.json()["fields"]) == {"product", "title", "reason"}
    # a second project on the same product while its draft is open is refused at `product`
    again = post(pm, API, {"kind": "update", "product": CODE, "title": "再次", "reason": "r"})
    assert again.status_code == 422 and "product" in again.json()["fields"]


def test_the_design_is_edited_through_the_action_with_the_catalogues_field_errors(
    personas, product
):
    pm = client_for(personas["product_manager"])
    body = opened(pm)
    url = f"{API}/{body['id']}"
    actor = actor_for_user(personas["product_manager"])
    project_act(
        actor=actor, project_id=body["id"], action="record_needs", data={"needs_analysis": "调研"}
    )
    attachment_add(actor=actor, project_id=body["id"], gate="needs", upload=png())
    project = project_act(actor=actor, project_id=body["id"], action="pass_needs", data={})
    complete(project.product_version)
    bad = post(
        pm,
        f"{url}/actions/record_design",
        {"data": {"term_years": "abc", "net_premium_yuan": "-1"}},
    )
    assert bad.status_code == 422
    assert {"term_years", "net_premium_yuan"} <= set(bad.json()["fields"])
    good = post(
        pm,
        f"{url}/actions/record_design",
        {
            "data": {
                "net_premium_yuan": "500",
                "health_services": [{"name": "问诊", "cost_yuan": "100"}],
            }
        },
    )
    assert good.status_code == 200, good.content
    pr1 = next(r for r in good.json()["checklist"] if r["code"] == "PR-1")
    assert pr1["result"] == "pass" and "20.00%" in pr1["detail"]


def test_a_body_too_large_for_an_attachment_is_refused_before_it_is_read(personas, product):
    pm = client_for(personas["product_manager"])
    body = opened(pm)
    big = png("big").__class__("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024),
                               content_type="application/pdf")  # fmt: skip
    response = pm.post(f"{API}/{body['id']}/attachments", {"gate": "needs", "file": big})
    assert response.status_code == 413 and response.json()["code"] == "too_large"
