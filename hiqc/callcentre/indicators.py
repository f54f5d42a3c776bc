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

The calls behind a figure (``Indicator.cases``) are the same human calls, worst first: not answered
within T for the service level, abandoned for the abandon rate, the longest wait for ASA, the
longest handling for AHT (no rule says how long is too long, so none is counted against AHT).
A call has no page: it is shown by its telephony call id, never by the caller's number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext, gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import (
    CASES_LIMIT,
    CasesOf,
    Counted,
    Family,
    Indicator,
    RangeRow,
    align,
    indicators_compute,
    register_indicator,
)
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles
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
    formula: str  # msgid (zh)
    numerator: str  # field of the aggregate row
    denominator: str


METRICS = (
    Metric(
        "service_level",
        "服务水平",
        "Service level",
        "ratio",
        "higher_better",
        gettext_noop(
            "T 秒内接通的人工来话数 ÷ 人工来话数（不含仅自助语音来话；S 秒内的短时放弃从分子、"
            "分母中同时剔除；恰好在第 T 秒接通的计为 T 秒内接通）"
        ),
        "within",
        "offered",
    ),
    Metric(
        "abandon_rate",
        "放弃率",
        "Abandon rate",
        "ratio",
        "lower_better",
        gettext_noop(
            "排队超过 S 秒后放弃的人工来话数 ÷ 人工来话数（S 秒内的短时放弃从分子、分母中同时剔除）"
        ),
        "abandoned",
        "offered",
    ),
    Metric(
        "asa",
        "平均应答速度",
        "Average speed of answer",
        "seconds",
        "lower_better",
        gettext_noop("Σ 已接通人工来话的等待时长 ÷ 已接通的人工来话数"),
        "wait",
        "answered",
    ),
    Metric(
        "aht",
        "平均处理时长",
        "Average handling time",
        "seconds",
        "lower_better",
        gettext_noop("Σ 已接通人工来话的（结束时刻 − 接通时刻）÷ 已接通的人工来话数"),
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


def _human_calls(start: datetime, end: datetime) -> QuerySet[CallRecord]:
    """The calls the figures count: offered in [start, end), not IVR-only, short abandons left
    out (CC-3)."""
    short = rule_value("callcentre.short_abandon_s")
    return CallRecord.objects.filter(
        offered_at__gte=start, offered_at__lt=end, ivr_only=False
    ).exclude(abandoned=True, wait_s__lte=short)


def _aggregate(granularity: str, start: datetime, end: datetime):
    """One grouped query: (path, queue, bucket) → counts and sums. Buckets are slots (15 min) or
    Beijing day indexes (day and month)."""
    threshold = rule_value("callcentre.answer_threshold_s")
    qs = _human_calls(start, end)
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
    granularity: str, start: datetime, end: datetime
) -> dict[tuple[str, str, datetime], dict[str, int]]:
    """(queue or ALL, org path, period start) → offered / within / abandoned / answered / wait /
    handle, over the units' own calls."""
    totals: dict[tuple[str, str, datetime], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(_FIELDS, 0)
    )
    for row in _aggregate(granularity, start, end):
        period = _bucket_start(granularity, int(row["bucket"]))
        for key in (row["queue"], ALL):
            target = totals[(key, row["org_unit__path"], period)]
            for name in _FIELDS:
                target[name] += int(row[name] or 0)
    return totals


def _family_rows(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
    """The twenty figures' rows from one pass over the grouped totals."""
    out: dict[str, list[RangeRow]] = {code: [] for code in CODES}
    codes = {(m.key, q): code_for(m.key, q) for m in METRICS for q in (ALL, *CallQueue.values)}
    for (queue, path, period), v in call_totals(granularity, start, end).items():
        for metric in METRICS:
            if v[metric.denominator]:
                out[codes[(metric.key, queue)]].append(
                    (period, path, float(v[metric.numerator]), float(v[metric.denominator]))
                )
    return out


CALLS = Family("callcentre.calls", _family_rows)  # the twenty figures from one grouped query
CODES = [code_for(metric.key, queue) for metric in METRICS for queue in (ALL, *CallQueue.values)]


def calls_indicators_compute(
    *, start: datetime, end: datetime, granularities: Iterable[str] = GRANULARITIES
) -> int:
    """Recompute every call-centre indicator for the periods touching [start, end): one grouped
    query per granularity for all twenty codes. Idempotent; returns rows written."""
    return sum(
        indicators_compute(codes=CODES, granularity=g, start=start, end=end) for g in granularities
    )


# --- the calls behind the figures -----------------------------------------------------------------

_ANSWERED = Q(answered_at__isnull=False)


def _waited(call: CallRecord) -> str:
    """What a call waited, as the figures counted it."""
    if call.wait_s is None:
        return gettext("未接通")
    if call.abandoned:
        return gettext("放弃（等待 %(s)d 秒）") % {"s": call.wait_s}
    return gettext("等待 %(s)d 秒") % {"s": call.wait_s}


def _handled(call: CallRecord) -> str:
    return gettext("处理 %(s)d 秒") % {"s": call.handle_s or 0}


def call_cases(metric: str, queue: str = ALL) -> CasesOf:
    """The human calls behind ``code_for(metric, queue)`` (the calls of its denominator), those
    counted against the figure first: not answered within T (service level), abandoned (abandon
    rate), the longest wait (ASA, answered calls) or handling (AHT, answered calls)."""

    def cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
        threshold = rule_value("callcentre.answer_threshold_s")
        calls = _human_calls(start, end).filter(org_unit__path__startswith=org_path)
        if queue:
            calls = calls.filter(queue=queue)
        wait_desc = F("wait_s").desc(nulls_last=True)
        if metric == "service_level":
            within = Case(When(_ANSWERED & Q(wait_s__lte=threshold), then=Value(1)),
                          default=Value(0), output_field=IntegerField())  # fmt: skip
            calls = calls.annotate(within=within).order_by("within", wait_desc, "offered_at", "pk")
        elif metric == "abandon_rate":
            calls = calls.order_by("-abandoned", wait_desc, "offered_at", "pk")
        elif metric == "asa":
            calls = calls.filter(_ANSWERED).order_by(wait_desc, "offered_at", "pk")
        else:  # aht
            calls = calls.filter(_ANSWERED).order_by(F("handle_s").desc(nulls_last=True),
                                                     "offered_at", "pk")  # fmt: skip
        rows = calls.select_related("org_unit").only(
            "call_id", "org_unit__path", "offered_at", "answered_at", "abandoned", "wait_s",
            "handle_s",
        )[:CASES_LIMIT]  # fmt: skip
        name = gettext("来电")
        out = []
        for c in rows:
            answered_late = c.answered_at is None or (c.wait_s or 0) > threshold
            if metric == "service_level":
                counted, bad = _waited(c), answered_late
            elif metric == "abandon_rate":
                counted, bad = _waited(c), c.abandoned
            elif metric == "asa":
                counted, bad = _waited(c), answered_late
            else:
                counted, bad = _handled(c), False
            out.append(Counted("callcentre.call", str(c.pk), c.org_unit.path, c.offered_at,
                               counted, bad, label=c.call_id, name=name))  # fmt: skip
        return out

    return cases


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
                    source=gettext_noop("CC-2、CC-3；话务系统通话记录"),
                    granularities=GRANULARITIES,
                    family=CALLS,
                    owner="call_centre_supervisor",
                    cases=call_cases(metric.key, queue),
                )
            )


_register()

__all__ = [
    "METRICS",
    "call_cases",
    "call_totals",
    "calls_indicators_compute",
    "code_for",
    "slot_of",
]


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    # reachable quickly, not left waiting: convenient service (1) handled efficiently (4)
    "callcentre.": (P.PEOPLE_FIRST, P.EFFICIENT),
    "callcentre.aht": (P.EFFICIENT,),
    "callcentre.aht.": (P.EFFICIENT,),
})  # fmt: skip
