"""The emergency demo (issue 20 §8, the 9.3 slice): the six scenario plans at head office, the
information-security and evacuation plans at each province, two drills performed in the last
months (one on time at head office, one late at 广东), one overdue drill at 北京, and one
information-security incident at 广东 worked to closure with its timeline and notification.
Dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .enums import Scenario
from .incidents import incident_act, incident_report
from .models import Drill, EmergencyPlan, Incident
from .services import drill_plan, drill_record, plan_create

R = {"risk": "risk_manager", "it": "system_admin", "co": "compliance_officer",
     "bm": "branch_manager", "ql": "quality_lead"}  # fmt: skip


def _s(title: str, owner: str, minutes: int) -> dict[str, Any]:
    return {"title": title, "owner_role": R[owner], "target_minutes": minutes}


# scenario → (title, steps, RTO minutes, RPO minutes)
PLANS: dict[str, tuple[str, list[dict[str, Any]], int, int | None]] = {
    Scenario.INFOSEC: ("信息安全事件与数据泄露应急预案", [
        _s("确认事件、定级并启动预案", "it", 30), _s("隔离受影响系统、吊销泄露凭证", "it", 120),
        _s("评估受影响客户与数据范围", "co", 240), _s("通知受影响客户并报告监管部门", "co", 1440),
    ], 480, 60),
    Scenario.CORE_SYSTEM: ("核心业务系统中断应急预案", [
        _s("确认中断并启动预案", "it", 15), _s("切换至灾备系统", "it", 90),
        _s("启用手工应急受理流程", "bm", 60), _s("数据核对与回切", "it", 240),
    ], 240, 15),
    Scenario.TELEPHONY: ("客服电话系统中断应急预案", [
        _s("确认中断并启动预案", "it", 10), _s("切换备用线路与语音公告", "it", 30),
        _s("短信与官网公告服务渠道", "co", 60),
    ], 120, None),
    Scenario.CLAIMS_SURGE: ("灾后理赔激增应急预案", [
        _s("启动巨灾理赔绿色通道", "risk", 240), _s("调配跨机构理赔人员", "bm", 1440),
        _s("每日理赔进度通报", "ql", 1440),
    ], 2880, None),
    Scenario.PUBLIC_HEALTH: ("公共卫生事件应急预案", [
        _s("启动预案并发布防控要求", "risk", 120), _s("网点防护与线上服务切换", "bm", 480),
        _s("员工健康监测与轮岗", "bm", 1440),
    ], 1440, None),
    Scenario.EVACUATION: ("营业网点紧急疏散应急预案", [
        _s("发出疏散指令", "bm", 2), _s("引导客户与员工撤离", "bm", 8),
        _s("集合点清点人数", "bm", 5),
    ], 30, None),
}  # fmt: skip
PROVINCE_SCENARIOS = (Scenario.INFOSEC, Scenario.EVACUATION)
INCIDENT_TITLE = "理赔影像外部链接可被公开访问"
OUTAGE_TITLE = "客服热线中继线路中断"


def _actor(users: Mapping[str, User], name: str, fallback: Actor) -> Actor:
    user = users.get(name)
    return actor_for_user(user) if user is not None else fallback


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def _plan(unit: OrgUnit, scenario: str, actor: Actor, approved: date,
          counts: dict[str, int]) -> EmergencyPlan:  # fmt: skip
    title, steps, rto, rpo = PLANS[scenario]
    if unit.level != OrgLevel.HEAD_OFFICE:
        title = f"{unit.name}{title}"
    plan = EmergencyPlan.objects.filter(org_unit=unit, scenario=scenario, current=True).first()
    if plan is None:
        plan = plan_create(actor=actor, data={
            "org_unit": unit.pk, "scenario": scenario, "title": title, "steps": steps,
            "rto_minutes": rto, "rpo_minutes": rpo, "approve": True,
            "roles": [{"role": s["owner_role"], "duty": ""} for s in steps],
            "contacts": [{"level": 1, "role": R["risk"]}, {"level": 2, "role": R["co"]},
                         {"level": 3, "role": R["bm"]}],
        })  # fmt: skip
        # approved on a past date (the demo's history)
        EmergencyPlan.objects.filter(pk=plan.pk).update(approved_on=approved)
        plan.approved_on = approved
        counts["plans"] += 1
    return plan


def _drill(plan: EmergencyPlan, actor: Actor, *, due: date, performed: date | None,
           slow: bool, counts: dict[str, int]) -> None:  # fmt: skip
    if Drill.objects.filter(family=plan.family).exists():
        return
    drill = drill_plan(actor=actor, data={"plan": plan.pk, "due_date": due})
    counts["drills"] += 1
    if performed is None:
        return
    timings = {str(s["position"]): s["target_minutes"] + (15 if slow and n == 1 else -1)
               for n, s in enumerate(plan.steps)}  # fmt: skip
    drill_record(actor=actor, drill_id=drill.pk, data={
        "performed_on": performed, "participants": 24 if not slow else 41,
        "notes": "桌面推演结合实操切换", "timings": timings,
        "recovery_minutes": plan.rto_minutes - 20 if not slow else plan.rto_minutes + 5,
        "review": "" if not slow else "第二步超出目标用时，疏散引导人手不足",
        "actions": [] if not slow else [
            {"title": "每层增设一名疏散引导员并培训", "due_date": performed + timedelta(days=60)}],
    })  # fmt: skip


def _incident(unit: OrgUnit, actor: Actor, plan: EmergencyPlan | None, today: date,
              counts: dict[str, int]) -> None:  # fmt: skip
    if Incident.objects.filter(org_unit=unit, title=INCIDENT_TITLE).exists():
        return
    reported = _at(today - timedelta(days=40), 10, 30)
    case = incident_report(actor=actor, at=reported, data={
        "org_unit": unit.pk, "scenario": Scenario.INFOSEC, "severity": "high",
        "title": INCIDENT_TITLE, "detected_at": reported - timedelta(minutes=45),
        "affected_customers": 37, "personal_data": True, "regulator_required": True,
        "plan": plan.pk if plan else None,
        "note": "安全监测发现理赔影像存储桶的外部链接可被公开访问",
    })  # fmt: skip
    steps: list[tuple[str, timedelta, dict[str, Any]]] = [
        ("accept", timedelta(minutes=20), {"note": "启动信息安全事件应急预案，成立处置小组"}),
        ("log", timedelta(hours=2), {"note": "关闭外部链接，吊销相关访问凭证"}),
        ("log", timedelta(hours=5), {"note": "日志核查：37 名客户的理赔影像在 3 天内可被访问"}),
        ("contain", timedelta(hours=6), {"containment": "存储桶改为私有，全量轮换访问密钥"}),
        ("notify_after_containment", timedelta(hours=20), {
            "notification": "短信与信函告知受影响客户事件、原因、可能的危害、补救措施与联系方式；"
                            "报告属地监管部门与网信部门（《个人信息保护法》第57条）"}),
        ("close", timedelta(days=12), {"root_cause": "上线变更未经安全配置检查，存储桶权限误设为公开",
                                       "lessons": "变更上线前增加安全配置检查；每月扫描公开资源"}),
    ]  # fmt: skip
    for action, after, data in steps:
        case.refresh_from_db()
        incident_act(actor=actor, case_id=case.pk, action=action, data=data,
                     version=case.version, at=reported + after)  # fmt: skip
    counts["incidents"] += 1


def _outage(unit: OrgUnit, actor: Actor, plan: EmergencyPlan | None, counts: dict[str, int]
            ) -> None:  # fmt: skip
    """An incident being worked now: the province's hotline trunk down since three hours ago."""
    if Incident.objects.filter(org_unit=unit, title=OUTAGE_TITLE).exists():
        return
    now = timezone.now()
    case = incident_report(actor=actor, at=now - timedelta(hours=2, minutes=40), data={
        "org_unit": unit.pk, "scenario": Scenario.TELEPHONY, "severity": "medium",
        "title": OUTAGE_TITLE, "detected_at": now - timedelta(hours=3),
        "plan": plan.pk if plan else None, "note": "呼叫中心监控告警：中继线路全部掉线",
    })  # fmt: skip
    incident_act(actor=actor, case_id=case.pk, action="accept", version=case.version,
                 data={"note": "启动电话系统中断应急预案，切换备用线路"},
                 at=now - timedelta(hours=2, minutes=30))  # fmt: skip
    counts["incidents"] += 1


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    head = next((u for u in org_units.values() if u.level == OrgLevel.HEAD_OFFICE), None)
    if head is None:
        return {}
    provinces = sorted((u for u in org_units.values() if u.level == OrgLevel.PROVINCE),
                       key=lambda u: u.path)  # fmt: skip
    today = timezone.now().astimezone(BEIJING).date()
    risk = _actor(users, "risk", Actor.system("demo"))
    counts = {"plans": 0, "drills": 0, "incidents": 0}
    approved = today - timedelta(days=300)
    plans = {s: _plan(head, s, risk, approved, counts) for s in PLANS}
    by_province = {p.code: {s: _plan(p, s, risk, approved, counts) for s in PROVINCE_SCENARIOS}
                   for p in provinces}  # fmt: skip
    # on time at head office; late at the second province; overdue at the first
    _drill(plans[Scenario.CORE_SYSTEM], risk, due=today - timedelta(days=50),
           performed=today - timedelta(days=60), slow=False, counts=counts)  # fmt: skip
    if len(provinces) > 1:
        _drill(by_province[provinces[1].code][Scenario.EVACUATION], risk,
               due=today - timedelta(days=45), performed=today - timedelta(days=20), slow=True,
               counts=counts)  # fmt: skip
    if provinces:
        _drill(by_province[provinces[0].code][Scenario.EVACUATION], risk,
               due=today - timedelta(days=30), performed=None, slow=False, counts=counts)  # fmt: skip
    where = provinces[1] if len(provinces) > 1 else head
    plan = (by_province.get(where.code) or plans).get(Scenario.INFOSEC)
    _incident(where, _actor(users, "admin", Actor.system("demo")), plan, today, counts)
    first = provinces[0] if provinces else head
    branch = _actor(users, "branch_manager_bj", risk) if provinces else risk
    _outage(first, branch, plans.get(Scenario.TELEPHONY) if first == head else None, counts)
    return {k: v for k, v in counts.items() if v}
