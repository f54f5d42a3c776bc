"""Call centre's evidence for the standard (issue 22 §2; ADR 0034): 4.1.3(1) consultation calls
answered within the set time (service level ≥ the target, 95 % by the standard)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_noop

from hiqc.core.evidence import INDICATOR, Evidence, evidence_rule, indicator_evidence


@evidence_rule(
    "callcentre.consultation_service_level", clauses=("4.1.3(1)",), kind=INDICATOR,
    name=gettext_noop("咨询电话规定时间内接听率达标"),
    description=gettext_noop("咨询队列的服务水平（规定秒数内接听 ÷ 进线，短时放弃除外）对照目标（标准要求不低于95%）。"),
)  # fmt: skip
def consultation_service_level(org_path: str, start: date, end: date) -> Evidence:
    """4.1.3(1): the indicator ``callcentre.service_level.consultation`` vs its target."""
    return indicator_evidence("callcentre.service_level.consultation", org_path, start, end)
