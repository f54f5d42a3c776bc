"""Products' evidence for the standard (issue 22 §2; ADR 0034): 3.1.2 / 3.3.2 every product
project launched in the period passed each stage gate with its sign-off."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import RECORD, Evidence, beijing_bounds, evidence_rule, ratio_evidence


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
