"""The supervision API on the case API contract (issue 16 §6)."""

from __future__ import annotations

import json

import pytest

from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.process_management.tests.conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_plan_a_visit_and_its_finding_through_the_api(personas, org):
    lead = client_for(personas["quality_lead"])
    # When a plan is created and a visit recorded with one item not ok
    plan = post(lead, f"{API}/plans", {
        "process": "quality.improvementplan", "title": "现场检查", "method": "remote",
        "org_unit": str(org["C1"].pk), "period_days": 14, "start_date": "2026-11-01",
        "checklist": ["录音完整", "时限达标"],
    })  # fmt: skip
    assert plan.status_code == 201, plan.content
    visit = post(lead, f"{API}/plans/{plan.json()['id']}/visits", {"planned_date": "2026-11-01"})
    assert visit.status_code == 201 and visit.json()["status"] == "planned"
    done = post(lead, f"{API}/visits/{visit.json()['id']}/record", {
        "version": visit.json()["version"], "evidence": "REC-1",
        "items": [{"result": "ok"}, {"result": "not_ok", "note": "3 件超时"}],
    })  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "done"
    # Then one finding is open with its response clock, and the unit answers it
    (finding,) = lead.get(f"{API}/findings").json()["items"]
    handler = client_for(personas["supervisor"])
    got = handler.get(f"{API}/findings/{finding['id']}").json()
    assert got["allowed_actions"] == ["respond"]
    assert [d["clock"] for d in got["deadlines"]] == ["processes.finding_response"]
    answered = post(handler, f"{API}/findings/{finding['id']}/actions/respond",
                    {"version": got["version"], "data": {"response": "已整改"}})  # fmt: skip
    assert answered.status_code == 200 and answered.json()["status"] == "responded"


def test_bad_input_is_named_at_its_field(personas, org):
    response = post(client_for(personas["quality_lead"]), f"{API}/plans", {
        "process": "x", "title": "", "method": "on_site", "org_unit": str(org["C1"].pk),
        "period_days": 0, "start_date": "2026-11-01", "checklist": [],
    })  # fmt: skip
    assert response.status_code == 422
    assert {"process", "title", "period_days", "checklist"} <= set(response.json()["fields"])


def test_another_branchs_finding_is_the_same_404_as_a_missing_one(personas, org):
    lead = client_for(personas["quality_lead"])
    created = post(lead, f"{API}/findings", {
        "process": "quality.improvementplan", "org_unit": str(org["C2"].pk), "title": "t",
        "description": "d",
    })  # fmt: skip
    assert created.status_code == 201
    manager = client_for(personas["branch_manager"])  # P1; the finding is of C2 under P2
    theirs = manager.get(f"{API}/findings/{created.json()['id']}")
    missing = manager.get(f"{API}/findings/00000000-0000-4000-8000-000000000099")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    acted = post(manager, f"{API}/findings/{created.json()['id']}/actions/respond",
                 {"data": {"response": "x"}})  # fmt: skip
    assert acted.status_code == 404 and acted.content == missing.content


def test_a_reader_without_supervise_cannot_open_findings(personas, org):
    user = User.objects.create_user(username="risk2", password="x", org_unit=org["HO"])
    Membership.objects.create(user=user, role=Role.RISK_MANAGER, org_unit=org["HO"])
    response = post(client_for(user), f"{API}/findings", {
        "process": "quality.improvementplan", "org_unit": str(org["C1"].pk), "title": "t",
        "description": "d",
    })  # fmt: skip
    assert response.status_code == 403
