"""Quality's evidence for the standard (issue 22 §2; ADR 0034): 10.1.2 monitoring indicators with
targets; 10.2.3 improvement actions done by their deadline; 10.1.1 every key indicator computed
for the period; 10.1.3 the nonconformities raised by the monitoring taken up; 10.2.1 improvement
plans grounded on an analysed need; 10.2.2 plans with actions, owners and deadlines; 10.2.4 the
effect evaluated before the plan is closed; 10.3.1 a plan short of its aim continued by a new
cycle; 10.3.4 what worked standardised. Also the indicator page every indicator
evidence links to (``hiqc.core.evidence.register_drilldown``)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import (
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    ratio_evidence,
    record_evidence,
    register_drilldown,
)
from hiqc.core.indicators import rolled_up_stored
from hiqc.core.targets import targets_for
from hiqc.organisations.selectors import units_by_path

from .monitoring import KEY_INDICATORS


def indicator_url(*, code: str, org_path: str, start: date) -> str:
    """The indicator's page for the unit (the drill-down of every indicator evidence)."""
    unit = units_by_path([org_path]).get(org_path)
    url = reverse("quality:indicator", args=[code])
    return f"{url}?{urlencode({'unit': unit.pk})}" if unit is not None else url


@evidence_rule(
    "quality.key_indicator_targets", clauses=("10.1.2",), kind=RECORD,
    name=gettext_noop("关键指标均设定目标"),
    description=gettext_noop("质量总览的每个关键指标在本机构于期末均有生效的目标值（本级或上级设定）。"),
)  # fmt: skip
def key_indicator_targets(org_path: str, start: date, end: date) -> Evidence:
    """10.1.2 monitoring indicators set: every key indicator has a target in force for the unit."""
    found = targets_for(KEY_INDICATORS, org_path, end - timedelta(days=1))
    missing = [code for code in KEY_INDICATORS if code not in found]
    return ratio_evidence(len(KEY_INDICATORS), len(missing), url=reverse("quality:targets"),
                          note=", ".join(missing[:3]))  # fmt: skip


@evidence_rule(
    "quality.actions_on_time", clauses=("10.2.3",), kind=RECORD,
    name=gettext_noop("改进措施按期完成"),
    description=gettext_noop("本期到期的改进措施均在完成期限内完成。"),
)  # fmt: skip
def actions_on_time(org_path: str, start: date, end: date) -> Evidence:
    """10.2.3 implement the improvement: the actions due in the period were done by their day."""
    from .plans.models import ImprovementAction

    due = ImprovementAction.objects.filter(
        plan__org_unit__path__startswith=org_path, due_date__gte=start, due_date__lt=end
    ).values_list("due_date", "done_at")
    rows = list(due)
    late = sum(1 for d, done in rows if done is None or done.astimezone(BEIJING).date() > d)
    return ratio_evidence(len(rows), late, url=reverse("quality:plans"))


@evidence_rule(
    "quality.key_indicators_computed", clauses=("10.1.1",), kind=RECORD,
    name=gettext_noop("关键质量指标按期自动计算"),
    description=gettext_noop("质量总览的每个关键指标在本期对本机构都有自动计算的数值（质量监控机制在运行）。"),
)  # fmt: skip
def key_indicators_computed(org_path: str, start: date, end: date) -> Evidence:
    """10.1.1 a quality-monitoring mechanism: every key indicator has monthly values for the
    subtree in the period (computed by the indicator job, not entered by hand); one without any
    counts against it."""
    lo, hi = beijing_bounds(start, end)
    found = rolled_up_stored(KEY_INDICATORS, granularity="month", org_path=org_path, start=lo,
                             end=hi)  # fmt: skip
    missing = [code for code in KEY_INDICATORS if not found.get(code)]
    return ratio_evidence(len(KEY_INDICATORS), len(missing), url=reverse("quality:overview"),
                          note=", ".join(missing[:3]))  # fmt: skip


@evidence_rule(
    "quality.signals_taken_up", clauses=("10.1.3",), kind=RECORD,
    name=gettext_noop("监控发现的不符合项均已反馈处理"),
    description=gettext_noop("本期由指标未达标或控制图判异自动登记的不符合项均已进入原因分析或整改。"),
)  # fmt: skip
def signals_taken_up(org_path: str, start: date, end: date) -> Evidence:
    """10.1.3 monitoring and feedback: the nonconformities the monitoring opened in the period
    (an indicator missing its target, a control-chart signal) went on to analysis, correction or
    closure; one still only registered counts against it."""
    from .enums import NCSource, NCStatus
    from .nonconformities.models import Nonconformity

    lo, hi = beijing_bounds(start, end)
    raised = Nonconformity.objects.filter(
        org_unit__path__startswith=org_path, opened_at__gte=lo, opened_at__lt=hi,
        source__in=(NCSource.INDICATOR_BREACH, NCSource.CONTROL_SIGNAL),
    ).exclude(status=NCStatus.CANCELLED)  # fmt: skip
    return record_evidence(raised, Q(status=NCStatus.OPEN), url=reverse("quality:nonconformities"))


