"""Surveys' evidence for the standard (issue 22 §2; ADR 0034): 4.3.2 the survey plans in force
were carried out (responses collected, analysed with their intervals); 4.3.3 the satisfaction
results used as the measure of service quality, against their targets."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import (
    INDICATOR,
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    indicators_evidence,
    ratio_evidence,
)

from .enums import PlanStatus


@evidence_rule(
    "surveys.plans_carried_out", clauses=("4.3.2",), kind=RECORD,
    name=gettext_noop("满意度调查按方案实施并取得有效答卷"),
    description=gettext_noop("本期执行中的调查方案均在本期收回有效答卷，用于统计分析（含置信区间）与反馈改进；"
                             "定期开展。"),
)  # fmt: skip
def plans_carried_out(org_path: str, start: date, end: date) -> Evidence:
    """4.3.2 (1)–(4): every survey plan of the subtree running during the period (started before
    its end, not ended before its start, not a draft) collected submitted responses in it; a
    plan without any counts against it. No plan running → not yet assessable."""
    from .models import SurveyPlan, SurveyResponse

    lo, hi = beijing_bounds(start, end)
    plans = list(
        SurveyPlan.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start),
            org_unit__path__startswith=org_path, start_date__lt=end,
        ).exclude(status=PlanStatus.DRAFT).values_list("pk", "name")
    )  # fmt: skip
    answered = set(
        SurveyResponse.objects.filter(
            invitation__plan__in=[pk for pk, _n in plans], submitted_at__gte=lo,
            submitted_at__lt=hi,
        ).values_list("invitation__plan_id", flat=True)
    )  # fmt: skip
    idle = [name for pk, name in plans if pk not in answered]
    return ratio_evidence(len(plans), len(idle), url=reverse("surveys:plans"),
                          note=", ".join(idle[:3]))  # fmt: skip


@evidence_rule(
    "surveys.satisfaction_targets", clauses=("4.3.3",), kind=INDICATOR,
    name=gettext_noop("客户满意度结果对照目标评价服务质量"),
    description=gettext_noop("客户满意度（CSAT）与净推荐值（NPS）作为服务质量评价依据，对照各自目标；"
                             "未达目标的进入不符合项与改进计划。"),
)  # fmt: skip
def satisfaction_targets(org_path: str, start: date, end: date) -> Evidence:
    """4.3.3 (1)–(4) use the results: CSAT and NPS are key measures with targets; a miss opens a
    nonconformity and an improvement plan (quality, 10.2)."""
    return indicators_evidence(("surveys.csat", "surveys.nps"), org_path, start, end,
                               url=reverse("surveys:plans"))  # fmt: skip
