"""Persona × endpoint and persona × page: who gets what (issue 2 §10).

Each row names the personas that succeed; everyone else gets the stated refusal. Personas and their
scopes are defined in conftest.py (C1 is a city branch under P1; P2 is a different province).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import PERSONAS
from hiqc.customers.services import customer_create

ALL = set(PERSONAS)
ORG_VIEW = {
    "quality_lead",
    "admin",
    "auditor",
    "branch_manager",
    "supervisor",
    "compliance",
    "risk",
    "trainer",
    "facility",
    "product_manager",
}
CUSTOMER_VIEW = {
    "quality_lead",
    "auditor",
    "branch_manager",
    "agent",
    "handler",
    "claims",
    "reviewer",
    "supervisor",
    "compliance",
    "outsider_agent",
}
# customer lives in C1: the outsider (P2) holds the permission but not the scope
CUSTOMER_IN_SCOPE = CUSTOMER_VIEW - {"outsider_agent"}
CUSTOMER_EDIT = {"branch_manager", "agent", "handler", "claims", "outsider_agent"}
REVEAL_IN_SCOPE = {"agent", "handler", "claims", "reviewer"}
AUDIT_VIEW = {"quality_lead", "auditor", "compliance"}
RULES_VIEW = {
    "quality_lead", "admin", "auditor", "branch_manager", "compliance", "risk", "product_manager"
}  # fmt: skip
ORG_MANAGE = {"admin"}
INDICATORS_VIEW = {
    "quality_lead", "branch_manager", "supervisor", "compliance", "risk", "auditor",
    "product_manager",
}  # fmt: skip
CALLS_VIEW = {"quality_lead", "branch_manager", "supervisor", "compliance", "risk", "auditor"}
CALLS_IMPORT = {"quality_lead", "supervisor"}
ONE_CALL = {  # one call record as a JSON object (a one-line JSON-lines import), unit C1
    "call_id": "M-1",
    "queue": "complaint",
    "org_unit": "C1",
    "offered_at": "2026-03-02T09:00:00+08:00",
    "ended_at": "2026-03-02T09:00:30+08:00",
    "abandoned": "true",
}
CONSULT_VIEW = {
    "quality_lead",
    "branch_manager",
    "agent",
    "handler",
    "supervisor",
    "compliance",
    "auditor",
    "outsider_agent",
}
CONSULT_HANDLE = {"agent", "handler", "supervisor", "outsider_agent"}
CONSULT_CONFIGURE = {"quality_lead"}
COMPLAINT_VIEW = {
    "quality_lead",
    "branch_manager",
    "agent",
    "handler",
    "supervisor",
    "compliance",
    "risk",
    "auditor",
    "outsider_agent",
}
COMPLAINT_REGISTER = {"branch_manager", "agent", "handler", "outsider_agent"}
COMPLAINT_REPORT = {"quality_lead", "compliance"}
CLAIMS_VIEW = {
    "quality_lead",
    "branch_manager",
    "agent",
    "handler",
    "claims",
    "reviewer",
    "supervisor",
    "compliance",
    "risk",
    "auditor",
    "outsider_agent",
}
CLAIMS_AUDIT = {"quality_lead", "reviewer"}
CLAIMS_HANDLE = {"claims", "reviewer"}
POLICIES_VIEW = {
    "quality_lead",
    "branch_manager",
    "agent",
    "handler",
    "claims",
    "reviewer",
    "supervisor",
    "compliance",
    "risk",
    "auditor",
    "outsider_agent",
    "product_manager",
}
POLICIES_MANAGE = {"quality_lead", "admin", "product_manager"}
QA_VIEW = {"quality_lead", "branch_manager", "supervisor", "compliance", "trainer", "auditor"}
QA_INSPECT = {"quality_lead", "supervisor"}
QA_DISPUTE = {"agent", "handler", "outsider_agent"}
QA_SAMPLE = {"org_unit_id": "{P2}", "period_start": "2026-03-01", "period_end": "2026-03-31"}


@pytest.fixture
def customer(actors, org):
    return customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "赵六", "id_number": "110101199003074477", "mobile": "13900001111"},
    )


def _client(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


API_CASES = [
    # (method, path template, body, allowed personas, status when allowed, status otherwise)
    ("get", "/api/v1/me", None, ALL, 200, None),
    ("get", "/api/v1/org-units", None, ORG_VIEW, 200, 403),
    ("get", "/api/v1/users", None, ORG_VIEW, 200, 403),
    ("get", "/api/v1/memberships", None, ORG_VIEW, 200, 403),
    ("get", "/api/v1/tokens", None, ALL, 200, None),
    ("get", "/api/v1/customers", None, CUSTOMER_VIEW, 200, 403),
    ("get", "/api/v1/customers/{customer}", None, CUSTOMER_IN_SCOPE, 200, 404),
    ("get", "/api/v1/customers/reveals", None, AUDIT_VIEW, 200, 403),
    ("get", "/api/v1/customer-data-quality", None, CUSTOMER_VIEW, 200, 403),
    ("get", "/api/v1/audit-events", None, AUDIT_VIEW, 200, 403),
    ("get", "/api/v1/rules", None, RULES_VIEW, 200, 403),
    ("get", "/api/v1/indicators", None, INDICATORS_VIEW, 200, 403),
    ("get", "/api/v1/indicators/core.deadlines_met_rate/values", None, INDICATORS_VIEW, 200, 403),
    ("get", "/api/v1/staffing/erlang-c?calls=360&interval_s=1800&aht_s=240", None, ALL, 200, None),
    ("get", "/api/v1/staffing/forecast", None, CALLS_VIEW, 200, 403),
    ("post", "/api/v1/calls/import", ONE_CALL, CALLS_IMPORT, 200, 403),
    ("get", "/api/v1/consultations", None, CONSULT_VIEW, 200, 403),
    ("get", "/api/v1/consultation-topics", None, CONSULT_VIEW, 200, 403),
    ("get", "/api/v1/complaints", None, COMPLAINT_VIEW, 200, 403),
    ("get", "/api/v1/complaint-root-causes", None, COMPLAINT_VIEW, 200, 403),
    ("get", "/api/v1/business-volumes", None, COMPLAINT_REPORT, 200, 403),
    ("get", "/api/v1/claim-audits/rounds", None, CLAIMS_AUDIT, 200, 403),
    (
        "post",
        "/api/v1/claim-audits/rounds",
        {
            "name": "抽检",
            "org_unit_id": "{P2}",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
        },
        CLAIMS_AUDIT,
        201,
        403,
    ),
    # a JSON body: claims handlers get 422 (application/x-ndjson only), everyone else 403 first
    ("post", "/api/v1/claims/events/import", {"claim": "C-1"}, CLAIMS_HANDLE, 422, 403),
    ("get", "/api/v1/products", None, POLICIES_VIEW, 200, 403),
    ("get", "/api/v1/policies?number=P", None, POLICIES_VIEW, 200, 403),
    # a JSON body: allowed importers get 422 (text/csv only), everyone else 403 first
    ("post", "/api/v1/policies/import", {"number": "P-1"}, POLICIES_MANAGE, 422, 403),
    ("get", "/api/v1/inspection/tasks", None, QA_VIEW, 200, 403),
    ("get", "/api/v1/inspection/sheets", None, QA_VIEW, 200, 403),
    # sampling P2: the supervisor inspects P1 only (404); without qa.inspect → 403
    (
        "post",
        "/api/v1/inspection/samples",
        {**QA_SAMPLE, "per_agent": 2},
        {"quality_lead"},
        201,
        (ALL - {"supervisor"}, 403, 404),
    ),
    # not allowed to see the parent unit → 404 (rule 2); may see it but not manage → 403
    (
        "post",
        "/api/v1/org-units",
        {"code": "NEW", "name": "新机构", "level": 3, "parent_id": "{P2}"},
        ORG_MANAGE,
        201,
        (ORG_VIEW - {"branch_manager", "supervisor", "facility"}, 403, 404),
    ),
]


@pytest.mark.parametrize("persona", sorted(ALL))
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed", "ok", "refused"),
    API_CASES,
    ids=[f"{c[0]} {c[1]}" for c in API_CASES],
)
def test_api_persona_matrix(
    personas, org, customer, persona, method, path, body, allowed, ok, refused
):
    ids = {"customer": customer.pk, "P2": org["P2"].pk}
    url = path.format(**ids)
    kwargs = {}
    if body is not None:
        kwargs = {
            "data": json.dumps(
                {k: str(v).format(**ids) if isinstance(v, str) else v for k, v in body.items()}
            ),
            "content_type": "application/json",
        }
    response = getattr(_client(personas, persona), method)(url, **kwargs)
    if isinstance(refused, tuple):
        refused = refused[1] if persona in refused[0] else refused[2]
    expected = ok if persona in allowed else refused
    assert response.status_code == expected, response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize("persona", sorted(ALL))
def test_api_reveal_matrix(personas, customer, persona):
    response = _client(personas, persona).post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"field": "mobile", "purpose": "核对客户身份"},
        content_type="application/json",
    )
    if persona in REVEAL_IN_SCOPE:
        assert response.status_code == 200 and response.json()["value"] == "13900001111"
    elif persona in CUSTOMER_IN_SCOPE:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", sorted(ALL))
def test_api_deactivate_matrix(personas, persona):
    target = personas["facility"]
    response = _client(personas, persona).post(f"/api/v1/users/{target.pk}/deactivate")
    if persona in ORG_MANAGE:
        assert response.status_code == 200
    elif persona == "facility":
        assert response.status_code == 403  # may read themselves, not deactivate
    elif persona in ORG_VIEW:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_anonymous_api_requests_get_401_with_error_body(db):
    response = Client().get("/api/v1/customers")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


PAGE_CASES = [
    ("/", ALL, 200, None),
    ("/customers/", CUSTOMER_VIEW, 200, 403),
    ("/customers/new/", CUSTOMER_EDIT, 200, 403),
    ("/customers/{customer}/", CUSTOMER_IN_SCOPE, 200, 404),
    ("/customers/reveals/", AUDIT_VIEW, 200, 403),
    ("/customers/quality/", CUSTOMER_VIEW, 200, 403),
    ("/audit/", AUDIT_VIEW, 200, 403),
    ("/audit/export.xlsx", AUDIT_VIEW, 200, 403),
    ("/rules/", RULES_VIEW, 200, 403),
    ("/organisations/users/", ORG_VIEW, 200, 403),
    ("/organisations/units/", ORG_VIEW, 200, 403),
    ("/organisations/tokens/", ALL, 200, None),
    ("/calendar/", ALL, 200, None),
    ("/notifications/", ALL, 200, None),
    ("/my-work/", ALL, 200, None),
    ("/processes/", ALL, 200, None),
    ("/callcentre/staffing/", ALL, 200, None),
    ("/callcentre/", CALLS_VIEW, 200, 403),
    ("/callcentre/calls/import/", CALLS_IMPORT, 200, 403),
    ("/consultations/", CONSULT_VIEW, 200, 403),
    ("/consultations/new/", CONSULT_HANDLE, 200, 403),
    ("/consultations/suggestions/", CONSULT_VIEW, 200, 403),
    ("/consultations/topics/", CONSULT_CONFIGURE, 200, 403),
    ("/policies/", POLICIES_VIEW, 200, 403),
    ("/policies/products/", POLICIES_VIEW, 200, 403),
    ("/policies/import/", POLICIES_MANAGE, 200, 403),
    ("/claims/", CLAIMS_VIEW, 200, 403),
    ("/claims/timeliness/", CLAIMS_VIEW, 200, 403),
    ("/claim-audits/", CLAIMS_AUDIT, 200, 403),
    ("/findings/", {"quality_lead", "branch_manager", "compliance", "risk", "auditor"}, 200, 403),
    ("/complaints/", COMPLAINT_VIEW, 200, 403),
    ("/complaints/new/", COMPLAINT_REGISTER, 200, 403),
    ("/complaints/statistics/", COMPLAINT_VIEW, 200, 403),
    ("/complaints/statistics/export.xlsx", COMPLAINT_REPORT, 200, 403),
    ("/inspection/queue/", QA_INSPECT, 200, 403),
    ("/inspection/sample/", QA_INSPECT, 200, 403),
    ("/inspection/disputes/", QA_INSPECT, 200, 403),
    ("/inspection/results/", QA_VIEW, 200, 403),
    ("/inspection/sheets/", QA_VIEW, 200, 403),
    ("/inspection/my-scores/", QA_DISPUTE, 200, 403),
    ("/notifications/unread", ALL, 200, None),
]


@pytest.mark.parametrize("persona", sorted(ALL))
@pytest.mark.parametrize(
    ("path", "allowed", "ok", "refused"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES]
)
def test_page_persona_matrix(personas, customer, persona, path, allowed, ok, refused):
    response = _client(personas, persona).get(path.format(customer=customer.pk))
    assert response.status_code == (ok if persona in allowed else refused)


@pytest.mark.parametrize("path", [c[0] for c in PAGE_CASES])
def test_pages_send_anonymous_visitors_to_login(customer, path):
    response = Client().get(path.format(customer=customer.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_navigation_links_only_permitted_pages(personas):
    html = _client(personas, "agent").get("/").content.decode()
    assert 'href="/customers/"' in html
    assert 'href="/audit/"' not in html
    html = _client(personas, "auditor").get("/").content.decode()
    assert 'href="/audit/"' in html


def test_a_complaint_is_seen_only_within_scope(personas, actors, org, customer):
    from hiqc.complaints.services import complaint_register

    complaint = complaint_register(
        actor=actors["handler"],
        org_unit_id=org["C1"].pk,
        data={
            "customer_id": str(customer.pk), "channel": "phone", "request": "r", "facts": "f",
            "dispute_type": "claims", "product_line": "medical", "nature": "contract_dispute",
            "respondent_kind": "branch",
        },
    )  # fmt: skip
    for persona in sorted(ALL):
        client = _client(personas, persona)
        page = client.get(f"/complaints/{complaint.pk}/").status_code
        api = client.get(f"/api/v1/complaints/{complaint.pk}").status_code
        expected = 200 if persona in COMPLAINT_VIEW - {"outsider_agent"} else 404
        assert (persona, page, api) == (persona, expected, expected)
