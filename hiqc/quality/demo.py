"""Quality demo step (runs after every other domain's demo): every declared indicator that has no
month rows yet is computed over the demo year by month, and by day for the last 30 days — what
the nightly job (``core.indicators_daily``) would have written had the system run all year."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, align, indicators_compute, next_start
from hiqc.core.models import IndicatorValue
from hiqc.organisations.models import OrgUnit, User

from .models import ImprovementPlan, Nonconformity
from .nonconformities.services import nonconformities_detect
from .plans.services import action_add, action_done, plan_act, plan_create

DAYS = 366


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    now = timezone.now().astimezone(BEIJING)
    counts = _indicators(now)
    counts["nonconformities"] = len(nonconformities_detect().opened)
    counts.update(_improvement_plan(org_units, users, now))
    return counts


def _indicators(now: datetime) -> dict[str, int]:
    have = set(IndicatorValue.objects.filter(granularity="month").values_list("code", flat=True))
    missing = [
        code for code, i in INDICATORS.items()
        if code not in have and i.samples is None and "month" in i.granularities
    ]  # fmt: skip
    if not missing:
        return {}
    start = align(now - timedelta(days=DAYS), "month")
    end = next_start(align(now, "month"), "month")
    rows = indicators_compute(codes=missing, granularity="month", start=start, end=end)
    # day rows for the last 30 days only (the overview and control charts read months)
    day_start = align(now - timedelta(days=30), "day")
    day_end = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), BEIJING)
    rows += indicators_compute(codes=missing, granularity="day", start=day_start, end=day_end)
    return {"indicators": len(missing), "indicator_rows": rows}


def _improvement_plan(org_units: Mapping[str, OrgUnit], users: Mapping[str, User], now: datetime
                      ) -> dict[str, int]:  # fmt: skip
    """成都's document-review plan: baseline the six months before the change, the actions done,
    effect measured on the step's median working days since (the claims demo generates the faster
    review for claims received in the last ``IMPROVED_DAYS``)."""
    from hiqc.claims.demo import IMPROVED_DAYS, SLOW_CITY

    unit = org_units.get(SLOW_CITY)
    if unit is None or ImprovementPlan.objects.filter(org_unit=unit).exists():
        return {}
    actor = Actor.system("demo")
    changed = (now - timedelta(days=IMPROVED_DAYS)).date()
    ncs = list(Nonconformity.objects.filter(org_unit__path__startswith=unit.path)
               .values_list("pk", flat=True))  # fmt: skip
    plan = plan_create(actor=actor, org_unit_id=unit.pk, nonconformity_ids=ncs, data={
        "title": "成都中心支公司理赔资料审核提速",
        "need": "资料审核环节中位处理时间约 7 天（其他机构约 1 天），拖慢核定与赔付，理赔满意度最低。"
                "目标：审核中位时间降至 2 天以内。",
        "indicator_code": "claims.step.review.median_working_days",
        "baseline_start": changed - timedelta(days=182), "baseline_end": changed - timedelta(days=1),
    })  # fmt: skip
    owner = users.get("branch_manager") or users.get("quality_lead")
    if owner is not None:
        for title, days in (("资料审核岗增配 2 人，按到件顺序当日分派", -20),
                            ("材料清单一次性告知话术与系统校验上线", -5)):  # fmt: skip
            step = action_add(actor=actor, plan_id=plan.pk, data={
                "title": title, "owner": owner.pk, "due_date": changed + timedelta(days=days)})  # fmt: skip
            if step is not None:
                action_done(actor=actor, action_id=step.pk, note="已完成")
    plan_act(actor=actor, plan_id=plan.pk, action="start", data={})
    plan_act(actor=actor, plan_id=plan.pk, action="check",
             data={"after_start": changed.isoformat()})  # fmt: skip
    return {"improvement_plans": 1}
