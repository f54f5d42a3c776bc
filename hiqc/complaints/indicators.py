"""Complaint indicators (standard 4.2.3; CP-1, CP-11; issue 4 §6), declared with the kernel's
indicator engine: rows per org unit and period, rolled up as Σnumerator ÷ Σdenominator.

The three complaint rates divide complaints received by the org unit's own business volume in the
same month (``organisations.BusinessVolume``); published industry medians are reference lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from hiqc.core.indicators import Indicator, Period, register_indicator
from hiqc.core.models import Deadline
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


def _on_time(period: Period) -> Rows:
    """Decisions (decide clock closed met or breached) in the period, by the case's org unit."""
    rows = (
        Deadline.objects.filter(
            case_type=CASE_TYPE,
            clock=DECIDE_CLOCK,
            closed_at__gte=period.start,
            closed_at__lt=period.end,
            state__in=[Deadline.State.MET, Deadline.State.BREACHED],
        )
        .values("org_path")
        .annotate(met=Count("id", filter=Q(state=Deadline.State.MET)), total=Count("id"))
    )
    return [(r["org_path"], r["met"], r["total"]) for r in rows]


def _days_to_decision(period: Period) -> Rows:
    """Σ days from receipt to decision ÷ decisions, for complaints decided in the period."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    decided = Complaint.objects.filter(
        decided_at__gte=period.start, decided_at__lt=period.end
    ).values_list("org_unit__path", "received_at", "decided_at")
    for path, received, decided_at in decided:
        assert decided_at is not None
        sums[path][0] += (decided_at - received).total_seconds() / 86400
        sums[path][1] += 1
    return [(path, s[0], s[1]) for path, s in sums.items()]


def _decision_days(org_path: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    """(decided at, days from receipt) of each complaint of the subtree decided in [start, end)."""
    return [
        (decided, (decided - received).total_seconds() / 86400)
        for received, decided in Complaint.objects.filter(
            org_unit__path__startswith=org_path, decided_at__gte=start, decided_at__lt=end
        ).values_list("received_at", "decided_at")
        if decided is not None
    ]


def _share(period: Period, condition: Q) -> Rows:
    rows = (
        _received(period)
        .values("org_unit__path")
        .annotate(hit=Count("id", filter=condition), total=Count("id"))
    )
    return [(r["org_unit__path"], r["hit"], r["total"]) for r in rows]


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
    compute: Callable[[Period], Rows],
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
            granularities=granularities,
        )
    )


SOURCE = "HIQC complaints (Complaint, Deadline rows)"
_declare(
    "complaints.decided_on_time_rate", "投诉按时处理率", "Complaints decided on time",
    "ratio", "higher_better", ("4.2.3(2)", "CP-1"),
    "decisions within the (extended) legal limit ÷ decisions in the period",
    SOURCE, _on_time,
)  # fmt: skip
_declare(
    "complaints.avg_days_to_decision", "投诉平均处理天数", "Average days to decision",
    "days", "lower_better", ("4.2.3(2)", "CP-1"),
    "Σ(decided at − received at, in days) ÷ complaints decided in the period",
    SOURCE, _days_to_decision,
)  # fmt: skip
_declare(
    "complaints.repeat_rate", "重复投诉率", "Repeat complaint rate",
    "ratio", "lower_better", ("4.2.3(3)",),
    "complaints by a complainant who complained within the repeat window before ÷ complaints received",
    SOURCE, lambda p: _share(p, Q(repeat_of__isnull=False)),
)  # fmt: skip
_declare(
    "complaints.regulator_share", "监管转送投诉占比", "Share forwarded by the regulator",
    "ratio", "lower_better", ("4.2.2(2)", "CP-9"),
    "complaints forwarded by the regulator ÷ complaints received",
    SOURCE, lambda p: _share(p, Q(source="regulator")),
)  # fmt: skip
_declare(
    "complaints.per_100m_premium", "亿元保费投诉量", "Complaints per ¥100M premium",
    "rate", "lower_better", ("4.2.3(3)", "CP-11"),
    "complaints received in the month ÷ (premium income of the month ÷ 100,000,000 yuan)",
    "HIQC complaints + business volume table", lambda p: _per_volume(p, "premium_yuan", Decimal(10**8)),
    granularities=("month",),
)  # fmt: skip
_declare(
    "complaints.per_10k_policies", "万张保单投诉量", "Complaints per 10,000 policies",
    "rate", "lower_better", ("4.2.3(3)", "CP-11"),
    "complaints received in the month ÷ (policies in force ÷ 10,000)",
    "HIQC complaints + business volume table", lambda p: _per_volume(p, "policies_in_force", Decimal(10**4)),
    granularities=("month",),
)  # fmt: skip
_declare(
    "complaints.per_10k_insured", "万人次投诉量", "Complaints per 10,000 insured persons",
    "rate", "lower_better", ("4.2.3(3)", "CP-11"),
    "complaints received in the month ÷ (insured persons ÷ 10,000)",
    "HIQC complaints + business volume table", lambda p: _per_volume(p, "insured_persons", Decimal(10**4)),
    granularities=("month",),
)  # fmt: skip
register_indicator(
    Indicator(
        code="complaints.p90_days_to_decision",
        name_zh="投诉处理天数 P90",
        name_en="Days to decision, 90th percentile",
        unit="days",
        direction="lower_better",
        clauses=("4.2.3(2)", "CP-1"),
        formula="nearest-rank 90th percentile of (decided at − received at, in days) over the "
        "complaints of the subtree decided in the period",
        source=SOURCE,
        samples=_decision_days,
        percentile=90,
    )
)
