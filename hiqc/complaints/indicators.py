"""Complaint indicators (standard 4.2.3; CP-1, CP-11; issue 4 §6), declared with the kernel's
indicator engine: rows per org unit and period, rolled up as Σnumerator ÷ Σdenominator.

The three complaint rates divide complaints received by the org unit's own business volume in the
same month (``organisations.BusinessVolume``); published industry medians are reference lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db.models import BooleanField, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from hiqc.core.indicators import (
    CASES_LIMIT,
    CasesOf,
    Counted,
    Indicator,
    Period,
    RangeCompute,
    RangeRow,
    clock_cases,
    clocks_on_time,
    counted_by_period,
    days_or_number,
    days_text,
    register_indicator,
    summed_by_period,
)
from hiqc.core.models import Deadline
from hiqc.core.personmeasures import Measured, PersonMeasure, register_person_measure, tally
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles
from hiqc.organisations.models import BusinessVolume

from .models import Complaint

Rows = Iterable[tuple[str, float, float]]
DECIDE_CLOCK = "complaints.decide"
CASE_TYPE = "complaints.complaint"

# CP-11: life/health industry medians, 2022 Q4 (quarterly figures), shown as reference lines.
INDUSTRY_MEDIANS = {
    "complaints.per_100m_premium": 1.59,
    "complaints.per_10k_policies": 0.20,
    "complaints.per_10k_insured": 0.06,
}


def _received(period: Period) -> QuerySet[Complaint]:
    return Complaint.objects.filter(received_at__gte=period.start, received_at__lt=period.end)


DAYS_TO_DECISION = Sum(
    ExpressionWrapper(F("decided_at") - F("received_at"), output_field=DurationField())
)


def _days_to_decision(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    """Σ days from receipt to decision ÷ decisions, for complaints decided in the period."""
    decided = Complaint.objects.filter(decided_at__gte=start, decided_at__lt=end)
    return summed_by_period(decided, at="decided_at", granularity=granularity,
                            numerator=DAYS_TO_DECISION, path="org_unit__path")  # fmt: skip


def _decision_days(org_path: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    """(decided at, days from receipt) of each complaint of the subtree decided in [start, end)."""
    return [
        (decided, (decided - received).total_seconds() / 86400)
        for received, decided in Complaint.objects.filter(
            org_unit__path__startswith=org_path, decided_at__gte=start, decided_at__lt=end
        ).values_list("received_at", "decided_at")
        if decided is not None
    ]


def _decided_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The complaints decided in the period, the longest first."""
    rows = (
        Complaint.objects.filter(org_unit__path__startswith=org_path, decided_at__gte=start,
                                 decided_at__lt=end)
        .annotate(took=ExpressionWrapper(F("decided_at") - F("received_at"),
                                         output_field=DurationField()))
        .order_by("-took")
        .values_list("pk", "reference", "org_unit__path", "decided_at", "took")[:CASES_LIMIT]
    )  # fmt: skip
    return [Counted(CASE_TYPE, str(pk), path, at, days_text(days_or_number(took)), False, label=ref)
            for pk, ref, path, at, took in rows]  # fmt: skip


