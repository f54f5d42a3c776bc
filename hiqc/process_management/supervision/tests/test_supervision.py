"""Supervision (standard 2.3.1, 2.3.2; issue 16 §6): plans with a schedule, visits with a
checklist, findings routed to the owning unit with a response clock and linked — never copied —
to nonconformities through the kernel's door."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.errors import Forbidden, NotFound, ValidationFailed
from hiqc.core.models import Deadline
from hiqc.core.mywork import my_work
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.process_management.supervision.models import (
    FindingStatus,
    SupervisionFinding,
    VisitStatus,
)
from hiqc.process_management.supervision.services import (
    due_dates,
    finding_act,
    finding_link,
    finding_open,
    plan_create,
    visit_cancel,
    visit_plan,
    visit_record,
)
from hiqc.process_management.supervision.workflow import (
    FINDING,
    FINDING_PROCESS,
    RESPONSE,
    VISIT,
    VISIT_PROCESS,
)

pytestmark = pytest.mark.django_db
NC = "quality.nonconformity"
PROCESS = "quality.improvementplan"  # any registered process
MONDAY = datetime(2026, 11, 2, 9, tzinfo=BEIJING)


def plan_data(org, **over):
    data = {"process": PROCESS, "title": "营业部服务现场检查", "method": "on_site",
            "org_unit": str(org["C1"].pk), "period_days": "30", "start_date": "2026-11-01",
            "checklist": "柜面公示齐全\n服务用语规范\n档案按时归档"}  # fmt: skip
    return {**data, **over}


def make_plan(actors, org, **over):
    return plan_create(actor=actors["quality_lead"], data=plan_data(org, **over))


def record_all_ok(actor, visit, **over):
    data = {"result_0": "ok", "result_1": "ok", "result_2": "na", "evidence": "照片 IMG-001"}
    return visit_record(actor=actor, visit_id=visit.pk, data={**data, **over})


def make_nc(org, unit="C1"):
    model = apps.get_model("quality", "Nonconformity")
    return model.objects.create(
        status="open", number=f"BF-{unit}", org_unit=org[unit], source="on_site",
        title="t", description="d", opened_at=timezone.now(), opened_by="quality_lead",
    )  # fmt: skip


def other_branch_manager(org):
    user = User.objects.create_user(username="bm_p2", password="x", org_unit=org["P2"])
    Membership.objects.create(user=user, role=Role.BRANCH_MANAGER, org_unit=org["P2"])
    return actor_for_user(user)


# --- workflow tables ----------------------------------------------------------------------------


def test_a_visit_is_planned_then_done_or_cancelled():
    # Given the visit workflow as data; Then its table is exactly this
    assert VISIT.initial == "planned" and set(VISIT.final) == {"done", "cancelled"}
    assert [(t.name, tuple(t.sources), t.target, t.perm) for t in VISIT.transitions] == [
        ("record", ("planned",), "done", "processes.supervise"),
        ("cancel", ("planned",), "cancelled", "processes.supervise"),
    ]


def test_a_finding_is_answered_by_its_unit_and_verified_by_the_supervisor():
    assert FINDING.initial == "open" and set(FINDING.final) == {"verified", "closed"}
    assert [(t.name, tuple(t.sources), t.target, t.perm) for t in FINDING.transitions] == [
        ("respond", ("open",), "responded", "processes.findings.handle"),
        ("verify", ("responded",), "verified", "processes.supervise"),
        ("close", ("open", "responded"), "closed", "processes.supervise"),
    ]
    assert (RESPONSE.amount, RESPONSE.unit) == (10, "working_days")
    assert {VISIT_PROCESS, FINDING_PROCESS} <= set(CASE_KINDS)


# --- plans and their schedule --------------------------------------------------------------------


def test_bad_plan_input_is_named_at_its_field(actors, org):
    # When a plan is submitted with every field wrong
    with pytest.raises(ValidationFailed) as exc:
        plan_create(actor=actors["quality_lead"], data={
            "process": "nope", "title": "", "method": "phone", "org_unit": "x",
            "period_days": "0", "start_date": "2026-02-30", "checklist": "  \n ",
        })  # fmt: skip
    # Then each is named at its field
    assert set(exc.value.fields) == {"process", "title", "method", "org_unit", "period_days",
                                     "start_date", "checklist"}  # fmt: skip


def test_a_plan_over_another_branch_is_refused_at_the_unit_field(actors, org):
    with pytest.raises(ValidationFailed) as exc:
        plan_create(actor=actors["branch_manager"], data=plan_data(org, org_unit=org["C2"].pk))
    assert set(exc.value.fields) == {"org_unit"}


def test_only_supervisors_make_plans(actors, org):
    with pytest.raises(Forbidden):
        plan_create(actor=actors["supervisor"], data=plan_data(org))


@pytest.mark.parametrize("today", ["2026-12-31", "2027-01-01", "2028-02-29", "2027-04-30"])
def test_due_dates_run_every_period_from_the_start_up_to_the_next_one(actors, org, today):
    # Given a plan every 30 days from 2026-11-01
    plan = make_plan(actors, org)
    day = date.fromisoformat(today)
    with time_machine.travel(datetime.combine(day, datetime.min.time(), BEIJING), tick=False):
        dues = due_dates(plan, timezone.localdate())
    # Then they start at the start date, are 30 days apart and end with the first one after today
    assert dues[0] == date(2026, 11, 1)
    assert all((b - a).days == 30 for a, b in itertools.pairwise(dues))
    assert dues[-1] > day >= dues[-2]


# --- visits ----------------------------------------------------------------------------------------


def test_a_visit_with_a_not_ok_item_opens_a_finding_for_the_visited_unit(actors, org):
    # Given a visit of O1 planned under the plan over C1
    plan = make_plan(actors, org)
    visit = visit_plan(actor=actors["quality_lead"], plan_id=plan.pk,
                       data={"org_unit": str(org["O1"].pk), "planned_date": "2026-11-01"})  # fmt: skip
    # When the checklist is recorded with one item not ok
    done = record_all_ok(actors["quality_lead"], visit, result_1="not_ok", note_1="未使用规范用语")
    # Then the visit is done with its results and one finding is open for O1
    assert done.status == VisitStatus.DONE and done.results[1]["result"] == "not_ok"
    (finding,) = SupervisionFinding.objects.filter(visit=visit)
    assert (finding.status, finding.org_unit, finding.item) == ("open", org["O1"], "服务用语规范")


def test_a_not_ok_item_without_a_note_is_named_at_its_row_and_nothing_is_recorded(actors, org):
    plan = make_plan(actors, org)
    visit = visit_plan(actor=actors["quality_lead"], plan_id=plan.pk,
                       data={"planned_date": "2026-11-01"})  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        visit_record(actor=actors["quality_lead"], visit_id=visit.pk,
                     data={"result_0": "ok", "result_1": "not_ok", "result_2": "maybe"})  # fmt: skip
    assert set(exc.value.fields) == {"note_1", "result_2"}
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and not SupervisionFinding.objects.exists()


def test_a_visit_outside_the_plan_or_without_a_date_is_named_at_its_field(actors, org):
    plan = make_plan(actors, org)
    with pytest.raises(ValidationFailed) as exc:
        visit_plan(actor=actors["quality_lead"], plan_id=plan.pk,
                   data={"org_unit": str(org["C2"].pk), "planned_date": "2026-13-01"})  # fmt: skip
    assert set(exc.value.fields) == {"org_unit", "planned_date"}


def test_a_cancelled_visit_needs_a_reason(actors, org):
    plan = make_plan(actors, org)
    visit = visit_plan(actor=actors["quality_lead"], plan_id=plan.pk,
                       data={"planned_date": "2026-11-01"})  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        visit_cancel(actor=actors["quality_lead"], visit_id=visit.pk, data={"reason": " "})
    assert set(exc.value.fields) == {"reason"}
    done = visit_cancel(actor=actors["quality_lead"], visit_id=visit.pk, data={"reason": "停业"})
    assert (done.status, done.cancel_reason) == ("cancelled", "停业")


# --- findings: clock, scope, my work ----------------------------------------------------------------


def finding_data(org, **over):
    data = {"process": PROCESS, "org_unit": str(org["C1"].pk), "title": "回访超时",
            "description": "抽查 20 件中 6 件回访超过时限"}  # fmt: skip
    return {**data, **over}


@pytest.mark.parametrize(
    ("opened", "last_day"),
    [
        (datetime(2026, 11, 2, 9, tzinfo=BEIJING), date(2026, 11, 16)),
        (datetime(2026, 11, 30, 17, tzinfo=BEIJING), date(2026, 12, 14)),
    ],
)
def test_a_finding_must_be_answered_within_ten_working_days(actors, org, opened, last_day):
    # Given a finding opened at a known time
    with time_machine.travel(opened, tick=False):
        finding = finding_open(actor=actors["quality_lead"], data=finding_data(org))
    # Then its response clock runs to the 10th working day after
    (d,) = Deadline.objects.filter(case_type=FINDING_PROCESS, case_id=str(finding.pk))
    assert (d.clock, d.state, d.last_day, d.org_path) == (
        RESPONSE.code,
        "running",
        last_day,
        org["C1"].path,
    )
    # When the owning unit answers, Then the clock is met
    with time_machine.travel(opened.replace(hour=18), tick=False):
        finding_act(actor=actors["branch_manager"], finding_id=finding.pk, action="respond",
                    data={"response": "已完成培训并整改"})  # fmt: skip
    d.refresh_from_db()
    assert d.state == "met"


def test_another_branchs_finding_answers_like_a_missing_one(actors, org):
    # Given a finding of C1 (under P1) and a branch manager of P2
    finding = finding_open(actor=actors["quality_lead"], data=finding_data(org))
    outsider = other_branch_manager(org)
    client_actions = [
        lambda fid: finding_act(actor=outsider, finding_id=fid, action="respond",
                                data={"response": "x"}),
        lambda fid: finding_link(actor=outsider, finding_id=fid, data={}),
    ]  # fmt: skip
    # Then every door answers NotFound for it exactly as for an id that does not exist
    for act in client_actions:
        for fid in (finding.pk, "00000000-0000-4000-8000-000000000099"):
            with pytest.raises(NotFound):
                act(fid)


def test_the_finding_page_of_another_branch_is_the_same_404_as_a_missing_one(
    client, personas, actors, org
):
    finding = finding_open(
        actor=actors["quality_lead"], data=finding_data(org, org_unit=org["C2"].pk)
    )
    client.force_login(personas["branch_manager"])
    theirs = client.get(reverse("process_management:supervision_finding", args=[finding.pk]))
    missing_id = "00000000-0000-4000-8000-000000000099"
    missing = client.get(reverse("process_management:supervision_finding", args=[missing_id]))
    assert theirs.status_code == missing.status_code == 404

    # the same page but for the id in its own address and the per-response CSRF mask
    def page(response, case_id):
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode().replace(case_id, "ID"))

    assert page(theirs, str(finding.pk)) == page(missing, missing_id)


def test_an_open_finding_is_the_owning_units_work_then_the_supervisors(actors, org):
    # Given a finding for C1 opened by compliance
    finding = finding_open(actor=actors["compliance"], data=finding_data(org))
    # Then it is in the work of the handlers over C1 (call-centre supervisor, branch manager of P1)
    for name in ("supervisor", "branch_manager"):
        assert [i.case.pk for i in my_work(actors[name], case_type=FINDING_PROCESS)] == [finding.pk]
    # and not in the work of compliance, who may only close it
    assert my_work(actors["compliance"], case_type=FINDING_PROCESS).count() == 0
    # nor of a branch manager elsewhere
    assert my_work(other_branch_manager(org), case_type=FINDING_PROCESS).count() == 0
    # When the unit answers, Then it waits for the supervisors to verify it
    finding_act(actor=actors["supervisor"], finding_id=finding.pk, action="respond",
                data={"response": "已整改"})  # fmt: skip
    assert my_work(actors["supervisor"], case_type=FINDING_PROCESS).count() == 0
    assert [i.case.pk for i in my_work(actors["compliance"], case_type=FINDING_PROCESS)] == [
        finding.pk
    ]
    done = finding_act(actor=actors["compliance"], finding_id=finding.pk, action="verify",
                       data={"verification": "抽查 10 件均按时回访"})  # fmt: skip
    assert done.status == FindingStatus.VERIFIED and done.closed_at is not None


def test_bad_finding_input_is_named_at_its_field(actors, org):
    with pytest.raises(ValidationFailed) as exc:
        finding_open(actor=actors["quality_lead"], data={
            "process": "", "org_unit": "", "title": "", "description": "x" * 5000,
            "link_type": "complaints.complaint", "link_id": "1",
        })  # fmt: skip
    assert set(exc.value.fields) == {"process", "org_unit", "title", "description", "link_type"}


# --- links to nonconformities through the kernel door -------------------------------------------------


def test_a_finding_links_to_a_nonconformity_in_scope_by_reference(actors, org):
    nc = make_nc(org)
    finding = finding_open(actor=actors["quality_lead"], data=finding_data(
        org, link_type=NC, link_id=str(nc.pk)))  # fmt: skip
    assert (finding.link_type, finding.link_id) == (NC, str(nc.pk))
    # linking later works the same
    other = finding_open(actor=actors["branch_manager"], data=finding_data(org))
    linked = finding_link(actor=actors["branch_manager"], finding_id=other.pk,
                          data={"link_type": NC, "link_id": str(nc.pk)})  # fmt: skip
    assert linked.link_id == str(nc.pk)


@pytest.mark.parametrize("which", ["other_branch", "missing", "not_a_uuid"])
def test_a_missing_or_out_of_scope_nonconformity_answers_the_same_at_the_field(actors, org, which):
    # Given a branch manager of P1 and a nonconformity of C2 (under P2)
    nc_id = {"other_branch": lambda: str(make_nc(org, "C2").pk),
             "missing": lambda: "00000000-0000-4000-8000-000000000099",
             "not_a_uuid": lambda: "BF-1"}[which]()  # fmt: skip
    finding = finding_open(actor=actors["branch_manager"], data=finding_data(org))
    # When they link to it, Then the answer is the same field error whichever it is
    with pytest.raises(ValidationFailed) as exc:
        finding_link(actor=actors["branch_manager"], finding_id=finding.pk,
                     data={"link_type": NC, "link_id": nc_id})  # fmt: skip
    assert exc.value.fields == {"link_id": ["您的管辖范围内没有这个编号的案件。"]}
    finding.refresh_from_db()
    assert finding.link_id == ""


# --- pages -----------------------------------------------------------------------------------------


def test_the_supervision_pages_render_for_a_supervisor(client, personas, actors, org):
    plan = make_plan(actors, org)
    visit = visit_plan(actor=actors["quality_lead"], plan_id=plan.pk,
                       data={"planned_date": "2026-11-01"})  # fmt: skip
    client.force_login(personas["quality_lead"])
    for url in (
        reverse("process_management:supervision_plans"),
        reverse("process_management:supervision_plan_new"),
        reverse("process_management:supervision_plan", args=[plan.pk]),
        reverse("process_management:supervision_visit", args=[visit.pk]),
        reverse("process_management:supervision_findings"),
        reverse("process_management:supervision_finding_new") + "?deviation=x",
    ):
        assert client.get(url).status_code == 200, url
    # When the checklist is posted with a not-ok item, Then the visit is done and a finding opened
    response = client.post(reverse("process_management:supervision_visit", args=[visit.pk]), {
        "version": visit.version, "result_0": "not_ok", "note_0": "公示缺失",
        "result_1": "ok", "result_2": "ok", "evidence": "IMG-2",
    })  # fmt: skip
    assert response.status_code == 302
    finding = SupervisionFinding.objects.get()
    page = client.get(reverse("process_management:supervision_finding", args=[finding.pk]))
    assert page.status_code == 200 and "公示缺失" in page.content.decode()
    # and each page names the state in words (待整改答复, 已完成), not an empty badge
    assert '<span class="chip">待整改答复</span>' in page.content.decode()
    done = client.get(reverse("process_management:supervision_visit", args=[visit.pk]))
    assert f'<span class="chip">{VisitStatus.DONE.label}</span>' in done.content.decode()


def test_a_bad_checklist_post_keeps_what_was_typed_and_names_the_row(client, personas, actors, org):
    plan = make_plan(actors, org)
    visit = visit_plan(actor=actors["quality_lead"], plan_id=plan.pk,
                       data={"planned_date": "2026-11-01"})  # fmt: skip
    client.force_login(personas["quality_lead"])
    response = client.post(reverse("process_management:supervision_visit", args=[visit.pk]), {
        "version": visit.version, "result_0": "not_ok", "note_0": "", "result_1": "ok",
        "evidence": "IMG-7",
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="item-0-error"' in body and 'id="item-2-error"' in body and "IMG-7" in body


def test_a_handler_answers_a_finding_on_its_page(client, personas, actors, org):
    finding = finding_open(actor=actors["quality_lead"], data=finding_data(org))
    client.force_login(personas["supervisor"])
    url = reverse("process_management:supervision_finding_action", args=[finding.pk, "respond"])
    empty = client.post(url, {"version": finding.version, "response": ""})
    assert empty.status_code == 422
    done = client.post(url, {"version": finding.version, "response": "已整改"})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "responded"
