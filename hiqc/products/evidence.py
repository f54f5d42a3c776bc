"""Products' evidence for the standard (issue 22 §2; ADR 0034): 3.1.2 / 3.3.2 every product
project launched in the period passed each stage gate with its sign-off; 3.1.1 / 3.3.1 the new
products and the updates launched rest on market research, a compliance review and a passed test;
3.2.2 / 3.2.3 adaptability evaluations cover the four dimensions with computed and expert
criteria; 3.3.3 products whose figures cross their target get an update project."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import (
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    ratio_evidence,
    record_evidence,
)
from hiqc.organisations.selectors import units_by_path


@evidence_rule(
    "products.gates_signed", clauses=("3.1.2", "3.3.2"), kind=RECORD,
    name=gettext_noop("上线产品均经过各研发阶段签批"),
    description=gettext_noop("本期上线的产品项目（新产品与产品更新）在需求分析、产品设计、风险评估、"
                             "合规审查、产品测试、产品上线各阶段均有签批。"),
)  # fmt: skip
def gates_signed(org_path: str, start: date, end: date) -> Evidence:
    """3.1.2 (1)–(6) and 3.3.2 (1)–(6): the stage gates, each signed off, for the projects
    launched in the period."""
    from .projects.models import GATES, ProductProject

    lo, hi = beijing_bounds(start, end)
    launched = ProductProject.objects.filter(
        org_unit__path__startswith=org_path, launched_at__gte=lo, launched_at__lt=hi
    ).values_list("signoffs", flat=True)
    rows = list(launched)
    unsigned = sum(1 for s in rows if any(g not in (s or {}) for g in GATES))
    return ratio_evidence(len(rows), unsigned, url=reverse("products:projects"))


def _launched_lacking(org_path: str, start: date, end: date, kind: str) -> Evidence:
    from .projects.models import ProductProject

    lo, hi = beijing_bounds(start, end)
    launched = ProductProject.objects.filter(
        org_unit__path__startswith=org_path, kind=kind, launched_at__gte=lo, launched_at__lt=hi
    )
    lacking = Q(needs_analysis="") | Q(compliance_opinion="") | Q(test_passed=False)
    return record_evidence(launched, lacking, url=reverse("products:projects"))


@evidence_rule(
    "products.principles_met", clauses=("3.1.1",), kind=RECORD,
    name=gettext_noop("新产品研发有调研依据、经合规审查并测试通过"),
    description=gettext_noop("本期上线的新产品项目均有市场调研与需求分析（科学性、实用性）、"
                             "合规审查意见（合规性）和通过的产品测试。"),
)  # fmt: skip
def principles_met(org_path: str, start: date, end: date) -> Evidence:
    """3.1.1 (1)–(4) scientific, practical, compliant: each new product launched in the period
    records its market research and needs analysis, a compliance opinion and a passed test."""
    from .projects.models import ProjectKind

    return _launched_lacking(org_path, start, end, ProjectKind.NEW)


@evidence_rule(
    "products.updates_sound", clauses=("3.3.1",), kind=RECORD,
    name=gettext_noop("产品更新有依据、经合规审查并测试通过"),
    description=gettext_noop("本期上线的产品更新项目均有需求分析（及时性、有效性）、合规审查意见"
                             "（合规性）和通过的产品测试。"),
)  # fmt: skip
def updates_sound(org_path: str, start: date, end: date) -> Evidence:
    """3.3.1 (1)–(3) timely, effective, compliant updates: each update launched in the period
    records the needs it answers, a compliance opinion and a passed test."""
    from .projects.models import ProjectKind

    return _launched_lacking(org_path, start, end, ProjectKind.UPDATE)


def _closed_rounds(org_path: str, start: date, end: date) -> list:
    from .evaluation.models import EvaluationRound, RoundStatus

    lo, hi = beijing_bounds(start, end)
    return list(
        EvaluationRound.objects.filter(
            org_unit__path__startswith=org_path, status=RoundStatus.CLOSED,
            closed_at__gte=lo, closed_at__lt=hi,
        ).prefetch_related("criteria")
    )  # fmt: skip


@evidence_rule(
    "products.evaluation_dimensions", clauses=("3.2.2",), kind=RECORD,
    name=gettext_noop("产品适应性评价覆盖市场、客户、合规、风险四个维度"),
    description=gettext_noop("本期结束的产品适应性评价，其评价指标均覆盖市场、客户、合规与风险控制四个维度。"),
)  # fmt: skip
def evaluation_dimensions(org_path: str, start: date, end: date) -> Evidence:
    """3.2.2 (1)–(4): each adaptability evaluation closed in the period has criteria in every
    dimension (market, customer, compliance, risk control)."""
    from .evaluation.models import Dimension

    rounds = _closed_rounds(org_path, start, end)
    need = set(Dimension.values)
    bad = [r for r in rounds if not need <= {c.dimension for c in r.criteria.all()}]
    return ratio_evidence(len(rounds), len(bad), url=reverse("products:evaluations"),
                          note=", ".join(r.title for r in bad[:3]))  # fmt: skip


@evidence_rule(
    "products.evaluation_methods", clauses=("3.2.3",), kind=RECORD,
    name=gettext_noop("产品适应性评价定量与定性相结合"),
    description=gettext_noop("本期结束的产品适应性评价均既有系统计算的定量指标，又有专家评分的定性指标。"),
)  # fmt: skip
def evaluation_methods(org_path: str, start: date, end: date) -> Evidence:
    """3.2.3 (1)(2): each evaluation closed in the period combines computed (quantitative)
    criteria and expert-scored (qualitative) ones."""
    from .evaluation.models import CriterionKind

    rounds = _closed_rounds(org_path, start, end)
    need = set(CriterionKind.values)
    bad = [r for r in rounds if not need <= {c.kind for c in r.criteria.all()}]
    return ratio_evidence(len(rounds), len(bad), url=reverse("products:evaluations"),
                          note=", ".join(r.title for r in bad[:3]))  # fmt: skip


@evidence_rule(
    "products.monitored_and_acted", clauses=("3.3.3",), kind=RECORD,
    name=gettext_noop("运行中产品的监控问题均已立项更新"),
    description=gettext_noop("本期有数据的产品中，指标（投诉率、理赔时效、满意度等）超出目标且超出"
                             "随机波动的，均已立项产品更新。"),
)  # fmt: skip
def monitored_and_acted(org_path: str, start: date, end: date) -> Evidence:
    """3.3.3 (1)–(3) monitor products in operation and act on the feedback: the products with
    data in the period over the subtree; one counts against it when a figure crosses its target
    beyond chance and no update project was opened for it since the period began."""
    from .monitoring.figures import figures
    from .monitoring.targets import CROSSES, min_sample, targets, verdict
    from .projects.models import ProductProject, ProjectKind

    root = units_by_path([org_path]).get(org_path)
    if root is None:
        return ratio_evidence(0, 0, url=reverse("products:monitoring"))
    lo, hi = beijing_bounds(start, end)
    goals, least = targets(), min_sample()
    figs = figures(root, lo, hi)
    crossing = [pid for pid, by_code in figs.items()
                if any(verdict(f, goals.get(c), least) == CROSSES for c, f in by_code.items())]  # fmt: skip
    updated = set(
        ProductProject.objects.filter(
            kind=ProjectKind.UPDATE, product_id__in=crossing, opened_at__gte=lo
        ).values_list("product_id", flat=True)
    )
    bad = [pid for pid in crossing if pid not in updated]
    return ratio_evidence(len(figs), len(bad), url=reverse("products:monitoring"))
