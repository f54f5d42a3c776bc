"""The compliance API and pages (issue 20 §7 part): the persona × endpoint permissions, the same
404 for another branch's id as for a missing one, attestations with their evidence checked by
content, the regulatory change → impact assessment case with its clock, and the pages."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hiqc.compliance.models import Attestation, Control, ControlResult, ImpactAssessment
from hiqc.core.calendar import BEIJING
from hiqc.core.models import Deadline

from .conftest import client_for, png_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def p2_control(org):
    """A control scoped to 上海分公司 (P2): not the P1 branch manager's."""
    base = Control.objects.get(code="CTL-PI4-TRAINING")
    return Control.objects.create(obligation=base.obligation, code="CTL-P2-LOCAL", name="上海本地控制",
                                  kind="manual", owner_role="branch_manager",
                                  unit_path=org["P2"].path, frequency="monthly")  # fmt: skip


def test_who_may_read_and_write(personas, org):
    manual = Control.objects.get(code="CTL-PI4-TRAINING")
    auto = Control.objects.get(code="CTL-CL2-DECIDE")
    for name in ("compliance", "auditor", "quality_lead", "branch_manager", "risk"):
        c = client_for(personas[name])
        assert c.get(f"{API}/obligations").status_code == 200, name
        assert c.get(f"{API}/controls/{auto.pk}/results").status_code == 200, name
    for name in ("nobody", "agent", "claims"):
        c = client_for(personas[name])
        assert c.get(f"{API}/obligations").status_code == 403, name
        assert c.get(f"{API}/controls/{auto.pk}").status_code == 404, name
    auditor = client_for(personas["auditor"])
    assert post(auditor, f"{API}/controls/{auto.pk}/run", {"period": "2026-03"}).status_code == 403
    change = {"law": "pipl", "title": "t", "effective_on": "2027-01-01", "summary": "s"}
    assert post(auditor, f"{API}/regulatory-changes", change).status_code == 403
    assert post(client_for(personas["branch_manager"]), f"{API}/regulatory-changes",
                change).status_code == 403  # fmt: skip
    upload = auditor.post(f"{API}/controls/{manual.pk}/attestations", data={
        "org_unit": str(org["HO"].pk), "period": "2026-03", "statement": "s",
        "evidence": SimpleUploadedFile("e.png", png_bytes(), content_type="image/png")})  # fmt: skip
    assert upload.status_code == 403


def test_another_branchs_control_is_the_same_404_as_a_missing_one(personas, org, p2_control):
    manager = client_for(personas["branch_manager"])
    missing = manager.get(f"{API}/controls/{uuid.uuid4()}")
    theirs = manager.get(f"{API}/controls/{p2_control.pk}")
    assert missing.status_code == theirs.status_code == 404
    assert missing.content == theirs.content
    assert (
        client_for(personas["compliance"]).get(f"{API}/controls/{p2_control.pk}").status_code == 200
    )
    codes = [c["code"] for c in manager.get(f"{API}/controls?page_size=100").json()["items"]]
    assert "CTL-P2-LOCAL" not in codes and "CTL-CL2-DECIDE" in codes
    page = client_for(personas["branch_manager"]).get(f"/compliance/controls/{p2_control.pk}/")
    assert page.status_code == 404


def test_an_obligation_lists_its_controls(personas):
    c = client_for(personas["compliance"])
    items = c.get(f"{API}/obligations?page_size=100").json()["items"]
    cl2 = next(o for o in items if o["code"] == "CL-2")
    assert cl2["law"]["name"] == "中华人民共和国保险法" and cl2["article"] == "第23条第1款"
    detail = c.get(f"{API}/obligations/{cl2['id']}").json()
    assert [x["code"] for x in detail["controls"]] == ["CTL-CL2-DECIDE"]


