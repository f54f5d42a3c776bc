"""Maintenance tasks and renewal plans on the case engine (ADR 0032; standard 8.2.2, 8.3.6):
a generated task opens its case with a clock started on its warning day and due at the end of
its planned day; completing stops it met or breached by the day done (across a weekend and a
month end); cancelling cancels it; the sweep breaches an overdue task once; "my work" lists the
open tasks of those who maintain; renewal plans move through the engine's steps, each with its
event."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, Forbidden
from hiqc.core.models import CaseEvent, Deadline
from hiqc.facilities.equipment.services import equipment_create
from hiqc.facilities.maintenance.services import (
    maintenance_generate,
    maintenance_plan_create,
    maintenance_task_act,
    plan_checklist,
)
from hiqc.facilities.maintenance.workflow import PM_CLOCK, PROCESS
from hiqc.facilities.models import MaintenanceTask, RenewalPlan
from hiqc.facilities.renewal import renewal_plan_create, renewal_plan_update
from hiqc.facilities.renewal_workflow import PROCESS as RENEWAL_PROCESS

pytestmark = pytest.mark.django_db
START = date(2026, 1, 2)  # a Friday; the plan is due every 29 days → Saturday 31 January


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=BEIJING), tick=False)


@pytest.fixture
def task(actors, org):
    with at(START):
        equipment_create(actor=actors["facility"], data={
            "asset_number": "ENG-001", "name": "自助终端", "category": "self_service",
            "org_unit": org["O1"].pk, "purchase_date": START.isoformat()})  # fmt: skip
        maintenance_plan_create(actor=actors["facility"], data={
            "name": "自助终端保养", "org_unit": org["C1"].pk, "category": "self_service",
            "interval_days": 29, "lead_days": 5, "starts_on": START.isoformat(),
            "steps": "清洁屏幕\n检查凭条纸"})  # fmt: skip
    with at(date(2026, 1, 26), 5):
        assert maintenance_generate() == 1
    return MaintenanceTask.objects.get()


def _clock(task: MaintenanceTask) -> Deadline:
    return Deadline.objects.get(case_type=PROCESS, case_id=str(task.pk), clock=PM_CLOCK.code)


def _done(task: MaintenanceTask, actors, day: date, *, when: date) -> MaintenanceTask:
    steps = {str(i.pk): "ok" for i in checklist_items(plan_checklist(task.plan))}
    with at(when, 17):
        return maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="complete",
                                    data={"steps": steps, "done_on": day.isoformat()})  # fmt: skip


def test_a_generated_task_opens_its_case_with_a_clock_due_at_the_end_of_its_planned_day(task):
    assert (task.status, task.due_on, task.warn_on) == ("pending", date(2026, 1, 31),
                                                       date(2026, 1, 26))  # fmt: skip
    clock = _clock(task)
    # the plan's Saturday, not rolled over to Monday, nor "N days from when it was written"
    assert clock.started_at == datetime(2026, 1, 26, tzinfo=BEIJING)
    assert clock.due_at == datetime(2026, 2, 1, tzinfo=BEIJING)
    assert (clock.last_day, clock.amount, clock.state) == (date(2026, 1, 31), 5, "running")
    created = CaseEvent.objects.get(case_type=PROCESS, case_id=str(task.pk))
    assert (created.activity, created.to_state, created.source) == ("create", "pending", "system")


def test_done_on_the_saturday_due_date_recorded_on_monday_meets_the_clock(task, actors):
    done = _done(task, actors, date(2026, 1, 31), when=date(2026, 2, 2))
    clock = _clock(task)
    assert (done.status, done.on_time, clock.state) == ("done", True, "met")
    assert clock.closed_at == datetime(2026, 1, 31, 12, tzinfo=BEIJING)  # the day done
    event = CaseEvent.objects.get(case_type=PROCESS, case_id=str(task.pk), activity="complete")
    assert event.data == {"done_on": "2026-01-31", "on_time": True, "failed": 0}


def test_done_the_day_after_the_due_date_across_the_month_end_breaches_the_clock(task, actors):
    done = _done(task, actors, date(2026, 2, 1), when=date(2026, 2, 1))
    clock = _clock(task)
    assert (done.on_time, clock.state, clock.breached_at) == (
        False, "breached", datetime(2026, 2, 1, tzinfo=BEIJING))  # fmt: skip


def test_cancelling_cancels_the_clock_and_a_closed_task_answers_409(task, actors):
    with at(date(2026, 1, 28)):
        maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="cancel",
                             data={"reason": "设备搬迁"})  # fmt: skip
        assert _clock(task).state == "cancelled"
        with pytest.raises(Conflict) as closed:
            maintenance_task_act(actor=actors["facility"], task_id=task.pk, action="cancel",
                                 data={"reason": "再次"})  # fmt: skip
    assert closed.value.code == "action_not_allowed"


def test_the_sweep_breaches_an_overdue_task_once_and_completion_keeps_it_late(task, actors):
    assert deadlines_sweep(datetime(2026, 2, 3, tzinfo=BEIJING))["breaches"] == 1
    assert deadlines_sweep(datetime(2026, 2, 4, tzinfo=BEIJING))["breaches"] == 0
    done = _done(task, actors, date(2026, 2, 3), when=date(2026, 2, 3))
    assert (done.on_time, _clock(task).state) == (False, "breached")


def test_maintaining_is_the_maintainers_work_and_cancelling_the_managers_right(task, actors):
    from hiqc.facilities.maintenance.services import KIND

    assert KIND.work_map() == {"pending": ("facilities.maintain",)}
    with at(date(2026, 1, 27)), pytest.raises(Forbidden):
        maintenance_task_act(actor=actors["branch_manager"], task_id=task.pk, action="complete",
                             data={"steps": {}})  # fmt: skip


def test_renewal_plans_move_through_the_engines_steps_each_with_its_event(actors, org):
    facility, manager = actors["facility"], actors["branch_manager"]
    today = date(2026, 6, 15)
    with at(today):
        item = equipment_create(actor=facility, data={
            "asset_number": "REN-1", "name": "柜面电脑", "category": "pc",
            "org_unit": org["O1"].pk, "purchase_date": "2019-05-01"})  # fmt: skip
        plan = renewal_plan_create(actor=facility, data={
            "org_unit": org["O1"].pk, "items": [item.pk], "budget_year": 2026, "reason": "age",
            "estimated_cost": "5200"})  # fmt: skip
        for who, target in ((manager, "approved"), (manager, "planned"), (manager, "approved"),
                            (facility, "done")):  # fmt: skip
            renewal_plan_update(actor=who, plan_id=plan.pk, data={"state": target})
    plan = RenewalPlan.objects.get()
    assert (plan.status, plan.version, plan.approved_by) == ("done", 5, "branch_manager")
    steps = CaseEvent.objects.filter(case_type=RENEWAL_PROCESS, case_id=str(plan.pk))
    assert list(steps.order_by("id").values_list("activity", flat=True)) == [
        "create", "approve", "send_back", "approve", "complete"]  # fmt: skip
    with at(today), pytest.raises(Conflict) as closed:
        renewal_plan_update(actor=manager, plan_id=plan.pk, data={"state": "planned"})
    assert closed.value.code == "not_allowed"


def test_a_dropped_approved_plan_is_withdrawn_by_the_approver_not_the_manager(actors, org):
    facility, manager = actors["facility"], actors["branch_manager"]
    with at(date(2026, 6, 15)):
        item = equipment_create(actor=facility, data={
            "asset_number": "REN-2", "name": "柜面电脑", "category": "pc",
            "org_unit": org["O1"].pk, "purchase_date": "2019-05-01"})  # fmt: skip
        plan = renewal_plan_create(actor=facility, data={
            "org_unit": org["O1"].pk, "items": [item.pk], "budget_year": 2026, "reason": "age",
            "estimated_cost": "5200"})  # fmt: skip
        renewal_plan_update(actor=manager, plan_id=plan.pk, data={"state": "approved"})
        with pytest.raises(Forbidden):
            renewal_plan_update(actor=facility, plan_id=plan.pk, data={"state": "dropped"})
        renewal_plan_update(actor=manager, plan_id=plan.pk, data={"state": "dropped"})
    assert RenewalPlan.objects.get().status == "dropped"
    assert CaseEvent.objects.filter(case_type=RENEWAL_PROCESS, activity="withdraw").count() == 1


def test_the_task_api_answers_409_for_a_closed_task_with_the_state_and_allowed_actions(
    task, actors, personas
):
    import json

    from .conftest import client_for

    _done(task, actors, date(2026, 1, 30), when=date(2026, 1, 30))
    client = client_for(personas["facility"])
    with at(date(2026, 1, 30)):
        again = client.post(f"/api/v1/maintenance-tasks/{task.pk}/actions/complete",
                            data=json.dumps({"data": {}}), content_type="application/json")  # fmt: skip
        shown = client.get(f"/api/v1/maintenance-tasks/{task.pk}").json()
    assert again.status_code == 409 and again.json()["code"] == "action_not_allowed"
    assert (shown["status"], shown["state"], shown["allowed_actions"]) == ("done", "done", [])
