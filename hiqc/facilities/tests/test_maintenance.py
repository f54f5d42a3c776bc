"""Preventive maintenance (standard 8.2.2; issue 19 §4): plans, task generation within the lead
window, catch-up after a gap (one task, never a backlog), usage-based plans from 使用记录
readings, completion (history entry, on time or late), the on-time indicator against hand-counted
values, permissions, the API's doors and the pages."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.indicators import Period, cases_of
from hiqc.facilities.equipment.services import equipment_create, equipment_event_record
from hiqc.facilities.maintenance import indicators
from hiqc.facilities.maintenance.services import (
    maintenance_generate,
    maintenance_plan_create,
    maintenance_plan_update,
    maintenance_task_act,
    plan_checklist,
)
from hiqc.facilities.models import EquipmentEvent, MaintenanceTask
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = date(2026, 1, 10)  # the items' purchase and commissioning day


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=BEIJING), tick=False)


@pytest.fixture
def item(actors, org):
    with at(D):
        return equipment_create(actor=actors["facility"], data={
            "asset_number": "PM-001", "name": "大厅排队叫号机", "category": "queue",
            "org_unit": org["O1"].pk, "purchase_date": D.isoformat()})  # fmt: skip


@pytest.fixture
def plan(actors, org, item):
    with at(D):
        return maintenance_plan_create(actor=actors["facility"], data={
            "name": "叫号机月度保养", "org_unit": org["C1"].pk, "category": "queue",
            "interval_days": 30, "lead_days": 7, "starts_on": D.isoformat(),
            "steps": "清洁屏幕与打印头\n检查取号纸余量\n测试叫号与语音"})  # fmt: skip


def _all_ok(task):
    return {str(i.pk): "ok" for i in checklist_items(plan_checklist(task.plan))}


def test_a_task_is_generated_when_due_within_the_lead_window_and_only_once(plan, item):
    assert maintenance_generate(today=D + timedelta(days=22)) == 0  # due D+30, lead 7
    assert maintenance_generate(today=D + timedelta(days=23)) == 1
    task = MaintenanceTask.objects.get()
    assert (task.equipment, task.due_on, task.warn_on) == (
        item,
        D + timedelta(days=30),
        D + timedelta(days=23),
    )
    assert task.state == "pending" and task.checklist.version == 1
    assert maintenance_generate(today=D + timedelta(days=24)) == 0  # idempotent


def test_catch_up_after_a_long_gap_creates_one_task_not_a_backlog(plan, item, actors):
    gap = D + timedelta(days=400)  # the job did not run for 13 months
    assert maintenance_generate(today=gap) == 1
    assert maintenance_generate(today=gap) == 0
    task = MaintenanceTask.objects.get()
    assert task.due_on == D + timedelta(days=30)  # overdue since then
    with at(gap):
        done = maintenance_task_act(actor=actors["facility"], task_id=task.pk,
                                    action="complete", data={"steps": _all_ok(task)})  # fmt: skip
    assert done.on_time is False and done.completed_on == gap
    # the next one counts from the completion, not from the missed months
    assert maintenance_generate(today=gap + timedelta(days=22)) == 0
    assert maintenance_generate(today=gap + timedelta(days=23)) == 1
    nxt = MaintenanceTask.objects.get(status="pending")
    assert nxt.due_on == gap + timedelta(days=30)


def test_a_plan_created_later_than_old_items_starts_at_its_start(actors, org, item):
    start = D + timedelta(days=200)
    with at(start):
        maintenance_plan_create(actor=actors["facility"], data={
            "name": "叫号机季度保养", "org_unit": org["C1"].pk, "category": "queue",
            "interval_days": 90, "starts_on": start.isoformat(), "steps": "清洁"})  # fmt: skip
    assert maintenance_generate(today=start) == 1
    assert MaintenanceTask.objects.get().due_on == start


def test_usage_plans_fall_due_from_recorded_readings(actors, org):
    with at(D):
        printer = equipment_create(actor=actors["facility"], data={
            "asset_number": "PM-PR-1", "name": "复印机", "category": "printer",
            "org_unit": org["O1"].pk, "purchase_date": D.isoformat()})  # fmt: skip
        maintenance_plan_create(actor=actors["facility"], data={
            "name": "复印机按印量保养", "equipment": printer.pk, "usage_interval": 1000,
            "usage_unit": "张", "steps": "清洁硒鼓\n更换易损件"})  # fmt: skip
    for day, reading in ((1, 100), (20, 600), (40, 1099)):
        with at(D + timedelta(days=day)):
            equipment_event_record(actor=actors["facility"], equipment_id=printer.pk, data={
                "kind": "use", "happened_on": (D + timedelta(days=day)).isoformat(),
                "reading": str(reading)})  # fmt: skip
    assert maintenance_generate(today=D + timedelta(days=45)) == 0  # 1099 < 100 + 1000
    with at(D + timedelta(days=50)):
        equipment_event_record(actor=actors["facility"], equipment_id=printer.pk, data={
            "kind": "use", "happened_on": (D + timedelta(days=50)).isoformat(),
            "reading": "1180"})  # fmt: skip
    assert maintenance_generate(today=D + timedelta(days=52)) == 1
    task = MaintenanceTask.objects.get()
    # due the plan's lead (7 days) after the reading that reached 100 + 1000
    assert task.due_on == D + timedelta(days=57) and task.due_reading == 1100
    assert task.warn_on == D + timedelta(days=50)
    with at(D + timedelta(days=52)):
        maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="complete",
                             data={"steps": _all_ok(task), "reading": "1200"})  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            equipment_event_record(actor=actors["facility"], equipment_id=printer.pk, data={
                "kind": "check", "happened_on": (D + timedelta(days=52)).isoformat(),
                "reading": "5"})  # fmt: skip
    assert "reading" in refused.value.fields
    assert maintenance_generate(today=D + timedelta(days=60)) == 0  # next at 2200


def test_completion_writes_the_history_and_records_late_or_on_time(plan, item, actors):
    maintenance_generate(today=D + timedelta(days=25))
    task = MaintenanceTask.objects.get()
    steps = _all_ok(task)
    first = next(iter(steps))
    with at(D + timedelta(days=28)):
        with pytest.raises(ValidationFailed) as missing:
            maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="complete",
                                 data={"steps": {first: "ok"}})  # fmt: skip
        assert len(missing.value.fields) == 2 and all(k.startswith("item_")
                                                      for k in missing.value.fields)  # fmt: skip
        with pytest.raises(ValidationFailed) as future:
            maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="complete",
                                 data={"steps": steps, "done_on": "2026-12-01"})  # fmt: skip
        assert "done_on" in future.value.fields
        steps[first] = "fail"
        done = maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="complete",
                                    data={"steps": steps, "step_notes": {first: "屏幕有划痕"},
                                          "cost": "35.5", "notes": "已清洁"}, version=1)  # fmt: skip
        assert done.on_time is True and done.state == "done" and done.version == 2
        assert done.results[first] == {"text": "清洁屏幕与打印头", "result": "fail",
                                       "note": "屏幕有划痕"}  # fmt: skip
        event = EquipmentEvent.objects.get(equipment=item, kind="maintenance")
        assert event == done.event and event.happened_on == D + timedelta(days=28)
        assert str(event.cost) == "35.50" and "1 项未通过" in event.note
        with pytest.raises(Conflict):
            maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="cancel",
                                 data={"reason": "x"})  # fmt: skip
    # the next is due 30 days after the completion, and done late
    maintenance_generate(today=D + timedelta(days=55))
    nxt = MaintenanceTask.objects.get(status="pending")
    assert nxt.due_on == D + timedelta(days=58)
    with at(D + timedelta(days=61)):
        late = maintenance_task_act(actor=actors["facility"], task_id=nxt.pk, action="complete",
                                    data={"steps": _all_ok(nxt)})  # fmt: skip
    assert late.on_time is False


def test_cancelling_skips_to_the_next_due_date(plan, item, actors):
    maintenance_generate(today=D + timedelta(days=25))
    task = MaintenanceTask.objects.get()
    with at(D + timedelta(days=25)):
        with pytest.raises(ValidationFailed):
            maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="cancel")
        maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="cancel",
                             data={"reason": "设备送修"})  # fmt: skip
    assert maintenance_generate(today=D + timedelta(days=53)) == 1
    assert MaintenanceTask.objects.get(status="pending").due_on == D + timedelta(days=60)


def test_changing_the_steps_publishes_a_new_version_and_done_tasks_keep_theirs(plan, item,
                                                                                actors):  # fmt: skip
    maintenance_generate(today=D + timedelta(days=25))
    task = MaintenanceTask.objects.get()
    with at(D + timedelta(days=26)):
        maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="complete",
                             data={"steps": _all_ok(task)})  # fmt: skip
        maintenance_plan_update(actor=actors["facility"], plan_id=plan.pk, data={
            "name": plan.name, "interval_days": 30, "lead_days": 7,
            "steps": "清洁屏幕\n检查纸量\n测试叫号\n检查电源线"})  # fmt: skip
    assert plan_checklist(plan).version == 2
    task.refresh_from_db()
    assert task.checklist.version == 1 and len(task.results) == 3


def test_permissions(plan, item, actors, org):
    maintenance_generate(today=D + timedelta(days=25))
    task = MaintenanceTask.objects.get()
    data = {"name": "x", "org_unit": org["C1"].pk, "category": "pc", "interval_days": 90,
            "steps": "清洁"}  # fmt: skip
    for who in ("auditor", "branch_manager", "quality_lead"):
        with pytest.raises(Forbidden):
            maintenance_plan_create(actor=actors[who], data=data)
    with at(D + timedelta(days=26)):
        with pytest.raises(Forbidden):  # sees it, may not record the maintenance
            maintenance_task_act(actor=actors["branch_manager"], task_id=task.pk,
                                 action="complete", data={"steps": _all_ok(task)})  # fmt: skip
        with pytest.raises(NotFound):
            maintenance_task_act(actor=actors["outsider_agent"], task_id=task.pk,
                                 action="complete", data={})  # fmt: skip
    with pytest.raises(NotFound):  # a unit outside the actor's scope
        maintenance_plan_create(actor=actors["facility"], data={**data, "org_unit": org["P2"].pk})


@pytest.fixture
def other_branch(org):
    o2 = OrgUnit.objects.create(code="O2", name="陆家嘴营业部", name_en="O2", level=OrgLevel.OUTLET,
                                parent=org["C2"], path="0001/0002/0001/0001/")  # fmt: skip
    user = User.objects.create_user(username="facility_p2", password="x" * 20,
                                    org_unit=org["P2"], display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.FACILITY_ADMIN, org_unit=org["P2"])
    return {"outlet": o2, "user": user}


def test_api_plans_tasks_actions_and_the_same_404_for_another_branch(personas, org, item,
                                                                       other_branch):  # fmt: skip
    facility = client_for(personas["facility"])
    with at(D + timedelta(days=25)):
        made = facility.post(f"{API}/maintenance-plans", data=json.dumps({
            "name": "叫号机月度保养", "org_unit": str(org["C1"].pk), "category": "queue",
            "interval_days": 30, "steps": ["清洁屏幕", "测试叫号"]}),
            content_type="application/json")  # fmt: skip
        assert made.status_code == 201, made.content
        plan = made.json()
        assert plan["steps"] == ["清洁屏幕", "测试叫号"] and plan["checklist_version"] == 1
        bad = facility.post(f"{API}/maintenance-plans", data=json.dumps(
            {"name": "", "org_unit": str(org["C1"].pk), "category": "queue", "steps": []}),
            content_type="application/json")  # fmt: skip
        assert bad.status_code == 422 and {"name", "steps", "interval_days"} <= set(
            bad.json()["fields"]
        )
        put = facility.put(f"{API}/maintenance-plans/{plan['id']}", data=json.dumps({
            "name": "叫号机月度保养", "interval_days": 30, "lead_days": 10,
            "steps": ["清洁屏幕", "测试叫号", "检查纸量"]}), content_type="application/json")  # fmt: skip
        assert put.status_code == 200 and put.json()["checklist_version"] == 2
        maintenance_generate(today=D + timedelta(days=25))
        listed = facility.get(f"{API}/maintenance-tasks?due_soon=true").json()["items"]
        assert len(listed) == 1 and listed[0]["due_soon"] and not listed[0]["overdue"]
        assert facility.get(f"{API}/maintenance-tasks?overdue=true").json()["items"] == []
        assert len(facility.get(f"{API}/maintenance-tasks?org_unit={org['O1'].pk}&equipment="
                                f"{item.pk}").json()["items"]) == 1  # fmt: skip
        task = facility.get(f"{API}/maintenance-tasks/{listed[0]['id']}").json()
        assert task["allowed_actions"] == ["complete", "cancel"] and len(task["steps"]) == 3
        done = facility.post(f"{API}/maintenance-tasks/{task['id']}/actions/complete",
                             data=json.dumps({"version": 1, "data": {"steps": {
                                 s["item_id"]: "ok" for s in task["steps"]}}}),
                             content_type="application/json")  # fmt: skip
        assert done.status_code == 200, done.content
        assert done.json()["state"] == "done" and done.json()["on_time"] is True
        stale = facility.post(f"{API}/maintenance-tasks/{task['id']}/actions/cancel",
                              data=json.dumps({"version": 1, "data": {"reason": "x"}}),
                              content_type="application/json")  # fmt: skip
        assert stale.status_code == 409
    # another branch's plan and task answer exactly as random ids
    other = client_for(other_branch["user"])
    for path in (f"/maintenance-plans/{plan['id']}", f"/maintenance-tasks/{task['id']}"):
        mine, random = other.get(API + path), other.get(API + path.rsplit("/", 1)[0] + "/"
                                                        + str(uuid.uuid4()))  # fmt: skip
        assert mine.status_code == random.status_code == 404 and mine.content == random.content
    assert other.get(f"{API}/maintenance-tasks").json()["items"] == []
    auditor = client_for(personas["auditor"])
    refused = auditor.post(f"{API}/maintenance-tasks/{task['id']}/actions/cancel",
                           data=json.dumps({"data": {}}), content_type="application/json")  # fmt: skip
    assert refused.status_code == 403


def test_the_on_time_rate_against_hand_counted_tasks(plan, item, actors, org):
    """March 2026: done on time ×2, done late ×1, open and past due ×1 (counted late), open and
    not yet due (not counted), cancelled (not counted) → 2 ÷ 4. February: one on time → 1 ÷ 1."""
    checklist = plan_checklist(plan)
    with at(D):
        second = equipment_create(actor=actors["facility"], data={
            "asset_number": "PM-002", "name": "叫号机", "category": "queue",
            "org_unit": org["O1"].pk, "purchase_date": D.isoformat()})  # fmt: skip
    rows = [  # due, state, on_time
        (date(2026, 2, 27), "done", True),
        (date(2026, 3, 1), "done", True), (date(2026, 3, 10), "done", True),
        (date(2026, 3, 12), "done", False), (date(2026, 3, 15), "pending", None),
        (date(2026, 3, 18), "cancelled", None), (date(2026, 3, 30), "pending", None),
    ]  # fmt: skip
    MaintenanceTask.objects.bulk_create(
        MaintenanceTask(plan=plan, equipment=second if due.day == 30 else item, due_on=due,
                        warn_on=due, status=state,
                        on_time=ok, checklist=checklist,
                        completed_on=due if ok else (due + timedelta(days=3) if ok is False
                                                     else None))
        for due, state, ok in rows)  # fmt: skip
    march = Period("month", datetime(2026, 3, 1, tzinfo=BEIJING),
                   datetime(2026, 4, 1, tzinfo=BEIJING))  # fmt: skip
    with at(date(2026, 3, 20)):
        assert indicators._on_time(march) == [(org["O1"].path, 2.0, 4.0)]
        feb = Period("month", datetime(2026, 2, 1, tzinfo=BEIJING), march.start)
        assert indicators._on_time(feb) == [(org["O1"].path, 1.0, 1.0)]
        behind = cases_of(indicators.ON_TIME, org["C1"].path, march.start, march.end)
    assert [c.bad for c in behind] == [True, True, False, False]
    assert behind[0].counted in ("超期 3 天完成", "逾期未完成")
    assert all(c.record_type == "facilities.maintenance_task" and c.url for c in behind)


def test_the_pages(personas, plan, item, actors, org):
    maintenance_generate(today=D + timedelta(days=40))  # due D+30: overdue
    task = MaintenanceTask.objects.get()
    facility = client_for(personas["facility"])
    with at(D + timedelta(days=40)):
        tasks = facility.get(reverse("facilities:maintenance_tasks") + "?due=overdue")
        assert tasks.status_code == 200
        body = tasks.content.decode()
        assert "PM-001" in body and "望京营业部" in body and "已逾期" in body
        assert facility.get(reverse("facilities:maintenance_plans")).status_code == 200
        page = facility.get(reverse("facilities:maintenance_plan", args=[plan.pk]))
        assert page.status_code == 200 and "测试叫号与语音" in page.content.decode()
        detail = facility.get(reverse("facilities:equipment_detail", args=[item.pk]))
        assert (
            "叫号机月度保养" in detail.content.decode()
            and 'id="next-task"' in detail.content.decode()
        )
        url = reverse("facilities:maintenance_task", args=[task.pk])
        form = facility.get(url)
        assert form.status_code == 200 and 'id="complete"' in form.content.decode()
        steps = {f"step_{k}": v for k, v in _all_ok(task).items()}
        refused = facility.post(url, {"action": "complete", "version": "1"})
        assert refused.status_code == 422
        done = facility.post(url, {"action": "complete", "version": "1", **steps,
                                   "notes": "已完成", "cost": "20"})  # fmt: skip
        assert done.status_code == 302
        shown = facility.get(url).content.decode()
        assert 'id="result"' in shown and "超期" in shown
        # the list opens on what is still to do; 全部 (state empty) shows the history too
        listed = reverse("facilities:maintenance_tasks")
        assert "PM-001" not in facility.get(listed).content.decode()
        assert "PM-001" in facility.get(listed + "?state=").content.decode()
        assert facility.get(reverse("facilities:maintenance_plans"),
                            {"category": "queue"}).status_code == 200  # fmt: skip
    created = facility.post(reverse("facilities:maintenance_plans"), {
        "name": "电脑季度保养", "org_unit": str(org["O1"].pk), "category": "pc",
        "interval_days": "90", "lead_days": "14", "steps": "清灰\n系统更新"})  # fmt: skip
    assert created.status_code == 302
    auditor = client_for(personas["auditor"])
    assert auditor.get(url).status_code == 200
    assert 'id="complete"' not in auditor.get(url).content.decode()
    assert Actor.system("t").can("facilities.maintain")


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 00:30", "2027-03-31 23:59"]
)
def test_the_daily_job_counts_in_beijing_days_at_the_turn_of_a_year_a_leap_day_and_a_month_end(
    personas, actors, org, moment
):
    """The job reads today in Beijing time (00:30 Beijing is the previous day in UTC): a task due
    in exactly the lead (7 days) is created on the day, not the day before; the API flags it due
    soon, not overdue."""
    from hiqc.core.models import AuditEvent
    from hiqc.facilities.tasks import maintenance_generate_job

    now = datetime.fromisoformat(moment).replace(tzinfo=BEIJING)
    today = now.date()
    with at(today - timedelta(days=23)):
        item = equipment_create(actor=actors["facility"], data={
            "asset_number": "PM-J-1", "name": "饮水机", "category": "water",
            "org_unit": org["O1"].pk,
            "purchase_date": (today - timedelta(days=23)).isoformat()})  # fmt: skip
        maintenance_plan_create(actor=actors["facility"], data={
            "name": "饮水设备月度保养", "org_unit": org["C1"].pk, "category": "water",
            "interval_days": 30, "lead_days": 7,
            "starts_on": (today - timedelta(days=60)).isoformat(), "steps": "清洗"})  # fmt: skip
    with time_machine.travel(now - timedelta(days=1), tick=False):
        assert maintenance_generate_job() == 0
    with time_machine.travel(now, tick=False):
        assert maintenance_generate_job() == 1
        assert maintenance_generate_job() == 0
        task = MaintenanceTask.objects.get(equipment=item)
        assert task.due_on == today + timedelta(days=7) and task.warn_on == today
        listed = client_for(personas["facility"]).get(f"{API}/maintenance-tasks").json()["items"]
        assert listed[0]["due_soon"] is True and listed[0]["overdue"] is False
    assert AuditEvent.objects.filter(action="facilities.maintenance.generate").count() == 1
