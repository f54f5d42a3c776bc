"""The information API and pages (issue 21 §9): the case contract for recertifications and
remediations, the same 404 for another branch's id as for a missing one, permission before
input, and every page as its reader sees it."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.information.models import AccessRecertification, RecertificationLine, Remediation
from hiqc.information.security.services import evaluation_perform, security_checklist
from hiqc.information.services import recertification_open
from hiqc.organisations.services import actor_for_user

from .conftest import client_for, post

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_recertification_through_the_api(personas, org, manager_p2):
    recertification_open()
    manager = client_for(personas["branch_manager"])
    listed = manager.get(f"{API}/access-recertifications").json()["items"]
    assert {r["org_unit_name"] for r in listed} == {"北京分公司", "朝阳中心支公司"}
    c1 = AccessRecertification.objects.get(org_unit=org["C1"])
    body = manager.get(f"{API}/access-recertifications/{c1.pk}").json()
    assert body["allowed_actions"] == ["decide", "confirm_rest"]
    assert body["recertification"]["lines_pending"] == 4 and len(body["lines"]) == 4
    line = next(x for x in body["lines"] if x["username"] == "agent")
    bad = post(manager, f"{API}/access-recertifications/{c1.pk}/actions/decide",
               {"version": body["version"], "data": {"line": line["id"], "decision": "maybe"}})  # fmt: skip
    assert bad.status_code == 422 and "decision" in bad.json()["fields"]
    done = post(manager, f"{API}/access-recertifications/{c1.pk}/actions/decide", {
        "version": body["version"], "data": {"line": line["id"], "decision": "revoke",
                                             "reason": "离岗"}})  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["recertification"]["lines_revoked"] == 1
    early = post(manager, f"{API}/access-recertifications/{c1.pk}/actions/submit",
                 {"version": done.json()["version"]})  # fmt: skip
    assert early.status_code == 409
    # permission before input: the auditor sees the case but may not act, whatever the body
    auditor = post(client_for(personas["auditor"]),
                   f"{API}/access-recertifications/{c1.pk}/actions/decide", {"data": {}})  # fmt: skip
    assert auditor.status_code == 403
    # another branch's id is the same 404 as a random one
    other = client_for(manager_p2)
    mine = other.get(f"{API}/access-recertifications/{c1.pk}")
    missing = other.get(f"{API}/access-recertifications/{uuid.uuid4()}")
    assert mine.status_code == missing.status_code == 404 and mine.content == missing.content
    acted = post(other, f"{API}/access-recertifications/{c1.pk}/actions/confirm_rest", {})
    assert acted.status_code == 404


def test_evaluations_and_remediations_through_the_api(personas, org, manager_p2):
    items = checklist_items(security_checklist())
    compliance = client_for(personas["compliance"])
    year = timezone.now().astimezone(BEIJING).year
    marks = {str(i.pk): i.points for i in items}
    marks[str(items[-1].pk)] = 0
    made = post(compliance, f"{API}/security-evaluations",
                {"org_unit": str(org["P1"].pk), "year": year, "marks": marks})  # fmt: skip
    assert made.status_code == 201, made.content
    assert len(made.json()["remediation_ids"]) == 1
    again = post(compliance, f"{API}/security-evaluations",
                 {"org_unit": str(org["P1"].pk), "year": year, "marks": marks})  # fmt: skip
    assert again.status_code == 409
    refused = post(client_for(personas["auditor"]), f"{API}/security-evaluations",
                   {"org_unit": str(org["P1"].pk), "year": year, "marks": {}})  # fmt: skip
    assert refused.status_code == 403
    case_id = made.json()["remediation_ids"][0]
    manager = client_for(personas["branch_manager"])
    case = manager.get(f"{API}/security-remediations/{case_id}").json()
    assert case["allowed_actions"] == ["rectify"] and case["deadlines"][0]["clock"] == (
        "information.remediation")  # fmt: skip
    fixed = post(manager, f"{API}/security-remediations/{case_id}/actions/rectify",
                 {"version": case["version"], "data": {"correction": "已完成培训"}})  # fmt: skip
    assert fixed.status_code == 200 and fixed.json()["status"] == "done"
    other = client_for(manager_p2)
    eid = made.json()["id"]
    assert other.get(f"{API}/security-evaluations/{eid}").content == other.get(
        f"{API}/security-evaluations/{uuid.uuid4()}").content  # fmt: skip
    assert other.get(f"{API}/security-remediations/{case_id}").status_code == 404
    assert manager.get(f"{API}/security-evaluations").json()["count"] == 1
    roles = compliance.get(f"{API}/security-roles").json()["items"]
    assert {r["org_unit_name"]: len(r["vacant"]) for r in roles} == {
        "总公司": 4, "北京分公司": 2, "上海分公司": 2}  # fmt: skip
    assigned = post(compliance, f"{API}/security-roles", {
        "org_unit": str(org["HO"].pk), "role": "system_admin", "user": str(personas["admin"].pk),
        "starts_on": timezone.now().astimezone(BEIJING).date().isoformat()})  # fmt: skip
    assert assigned.status_code == 201, assigned.content


def test_every_page_answers_its_reader(personas, org):
    recertification_open()
    items = checklist_items(security_checklist())
    compliance = actor_for_user(personas["compliance"])
    e = evaluation_perform(actor=compliance, org_unit_id=org["HO"].pk,
                           year=timezone.now().astimezone(BEIJING).year,
                           marks={str(i.pk): (0 if n == 0 else i.points)
                                  for n, i in enumerate(items)})  # fmt: skip
    case = AccessRecertification.objects.get(org_unit=org["P1"])
    remediation = Remediation.objects.get()
    client = client_for(personas["compliance"])
    for url in ("/information/recertifications/", f"/information/recertifications/{case.pk}/",
                "/information/dormant-accounts/", "/information/reveal-anomalies/",
                "/information/security-roles/", "/information/evaluations/",
                f"/information/evaluations/{e.pk}/", "/information/remediations/",
                f"/information/remediations/{remediation.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    roles = client.get("/information/security-roles/").content.decode()
    assert f'value="{personas["admin"].pk}"' in roles and "空缺的安全职责" in roles
    posted = client.post("/information/security-roles/", {
        "org_unit": org["HO"].pk, "role": "system_admin", "user": personas["admin"].pk,
        "starts_on": timezone.now().astimezone(BEIJING).date().isoformat()})  # fmt: skip
    assert posted.status_code == 302
    manager = client_for(personas["branch_manager"])
    page = manager.get(f"/information/recertifications/{case.pk}/").content.decode()
    assert "本人的授权由其他复核人确认" in page and 'name="decision"' in page
    line = RecertificationLine.objects.get(case=case, user=personas["supervisor"])
    refused = manager.post(f"/information/recertifications/{case.pk}/actions/decide/",
                           {"version": case.version, "line": line.pk, "decision": "revoke"})  # fmt: skip
    assert refused.status_code == 422 and "撤销授权须说明理由" in refused.content.decode()
    ok = manager.post(f"/information/recertifications/{case.pk}/actions/decide/",
                      {"version": case.version, "line": line.pk, "decision": "confirm"})  # fmt: skip
    assert ok.status_code == 302
    assert client_for(personas["agent"]).get("/information/recertifications/").status_code == 403
    nav = client.get("/").content.decode()
    assert "/information/reveal-anomalies/" in nav and "/information/recertifications/" in nav
