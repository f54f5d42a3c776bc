"""Indicators contributed by consultations (DESIGN rule 5; standard 4.1.3(2))."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from hiqc.core.indicators import Indicator, Period, register_indicator

from .enums import ConsultationStatus
from .models import Consultation


def _fcr(period: Period) -> Iterable[tuple[str, float, float]]:
    """Per org unit: consultations resolved in the period, and those resolved at first contact."""
    rows = (
        Consultation.objects.filter(
            status=ConsultationStatus.RESOLVED,
            resolved_at__gte=period.start,
            resolved_at__lt=period.end,
        )
        .values("org_unit__path")
        .annotate(
            fcr=Count("id", filter=Q(first_contact_resolution=True)),
            total=Count("id"),
        )
    )
    return [(r["org_unit__path"], r["fcr"], r["total"]) for r in rows]


FCR_RATE = Indicator(
    code="consultations.fcr_rate",
    name_zh="咨询首次接触解决率",
    name_en="Consultation first-contact resolution rate",
    unit="ratio",
    direction="higher_better",
    clauses=("4.1.3(2)",),
    formula=(
        "consultations resolved in the period that were answered and resolved in the first "
        "contact (at capture, without follow-up) ÷ consultations resolved in the period"
    ),
    source="HIQC consultations (resolved_at, first_contact_resolution)",
    compute=_fcr,
)


def register() -> None:
    register_indicator(FCR_RATE)
