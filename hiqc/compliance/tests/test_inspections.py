"""Compliance inspections (standard 9.1.2(3)(4); issue 20 §3; ADR 0029): a plan over obligations
of the register, a visit on the engine with its report clock, failed items recorded as kernel
findings that reach their control, a nonconformity opened through the quality service, the scope
door, validation naming the field, and the pages."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.compliance import selectors as register
from hiqc.compliance.inspections import selectors
from hiqc.compliance.inspections.enums import FINDING_KIND
from hiqc.compliance.inspections.services import (
    inspection_act,
    inspection_create,
    period_bounds,
    plan_create,
)
from hiqc.compliance.inspections.workflow import INSPECTION, PROCESS, REPORT_CLOCK
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import ValidationFailed
from hiqc.core.models import Deadline, Finding

from .conftest import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 8, 10, 0, tzinfo=BEIJING)  # a Monday


@pytest.fixture
def plan(org, actors):
    with time_machine.travel(NOW, tick=False):
        return plan_create(actor=actors["compliance"], data={
            "org_unit": str(org["HO"].pk), "year": 2026, "quarter": 2, "title": "二季度合规检查",
            "obligations": ["CL-2", "CP-8", "PI-8"]})  # fmt: skip


def _visit(plan, unit, actor, planned="2026-06-10"):
    with time_machine.travel(NOW, tick=False):
        return inspection_create(actor=actor, data={
            "plan": str(plan.pk), "org_unit": str(unit.pk), "planned_on": planned})  # fmt: skip


def _marks(plan, failed=()):
    return {f"item_{i.pk}": "0" if i.clause in failed else str(i.points)
            for i in plan.checklist.items.all()}  # fmt: skip


def test_the_workflow_reports_within_a_clock_and_closes_with_a_conclusion():
    assert INSPECTION.step("start", from_state="planned").target == "in_progress"
    assert INSPECTION.step("report", from_state="in_progress").requires == ("summary",)
    assert REPORT_CLOCK.amount == 10 and REPORT_CLOCK.unit == "working_days"
    assert "(P)" in REPORT_CLOCK.source


def test_a_plan_generates_its_checklist_from_the_obligations(plan):
    items = list(plan.checklist.items.order_by("position"))
    assert [i.clause for i in items] == ["CL-2", "CP-8", "PI-8"]
    assert plan.checklist.purpose == "compliance.inspection" and plan.checklist.is_published
    assert period_bounds(2026, 2) == (datetime(2026, 4, 1).date(), datetime(2026, 6, 30).date())


def test_a_plan_by_domain_takes_every_obligation_of_the_domain(org, actors):
    with time_machine.travel(NOW, tick=False):
        p = plan_create(
            actor=actors["compliance"],
            data={
                "org_unit": str(org["HO"].pk),
                "year": 2026,
                "title": "隐私",
                "domains": ["privacy"],
            },
        )
    assert sorted(p.obligations.values_list("code", flat=True)) == ["PI-1", "PI-4", "PI-6", "PI-8"]


def test_plan_errors_are_named_on_their_fields(org, actors):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationFailed) as exc:
        plan_create(actor=actors["compliance"], data={
            "org_unit": str(uuid.uuid4()), "year": 2030, "quarter": 7, "title": "",
            "obligations": ["XX-9"]})  # fmt: skip
    assert set(exc.value.fields) == {"org_unit", "year", "quarter", "title", "obligations"}


def test_a_visit_outside_the_plan_period_or_unit_is_refused(plan, org, actors):
    with pytest.raises(ValidationFailed) as exc:
        _visit(plan, org["P1"], actors["compliance"], planned="2026-07-01")
    assert set(exc.value.fields) == {"planned_on"}
    with time_machine.travel(NOW, tick=False):
        branch_plan = plan_create(
            actor=actors["compliance"],
            data={
                "org_unit": str(org["P1"].pk),
                "year": 2026,
                "title": "北京",
                "obligations": ["CL-2"],
            },
        )
    with pytest.raises(ValidationFailed) as exc:
        _visit(branch_plan, org["P2"], actors["compliance"])
    assert set(exc.value.fields) == {"org_unit"}


def test_the_report_is_due_ten_working_days_after_the_visit_starts(plan, org, actors):
    case = _visit(plan, org["P1"], actors["compliance"])
    with time_machine.travel(NOW, tick=False):
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="start", data={})
    clock = Deadline.objects.get(case_type=PROCESS, case_id=str(case.pk))
    assert clock.clock == REPORT_CLOCK.code and clock.state == "running"
    # the day it starts is not counted; 端午 (Friday 6-19) is no working day
    assert clock.last_day == datetime(2026, 6, 23).date()
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="report",
                       data={**_marks(plan), "summary": "良好"})  # fmt: skip
    clock.refresh_from_db()
    assert clock.state == "met"


def test_a_failed_item_becomes_a_finding_linked_to_its_control(plan, org, actors):
    case = _visit(plan, org["P1"], actors["compliance"])
    with time_machine.travel(NOW, tick=False):
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="start", data={})
        done = inspection_act(
            actor=actors["compliance"],
            case_id=case.pk,
            action="report",
            data={**_marks(plan, failed=("CL-2",)), "summary": "CL-2 不符合"},
        )
    assert (done.status, done.score, done.max_score, done.passed) == ("reported", 2, 3, False)
    finding = Finding.objects.get(kind=FINDING_KIND)
    assert finding.rule == "CL-2" and finding.org_path == org["P1"].path
    assert finding.case_id == str(case.pk) and case.number in finding.title
    control = register.control_for_finding(finding)
    assert control is not None and control.code == "CTL-CL2-DECIDE"
    mark = next(m for m in selectors.marks_of(done) if m.item.clause == "CL-2")
    assert mark.finding == finding and mark.mark == 0


def test_a_report_without_every_mark_names_the_missing_items(plan, org, actors):
    case = _visit(plan, org["P1"], actors["compliance"])
    with time_machine.travel(NOW, tick=False):
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="start", data={})
        marks = _marks(plan)
        first = next(iter(marks))
        with pytest.raises(ValidationFailed) as exc:
            inspection_act(actor=actors["compliance"], case_id=case.pk, action="report",
                           data={**{k: v for k, v in marks.items() if k != first}, "summary": "x",
                                 list(marks)[1]: "abc"})  # fmt: skip
    assert set(exc.value.fields) == {list(marks)[1]}
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationFailed) as exc:
        inspection_act(
            actor=actors["compliance"],
            case_id=case.pk,
            action="report",
            data={**{k: v for k, v in marks.items() if k != first}, "summary": "x"},
        )
    assert set(exc.value.fields) == {first}
    assert not Finding.objects.exists()


def test_a_finding_opens_one_nonconformity_through_the_quality_service(plan, org, actors):
    from hiqc.quality.nonconformities.models import Nonconformity

    case = _visit(plan, org["P1"], actors["compliance"])
    with time_machine.travel(NOW, tick=False):
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="start", data={})
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="report",
                       data={**_marks(plan, failed=("CP-8",)), "summary": "x"})  # fmt: skip
    finding = Finding.objects.get(kind=FINDING_KIND)
    inspection_act(actor=actors["compliance"], case_id=case.pk, action="open_nc",
                   data={"finding": str(finding.pk)})  # fmt: skip
    nc = Nonconformity.objects.get()
    assert nc.finding == finding and nc.source == "finding" and nc.org_unit == org["P1"]
    assert nc.reference == case.number
    with pytest.raises(ValidationFailed) as exc:
        inspection_act(actor=actors["compliance"], case_id=case.pk, action="open_nc",
                       data={"finding": str(finding.pk)})  # fmt: skip
    assert set(exc.value.fields) == {"finding"}


def test_overdue_lists_unstarted_past_visits_and_late_reports(plan, org, actors):
    late_start = _visit(plan, org["P1"], actors["compliance"], planned="2026-06-01")
    late_report = _visit(plan, org["P2"], actors["compliance"])
    _visit(plan, org["HO"], actors["compliance"], planned="2026-06-30")
    with time_machine.travel(NOW, tick=False):
        inspection_act(actor=actors["compliance"], case_id=late_report.pk, action="start", data={})
    later = NOW + timedelta(days=20)
    assert {c.pk for c in selectors.overdue(actors["compliance"], now=later)} == {
        late_start.pk, late_report.pk}  # fmt: skip
    assert {c.pk for c in selectors.overdue(actors["branch_manager"], now=later)} == {
        late_start.pk}  # fmt: skip


def test_another_units_visit_is_the_same_404_as_a_missing_one(plan, org, actors, personas):
    theirs = _visit(plan, org["P2"], actors["compliance"])
    mine = _visit(plan, org["P1"], actors["compliance"])
    client = client_for(personas["branch_manager"])
    other = client.get(f"/api/v1/compliance-inspections/{theirs.pk}")
    missing = client.get(f"/api/v1/compliance-inspections/{uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404 and other.content == missing.content
    assert client.get(f"/api/v1/compliance-inspections/{mine.pk}").status_code == 200
    listed = client.get("/api/v1/compliance-inspections").json()["items"]
    assert [r["id"] for r in listed] == [str(mine.pk)]
    page = client.get(f"/compliance/inspections/{theirs.pk}/")
    assert page.status_code == 404


def test_a_reader_is_told_403_before_the_body_is_judged(plan, org, personas):
    from hiqc.compliance.inspections.services import inspection_create as create
    from hiqc.organisations.services import actor_for_user

    case = create(
        actor=actor_for_user(personas["compliance"]),
        data={"plan": str(plan.pk), "org_unit": str(org["P1"].pk), "planned_on": "2026-06-10"},
    )
    response = client_for(personas["auditor"]).post(
        f"/api/v1/compliance-inspections/{case.pk}/actions/report",
        {"version": 1, "data": {"item_x": "bad"}},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_api_runs_a_visit_from_plan_to_close(org, personas):
    client = client_for(personas["compliance"])
    with time_machine.travel(NOW, tick=False):
        made = client.post("/api/v1/compliance-inspection-plans", {
            "org_unit": str(org["HO"].pk), "year": 2026, "title": "年度", "obligations": ["CL-2"]},
            content_type="application/json")  # fmt: skip
        assert made.status_code == 201, made.content
        bad = client.post("/api/v1/compliance-inspections", {
            "plan": made.json()["id"], "org_unit": str(org["P1"].pk), "planned_on": "2027-01-01"},
            content_type="application/json")  # fmt: skip
        assert bad.status_code == 422 and "planned_on" in bad.json()["fields"]
        visit = client.post("/api/v1/compliance-inspections", {
            "plan": made.json()["id"], "org_unit": str(org["P1"].pk), "planned_on": "2026-06-09"},
            content_type="application/json")  # fmt: skip
        assert visit.status_code == 201
        case_id = visit.json()["id"]

        def act(action, data, version):
            return client.post(
                f"/api/v1/compliance-inspections/{case_id}/actions/{action}",
                {"version": version, "data": data},
                content_type="application/json",
            )

        assert act("start", {}, 1).status_code == 200
        item = (
            visit.json()["inspection"]["plan_id"]
            and selectors.access_inspection(
                __import__("hiqc.organisations.services", fromlist=["x"]).actor_for_user(
                    personas["compliance"]
                ),
                case_id,
            ).plan.checklist.items.get()
        )
        reported = act("report", {f"item_{item.pk}": "0", "summary": "不符合"}, 2)
        assert reported.status_code == 200, reported.content
        body = reported.json()
        assert body["findings"][0]["control_code"] == "CTL-CL2-DECIDE"
        assert body["marks"][0]["finding_id"] == body["findings"][0]["id"]
        assert act("close", {}, 3).status_code == 422
        assert act("close", {"conclusion": "已整改"}, 3).json()["status"] == "closed"


def test_the_pages_show_plans_visits_marks_and_findings(plan, org, actors, personas):
    case = _visit(plan, org["P1"], actors["compliance"])
    client = client_for(personas["compliance"])
    assert client.get("/compliance/inspections/").status_code == 200
    assert client.get(f"/compliance/inspections/plans/{plan.pk}/").status_code == 200
    page = client.get(f"/compliance/inspections/{case.pk}/")
    assert page.status_code == 200 and "开始检查" in page.content.decode()
    client.post(f"/compliance/inspections/{case.pk}/actions/start/", {"version": 1})
    refused = client.post(f"/compliance/inspections/{case.pk}/actions/report/",
                          {"version": 2, "summary": "x"})  # fmt: skip
    assert refused.status_code == 422 and "请为此项评分" in refused.content.decode()
    done = client.post(
        f"/compliance/inspections/{case.pk}/actions/report/",
        {"version": 2, "summary": "x", **_marks(plan, failed=("PI-8",))},
    )
    assert done.status_code == 302
    shown = client.get(f"/compliance/inspections/{case.pk}/").content.decode()
    assert "开启不符合项" in shown and "PI-8" in shown
    findings = client.get("/compliance/inspections/findings/").content.decode()
    assert case.number in findings
