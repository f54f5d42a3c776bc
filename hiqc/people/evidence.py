"""People's evidence for the standard (issue 22 §2; ADR 0034): 10.3.2 talent development — the
required training completed by the staff who must take it, against its target."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_noop

from hiqc.core.evidence import INDICATOR, Evidence, evidence_rule, indicator_evidence


@evidence_rule(
    "people.training_coverage", clauses=("10.3.2",), kind=INDICATOR,
    name=gettext_noop("人才培养：必修培训完成率达标"),
    description=gettext_noop("应参加必修培训的员工完成培训的比例对照目标。"),
)  # fmt: skip
def training_coverage(org_path: str, start: date, end: date) -> Evidence:
    """10.3.2 talent development: ``people.required_training_coverage`` vs its target."""
    return indicator_evidence("people.required_training_coverage", org_path, start, end)
