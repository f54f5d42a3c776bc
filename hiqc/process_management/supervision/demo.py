"""Supervision demo (issue 16 §6): an on-site plan over 朝阳中心支公司 with one visit recorded
(one checklist item not ok, so one open finding for 望京营业部), one visit still to do, and a
finding of a remote check answered and waiting for verification."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.organisations.models import OrgUnit, User

from .models import SupervisionPlan
from .services import finding_act, finding_open, plan_create, visit_plan, visit_record

CITY, OUTLET = "BJ-CY", "BJ-CY-WJ"
PROCESS = "complaints.complaint"


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    city, outlet = org_units.get(CITY), org_units.get(OUTLET)
    if city is None or outlet is None or SupervisionPlan.objects.exists():
        return {}
    system = Actor.system("demo")
    today = timezone.localdate()
    plan = plan_create(actor=system, data={
        "process": PROCESS, "title": "营业部投诉受理现场检查", "method": "on_site",
        "org_unit": city.pk, "period_days": "30",
        "start_date": (today - timedelta(days=45)).isoformat(),
        "checklist": "投诉渠道与处理时限在营业场所公示\n投诉登记当日录入系统\n回访记录完整",
    })  # fmt: skip
    done = visit_plan(actor=system, plan_id=plan.pk,
                      data={"org_unit": outlet.pk, "planned_date": plan.start_date.isoformat()})  # fmt: skip
    visit_record(actor=system, visit_id=done.pk, data={
        "result_0": "ok", "result_1": "not_ok", "note_1": "抽查 5 件中 2 件次日才录入",
        "result_2": "ok", "evidence": "现场照片 WJ-0412；抽查清单 JC-2026-031",
    })  # fmt: skip
    visit_plan(actor=system, plan_id=plan.pk,
               data={"org_unit": outlet.pk,
                     "planned_date": (plan.start_date + timedelta(days=30)).isoformat()})  # fmt: skip
    remote = finding_open(actor=system, data={
        "process": PROCESS, "org_unit": city.pk, "title": "投诉回访录音缺失",
        "description": "远程抽听 20 件回访，3 件无录音。",
    })  # fmt: skip
    finding_act(actor=system, finding_id=remote.pk, action="respond",
                data={"response": "已补录并加入每日核对。"})  # fmt: skip
    return {"supervision_plans": 1, "supervision_visits": 2, "supervision_findings": 2}