def test_an_attestation_needs_a_real_evidence_file_and_comes_once_per_period(personas, org):
    manual = Control.objects.get(code="CTL-PI4-TRAINING")
    officer = client_for(personas["compliance"])
    url = f"{API}/controls/{manual.pk}/attestations"

    def attest(content, name="e.png", **extra):
        data = {
            "org_unit": str(org["HO"].pk),
            "period": "2026-03",
            "statement": "已完成年度培训",
            "evidence": SimpleUploadedFile(name, content, content_type="image/png"),
            **extra,
        }
        return officer.post(url, data=data)

    bad = attest(b"<html><script>alert(1)</script></html>", name="e.png")
    assert bad.status_code == 422 and "evidence" in bad.json()["fields"]
    no_period = attest(png_bytes(), period="March")
    assert no_period.status_code == 422 and "period" in no_period.json()["fields"]
    missing = officer.post(url, data={"org_unit": str(org["HO"].pk), "period": "2026-03",
                                      "statement": "s"})  # fmt: skip
    assert missing.status_code == 422 and "evidence" in missing.json()["fields"]
    ok = attest(png_bytes())
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "image/png" and ok.json()["period_start"] == "2026-03-01"
    assert attest(png_bytes()).status_code == 409
    auto = Control.objects.get(code="CTL-CL2-DECIDE")
    wrong = officer.post(f"{API}/controls/{auto.pk}/attestations", data={
        "org_unit": str(org["HO"].pk), "period": "2026-03", "statement": "s",
        "evidence": SimpleUploadedFile("e.png", png_bytes(), content_type="image/png")})  # fmt: skip
    assert wrong.status_code == 422 and "control" in wrong.json()["fields"]
    # a branch manager attests for their own subtree only, named on the field
    manager = client_for(personas["branch_manager"])
    theirs = manager.post(url, data={
        "org_unit": str(org["P2"].pk), "period": "2026-03", "statement": "s",
        "evidence": SimpleUploadedFile("e.png", png_bytes(), content_type="image/png")})  # fmt: skip
    assert theirs.status_code == 422 and "org_unit" in theirs.json()["fields"]
    assert Attestation.objects.count() == 1


def test_running_a_control_on_demand(personas):
    auto = Control.objects.get(code="CTL-CL2-DECIDE")
    officer = client_for(personas["compliance"])
    bad = post(officer, f"{API}/controls/{auto.pk}/run", {"period": "2026-13"})
    assert bad.status_code == 422 and "period" in bad.json()["fields"]
    assert post(officer, f"{API}/controls/{auto.pk}/run", {"period": "2026-03"}).json() == []
    manual = Control.objects.get(code="CTL-PI4-TRAINING")
    refused = post(officer, f"{API}/controls/{manual.pk}/run", {"period": "2026-03"})
    assert refused.status_code == 422 and "control" in refused.json()["fields"]


@pytest.mark.parametrize("moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00",
                                    "2027-04-30 18:00"])  # fmt: skip
def test_a_regulatory_change_opens_an_assessment_with_its_30_day_clock(personas, org, moment):
    now = datetime.fromisoformat(moment).replace(tzinfo=BEIJING)
    with time_machine.travel(now, tick=False):
        officer = client_for(personas["compliance"])  # signed in at the frozen time
        bad = post(officer, f"{API}/regulatory-changes",
                   {"law": "nope", "title": "", "effective_on": "x", "summary": "s"})  # fmt: skip
        assert bad.status_code == 422
        assert set(bad.json()["fields"]) == {"law", "title", "effective_on"}
        made = post(officer, f"{API}/regulatory-changes", {"law": "pipl", "title": "个人信息出境新规",
                    "effective_on": "2028-06-01", "summary": "出境评估门槛调整"})  # fmt: skip
        assert made.status_code == 201, made.content
        case_id = made.json()["assessment_id"]
        clock = Deadline.objects.get(case_id=case_id, clock="compliance.impact_assessment")
        thirty = now.date() + timedelta(days=30)
        assert clock.last_day == thirty or clock.rolled_over_from == thirty
        url = f"{API}/impact-assessments/{case_id}/actions"
        assert (
            post(officer, f"{url}/start", {"data": {"analysis": "涉及 PI-1、PI-2"}}).status_code
            == 200
        )
        wrong = post(officer, f"{url}/note", {"data": {"ref": "NOPE-1"}})
        assert wrong.status_code == 422 and "ref" in wrong.json()["fields"]
        noted = post(officer, f"{url}/note", {"data": {"ref": "PI-1", "note": "增加出境条款"}})
        assert noted.json()["assessment"]["links"] == [
            {"type": "obligation", "ref": "PI-1", "note": "增加出境条款"}
        ]
        post(officer, f"{url}/note", {"data": {"ref": "compliance.effective_percent"}})
        done = post(officer, f"{url}/conclude", {"data": {"outcome": "已更新义务与规则"}})
        assert done.status_code == 200 and done.json()["status"] == "done"
    assert Deadline.objects.get(pk=clock.pk).state == "met"
    case = ImpactAssessment.objects.get(pk=case_id)
    assert [x["type"] for x in case.links] == ["obligation", "rule"]
    # the case is head office's: a branch manager's answer is the same 404 as a missing one
    manager = client_for(personas["branch_manager"])
    assert manager.get(f"{API}/impact-assessments/{case_id}").status_code == 404
    assert manager.get(f"{API}/impact-assessments/{uuid.uuid4()}").status_code == 404


