"""Incidents on the engine (standard 9.3.3, 6.2.1(3); issue 20 §6): the containment and
notification clocks from detection with the rules' hours (time frozen), breach by the sweep,
closing refused until the notification is recorded, lessons learnt opening an improvement plan."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps

from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_deadlines
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.models import Deadline, RuleOverride
from hiqc.emergency.incidents import KIND, incident_act, incident_report
from hiqc.emergency.models import Incident

pytestmark = pytest.mark.django_db

MOMENTS = ["2026-12-31 22:00", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 23:00"]


def _report(actor, unit, **extra) -> Incident:
    return incident_report(actor=actor, data={
        "org_unit": unit.pk, "scenario": "infosec", "severity": "high",
        "title": "理赔影像外链泄露", "affected_customers": 37, "regulator_required": True,
        "note": "安全监测发现外部可访问的影像链接", **extra})  # fmt: skip


def _act(actor, case, action, **data) -> Incident:
    case.refresh_from_db()
    return incident_act(actor=actor, case_id=case.pk, action=action, data=data,
                        version=case.version)  # fmt: skip


@pytest.mark.parametrize("moment", MOMENTS)
def test_clocks_run_from_detection_with_the_rules_hours(actors, org, moment):
    now = datetime.fromisoformat(moment).replace(tzinfo=BEIJING)
    with time_machine.travel(now, tick=False):
        detected = now - timedelta(hours=2)
        case = _report(actors["admin"], org["C1"], detected_at=detected.isoformat())
        clocks = {d.clock: d for d in case_deadlines(KIND, case)}
        assert clocks["emergency.containment"].due_at == detected + timedelta(hours=24)
        assert clocks["emergency.notification"].due_at == detected + timedelta(hours=72)
        assert "设计默认值" in clocks["emergency.notification"].source
        assert case.personal_data and case.entries.count() == 1
    with time_machine.travel(now + timedelta(hours=21), tick=False):
        deadlines_sweep()
        assert Deadline.objects.get(clock="emergency.containment").state != "breached"
    with time_machine.travel(now + timedelta(hours=21, minutes=30), tick=False):
        _act(actors["admin"], case, "accept", note="启动信息安全事件应急预案")
        _act(actors["admin"], case, "contain", containment="关闭外链，吊销访问令牌")
        deadlines_sweep()
    contained = Deadline.objects.get(clock="emergency.containment")
    assert contained.closed_at is not None and contained.state != "breached"
    with time_machine.travel(now + timedelta(hours=71), tick=False):
        deadlines_sweep()
        assert Deadline.objects.get(clock="emergency.notification").state == "breached"


def test_a_tightened_rule_shortens_the_clock_and_no_notification_clock_without_need(actors, org):
    RuleOverride.objects.create(key="emergency.containment_hours", value="4")
    case = incident_report(actor=actors["risk"], data={
        "org_unit": org["P1"].pk, "scenario": "telephony", "severity": "medium",
        "title": "呼叫中心线路中断"})  # fmt: skip
    clocks = case_deadlines(KIND, case)
    assert [d.clock for d in clocks] == ["emergency.containment"]
    assert clocks[0].due_at - case.detected_at == timedelta(hours=4)


def test_worked_to_closure_with_notification_and_lessons(actors, personas, org):
    case = _report(actors["admin"], org["C1"])
    with pytest.raises(Conflict):  # not from reported
        _act(actors["admin"], case, "contain", containment="x")
    with pytest.raises(Conflict):
        _act(actors["admin"], case, "log", note="x")  # not while reported either
    _act(actors["admin"], case, "accept", note="启动预案")
    with pytest.raises(ValidationFailed) as missing:
        _act(actors["admin"], case, "log", note="")
    assert "note" in missing.value.fields
    _act(actors["admin"], case, "log", note="确认 37 名客户的影像可被外部访问")
    _act(actors["admin"], case, "contain", containment="关闭外链")
    with pytest.raises(Conflict) as refused:
        _act(actors["risk"], case, "close", root_cause="配置错误", lessons="上线前安全检查")
    assert "通知" in refused.value.message
    _act(actors["compliance"], case, "notify_after_containment",
         notification="短信与信函告知受影响客户；报告监管部门")  # fmt: skip
    closed = _act(actors["risk"], case, "close", root_cause="对象存储权限配置错误",
                  lessons="上线前增加安全配置检查",
                  actions=[{"title": "上线安全检查清单", "due_date": "2027-06-30"}])  # fmt: skip
    assert closed.status == "closed" and closed.customers_notified_at is not None
    assert closed.regulator_notified_at is not None and closed.improvement_plan_id is not None
    improvement = apps.get_model("quality", "ImprovementPlan").objects.get(
        pk=closed.improvement_plan_id)  # fmt: skip
    assert improvement.actions.get().owner_id == personas["risk"].pk
    assert [e.text[:4] for e in closed.entries.all()] == ["安全监测", "启动预案", "确认 3",
                                                          "关闭外链", "短信与信", "对象存储"]  # fmt: skip
    assert Deadline.objects.filter(case_id=str(case.pk), closed_at=None).count() == 0


def test_a_false_alarm_is_withdrawn_and_its_clocks_cancelled(actors, org):
    case = _report(actors["admin"], org["C1"])
    done = _act(actors["admin"], case, "withdraw", reason="监测误报")
    assert done.status == "withdrawn"
    assert Deadline.objects.filter(case_id=str(case.pk), closed_at=None).count() == 0
