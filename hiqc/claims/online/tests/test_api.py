"""Online claims through the API for the insurer's app (issue 5 §5): token, not HIQC accounts."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hiqc.claims.models import Claim
from hiqc.claims.services import claim_act
from hiqc.core.models import Notification

from . import support
from .support import (
    CHILD_ID,
    CLAIM,
    EXE,
    HOLDER_ID,
    JPEG,
    PDF,
    PNG,
    last_code,
)

pytestmark = pytest.mark.django_db
_online_defaults = support._online_defaults  # fixtures
family = support.family
BASE = "/api/v1/online-claims"


def post(c, url, body, **headers):
    return c.post(url, json.dumps(body), content_type="application/json", **headers)


def session(c: Client, id_number=HOLDER_ID, policy="OL-0001") -> dict:
    response = post(c, f"{BASE}/code", {"policy_number": policy, "id_number": id_number})
    assert response.status_code == 200, response.content
    challenge = response.json()["challenge_id"]
    response = post(c, f"{BASE}/session", {"challenge_id": challenge, "code": last_code()})
    assert response.status_code == 200, response.content
    body = response.json()
    return {"HTTP_AUTHORIZATION": f"Bearer {body['token']}", "body": body}


def auth(s: dict) -> dict:
    return {"HTTP_AUTHORIZATION": s["HTTP_AUTHORIZATION"]}


def test_the_app_identifies_submits_uploads_and_follows_a_claim_end_to_end(actors, family):
    c = Client(REMOTE_ADDR="10.0.0.5")
    response = post(c, f"{BASE}/code", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    body = response.json()
    assert (body["channel"], body["destination"], body["resend_after"]) == (
        "email",
        "w***@example.cn",
        60,
    )
    s = session(Client(REMOTE_ADDR="10.0.0.6"), CHILD_ID)
    assert s["body"]["claim_types"] == ["medical_reimbursement", "hospital_cash"]
    assert [p["name"] for p in s["body"]["insured"]] == ["王小五"]
    # submit
    response = post(c, f"{BASE}/claims", {**CLAIM, "amount_claimed": "5200.00"}, **auth(s))
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["status"] == "received" and claim["status_label"] == "已受理"
    assert [i["code"] for i in claim["checklist"] if not i["received"]] == [
        "form",
        "invoice",
        "discharge",
        "records",
    ]
    url = f"{BASE}/claims/{claim['id']}"
    # upload (multipart)
    response = c.post(
        f"{url}/documents",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("x.jpg", PDF, "image/jpeg")},
        **auth(s),
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"
    response = c.post(
        f"{url}/documents",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("x.pdf", EXE, "application/pdf")},
        **auth(s),
    )  # fmt: skip
    assert response.status_code == 422 and response.json()["code"] == "file_type"
    # the handler asks for the rest once (CL-1); the app shows the notice and what is asked for
    now = timezone.now()
    for action, data in [
        ("start_review", {}),
        ("request_supplement", {"items": ["form", "discharge"]}),
    ]:
        claim_act(actor=actors["claims"], claim_id=claim["id"], action=action, data=data, at=now)
    detail = c.get(url, **auth(s)).json()
    assert detail["status"] == "awaiting_supplement"
    assert [i["code"] for i in detail["checklist"] if i["requested"]] == ["form", "discharge"]
    assert detail["letters"][0]["title"] == "补充理赔资料通知书"
    assert "出院小结" in detail["letters"][0]["body"]
    for code, content in [("form", JPEG), ("discharge", PNG)]:
        response = c.post(
            f"{url}/documents",
            {"requirement_code": code, "file": SimpleUploadedFile("f", content)},
            **auth(s),
        )
        assert response.status_code == 201
    listing = c.get(f"{BASE}/claims", **auth(s)).json()
    assert [r["number"] for r in listing] == [detail["number"]]
    detail = c.get(url, **auth(s)).json()
    assert {i["code"] for i in detail["checklist"] if i["received"]} == {
        "form",
        "invoice",
        "discharge",
    }
    # log out: the token stops working
    assert c.delete(f"{BASE}/session", **auth(s)).status_code == 204
    assert c.get(url, **auth(s)).status_code == 401


def test_endpoints_need_the_claimant_token_not_an_hiqc_account(personas, family):
    staff = Client()
    staff.force_login(personas["claims"])
    assert staff.get(f"{BASE}/claims").status_code == 401
    response = Client().get(f"{BASE}/claims", HTTP_AUTHORIZATION="Bearer forged")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_a_claimant_cannot_read_another_persons_claim_through_the_api(family):
    c = Client()
    holder = session(c)
    claim = post(c, f"{BASE}/claims", CLAIM, **auth(holder)).json()
    child = session(c, CHILD_ID)
    assert c.get(f"{BASE}/claims/{claim['id']}", **auth(child)).status_code == 404
    response = c.post(
        f"{BASE}/claims/{claim['id']}/documents",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("a.pdf", PDF)},
        **auth(child),
    )
    assert response.status_code == 404
    assert c.get(f"{BASE}/claims", **auth(child)).json() == []


def test_bad_input_is_422_a_mismatch_404_and_a_flood_429(family, settings):
    c = Client(REMOTE_ADDR="10.8.8.8")
    response = post(c, f"{BASE}/code", {"policy_number": "OL-0001", "id_number": CHILD_ID[:-1]})
    assert response.status_code == 422 and "id_number" in response.json()["fields"]
    response = post(c, f"{BASE}/code", {"policy_number": "OL-0002", "id_number": CHILD_ID})
    assert response.status_code == 404 and "不匹配" in response.json()["message"]
    response = post(c, f"{BASE}/code", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    challenge = response.json()["challenge_id"]
    wrong = "999999" if last_code() != "999999" else "888888"
    response = post(c, f"{BASE}/session", {"challenge_id": challenge, "code": wrong})
    assert response.status_code == 422 and response.json()["code"] == "code_wrong"
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"code:ip": (2, 3600)}  # 422s never reach it
    response = post(c, f"{BASE}/code", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited" and "操作过于频繁" in body["message"]


def test_the_openapi_document_declares_the_online_endpoints(family):
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/v1/online-claims/code", "/api/v1/online-claims/session",
            "/api/v1/online-claims/claims", "/api/v1/online-claims/claims/{claim_id}",
            "/api/v1/online-claims/claims/{claim_id}/documents"} <= set(paths)  # fmt: skip
    assert "429" in paths["/api/v1/online-claims/code"]["post"]["responses"]
    assert "security" not in paths["/api/v1/online-claims/code"]["post"]


def test_handler_is_notified_when_claimant_uploads_through_the_app(personas, family):
    c = Client(REMOTE_ADDR="10.0.0.5")
    s = session(c)
    claim = post(c, f"{BASE}/claims", CLAIM, **auth(s)).json()
    Claim.objects.filter(pk=claim["id"]).update(assignee=personas["claims"])
    response = c.post(
        f"{BASE}/claims/{claim['id']}/documents",
        {"requirement_code": "form", "file": SimpleUploadedFile("f.pdf", PDF)},
        **auth(s),
    )
    assert response.status_code == 201
    note = Notification.objects.get(user=personas["claims"])
    assert claim["number"] in note.title and "理赔申请书" in note.title
