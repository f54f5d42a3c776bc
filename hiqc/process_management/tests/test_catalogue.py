"""The process catalogue (2.1.1): owner role, customers, channels, versions in force per unit;
and the needs analysis behind each version (2.1.2(1)) citing cases through their kind's door."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.models import AuditEvent, ProcessVersion
from hiqc.process_management.models import NeedsAnalysis, NeedsEvidence, ProcessProfile

from .conftest import PLAN, client_for

pytestmark = pytest.mark.django_db
NC = "quality.nonconformity"
URL = f"/process-management/{PLAN}/needs/"


def version(org_path: str = "", number: int = 1, on: date = date(2026, 1, 1)) -> ProcessVersion:
    return ProcessVersion.objects.create(
        process=PLAN, org_path=org_path, number=number, effective_from=on, parameters={},
        note=f"版本{number}", published_by="t",
    )  # fmt: skip


def nonconformity(unit, n: int = 1):
    model = apps.get_model("quality", "Nonconformity")
    return model.objects.create(
        status=CASE_KINDS[NC].workflow.initial, number=f"NC-T-{n}", org_unit=unit,
        source="manual", title="理赔单证审核超时", description="x", opened_at=timezone.now(),
        opened_by="t",
    )  # fmt: skip


def profile(client: Client, **data: str) -> Any:
    return client.post(URL, {"form": "profile", "owner_role": "quality_lead",
                             "customers": "各分支机构", "channels": "线上、柜面",
                             "note": "首次登记目录", **data})  # fmt: skip


def test_a_process_owner_records_the_catalogue_facts_and_each_edit_is_a_revision(personas):
    client = client_for(personas["quality_lead"])
    assert profile(client).status_code == 302
    assert profile(client, channels="线上、柜面、电话", note="增加电话渠道").status_code == 302
    assert [p.number for p in ProcessProfile.objects.filter(process=PLAN)] == [2, 1]
    listing = client.get("/process-management/").content.decode()
    assert "线上、柜面、电话" in listing and "质量管理负责人" in listing
    book = client.get(f"/process-management/{PLAN}/handbook/").content.decode()
    assert 'id="catalogue-facts"' in book and "线上、柜面、电话" in book
    assert AuditEvent.objects.filter(action="processes.profile").count() == 2


def test_catalogue_facts_with_an_unknown_role_or_no_note_are_refused_at_the_field(personas):
    client = client_for(personas["quality_lead"])
    answer = profile(client, owner_role="pope")
    assert answer.status_code == 422
    answer = profile(client, note="短")
    assert answer.status_code == 422 and "至少 4 个字" in answer.content.decode()
    assert not ProcessProfile.objects.exists()


def test_only_a_head_office_process_owner_edits_the_catalogue(personas):
    assert profile(client_for(personas["branch_manager"])).status_code == 403
    assert not ProcessProfile.objects.exists()


def test_the_versions_in_force_are_listed_per_unit_with_a_version_of_its_own(personas, org):
    version("", 1)
    version(org["P1"].path, 1, date(2026, 3, 1))
    version(org["P2"].path, 1, date(2026, 3, 1))
    version(org["P1"].path, 2, date(2999, 1, 1))  # not in force yet
    body = client_for(personas["branch_manager"]).get("/api/v1/processes").json()
    plan = next(p for p in body if p["code"] == PLAN)
    rows = {r["org_path"]: r["version"] for r in plan["versions_in_force"]}
    assert rows == {"": 1, org["P1"].path: 1}  # P2's version is not the branch manager's
    page = client_for(personas["quality_lead"]).get(URL).content.decode()
    assert "北京分公司" in page and "上海分公司" in page


def test_a_needs_analysis_is_recorded_for_a_version_citing_a_case_through_its_door(personas, org):
    v = version()
    case = nonconformity(org["C1"])
    client = client_for(personas["quality_lead"])
    answer = client.post(URL, {"form": "analysis", "version": str(v.pk), "summary": "审核慢",
                               "needs": "客户希望一次告知所需单证",
                               "other_evidence": "2026年满意度调查意见：单证要求不清"})  # fmt: skip
    assert answer.status_code == 302
    analysis = NeedsAnalysis.objects.get()
    answer = client.post(URL, {"form": "evidence", "analysis": str(analysis.pk),
                               "case_type": NC, "case_id": str(case.pk)})  # fmt: skip
    assert answer.status_code == 302
    page = client.get(URL).content.decode()
    assert f'href="/quality/nonconformities/{case.pk}/"' in page or str(case.pk) in page
    assert "单证要求不清" in page
    assert NeedsEvidence.objects.get().case_id == str(case.pk)  # linked, not copied


def test_evidence_missing_or_out_of_scope_is_refused_alike_at_the_field(personas, org):
    analysis = NeedsAnalysis.objects.create(
        process=PLAN, version=version(), summary="s", needs="n", created_by="t"
    )
    client = client_for(personas["quality_lead"])
    answers = [
        client.post(URL, {"form": "evidence", "analysis": str(analysis.pk), "case_type": NC,
                          "case_id": case_id})
        for case_id in (str(uuid.uuid4()), "not-a-uuid")
    ]  # fmt: skip
    assert {a.status_code for a in answers} == {422}
    assert all("找不到该案件" in a.content.decode() for a in answers)
    assert not NeedsEvidence.objects.exists()


def test_evidence_the_reader_may_not_open_is_counted_never_named(personas, org):
    case = nonconformity(org["C2"])  # 上海: not the 北京 branch manager's
    analysis = NeedsAnalysis.objects.create(
        process=PLAN, version=version(), summary="s", needs="n", created_by="t"
    )
    NeedsEvidence.objects.create(analysis=analysis, case_type=NC, case_id=str(case.pk),
                                 added_by="t")  # fmt: skip
    page = client_for(personas["branch_manager"]).get(URL).content.decode()
    assert str(case.pk) not in page and "另有 1 件依据" in page
    body = (
        client_for(personas["branch_manager"])
        .get(f"/api/v1/processes/{PLAN}/needs-analyses")
        .json()
    )
    assert body[0]["evidence"] == [] and body[0]["hidden"] == 1


def test_the_api_records_an_analysis_with_its_evidence_or_nothing(personas, org):
    v = version()
    case = nonconformity(org["C1"])
    client = client_for(personas["quality_lead"])
    url = f"/api/v1/processes/{PLAN}/needs-analyses"
    payload = {"version": str(v.pk), "summary": "s", "needs": "n",
               "evidence": [{"case_type": NC, "case_id": str(case.pk)},
                            {"case_type": NC, "case_id": str(uuid.uuid4())}]}  # fmt: skip
    answer = client.post(url, payload, content_type="application/json")
    assert answer.status_code == 422 and "evidence" in answer.json()["fields"]
    assert not NeedsAnalysis.objects.exists()
    payload["evidence"] = payload["evidence"][:1]
    answer = client.post(url, payload, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["evidence"][0]["case_id"] == str(case.pk)
    assert len(client.get(url).json()) == 1


def test_an_analysis_for_another_process_version_is_refused(personas):
    other = ProcessVersion.objects.create(
        process="claims.claim", org_path="", number=1, effective_from=date(2026, 1, 1),
        parameters={}, note="n", published_by="t",
    )  # fmt: skip
    version()
    answer = client_for(personas["quality_lead"]).post(
        f"/api/v1/processes/{PLAN}/needs-analyses",
        {"version": str(other.pk), "summary": "s", "needs": "n"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "version" in answer.json()["fields"]


def test_an_unknown_process_is_not_found(personas):
    client = client_for(personas["quality_lead"])
    assert client.get("/process-management/nope.nope/needs/").status_code == 404
    assert client.get("/api/v1/processes/nope.nope/needs-analyses").status_code == 404
