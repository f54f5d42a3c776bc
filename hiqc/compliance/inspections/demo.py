"""The compliance inspections demo (issue 20 §3): this year's head-office plan over the claims,
complaint and personal-information obligations, with visits at head office (reported, passed,
closed), 北京分公司 (reported with two findings — CL-2 and CP-8 — reaching their controls, one
followed by a nonconformity), 四川分公司 (in progress, its report clock running) and 广东分公司
(planned and overdue). Every date is derived from today and kept inside this year (the plan's
period); a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .enums import FINDING_KIND
from .models import ComplianceInspection, InspectionPlan
from .services import inspection_act, inspection_create, plan_create

PLAN_TITLE = "年度合规检查计划（理赔、投诉、个人信息保护）"
FAILED = ("CL-2", "CP-8")  # 北京: claims decided late, decision letters without the review route
NOT_APPLICABLE = "PI-6"  # no leak happened: the remedy duty was not exercised


def _clamp(day: date, year: int) -> date:
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def demo_load(*, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
              ) -> dict[str, int]:  # fmt: skip
    head = org_units.get("HO")
    officer = users.get("compliance")
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    if head is None or InspectionPlan.objects.filter(title=PLAN_TITLE, year=today.year).exists():
        return {}
    who = actor_for_user(officer) if officer is not None else actor
    with transaction.atomic():
        plan = plan_create(actor=who, data={
            "org_unit": str(head.pk), "year": today.year, "quarter": 0, "title": PLAN_TITLE,
            "domains": ["claims", "complaints", "privacy"]})  # fmt: skip
        items = checklist_items(plan.checklist)
        visits = 0

        def visit(code: str, planned: date) -> ComplianceInspection | None:
            nonlocal visits
            unit = org_units.get(code)
            if unit is None:
                return None
            visits += 1
            return inspection_create(actor=who, at=now - timedelta(days=30), data={
                "plan": str(plan.pk), "org_unit": str(unit.pk),
                "planned_on": _clamp(planned, today.year).isoformat()})  # fmt: skip

        def marks(failed: tuple[str, ...]) -> dict[str, str]:
            out = {}
            for i in items:
                value = "0" if i.clause in failed else str(i.points)
                out[f"item_{i.pk}"] = "na" if i.clause == NOT_APPLICABLE else value
                if i.clause in failed:
                    out[f"note_{i.pk}"] = "抽查样本中发现不符合情形，详见检查报告。"
            return out

        ho = visit("HO", today - timedelta(days=12))
        if ho is not None:
            inspection_act(actor=who, case_id=ho.pk, action="start", data={},
                           at=now - timedelta(days=12))  # fmt: skip
            inspection_act(actor=who, case_id=ho.pk, action="report", at=now - timedelta(days=9),
                           data={**marks(()), "summary": "总公司各项合规义务执行良好。"})  # fmt: skip
            inspection_act(actor=who, case_id=ho.pk, action="close", at=now - timedelta(days=8),
                           data={"conclusion": "无不合格项，检查关闭。"})  # fmt: skip
        bj = visit("BJ", today - timedelta(days=7))
        if bj is not None:
            inspection_act(actor=who, case_id=bj.pk, action="start", data={},
                           at=now - timedelta(days=7))  # fmt: skip
            inspection_act(actor=who, case_id=bj.pk, action="report", at=now - timedelta(days=4),
                           data={**marks(FAILED), "summary": (
                               "抽查理赔案件 40 件，2 件核定超过 30 日；抽查投诉处理决定书 20 份，"
                               "3 份未载明申请核查途径。已要求分公司整改。")})  # fmt: skip
            from hiqc.core.models import Finding

            first = Finding.objects.filter(kind=FINDING_KIND, case_id=str(bj.pk),
                                           rule="CL-2").first()  # fmt: skip
            if first is not None:
                bj.refresh_from_db()
                inspection_act(actor=who, case_id=bj.pk, action="open_nc",
                               data={"finding": str(first.pk)}, at=now - timedelta(days=3))  # fmt: skip
        sc = visit("SC", today - timedelta(days=3))
        if sc is not None:
            inspection_act(actor=who, case_id=sc.pk, action="start", data={},
                           at=now - timedelta(days=3))  # fmt: skip
        visit("GD", today - timedelta(days=10))
    return {"compliance_inspection_plans": 1, "compliance_inspections": visits}
