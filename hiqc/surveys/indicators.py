"""Satisfaction indicators on the kernel's engine (standard 4.3.3, 5.3.2(2); issue 6 §6): rows per
org unit (the unit of the case that prompted the survey) and period (the day / month the answer
was submitted, or the invitation was sent for the response rate), rolled up as Σnumerator ÷
Σdenominator, so a branch's figure is the ratio of its answers, never an average of averages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hiqc.core.indicators import Indicator, RangeRow, bucketed, register_indicator

from .enums import InvitationStatus
from .models import Invitation, SurveyResponse

SOURCE = "HIQC surveys (Invitation, SurveyResponse)"


def _answers(start: datetime, end: datetime, case_type: str | None = None) -> Any:
    qs = SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if case_type is not None:
        qs = qs.filter(invitation__case_type=case_type)
    return qs.values_list("submitted_at", "org_path", "satisfaction", "recommend")


def _csat(case_type: str | None) -> Callable[[str, datetime, datetime], list[RangeRow]]:
    def compute(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
        return bucketed(granularity, (
            (at, path, 1.0 if score >= 4 else 0.0, 1.0)
            for at, path, score, _r in _answers(start, end, case_type) if score is not None
        ))  # fmt: skip

    return compute


def _nps(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    return bucketed(granularity, (
        (at, path, 1.0 if r >= 9 else -1.0 if r <= 6 else 0.0, 1.0)
        for at, path, _s, r in _answers(start, end) if r is not None
    ))  # fmt: skip


def _response_rate(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    rows = (
        Invitation.objects.filter(sent_at__gte=start, sent_at__lt=end)
        .exclude(status=InvitationStatus.FAILED)
        .values_list("sent_at", "org_path", "status")
    )
    return bucketed(granularity, (
        (at, path, 1.0 if status == InvitationStatus.ANSWERED else 0.0, 1.0)
        for at, path, status in rows
    ))  # fmt: skip


CSAT_FORMULA = ("submitted answers scoring 4 or 5 on the overall satisfaction question (1–5) ÷ "
                "submitted answers to that question, by the unit of the surveyed case and the "
                "day of submission")  # fmt: skip

INDICATORS = (
    Indicator("surveys.csat", "客户满意度（CSAT）", "Customer satisfaction (CSAT)", "ratio",
              "higher_better", ("4.3.2", "4.3.3"), CSAT_FORMULA, SOURCE,
              compute_range=_csat(None)),
    Indicator("surveys.nps", "净推荐值（NPS）", "Net promoter score (NPS)", "index",
              "higher_better", ("4.3.2", "4.3.3"),
              "(promoters scoring 9–10 − detractors scoring 0–6) ÷ answers to the 0–10 "
              "recommendation question; shown ×100 on −100…100", SOURCE, compute_range=_nps),
    Indicator("surveys.response_rate", "调查回收率", "Survey response rate", "ratio",
              "higher_better", ("4.3.2",),
              "invitations answered ÷ invitations sent in the period (failed deliveries left "
              "out; expired and opted-out ones count as not answered)", SOURCE,
              compute_range=_response_rate),
    Indicator("claims.satisfaction", "理赔客户满意度", "Claimant satisfaction", "ratio",
              "higher_better", ("5.3.2(2)", "4.3.3"), CSAT_FORMULA + ", claims surveyed only",
              SOURCE, compute_range=_csat("claims.claim")),
    Indicator("complaints.satisfaction", "投诉处理满意度", "Complaint-handling satisfaction",
              "ratio", "higher_better", ("4.2.3(3)", "4.3.3"),
              CSAT_FORMULA + ", complaints surveyed after the decision only", SOURCE,
              compute_range=_csat("complaints.complaint")),
)  # fmt: skip

for _indicator in INDICATORS:
    register_indicator(_indicator)
