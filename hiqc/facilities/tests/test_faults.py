"""Fault tickets (standard 8.2.3; issue 19 §5): clocks by severity across a weekend, the steps and
the equipment history they write, the monitoring import, permissions and the same 404 for another
branch's ticket, the pages."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import Deadline, RuleOverride
from hiqc.facilities.equipment.services import equipment_create
from hiqc.facilities.faults.services import fault_act, fault_report, faults_import
from hiqc.facilities.faults.workflow import FAULT, PROCESS
from hiqc.facilities.models import Equipment, Fault
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
FRIDAY_EVENING = datetime(2026, 12, 4, 18, 0, tzinfo=BEIJING)  # a Friday
SATURDAY = datetime(2026, 12, 5, 10, 0, tzinfo=BEIJING)


def _equipment(actor, unit, asset="EQ-1", category="queue", bought="2025-01-01"):
    return equipment_create(actor=actor, data={
        "asset_number": asset, "name": "叫号机", "category": category, "org_unit": unit.pk,
        "purchase_date": bought})  # fmt: skip


@pytest.fixture
def item(actors, org):
    return _equipment(actors["facility"], org["O1"])


def _report(actor, equipment, severity, at, **extra):
    return fault_report(actor=actor, at=at, data={
        "equipment": str(equipment.pk), "severity": severity, "title": "无法叫号", **extra})  # fmt: skip


def _dues(fault):
    return {d.clock.rsplit(".", 1)[1]: d for d in
            Deadline.objects.filter(case_type=PROCESS, case_id=str(fault.pk))}  # fmt: skip


def test_the_workflow_declares_a_response_and_a_repair_clock_per_severity():
    codes = {c.code for c in FAULT.clocks}
    assert codes == {f"facilities.fault.{s}.{k}" for s in ("critical", "major", "minor")
                     for k in ("response", "repair")}  # fmt: skip


def test_clocks_by_severity_across_a_weekend(actors, item):
    """Reported on a Friday evening: the hours clocks run through the weekend, the working-day
    clocks skip it (the kernel's calendar: Monday is the next working day)."""
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        critical = _report(actors["facility"], item, "critical", FRIDAY_EVENING)
        major = _report(actors["facility"], item, "major", FRIDAY_EVENING)
        minor = _report(actors["facility"], item, "minor", FRIDAY_EVENING)
    c, j, n = _dues(critical), _dues(major), _dues(minor)
    assert c["response"].due_at == FRIDAY_EVENING + timedelta(hours=1)
    assert c["repair"].due_at == FRIDAY_EVENING + timedelta(hours=4)
    assert j["response"].due_at == FRIDAY_EVENING + timedelta(hours=4)
    monday, wednesday = (
        FRIDAY_EVENING.date() + timedelta(days=3),
        FRIDAY_EVENING.date() + timedelta(days=5),
    )
    assert j["repair"].last_day == monday  # 1 working day: not Saturday
    assert n["response"].last_day == monday
    assert n["repair"].last_day == wednesday  # Mon, Tue, Wed
    with time_machine.travel(SATURDAY, tick=False):
        weekend = _report(actors["facility"], item, "critical", SATURDAY)
    assert _dues(weekend)["response"].due_at == SATURDAY + timedelta(hours=1)
    assert _dues(weekend)["repair"].due_at == SATURDAY + timedelta(hours=4)


def test_a_target_is_a_rule_the_quality_department_may_change(actors, item):
    RuleOverride.objects.create(key="facilities.fault.critical.response", value="2")
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        fault = _report(actors["facility"], item, "critical", FRIDAY_EVENING)
    assert _dues(fault)["response"].due_at == FRIDAY_EVENING + timedelta(hours=2)
    assert _dues(fault)["response"].amount == 2


def test_report_respond_repair_confirm_writes_the_equipment_history(actors, item):
    at = FRIDAY_EVENING
    with time_machine.travel(at, tick=False):
        fault = _report(actors["facility"], item, "critical", at,
                        down_from=(at - timedelta(minutes=30)).isoformat())  # fmt: skip
        assert Equipment.objects.get(pk=item.pk).state == "under_repair"
        fault = fault_act(actor=actors["facility"], fault_id=fault.pk, action="accept", data={},
                          at=at + timedelta(minutes=20))  # fmt: skip
        assert fault.assignee_id == actors["facility"].user_id and fault.responded_at
        with pytest.raises(ValidationFailed) as bad:
            fault_act(actor=actors["facility"], fault_id=fault.pk, action="repair",
                      data={"resolution": "更换主板", "cause": "nonsense"},
                      at=at + timedelta(hours=2))  # fmt: skip
        assert "cause" in bad.value.fields
        fault = fault_act(actor=actors["facility"], fault_id=fault.pk, action="repair",
                          data={"resolution": "更换主板", "cause": "hardware",
                                "down_until": (at + timedelta(hours=5)).isoformat()},
                          at=at + timedelta(hours=6))  # fmt: skip
        assert fault.down_until == at + timedelta(hours=5)
        assert Equipment.objects.get(pk=item.pk).state == "in_use"
        fault = fault_act(actor=actors["branch_manager"], fault_id=fault.pk, action="confirm",
                          data={}, at=at + timedelta(hours=7))  # fmt: skip
    assert fault.status == "closed"
    kinds = sorted(item.events.exclude(kind__in=["acquired", "commissioned"])
                   .values_list("kind", flat=True))  # fmt: skip
    assert kinds == ["fault", "repair", "repaired"]  # 故障, 维修, 修复投用
    dues = _dues(fault)
    assert dues["response"].state == "met"  # 20 minutes ≤ 1 hour
    assert dues["repair"].state == "breached"  # repaired after 6 hours > 4


def test_reopen_and_cancel(actors, item):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        fault = _report(actors["facility"], item, "minor", FRIDAY_EVENING)
        fault_act(actor=actors["facility"], fault_id=fault.pk, action="accept", data={})
        fault_act(actor=actors["facility"], fault_id=fault.pk, action="repair",
                  data={"resolution": "重启", "cause": "software"})  # fmt: skip
        fault = fault_act(actor=actors["branch_manager"], fault_id=fault.pk, action="reopen",
                          data={"reason": "仍无法叫号"})  # fmt: skip
        assert fault.status == "in_progress" and fault.down_until is None
        assert Equipment.objects.get(pk=item.pk).state == "under_repair"
        other = _report(actors["facility"], _equipment(actors["facility"], item.org_unit, "EQ-2"),
                        "major", FRIDAY_EVENING)  # fmt: skip
        other = fault_act(actor=actors["facility"], fault_id=other.pk, action="cancel",
                          data={"reason": "误报"})  # fmt: skip
    assert other.status == "cancelled"
    assert Equipment.objects.get(asset_number="EQ-2").state == "in_use"
    assert all(d.state == "cancelled" for d in _dues(other).values())


def test_assign_to_a_repairer_in_scope_only(actors, personas, item):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        fault = _report(actors["branch_manager"], item, "major", FRIDAY_EVENING)
        with pytest.raises(ValidationFailed) as bad:
            fault_act(actor=actors["facility"], fault_id=fault.pk, action="assign",
                      data={"assignee": str(personas["agent"].pk)})  # fmt: skip
        assert "assignee" in bad.value.fields
        fault = fault_act(actor=actors["facility"], fault_id=fault.pk, action="assign",
                          data={"assignee": str(personas["facility"].pk)})  # fmt: skip
    assert fault.assignee_id == personas["facility"].pk and fault.status == "in_progress"
    assert _dues(fault)["response"].state == "met"


def test_permissions(actors, item):
    with pytest.raises(Forbidden):
        _report(actors["agent"], item, "major", FRIDAY_EVENING)
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        fault = _report(actors["branch_manager"], item, "major", FRIDAY_EVENING)
        with pytest.raises(Forbidden):  # reporting is not repairing
            fault_act(actor=actors["branch_manager"], fault_id=fault.pk, action="accept", data={})


ALARMS = (
    "资产编号,告警编号,开始时间,结束时间,严重程度,告警描述\n"
    "EQ-1,ALM-1,2026-12-04 09:00,2026-12-04 10:30,严重,主机离线\n"
    "EQ-1,ALM-2,2026-12-04 11:00,,紧急,全部中断\n"
    "EQ-404,ALM-3,2026-12-04 11:00,,紧急,未知设备\n"
    "EQ-1,ALM-4,yesterday,,紧急,时间有误\n"
    "EQ-1,ALM-5,2026-12-04 11:00,,很严重,级别有误\n"
    "EQ-1,ALM-6,2026-12-04 11:00,2026-12-04 10:00,一般,结束早于开始\n"
)


def test_monitoring_import_keeps_good_rows_names_bad_ones_and_is_idempotent(actors, item):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        report = faults_import(actor=actors["facility"], source=[ALARMS.encode()])
        assert (report.rows_read, report.created, report.rejected_total) == (6, 2, 4)
        assert {(r["line"], r["field"]) for r in report.rejected} == {
            (4, "asset_number"),
            (5, "start"),
            (6, "severity"),
            (7, "end"),
        }
        ended = Fault.objects.get(alarm_id="ALM-1")
        assert ended.source == "monitoring" and ended.down_until is not None
        assert ended.reported_at == datetime(2026, 12, 4, 9, 0, tzinfo=BEIJING)
        assert Equipment.objects.get(pk=item.pk).state == "under_repair"  # ALM-2 still down
        again = faults_import(actor=actors["facility"], source=[ALARMS.encode()])
        assert (again.created, again.unchanged, again.updated) == (0, 2, 0)
        cleared = ALARMS.replace(
            "ALM-2,2026-12-04 11:00,,", "ALM-2,2026-12-04 11:00,2026-12-04 12:00,"
        )
        third = faults_import(actor=actors["facility"], source=[cleared.encode()])
        assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Fault.objects.count() == 2
    assert Equipment.objects.get(pk=item.pk).state == "in_use"
    with pytest.raises(Forbidden):
        faults_import(actor=actors["branch_manager"], source=[ALARMS.encode()])


@pytest.fixture
def other_branch(org):
    o2 = OrgUnit.objects.create(code="O2", name="陆家嘴营业部", name_en="O2", level=OrgLevel.OUTLET,
                                parent=org["C2"], path="0001/0002/0001/0001/")  # fmt: skip
    user = User.objects.create_user(username="facility_p2", password="x" * 20,
                                    org_unit=org["P2"], display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.FACILITY_ADMIN, org_unit=org["P2"])
    return {"outlet": o2, "user": user}


def test_api_report_act_and_the_same_404_for_another_branch(personas, item, other_branch):
    facility = client_for(personas["facility"])
    created = facility.post(f"{API}/faults", data=json.dumps({
        "equipment": str(item.pk), "severity": "critical", "title": "交换机中断"}),
        content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["fault"]["severity"] == "critical" and body["allowed_actions"]
    assert {d["clock"] for d in body["deadlines"]} == {
        "facilities.fault.critical.response",
        "facilities.fault.critical.repair",
    }
    fid = body["id"]
    acted = facility.post(f"{API}/faults/{fid}/actions/accept", data=json.dumps(
        {"version": body["version"], "data": {}}), content_type="application/json")  # fmt: skip
    assert acted.status_code == 200 and acted.json()["status"] == "in_progress"
    stale = facility.post(f"{API}/faults/{fid}/actions/repair", data=json.dumps(
        {"version": 1, "data": {"resolution": "x", "cause": "power"}}),
        content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    missing = facility.post(f"{API}/faults/{fid}/actions/repair", data=json.dumps(
        {"data": {"cause": "power"}}), content_type="application/json")  # fmt: skip
    assert missing.status_code == 422 and "resolution" in missing.json()["fields"]
    listed = facility.get(f"{API}/faults", {"state": "open"}).json()
    assert [f["id"] for f in listed["items"]] == [fid]
    other = client_for(other_branch["user"])
    foreign = other.get(f"{API}/faults/{fid}")
    absent = other.get(f"{API}/faults/{uuid.uuid4()}")
    assert foreign.status_code == absent.status_code == 404
    assert foreign.content == absent.content
    assert other.post(f"{API}/faults/{fid}/actions/confirm", data=json.dumps({"data": {}}),
                      content_type="application/json").status_code == 404  # fmt: skip
    auditor = client_for(personas["auditor"])
    assert auditor.get(f"{API}/faults/{fid}").status_code == 200
    refused = auditor.post(f"{API}/faults", data=json.dumps({
        "equipment": str(item.pk), "severity": "minor", "title": "x"}),
        content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    imported = facility.post(f"{API}/faults/import", data=ALARMS.encode(), content_type="text/csv")
    assert imported.status_code == 200 and imported.json()["created"] == 2


def test_pages(personas, item):
    facility = client_for(personas["facility"])
    assert facility.get("/facilities/faults/report/").status_code == 200
    posted = facility.post("/facilities/faults/report/", {
        "equipment": str(item.pk), "severity": "critical", "title": "屏幕不亮"})  # fmt: skip
    assert posted.status_code == 302
    fault = Fault.objects.get()
    bad = facility.post("/facilities/faults/report/", {"equipment": str(item.pk), "severity": "x"})
    assert bad.status_code == 422 and "请选择严重程度" in bad.content.decode()
    listing = facility.get("/facilities/faults/").content.decode()
    assert fault.number in listing and "紧急故障响应" in listing
    page = facility.get(f"/facilities/faults/{fault.pk}/")
    assert page.status_code == 200 and 'id="action-accept"' in page.content.decode()
    done = facility.post(f"/facilities/faults/{fault.pk}/actions/accept/",
                         {"version": str(fault.version)})  # fmt: skip
    assert done.status_code == 302
    html = facility.get(f"/facilities/faults/{fault.pk}/").content.decode()
    assert 'id="action-repair"' in html and 'name="cause"' in html
    refused = facility.post(f"/facilities/faults/{fault.pk}/actions/repair/",
                            {"version": str(fault.version + 1), "cause": "power"})  # fmt: skip
    assert refused.status_code == 422 and 'id="repair-resolution-error"' in refused.content.decode()
    upload = SimpleUploadedFile("alarms.csv", ALARMS.encode(), content_type="text/csv")
    imported = facility.post("/facilities/faults/import/", {"file": upload})
    assert imported.status_code == 200 and 'id="rejected-rows"' in imported.content.decode()
    outlet = facility.get(f"/facilities/outlets/{item.org_unit_id}/").content.decode()
    assert 'id="downtime"' in outlet and fault.number in outlet
    detail = facility.get(f"/facilities/equipment/{item.pk}/").content.decode()
    assert 'id="faults"' in detail and fault.number in detail
    assert client_for(personas["agent"]).get("/facilities/faults/report/").status_code == 403
