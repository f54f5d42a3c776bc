"""Compliance's evidence for the standard (issue 22 §2; ADR 0034) from the risk register: 9.2.1
risks assessed (no risk waiting for re-assessment); 9.2.2 risks above appetite answered by a
treatment plan, and treatment plans done within their clock; 9.1.3 compliance risks identified,
assessed and answered. (The controls' results — 9.1.2 and others — are control evidence, declared
in ``hiqc.conformance.evidence``.) Imported by ``ComplianceConfig.ready``."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import RECORD, Evidence, beijing_bounds, evidence_rule, ratio_evidence
from hiqc.core.evidence_clocks import clock_evidence

from .risks.enums import ReviewStatus, RiskCategory, TreatmentStatus
from .risks.scale import appetite
from .risks.workflow import PROCESS as TREATMENT_PROCESS


def _risks(org_path: str, end: date, category: str = "") -> list[tuple[bool, bool, bool]]:
    """Per risk of the subtree registered before the period's end: (assessed, above appetite,
    answered by a treatment plan that was not cancelled)."""
    from .risks.models import Risk, RiskTreatment

    _lo, hi = beijing_bounds(end, end)
    risks = Risk.objects.filter(org_unit__path__startswith=org_path, created_at__lt=hi)
    if category:
        risks = risks.filter(category=category)
    treated = set(
        RiskTreatment.objects.filter(risk__in=risks, opened_at__lt=hi)
        .exclude(status=TreatmentStatus.CANCELLED)
        .values_list("risk_id", flat=True)
    )
    limit = appetite()
    return [
        (state == ReviewStatus.CURRENT and reviewed is not None,
         rl * ri > limit, pk in treated)
        for pk, state, reviewed, rl, ri in risks.values_list(
            "pk", "review_status", "reviewed_at", "residual_likelihood", "residual_impact")
    ]  # fmt: skip


@evidence_rule(
    "compliance.risks_assessed", clauses=("9.2.1",), kind=RECORD,
    name=gettext_noop("风险登记簿中的风险均已评估"),
    description=gettext_noop("期末在册的风险均按 5×5 矩阵完成固有与剩余风险评估（定量与定性），"
                             "没有待重新评估的风险。"),
)  # fmt: skip
def risks_assessed(org_path: str, start: date, end: date) -> Evidence:
    """9.2.1 risk assessment: every risk on the register of the subtree is assessed (likelihood ×
    impact, inherent and residual) and none waits for re-assessment. The register is read as it
    stands now for the risks registered before the period's end."""
    rows = _risks(org_path, end)
    bad = sum(1 for assessed, _a, _t in rows if not assessed)
    return ratio_evidence(len(rows), bad, url=reverse("compliance:risks"),
                          note=f"待重新评估 {bad} 项" if bad else "")  # fmt: skip


@evidence_rule(
    "compliance.risks_treated", clauses=("9.2.2",), kind=RECORD,
    name=gettext_noop("超出风险偏好的风险均有应对计划"),
    description=gettext_noop("剩余风险评分超过风险偏好的风险均已开启风险应对计划（未撤销）。"),
)  # fmt: skip
def risks_treated(org_path: str, start: date, end: date) -> Evidence:
    """9.2.2(1)(2) prevention measures: every risk whose residual rating is above the appetite
    (``compliance.risk_appetite``) has a treatment plan (not cancelled)."""
    above = [treated for _s, over, treated in _risks(org_path, end) if over]
    bad = sum(1 for treated in above if not treated)
    return ratio_evidence(len(above), bad, url=reverse("compliance:risks"))


@evidence_rule(
    "compliance.treatments_on_time", clauses=("9.2.2",), kind=RECORD,
    name=gettext_noop("风险应对计划按期完成"),
    description=gettext_noop("本期到期的风险应对计划完成时限均未超时。"),
)  # fmt: skip
def treatments_on_time(org_path: str, start: date, end: date) -> Evidence:
    """9.2.2(2) measures carried out: the treatment plans' clocks due in the period were met."""
    return clock_evidence(TREATMENT_PROCESS, org_path, start, end, url=reverse("compliance:risks"))


@evidence_rule(
    "compliance.compliance_risks", clauses=("9.1.3",), kind=RECORD,
    name=gettext_noop("合规风险已识别、评估并应对"),
    description=gettext_noop("风险登记簿中的合规风险均已评估且无待重新评估；剩余评分超过风险偏好的"
                             "合规风险均有应对计划。"),
)  # fmt: skip
def compliance_risks(org_path: str, start: date, end: date) -> Evidence:
    """9.1.3 identify (on the register), assess (no re-assessment pending) and answer (a treatment
    plan when above appetite) compliance risks."""
    rows = _risks(org_path, end, RiskCategory.COMPLIANCE)
    bad = sum(1 for assessed, over, treated in rows if not assessed or (over and not treated))
    return ratio_evidence(len(rows), bad, url=reverse("compliance:risks"))