def test_the_pages(personas, org):
    officer = client_for(personas["compliance"])
    auto = Control.objects.get(code="CTL-CL2-DECIDE")
    result = ControlResult.objects.create(
        control=auto, org_unit=org["C1"], org_path=org["C1"].path, period_start=date(2026, 3, 1),
        population=4, failures=1, effectiveness=0.75, status="ineffective",
        failing_refs=["LP202603020001"], run_at=datetime(2026, 4, 1, tzinfo=BEIJING),
        run_by="system")  # fmt: skip
    register = officer.get("/compliance/register/")
    assert register.status_code == 200 and "CL-2" in register.content.decode()
    assert officer.get("/compliance/").status_code == 200
    assert officer.get("/compliance/controls/").status_code == 200
    drill = officer.get(f"/compliance/controls/{auto.pk}/?result={result.pk}")
    assert drill.status_code == 200 and "LP202603020001" in drill.content.decode()
    other = client_for(personas["outsider_agent"]).get(f"/compliance/controls/{auto.pk}/")
    assert other.status_code in (403, 404)
    made = officer.post("/compliance/changes/", {"law": "pipl", "title": "页面登记",
                        "effective_on": "2027-06-01", "summary": "s"})  # fmt: skip
    assert made.status_code == 302
    case = ImpactAssessment.objects.get(change__title="页面登记")
    page = officer.get(made["Location"])
    assert page.status_code == 200 and case.number in page.content.decode()
    acted = officer.post(f"/compliance/assessments/{case.pk}/actions/start/",
                         {"version": case.version, "analysis": "分析"})  # fmt: skip
    assert acted.status_code == 302
    assert ImpactAssessment.objects.get(pk=case.pk).status == "assessing"
    refused = officer.post("/compliance/changes/", {"law": "", "title": "", "summary": ""})
    assert refused.status_code == 422


def test_a_manual_control_is_attested_on_its_page(personas, org):
    manual = Control.objects.get(code="CTL-PI4-TRAINING")
    manager = client_for(personas["branch_manager"])
    url = f"/compliance/controls/{manual.pk}/"
    page = manager.get(url)
    assert page.status_code == 200 and "attest-form" in page.content.decode()
    refused = manager.post(url, {"form": "attest", "org_unit": str(org["P1"].pk),
                                 "period": "2026-03", "statement": "抽查发现两人未参训",
                                 "effective": "false",
                                 "evidence": SimpleUploadedFile("e.txt", b"plain text")})  # fmt: skip
    assert refused.status_code == 422 and "JPEG" in refused.content.decode()
    done = manager.post(url, {"form": "attest", "org_unit": str(org["P1"].pk),
                              "period": "2026-03", "statement": "抽查发现两人未参训",
                              "effective": "false",
                              "evidence": SimpleUploadedFile("e.png", png_bytes())})  # fmt: skip
    assert done.status_code == 302
    att = Attestation.objects.get()
    assert (att.org_unit, att.effective, att.attested_by) == (org["P1"], False, "branch_manager")


def test_the_overview_lists_emergency_drills_past_their_due_date(personas, org):
    # given a plan at 北京 whose yearly drill the schedule made and nobody performed in time
    from hiqc.emergency.models import EmergencyPlan
    from hiqc.emergency.services import drills_schedule

    EmergencyPlan.objects.create(
        org_unit=org["P1"], scenario="telephony", title="电话系统中断应急预案", steps=[],
        rto_minutes=120, approved=True, approved_on=date(2020, 6, 15))  # fmt: skip
    assert drills_schedule()["overdue"] == 1
    # when the compliance officer opens the overview, then the drill is listed with its unit
    page = client_for(personas["compliance"]).get("/compliance/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="drills-overdue"' in body and "电话系统中断应急预案" in body
