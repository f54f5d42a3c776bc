"""Call-centre indicators (standard 4.1.3(1), 4.2.3(1); regulations.md CC-2, CC-3).

Per org unit's own calls, per 15-minute interval, day and month (Beijing time), for all queues
(``callcentre.service_level``) and per queue (``callcentre.service_level.complaint`` …):

* service level = human calls answered within T s ÷ human calls offered — IVR-only calls are not
  human requests; calls abandoned within the short-abandon threshold (≤ S s) leave both
  numerator and denominator; a call answered exactly at T counts as within (CC-2, CC-3);
* abandon rate = abandoned (not short) ÷ offered (not short), human calls only (CC-3);
* ASA = Σ wait of answered calls ÷ answered calls; AHT = Σ handle time ÷ answered calls.

T = rule ``callcentre.answer_threshold_s`` (20 s), S = rule ``callcentre.short_abandon_s`` (5 s).
Numerators and denominators are plain counts and sums, so the tree roll-up Σn ÷ Σd is exact.
One grouped query (by unit path, queue and the stored ``offered_slot`` bucket) serves all twenty
indicators of a range; ``calls_indicators_compute`` writes them together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import (
    Indicator,
    RangeRow,
    align,
    indicator_rows_replace,
    periods,
    register_indicator,
)
from hiqc.core.rules import rule_value

from .enums import CallQueue
from .ingest import BEIJING_OFFSET_SLOTS, SLOTS_PER_DAY, slot_of, slot_start
from .models import CallRecord

GRANULARITIES = ("15min", "day", "month")
ALL = ""  # the all-queues variant


@dataclass(frozen=True)
class Metric:
    key: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    formula: str
    numerator: str  # field of the aggregate row
    denominator: str


METRICS = (
    Metric(
        "service_level",
        "服务水平",
        "Service level",
        "ratio",
        "higher_better",
        "human calls answered within T s ÷ human calls offered (IVR-only excluded; abandons "
        "within S s excluded from both; answered at exactly T counts as within)",
        "within",
        "offered",
    ),
    Metric(
        "abandon_rate",
        "放弃率",
        "Abandon rate",
        "ratio",
        "lower_better",
        "human calls abandoned in queue after more than S s ÷ human calls offered (abandons "
        "within S s excluded from both)",
        "abandoned",
        "offered",
    ),
    Metric(
        "asa",
        "平均应答速度",
        "Average speed of answer",
        "seconds",
        "lower_better",
        "Σ wait of answered human calls ÷ answered human calls",
        "wait",
        "answered",
    ),
    Metric(
        "aht",
        "平均处理时长",
        "Average handling time",
        "seconds",
        "lower_better",
        "Σ (ended − answered) of answered human calls ÷ answered human calls",
        "handle",
        "answered",
    ),
)
QUEUE_NAMES = {
    "consultation": ("咨询", "consultation"),
    "complaint": ("投诉", "complaint"),
    "claims": ("理赔", "claims"),
    "other": ("其他", "other"),
}
_FIELDS = ("offered", "within", "abandoned", "answered", "wait", "handle")


def code_for(metric: str, queue: str = ALL) -> str:
    return f"callcentre.{metric}" + (f".{queue}" if queue else "")


def _aggregate(granularity: str, start: datetime, end: datetime, queue: str = ALL):
    """One grouped query: (path, queue, bucket) → counts and sums. Buckets are slots (15 min) or
    Beijing day indexes (day and month)."""
    threshold = rule_value("callcentre.answer_threshold_s")
    short = rule_value("callcentre.short_abandon_s")
    qs = CallRecord.objects.filter(
        offered_at__gte=start, offered_at__lt=end, ivr_only=False
    ).exclude(abandoned=True, wait_s__lte=short)
    if queue:
        qs = qs.filter(queue=queue)
    bucket: Any
    if granularity == "15min":
        bucket = F("offered_slot")
    else:
        bucket = (F("offered_slot") + BEIJING_OFFSET_SLOTS) / SLOTS_PER_DAY
    one = Value(1)
    answered = Q(answered_at__isnull=False)
    return (
        qs.annotate(bucket=bucket)
        .values("org_unit__path", "queue", "bucket")
        .annotate(
            offered=Count("id"),
            within=Sum(
                Case(
                    When(answered & Q(wait_s__lte=threshold), then=one),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            abandoned=Sum(
                Case(When(abandoned=True, then=one), default=Value(0), output_field=IntegerField())
            ),
            answered=Count("answered_at"),
            wait=Sum("wait_s", filter=answered),
            handle=Sum("handle_s", filter=answered),
        )
        .order_by()
    )


def _bucket_start(granularity: str, bucket: int) -> datetime:
    if granularity == "15min":
        return slot_start(bucket)
    day = date(1970, 1, 1) + timedelta(days=bucket)
    moment = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
    return align(moment, granularity)


def call_totals(
    granularity: str, start: datetime, end: datetime, queue: str = ALL
) -> dict[tuple[str, str, datetime], dict[str, int]]:
    """(queue or ALL, org path, period start) → offered / within / abandoned / answered / wait /
    handle, over the units' own calls."""
    totals: dict[tuple[str, str, datetime], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(_FIELDS, 0)
    )
    for row in _aggregate(granularity, start, end, queue):
        period = _bucket_start(granularity, int(row["bucket"]))
        for key in (row["queue"], ALL) if not queue else (queue,):
            target = totals[(key, row["org_unit__path"], period)]
            for name in _FIELDS:
                target[name] += int(row[name] or 0)
    return totals