def _plans_opened(org_path: str, start: date, end: date):
    from .enums import PlanStatus
    from .plans.models import ImprovementPlan

    lo, hi = beijing_bounds(start, end)
    return ImprovementPlan.objects.filter(
        org_unit__path__startswith=org_path, opened_at__gte=lo, opened_at__lt=hi
    ).exclude(status=PlanStatus.CANCELLED)


def _plans_closed(org_path: str, start: date, end: date):
    from .enums import PlanStatus
    from .plans.models import ImprovementPlan

    lo, hi = beijing_bounds(start, end)
    return ImprovementPlan.objects.filter(
        org_unit__path__startswith=org_path, status=PlanStatus.CLOSED,
        closed_at__gte=lo, closed_at__lt=hi,
    )  # fmt: skip


@evidence_rule(
    "quality.plans_grounded", clauses=("10.2.1",), kind=RECORD,
    name=gettext_noop("改进计划基于已分析的改进需求"),
    description=gettext_noop("本期制定的改进计划均关联已登记的不符合项或上一轮改进计划，"
                             "需求有分析依据（指标基线）。"),
)  # fmt: skip
def plans_grounded(org_path: str, start: date, end: date) -> Evidence:
    """10.2.1 analyse the need: each plan opened in the period rests on a registered
    nonconformity (its root-cause analysis) or continues a previous cycle; the indicator and its
    baseline are required fields. A plan with neither link counts against it."""
    plans = _plans_opened(org_path, start, end).annotate(ncs=Count("nonconformities"))
    return record_evidence(plans, Q(ncs=0, previous__isnull=True), url=reverse("quality:plans"))


@evidence_rule(
    "quality.plans_have_actions", clauses=("10.2.2",), kind=RECORD,
    name=gettext_noop("改进方案列明措施、负责人与期限"),
    description=gettext_noop("本期制定的改进计划均至少有一项指定负责人与完成期限的改进措施。"),
)  # fmt: skip
def plans_have_actions(org_path: str, start: date, end: date) -> Evidence:
    """10.2.2 draw up the plan: each plan opened in the period has actions (each with its owner
    and deadline, both required); a plan without any counts against it."""
    plans = _plans_opened(org_path, start, end).annotate(n=Count("actions"))
    return record_evidence(plans, Q(n=0), url=reverse("quality:plans"))


@evidence_rule(
    "quality.effect_evaluated", clauses=("10.2.4",), kind=RECORD,
    name=gettext_noop("改进效果经前后对比评估"),
    description=gettext_noop("本期完成的改进计划均以同一指标的效果期与基线期对比评估效果，并记录处置（标准化或新一轮改进）。"),
)  # fmt: skip
def effect_evaluated(org_path: str, start: date, end: date) -> Evidence:
    """10.2.4 evaluate the effect: each plan closed in the period names its effect period (the
    same indicator, before vs after) and its act outcome."""
    plans = _plans_closed(org_path, start, end)
    lacking = Q(after_start__isnull=True) | Q(after_end__isnull=True) | Q(act_outcome="")
    return record_evidence(plans, lacking, url=reverse("quality:plans"))


@evidence_rule(
    "quality.cycles_continued", clauses=("10.3.1",), kind=RECORD,
    name=gettext_noop("持续改进机制：未达预期的改进进入新一轮"),
    description=gettext_noop("本期完成的改进计划中，处置为“未达预期，开始新一轮改进”的均已制定下一轮计划。"),
)  # fmt: skip
def cycles_continued(org_path: str, start: date, end: date) -> Evidence:
    """10.3.1 a mechanism of continuous development: the PDCA loop does not stop — each plan
    closed in the period as short of its aim (new cycle) has its next cycle opened."""
    from .enums import ActOutcome

    plans = _plans_closed(org_path, start, end).annotate(n=Count("next_cycles"))
    return record_evidence(plans, Q(act_outcome=ActOutcome.NEW_CYCLE, n=0),
                           url=reverse("quality:plans"))  # fmt: skip


@evidence_rule(
    "quality.standardised", clauses=("10.3.4",), kind=RECORD,
    name=gettext_noop("管理优化：有效的改进已固化"),
    description=gettext_noop("本期完成的改进计划中，处置为“标准化”的均记录了固化方式（流程版本、培训或产品调整）。"),
)  # fmt: skip
def standardised(org_path: str, start: date, end: date) -> Evidence:
    """10.3.4 management optimisation: each plan closed in the period as standardised says how
    (a process version, training, a product change)."""
    from .enums import ActOutcome

    plans = _plans_closed(org_path, start, end).filter(act_outcome=ActOutcome.STANDARDISE)
    return record_evidence(plans, Q(act_note=""), url=reverse("quality:plans"))


register_drilldown("indicator", indicator_url)
