"""Consultations' evidence for the standard (issue 22 §2; ADR 0034): 4.1.3(2) accurate answers
and effective solutions (first-contact resolution, quality-inspection scores against targets);
4.1.3(3) suggestions recorded, answered and followed; 4.1.3(4) phone consultations carry their
recording reference."""

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
    record_evidence,
)
from hiqc.customers.enums import Channel

from .enums import SuggestionStatus

ANSWER_INDICATORS = ("consultations.fcr_rate", "inspection.agent_qa_score",
                     "inspection.fatal_error_rate")  # fmt: skip


@evidence_rule(
    "consultations.answers_accurate", clauses=("4.1.3(2)",), kind=INDICATOR,
    name=gettext_noop("咨询解答准确有效"),
    description=gettext_noop("首次接触解决率、质检平均分与致命差错率对照各自目标。"),
)  # fmt: skip
def answers_accurate(org_path: str, start: date, end: date) -> Evidence:
    """4.1.3(2): first-contact resolution and the quality inspection's score and fatal-error rate
    against their targets (those without a target are not counted)."""
    return indicators_evidence(ANSWER_INDICATORS, org_path, start, end,
                               url=reverse("consultations:list"))  # fmt: skip


@evidence_rule(
    "consultations.suggestions_answered", clauses=("4.1.3(3)",), kind=RECORD,
    name=gettext_noop("客户建议均已记录并反馈处理意见"),
    description=gettext_noop("本期登记的客户建议均已作出采纳或不采纳的处理并记录处理意见。"),
)  # fmt: skip
def suggestions_answered(org_path: str, start: date, end: date) -> Evidence:
    """4.1.3(3) record, feed back and follow: every suggestion registered in the period has been
    decided (adopted or not) with the response recorded. Complaints raised in a consultation are
    converted and followed as complaints (4.2)."""
    from .models import Suggestion

    lo, hi = beijing_bounds(start, end)
    registered = Suggestion.objects.filter(
        org_unit__path__startswith=org_path, created_at__gte=lo, created_at__lt=hi
    )
    pending = Q(status=SuggestionStatus.REGISTERED) | Q(response="")
    return record_evidence(registered, pending, url=reverse("consultations:suggestions"))


@evidence_rule(
    "consultations.recorded", clauses=("4.1.3(4)",), kind=RECORD,
    name=gettext_noop("电话咨询均留存录音编号"),
    description=gettext_noop("本期受理的电话咨询均记录了录音/录像编号，以备查验（系统保存编号与保存期限，不保存音视频本身）。"),
)  # fmt: skip
def recorded(org_path: str, start: date, end: date) -> Evidence:
    """4.1.3(4): every phone consultation received in the period stores its recording reference."""
    from .models import Consultation

    lo, hi = beijing_bounds(start, end)
    calls = Consultation.objects.filter(
        org_unit__path__startswith=org_path, channel=Channel.PHONE,
        received_at__gte=lo, received_at__lt=hi,
    )  # fmt: skip
    return record_evidence(calls, Q(recording_ref=""), url=reverse("consultations:list"))