def _rows(
    totals: dict[tuple[str, str, datetime], dict[str, int]], metric: Metric, queue: str
) -> list[RangeRow]:
    return [
        (period, path, float(v[metric.numerator]), float(v[metric.denominator]))
        for (q, path, period), v in totals.items()
        if q == queue and v[metric.denominator]
    ]


def _range_compute(metric: Metric, queue: str):
    def compute_range(granularity: str, start: datetime, end: datetime) -> Iterable[RangeRow]:
        return _rows(call_totals(granularity, start, end, queue), metric, queue)

    return compute_range


def calls_indicators_compute(
    *, start: datetime, end: datetime, granularities: Iterable[str] = GRANULARITIES
) -> int:
    """Recompute every call-centre indicator for the periods touching [start, end): one grouped
    query per granularity for all twenty codes. Idempotent; returns rows written."""
    written = 0
    for granularity in granularities:
        spans = list(periods(granularity, start, end))
        if not spans:
            continue
        begin, finish = spans[0].start, spans[-1].end
        totals = call_totals(granularity, begin, finish)
        for metric in METRICS:
            for queue in (ALL, *CallQueue.values):
                written += indicator_rows_replace(
                    code=code_for(metric.key, queue),
                    granularity=granularity,
                    start=begin,
                    end=finish,
                    rows=_rows(totals, metric, queue),
                )
    return written


def _register() -> None:
    for metric in METRICS:
        for queue in (ALL, *CallQueue.values):
            zh, en = QUEUE_NAMES.get(queue, ("", ""))
            register_indicator(
                Indicator(
                    code=code_for(metric.key, queue),
                    name_zh=metric.name_zh + (f"（{zh}队列）" if queue else ""),
                    name_en=metric.name_en + (f" ({en} queue)" if queue else ""),
                    unit=metric.unit,
                    direction=metric.direction,
                    clauses=("4.1.3(1)", "4.2.3(1)"),
                    formula=metric.formula,
                    source="CC-2, CC-3 (regulations.md); telephony call records",
                    granularities=GRANULARITIES,
                    compute_range=_range_compute(metric, queue),
                )
            )


_register()

__all__ = ["METRICS", "call_totals", "calls_indicators_compute", "code_for", "slot_of"]
