"""The emergency API and pages (issue 20 §6–7): the usual contract — field errors naming the row,
the permission before the body, the same 404 for another branch's id as for a missing one — and a
persona × endpoint permission matrix; every page as the risk manager sees it."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from hiqc.core.calendar import BEIJING
from hiqc.emergency.incidents import incident_report
from hiqc.emergency.services import drill_plan

from .conftest import STEPS, client_for, plan_data

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _today() -> str:
    return timezone.now().astimezone(BEIJING).date().isoformat()


def _body(unit) -> dict:
    data = plan_data(unit)
    data["org_unit"] = str(unit.pk)
    return data


def test_plans_drills_and_incidents_through_the_api(personas, org, other_branch):
    risk = client_for(personas["risk"])
    bad = post(risk, f"{API}/emergency-plans", {**_body(org["P1"]), "steps": [
        {**STEPS[0], "owner_role": "nobody"}]})  # fmt: skip
    assert bad.status_code == 422 and "steps.1.owner_role" in bad.json()["fields"]
    made = post(risk, f"{API}/emergency-plans", _body(org["P1"]))
    assert made.status_code == 201, made.content
    plan = made.json()
    assert plan["version"] == 1 and plan["approved"] and plan["steps"][1]["position"] == 2
    put = risk.put(f"{API}/emergency-plans/{plan['id']}",
                   data=json.dumps({**_body(org["P1"]), "rto_minutes": 120, "approve": False}),
                   content_type="application/json")  # fmt: skip
    assert put.status_code == 200 and put.json()["version"] == 2
    assert put.json()["approved"] is False
    newest = put.json()["id"]
    drill = post(risk, f"{API}/drills", {"plan": newest, "due_date": _today()})
    assert drill.status_code == 201, drill.content
    did = drill.json()["id"]
    assert post(risk, f"{API}/drills", {"plan": newest, "due_date": _today()}).status_code == 409
    recorded = post(risk, f"{API}/drills/{did}/record", {
        "performed_on": _today(), "participants": 9, "recovery_minutes": 130,
        "timings": [{"position": 1, "actual_minutes": 10}, {"position": 2, "actual_minutes": 60},
                    {"position": 3, "actual_minutes": 100}],
        "review": "恢复超出 RTO", "actions": [{"title": "优化切换", "due_date": "2027-12-31"}]})  # fmt: skip
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert body["met"] is False and body["recovery_met"] is False
    assert body["improvement_plan_id"] is not None
    assert risk.get(f"{API}/drills").json()["items"][0]["id"] == did
    reported = post(risk, f"{API}/incidents", {
        "org_unit": str(org["C1"].pk), "scenario": "infosec", "severity": "critical",
        "title": "客户信息疑似泄露", "affected_customers": 5})  # fmt: skip
    assert reported.status_code == 201, reported.content
    case = reported.json()
    assert case["allowed_actions"] == ["accept", "withdraw"]
    assert {d["clock"] for d in case["deadlines"]} == {"emergency.containment",
                                                       "emergency.notification"}  # fmt: skip
    cid = case["id"]
    stale = post(risk, f"{API}/incidents/{cid}/actions/accept", {"version": 9, "data": {}})
    assert stale.status_code == 409
    ok = post(risk, f"{API}/incidents/{cid}/actions/accept",
              {"version": case["version"], "data": {"note": "启动预案"}})  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "handling"
    assert [e["text"] for e in ok.json()["timeline"]] == ["客户信息疑似泄露", "启动预案"]
    # another branch: its ids answer exactly as random ones
    other = client_for(other_branch)
    for path in (f"{API}/emergency-plans/{plan['id']}", f"{API}/drills/{did}",
                 f"{API}/incidents/{cid}"):  # fmt: skip
        mine, missing = other.get(path), other.get(path.rsplit("/", 1)[0] + f"/{uuid.uuid4()}")
        assert mine.status_code == missing.status_code == 404 and mine.content == missing.content
    acted = post(other, f"{API}/incidents/{cid}/actions/log", {"version": 2, "data": {"note": "x"}})
    assert acted.status_code == 404


@pytest.mark.parametrize(("persona", "reads", "plans", "drills", "incidents"), [
    ("risk", 200, 201, 201, 201),
    ("compliance", 200, 201, 201, 201),
    ("admin", 200, 403, 403, 201),
    ("branch_manager", 200, 403, 201, 201),
    ("quality_lead", 200, 403, 201, 403),
    ("auditor", 200, 403, 403, 403),
    ("agent", 403, 403, 403, 403),
])  # fmt: skip
def test_permission_matrix(personas, org, plan, persona, reads, plans, drills, incidents):
    client = client_for(personas[persona])
    unit = org["P1"]
    for path in ("/emergency-plans", "/drills", "/incidents"):
        assert client.get(API + path).status_code == reads, path
    assert post(client, f"{API}/emergency-plans", _body(unit)).status_code == plans
    made = post(client, f"{API}/drills", {"plan": str(plan.pk), "due_date": _today()})
    assert made.status_code == drills
    reported = post(client, f"{API}/incidents", {"org_unit": str(unit.pk), "scenario": "telephony",
                                                 "severity": "low", "title": "线路中断"})  # fmt: skip
    assert reported.status_code == incidents, reported.content


def test_every_page_renders_for_the_risk_manager_and_an_action_posts(personas, actors, org,
                                                                     plan):  # fmt: skip
    risk = client_for(personas["risk"])
    due = (timezone.now().astimezone(BEIJING).date() - timedelta(days=40)).isoformat()
    drill = drill_plan(actor=actors["risk"], data={"plan": plan.pk, "due_date": due})
    case = incident_report(actor=actors["risk"], data={
        "org_unit": org["P1"].pk, "scenario": "core_system", "severity": "high",
        "title": "核心系统中断", "regulator_required": "1"})  # fmt: skip
    for url in ("/emergency/", "/emergency/plans/", f"/emergency/plans/{plan.pk}/",
                f"/emergency/plans/{plan.pk}/edit/", "/emergency/plans/new/",
                "/emergency/drills/", f"/emergency/drills/{drill.pk}/", "/emergency/incidents/",
                f"/emergency/incidents/{case.pk}/"):  # fmt: skip
        response = risk.get(url)
        assert response.status_code == 200, url
    overview = risk.get("/emergency/").content.decode()
    assert due in overview and case.number in overview
    assert "已逾期" in risk.get("/emergency/drills/").content.decode()
    refused = risk.post(f"/emergency/drills/{drill.pk}/", {"performed_on": _today(),
                        "participants": "5", "recovery_minutes": "abc", "timing_1": "5"})  # fmt: skip
    assert refused.status_code == 422 and "请填写 0 到" in refused.content.decode()
    done = risk.post(f"/emergency/drills/{drill.pk}/", {
        "performed_on": _today(), "participants": "5", "recovery_minutes": "100",
        "timing_1": "5", "timing_2": "50", "timing_3": "100"})  # fmt: skip
    assert done.status_code == 302
    assert "逾期实施" in risk.get(f"/emergency/drills/{drill.pk}/").content.decode()
    acted = risk.post(f"/emergency/incidents/{case.pk}/actions/accept/",
                      {"version": case.version, "note": "启动预案"})  # fmt: skip
    assert acted.status_code == 302
    page = risk.get(f"/emergency/incidents/{case.pk}/").content.decode()
    assert "处置中" in page and "事件控制时限" in page
    refused_edit = risk.post(f"/emergency/plans/{plan.pk}/edit/", {
        "scenario": "core_system", "title": "核心系统中断应急预案", "rto_minutes": "200",
        "step_title_1": "通知值班经理", "step_owner_1": "risk_manager", "step_target_1": "x"})  # fmt: skip
    assert refused_edit.status_code == 422
    assert "通知值班经理" in refused_edit.content.decode()
    assert "steps.1.target_minutes" in refused_edit.content.decode()
    edited = risk.post(f"/emergency/plans/{plan.pk}/edit/", {
        "scenario": "core_system", "title": "核心系统中断应急预案（修订）", "rto_minutes": "200",
        "step_title_1": "启动", "step_owner_1": "risk_manager", "step_target_1": "10"})  # fmt: skip
    assert edited.status_code == 302
    assert client_for(personas["agent"]).get("/emergency/").status_code == 403