def _share(condition: Q) -> Callable[[str, datetime, datetime], list[RangeRow]]:
    def compute(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
        received = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        return counted_by_period(received, at="received_at", granularity=granularity,
                                 hit=condition, path="org_unit__path")  # fmt: skip

    return compute


def _received_cases(condition: Q | None, yes: str, no: str) -> CasesOf:
    """The complaints received in the period, those matching ``condition`` (counted against the
    figure) first; without a condition every complaint counts against it (the volume rates)."""

    def cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
        received = Complaint.objects.filter(org_unit__path__startswith=org_path,
                                            received_at__gte=start, received_at__lt=end)  # fmt: skip
        hit = condition if condition is not None else Q(pk__isnull=False)
        rows = (
            received.annotate(hit=ExpressionWrapper(hit, output_field=BooleanField()))
            .order_by("-hit", "received_at")
            .values_list("pk", "reference", "org_unit__path", "received_at", "hit")[:CASES_LIMIT]
        )
        return [Counted(CASE_TYPE, str(pk), path, at, gettext(yes) if hit else (gettext(no) if no else ""),
                        bool(hit), label=ref) for pk, ref, path, at, hit in rows]  # fmt: skip

    return cases


def _per_volume(period: Period, field: str, scale: Decimal) -> Rows:
    """Complaints received in the month in the subtree of each unit that carries business volume,
    ÷ (that unit's volume ÷ scale). Volume rows never nest (organisations.volumes refuses it), so
    no complaint is counted twice; complaints of units outside every volume-carrying subtree have
    no denominator and are left out (the statistics page shows them)."""
    month = date(period.start.year, period.start.month, 1)
    volumes = list(BusinessVolume.objects.filter(month=month).values_list("org_unit__path", field))
    received = list(_received(period).values_list("org_unit__path", flat=True))
    out = []
    for path, volume in volumes:
        denominator = Decimal(volume or 0) / scale
        if denominator > 0:
            count = sum(1 for p in received if p.startswith(path))
            out.append((path, count, float(denominator)))
    return out


def _declare(
    code: str,
    zh: str,
    en: str,
    unit: str,
    direction: str,
    clauses: tuple[str, ...],
    formula: str,
    source: str,
    cases: CasesOf,
    compute: Callable[[Period], Rows] | None = None,
    compute_range: RangeCompute | None = None,
    granularities: tuple[str, ...] = ("day", "month"),
) -> None:
    register_indicator(
        Indicator(
            code=code,
            name_zh=zh,
            name_en=en,
            unit=unit,
            direction=direction,
            clauses=clauses,
            formula=formula,
            source=source,
            compute=compute,
            compute_range=compute_range,
            granularities=granularities,
            cases=cases,
            owner=OWNER,
        )
    )


SOURCE = gettext_noop("本平台投诉记录（投诉、时限记录）")
SOURCE_VOLUME = gettext_noop("本平台投诉记录 + 业务量表")
OWNER = "branch_manager"  # the branch's service manager answers for complaint handling
REPEAT, REGULATOR = Q(repeat_of__isnull=False), Q(source="regulator")
_declare(
    "complaints.decided_on_time_rate", "投诉按时处理率", "Complaints decided on time",
    "ratio", "higher_better", ("4.2.3(2)", "CP-1"),
    gettext_noop("本期在法定时限（含延期）内作出的处理决定数 ÷ 本期作出的处理决定数"),
    SOURCE, clock_cases(DECIDE_CLOCK), compute_range=clocks_on_time(DECIDE_CLOCK),
)  # fmt: skip
_declare(
    "complaints.avg_days_to_decision", "投诉平均处理天数", "Average days to decision",
    "days", "lower_better", ("4.2.3(2)", "CP-1"),
    gettext_noop("Σ（处理决定时间 − 受理时间，天）÷ 本期作出处理决定的投诉数"),
    SOURCE, _decided_cases, compute_range=_days_to_decision,
)  # fmt: skip
_declare(
    "complaints.repeat_rate", "重复投诉率", "Repeat complaint rate",
    "ratio", "lower_better", ("4.2.3(3)",),
    gettext_noop("本期受理的投诉中投诉人此前在重复投诉认定期间内已投诉过的投诉数 ÷ 本期受理的投诉数"),
    SOURCE, _received_cases(REPEAT, gettext_noop("重复投诉"), gettext_noop("非重复")),
    compute_range=_share(REPEAT),
)  # fmt: skip
_declare(
    "complaints.regulator_share", "监管转送投诉占比", "Share forwarded by the regulator",
    "ratio", "lower_better", ("4.2.2(2)", "CP-9"),
    gettext_noop("本期受理的投诉中监管转送的投诉数 ÷ 本期受理的投诉数"),
    SOURCE, _received_cases(REGULATOR, gettext_noop("监管转送"), gettext_noop("直接投诉")),
    compute_range=_share(REGULATOR),
)  # fmt: skip
_VOLUME_CASES = _received_cases(None, gettext_noop("计入投诉量"), "")
_declare(
    "complaints.per_100m_premium", "亿元保费投诉量", "Complaints per ¥100M premium",
    "rate", "lower_better", ("4.2.3(3)", "CP-11"),
    gettext_noop("本月受理的投诉数 ÷（本月保费收入 ÷ 1 亿元）"),
    SOURCE_VOLUME, _VOLUME_CASES,
    compute=lambda p: _per_volume(p, "premium_yuan", Decimal(10**8)), granularities=("month",),
)  # fmt: skip
_declare(
    "complaints.per_10k_policies", "万张保单投诉量", "Complaints per 10,000 policies",
    "rate", "lower_better", ("4.2.3(3)", "CP-11"),
    gettext_noop("本月受理的投诉数 ÷（有效保单数 ÷ 1 万）"),
    SOURCE_VOLUME, _VOLUME_CASES,
    compute=lambda p: _per_volume(p, "policies_in_force", Decimal(10**4)), granularities=("month",),
)  # fmt: skip
_declare(
    "complaints.per_10k_insured", "万人次投诉量", "Complaints per 10,000 insured persons",
    "rate", "lower_better", ("4.2.3(3)", "CP-11"),
    gettext_noop("本月受理的投诉数 ÷（被保险人数 ÷ 1 万）"),
    SOURCE_VOLUME, _VOLUME_CASES,
    compute=lambda p: _per_volume(p, "insured_persons", Decimal(10**4)), granularities=("month",),
)  # fmt: skip
register_indicator(
    Indicator(
        code="complaints.p90_days_to_decision",
        name_zh="投诉处理天数 P90",
        name_en="Days to decision, 90th percentile",
        unit="days",
        direction="lower_better",
        clauses=("4.2.3(2)", "CP-1"),
        formula=gettext_noop(
            "本机构及下级机构本期作出处理决定的投诉，其（处理决定时间 − 受理时间，天）按最近秩法"
            "计算的第 90 百分位数"
        ),
        source=SOURCE,
        samples=_decision_days,
        percentile=90,
        cases=_decided_cases,
        owner=OWNER,
    )
)


# --- per-person measures for the staff assessment (standard 7.2.2; issue 18 §4; ADR 0021) -------


def _decided_by(user_ids: list[str], start: datetime, end: datetime) -> QuerySet[Complaint]:
    return Complaint.objects.filter(assignee_id__in=user_ids, decided_at__gte=start,
                                    decided_at__lt=end)  # fmt: skip


def handled_by_person(user_ids: list[str], start: datetime, end: datetime) -> dict[str, Measured]:
    """Complaints decided in ``[start, end)`` by their handler (the assignee): one query."""
    rows = _decided_by(user_ids, start, end).order_by("decided_at")
    return tally((pk, user, 1) for pk, user in rows.values_list("pk", "assignee_id"))


def on_time_by_person(user_ids: list[str], start: datetime, end: datetime) -> dict[str, Measured]:
    """The decision clocks (``complaints.decide``) of the complaints a person decided in the
    period: met ÷ met or breached (cancelled left out), as the on-time indicator counts them.
    Two queries: the person's complaints, then their clocks."""
    owner = {str(pk): str(user) for pk, user in
             _decided_by(user_ids, start, end).values_list("pk", "assignee_id")}  # fmt: skip
    if not owner:
        return {}
    clocks = Deadline.objects.filter(
        case_type=CASE_TYPE, clock=DECIDE_CLOCK, case_id__in=list(owner),
        state__in=(Deadline.State.MET, Deadline.State.BREACHED),
    ).order_by("closed_at").values_list("case_id", "state")  # fmt: skip
    return tally((case, owner[case], state == Deadline.State.MET) for case, state in clocks)


def _complaint_link(pk: str) -> str:
    return reverse("complaints:detail", args=[pk])


def register_person_measures() -> None:
    roles = ("complaint_handler",)
    register_person_measure(PersonMeasure(
        "complaints.handled", gettext_noop("办结投诉件数"), "count", roles, handled_by_person,
        _complaint_link, gettext_noop("件"),
    ))  # fmt: skip
    register_person_measure(PersonMeasure(
        "complaints.on_time", gettext_noop("投诉处理及时率"), "rate", roles, on_time_by_person,
        _complaint_link, "%",
    ))  # fmt: skip


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "complaints.decided_on_time_rate": (P.COMPLIANCE, P.EFFICIENT),  # CP-1
    "complaints.avg_days_to_decision": (P.EFFICIENT, P.PEOPLE_FIRST),
    "complaints.p90_days_to_decision": (P.EFFICIENT, P.PEOPLE_FIRST),
    "complaints.per_100m_premium": (P.PEOPLE_FIRST, P.IMPROVEMENT),  # CP-11: fewer grievances
    "complaints.per_10k_policies": (P.PEOPLE_FIRST, P.IMPROVEMENT),
    "complaints.per_10k_insured": (P.PEOPLE_FIRST, P.IMPROVEMENT),
    "complaints.regulator_share": (P.COMPLIANCE, P.FAIRNESS),  # settled before escalation
    "complaints.repeat_rate": (P.FAIRNESS, P.IMPROVEMENT),  # resolved the first time
})  # fmt: skip
