"""Plans and drills (standard 9.3.1, 9.3.2; issue 20 §6): versions on edit, the schedule's
catch-up (one drill after a long gap, never a backlog), timings against the targets, and the
after-action review opening an improvement plan through the kernel."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, months_after
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.emergency.models import Drill, EmergencyPlan
from hiqc.emergency.services import (
    drill_plan,
    drill_record,
    drills_schedule,
    plan_update,
)

from .conftest import STEPS, plan_data

pytestmark = pytest.mark.django_db


def _at(day: str):
    return time_machine.travel(datetime.fromisoformat(day + " 09:00").replace(tzinfo=BEIJING),
                               tick=False)  # fmt: skip


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert months_after(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert months_after(date(2026, 12, 31), 12) == date(2027, 12, 31)
    assert months_after(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_editing_an_approved_plan_makes_a_new_version(actors, plan):
    data = plan_data(plan.org_unit, rto_minutes=180, approve=False)
    newer = plan_update(actor=actors["risk"], plan_id=plan.pk, data=data)
    assert (newer.version, newer.approved, newer.current, newer.family) == (2, False, True,
                                                                            plan.family)  # fmt: skip
    plan.refresh_from_db()
    assert plan.current is False and plan.approved and plan.rto_minutes == 240
    with pytest.raises(Conflict):
        plan_update(actor=actors["risk"], plan_id=plan.pk, data=data)
    same = plan_update(actor=actors["risk"], plan_id=newer.pk, data={**data, "approve": True})
    assert same.pk == newer.pk and same.approved and same.version == 2
    bad = {**data, "steps": [{**STEPS[0], "target_minutes": "x"}], "contacts": [
        {"level": 1, "role": "", "person": "nobody_here"}]}  # fmt: skip
    with pytest.raises(ValidationFailed) as err:
        plan_update(actor=actors["risk"], plan_id=newer.pk, data=bad)
    assert {"steps.1.target_minutes", "contacts.1.person"} <= err.value.fields.keys()


@pytest.mark.parametrize("day", ["2026-12-31", "2027-01-01", "2028-02-29", "2027-03-31"])
def test_the_schedule_catches_up_with_one_drill_never_a_backlog(actors, org, day):
    with _at("2023-06-15"):
        plan = EmergencyPlan.objects.create(
            org_unit=org["P1"], scenario="telephony", title="电话系统中断应急预案", steps=STEPS,
            rto_minutes=120, approved=True, approved_on=date(2023, 6, 15))  # fmt: skip
    with _at(day):  # the job did not run for years
        first = drills_schedule()
        assert first == {"created": 1, "overdue": 1}
        drill = Drill.objects.get()
        assert drill.due_date == date(2024, 6, 15) and drill.plan_id == plan.pk
        assert drills_schedule() == {"created": 0, "overdue": 1}  # idempotent
        drill_record(actor=actors["risk"], drill_id=drill.pk, data={
            "performed_on": day, "participants": 12, "recovery_minutes": 100,
            "timings": {"1": 10, "2": 50, "3": 100}})  # fmt: skip
        assert drills_schedule() == {"created": 0, "overdue": 0}  # next one a year away
    today = date.fromisoformat(day)
    with _at(months_after(today, 12).isoformat()):
        assert drills_schedule()["created"] == 1
        assert Drill.objects.filter(performed_on=None).get().due_date == months_after(today, 12)


def test_an_unapproved_or_superseded_plan_is_not_scheduled(actors, org, plan):
    plan_update(actor=actors["risk"], plan_id=plan.pk,
                data=plan_data(org["P1"], rto_minutes=200, approve=False))  # fmt: skip
    with _at("2030-01-01"):
        assert drills_schedule() == {"created": 0, "overdue": 0}


@time_machine.travel(datetime(2026, 1, 6, 9, tzinfo=BEIJING), tick=False)
def test_timings_against_targets_and_recovery_against_the_rto(actors, plan):
    drill = drill_plan(actor=actors["branch_manager"],
                       data={"plan": plan.pk, "due_date": "2026-01-01"})  # fmt: skip
    with pytest.raises(Conflict):  # one open drill per plan
        drill_plan(actor=actors["risk"], data={"plan": plan.pk, "due_date": "2026-02-01"})
    with pytest.raises(ValidationFailed) as err:
        drill_record(actor=actors["branch_manager"], drill_id=drill.pk, data={
            "performed_on": "2026-01-05", "participants": 8, "recovery_minutes": 200,
            "timings": {"1": 10, "2": "abc", "9": 5}})  # fmt: skip
    assert {"timings.2", "timings.3", "timings.9"} <= err.value.fields.keys()
    done = drill_record(actor=actors["branch_manager"], drill_id=drill.pk, data={
        "performed_on": "2026-01-05", "participants": 8, "recovery_minutes": 200,
        "timings": [{"position": 1, "actual_minutes": 15}, {"position": 2, "actual_minutes": 75},
                    {"position": 3, "actual_minutes": 90}]})  # fmt: skip
    assert [t["met"] for t in done.timings] == [True, False, True]
    assert done.recovery_met is True and done.met is False and done.late is True
    with pytest.raises(Conflict):
        drill_record(actor=actors["branch_manager"], drill_id=drill.pk, data={})


@time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BEIJING), tick=False)
def test_the_after_action_review_opens_an_improvement_plan_with_its_actions(actors, personas,
                                                                             plan):  # fmt: skip
    drill = drill_plan(actor=actors["risk"], data={"plan": plan.pk, "due_date": "2026-12-01"})
    with _at("2026-12-02"):
        done = drill_record(actor=actors["branch_manager"], drill_id=drill.pk, data={
            "performed_on": "2026-12-02", "participants": 20, "recovery_minutes": 300,
            "timings": {"1": 10, "2": 90, "3": 100}, "review": "切换备用系统超时，RTO 未达标",
            "actions": [{"title": "更新切换手册", "due_date": "2027-01-31"},
                        {"title": "增加切换演练", "due_date": "2027-03-31",
                         "owner": str(personas["risk"].pk)}]})  # fmt: skip
    assert done.met is False and done.improvement_plan_id is not None
    plans = apps.get_model("quality", "ImprovementPlan")
    improvement = plans.objects.get(pk=done.improvement_plan_id)
    assert improvement.org_unit_id == plan.org_unit_id
    assert improvement.indicator_code == "emergency.drill_targets_met"
    owners = {a.title: a.owner_id for a in improvement.actions.all()}
    assert owners == {"更新切换手册": personas["branch_manager"].pk,
                      "增加切换演练": personas["risk"].pk}  # fmt: skip


@time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BEIJING), tick=False)
def test_a_bad_action_opens_nothing_and_names_the_row(actors, plan):
    drill = drill_plan(actor=actors["risk"], data={"plan": plan.pk, "due_date": "2026-12-01"})
    with _at("2026-12-02"), pytest.raises(ValidationFailed) as err:
        drill_record(actor=Actor.system("t"), drill_id=drill.pk, data={
            "performed_on": "2026-12-02", "participants": 20, "recovery_minutes": 30,
            "timings": {"1": 10, "2": 20, "3": 30}, "review": "ok",
            "actions": [{"title": "x", "due_date": "2027-01-31"}]})  # fmt: skip
    assert "actions.1.owner" in err.value.fields
    assert Drill.objects.get().performed_on is None
    assert not apps.get_model("quality", "ImprovementPlan").objects.exists()
