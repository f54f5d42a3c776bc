"""``claims.accuracy_rate`` (理赔准确率; standard 5.1.2(3), 5.3.1), declared with the kernel's
indicator engine: per org unit (the audited claim's unit) and month of the finished review,
numerator = reviews without an error, denominator = finished reviews. Rolled up a subtree as
Σnumerator ÷ Σdenominator, so a branch's rate weighs each review once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q

from hiqc.core.indicators import (
    Indicator,
    Period,
    align,
    indicators_compute,
    next_start,
    register_indicator,
)

from .enums import ItemStatus
from .models import AuditItem

CODE = "claims.accuracy_rate"


def _accuracy(period: Period) -> Iterable[tuple[str, float, float]]:
    rows = (
        AuditItem.objects.filter(
            status=ItemStatus.DONE, reviewed_at__gte=period.start, reviewed_at__lt=period.end
        )
        .values("org_unit__path")
        .annotate(ok=Count("id", filter=Q(has_error=False)), n=Count("id"))
    )
    return [(r["org_unit__path"], r["ok"], r["n"]) for r in rows]


ACCURACY_RATE = Indicator(
    code=CODE,
    name_zh="理赔准确率",
    name_en="Claims accuracy rate",
    unit="ratio",
    direction="higher_better",
    clauses=("5.1.2(3)", "5.3.1"),
    formula="audited claims without an error (blind re-adjudication) ÷ audited claims, "
    "by month of the finished review = 1 − error rate",
    source="HIQC claims accuracy audits (AuditItem rows with error types recorded)",
    compute=_accuracy,
    granularities=("month",),
)

register_indicator(ACCURACY_RATE)


def accuracy_recompute(moment: datetime) -> int:
    """Recompute the month containing ``moment`` (after a review is finished); idempotent."""
    start = align(moment, "month")
    return indicators_compute(
        codes=[CODE], granularity="month", start=start, end=next_start(start, "month")
    )
