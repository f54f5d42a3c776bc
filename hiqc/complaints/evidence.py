"""Complaints' evidence for the standard (issue 22 §2; ADR 0034): 4.2.1(4) complaints classified,
registered, analysed (root cause) and fed back; 4.2.3(2) decided on time (the statutory clock)."""

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
    indicator_evidence,
    record_evidence,
)


@evidence_rule(
    "complaints.decided_on_time", clauses=("4.2.3(2)",), kind=INDICATOR,
    name=gettext_noop("投诉按时处理率达标"),
    description=gettext_noop("投诉按时处理率（15日/延长后30日内作出决定）对照本机构的目标。"),
)  # fmt: skip
def decided_on_time(org_path: str, start: date, end: date) -> Evidence:
    """4.2.3(2) timely handling: the indicator ``complaints.decided_on_time_rate`` vs its target."""
    return indicator_evidence("complaints.decided_on_time_rate", org_path, start, end)


@evidence_rule(
    "complaints.analysed", clauses=("4.2.1(4)",), kind=RECORD,
    name=gettext_noop("已决定的投诉均完成分类与原因分析"),
    description=gettext_noop("本期作出决定的投诉均已登记争议类型并认定根本原因。"),
)  # fmt: skip
def analysed(org_path: str, start: date, end: date) -> Evidence:
    """4.2.1(4) classify, register, analyse: every complaint decided in the period names its root
    cause (the classification is required at registration)."""
    from .models import Complaint

    lo, hi = beijing_bounds(start, end)
    decided = Complaint.objects.filter(
        org_unit__path__startswith=org_path, decided_at__gte=lo, decided_at__lt=hi
    )
    return record_evidence(decided, Q(root_cause__isnull=True), url=reverse("complaints:list"))
