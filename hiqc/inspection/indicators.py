"""Quality-inspection indicators (standard 4.1.3(2), 4.2.3(2), 7.2), declared with the kernel's
indicator engine: rows per org unit (the interaction's unit) and period of ``scored_at``.

* ``inspection.agent_qa_score`` — Σ final score ÷ number of scores (0–100). The final score is
  the amended one after a dispute, else the original.
* ``inspection.fatal_error_rate`` — scores with a (final) fatal error ÷ scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q, Sum

from hiqc.core.indicators import (
    Indicator,
    Period,
    align,
    indicators_compute,
    next_start,
    register_indicator,
)

from .models import Score

CODES = ("inspection.agent_qa_score", "inspection.fatal_error_rate")


def _grouped(period: Period) -> list[dict]:
    return list(
        Score.objects.filter(scored_at__gte=period.start, scored_at__lt=period.end)
        .values("org_unit__path")
        .annotate(
            total=Sum("final_total"),
            n=Count("id"),
            fatal=Count("id", filter=Q(final_fatal=True)),
        )
    )


def _qa_score(period: Period) -> Iterable[tuple[str, float, float]]:
    return [(r["org_unit__path"], float(r["total"] or 0), r["n"]) for r in _grouped(period)]


def _fatal_rate(period: Period) -> Iterable[tuple[str, float, float]]:
    return [(r["org_unit__path"], r["fatal"], r["n"]) for r in _grouped(period)]


AGENT_QA_SCORE = Indicator(
    code="inspection.agent_qa_score",
    name_zh="质检平均得分",
    name_en="Average QA score",
    unit="points",
    direction="higher_better",
    clauses=("4.1.3(2)", "4.2.3(2)", "7.2"),
    formula="Σ final QA score (0–100) of scores given in the period ÷ number of scores",
    source="HIQC quality inspection (Score rows; final score after disputes)",
    compute=_qa_score,
)
FATAL_ERROR_RATE = Indicator(
    code="inspection.fatal_error_rate",
    name_zh="质检致命错误率",
    name_en="QA fatal error rate",
    unit="ratio",
    direction="lower_better",
    clauses=("4.1.3(2)", "4.2.3(2)", "7.2"),
    formula="scores with a fatal error (final) in the period ÷ scores in the period",
    source="HIQC quality inspection (Score rows; final score after disputes)",
    compute=_fatal_rate,
)

register_indicator(AGENT_QA_SCORE)
register_indicator(FATAL_ERROR_RATE)


def qa_indicators_recompute(moment: datetime) -> int:
    """Recompute both indicators for the day and the month containing ``moment`` (after a
    score or a dispute decision); idempotent."""
    written = 0
    for granularity in ("day", "month"):
        start = align(moment, granularity)
        written += indicators_compute(
            codes=CODES, granularity=granularity, start=start, end=next_start(start, granularity)
        )
    return written
