"""Quarterly complaint statistics in the regulator's dimensions (CP-10, CP-11; issue 4 §6, §8).

Counts are complaints *received* in the quarter; timeliness is over complaints *decided* in it.
The three rates divide by the quarter's business volume: premium income summed over its months,
policies in force and insured persons averaged over its months (they are stocks, not flows).
P90 days to decision is taken from the decided complaints themselves, never from averages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from hiqc.core.access import Actor, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import percentile
from hiqc.core.models import Deadline
from hiqc.organisations.models import BusinessVolume, OrgUnit
from hiqc.organisations.selectors import units_in_scope

from .enums import DisputeType, ProductLine, Source
from .indicators import INDUSTRY_MEDIANS
from .models import Complaint
from .selectors import units_in_view

PERM = "complaints.view"
RATES = (
    ("per_100m_premium", gettext_noop("亿元保费投诉量"), "premium_yuan", Decimal(10**8)),
    ("per_10k_policies", gettext_noop("万张保单投诉量"), "policies_in_force", Decimal(10**4)),
    ("per_10k_insured", gettext_noop("万人次投诉量"), "insured_persons", Decimal(10**4)),
)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime, list[date]]:
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise ValueError("quarter out of range")
    first = 3 * (quarter - 1) + 1
    months = [date(year, first + i, 1) for i in range(3)]
    start = datetime(year, first, 1, tzinfo=BEIJING)
    end = (
        datetime(year + 1, 1, 1, tzinfo=BEIJING)
        if quarter == 4
        else datetime(year, first + 3, 1, tzinfo=BEIJING)
    )
    return start, end, months


@dataclass
class UnitRow:
    unit: OrgUnit
    own_only: bool = False  # the chosen unit's own level (本级), not its subtree
    received: int = 0
    volume: dict[str, Decimal] = field(default_factory=dict)
    months: set[date] = field(default_factory=set)  # months with business volume loaded
    rates: dict[str, float | None] = field(default_factory=dict)
    disputes: Counter = field(default_factory=Counter)
    products: Counter = field(default_factory=Counter)

    @property
    def name(self) -> str:
        return (
            _("{unit}（本级）").format(unit=self.unit.localized_name)
            if self.own_only
            else (self.unit.localized_name)
        )

    def holds(self, path: str) -> bool:
        return path == self.unit.path if self.own_only else path.startswith(self.unit.path)


@dataclass
class QuarterStats:
    year: int
    quarter: int
    root: OrgUnit | None
    received: int
    decided: int
    on_time: int
    avg_days: float | None
    p90_days: float | None
    repeats: int
    regulator: int
    by_dispute: list[tuple[str, str, int]]
    by_product: list[tuple[str, str, int]]
    units: list[UnitRow]
    rates: dict[str, float | None]
    medians: dict[str, float]

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def repeat_rate(self) -> float | None:
        return self.repeats / self.received if self.received else None

    @property
    def regulator_share(self) -> float | None:
        return self.regulator / self.received if self.received else None


def _report_units(actor: Actor, root: OrgUnit | None) -> list[OrgUnit]:
    """The units a row is reported for: the children of the chosen unit (or of the actor's top
    units), so a province sees its cities and head office sees the provinces."""
    visible = units_in_scope(actor, PERM)
    if root is not None:
        children = [u for u in visible if u.parent_id == root.pk]
        return children or [root]
    paths = [u.path for u in visible]
    tops = [u for u in visible if not any(u.path != p and u.path.startswith(p) for p in paths)]
    if len(tops) == 1:
        return [u for u in visible if u.parent_id == tops[0].pk] or tops
    return tops


def quarter_stats(
    actor: Actor, *, year: int, quarter: int, root: OrgUnit | None = None
) -> QuarterStats:
    start, end, months = quarter_bounds(year, quarter)
    complaints = scope(actor, Complaint.objects.all(), PERM)
    if root is not None:
        complaints = complaints.filter(org_unit__path__startswith=root.path)
    received = list(
        complaints.filter(received_at__gte=start, received_at__lt=end).values_list(
            "org_unit__path", "dispute_type", "product_line", "source", "repeat_of_id"
        )
    )
    decided = list(
        complaints.filter(decided_at__gte=start, decided_at__lt=end).values_list(
            "id", "received_at", "decided_at"
        )
    )
    met = set(
        Deadline.objects.filter(
            case_type="complaints.complaint",
            clock="complaints.decide",
            case_id__in=[str(i) for i, _r, _d in decided],
            state=Deadline.State.MET,
        ).values_list("case_id", flat=True)
    )
    days = [(d - r).total_seconds() / 86400 for _i, r, d in decided if d is not None]
    units = [UnitRow(u) for u in _report_units(actor, root)]
    if root is not None and units and units[0].unit != root:
        units.insert(0, UnitRow(root, own_only=True))  # complaints handled at the unit itself
    for path, dispute, product, _source, _repeat in received:
        for row in units:
            if row.holds(path):
                row.received += 1
                row.disputes[dispute] += 1
                row.products[product] += 1
                break
    volume_rows = BusinessVolume.objects.filter(month__in=months).values_list(
        "org_unit__path", "month", "premium_yuan", "policies_in_force", "insured_persons"
    )
    if root is not None:
        volume_rows = volume_rows.filter(org_unit__path__startswith=root.path)
    total = UnitRow(root or units[0].unit) if units else None
    for path, month, premium, policies, insured in volume_rows:
        values = {"premium_yuan": Decimal(premium), "policies_in_force": Decimal(policies),
                  "insured_persons": Decimal(insured)}  # fmt: skip
        owner = next((r for r in units if r.holds(path)), None)
        for row in [r for r in (owner, total) if r is not None]:
            row.months.add(month)
            for k, v in values.items():
                row.volume[k] = row.volume.get(k, Decimal(0)) + v
    n_months = Decimal(len(months))

    def rates(row: UnitRow) -> dict[str, float | None]:
        """Only over a complete quarter of volume: a missing month would inflate the rates."""
        out: dict[str, float | None] = {}
        for key, _label, field_name, scale in RATES:
            base = row.volume.get(field_name, Decimal(0))
            if field_name != "premium_yuan":
                base = base / n_months  # stocks: the quarter's average
            complete = len(row.months) == len(months)
            out[key] = (
                float(Decimal(row.received) / (base / scale)) if base > 0 and complete else None
            )
        return out

    for row in units:
        row.rates = rates(row)
    if total is not None:
        total.received = len(received)
    dispute_total = Counter(d for _p, d, _pr, _s, _r in received)
    product_total = Counter(p for _p, _d, p, _s, _r in received)
    return QuarterStats(
        year=year,
        quarter=quarter,
        root=root,
        received=len(received),
        decided=len(decided),
        on_time=len(met),
        avg_days=sum(days) / len(days) if days else None,
        p90_days=percentile(days, 90),
        repeats=sum(1 for *_x, r in received if r is not None),
        regulator=sum(1 for _p, _d, _pr, s, _r in received if s == Source.REGULATOR),
        by_dispute=[(v, str(label), dispute_total[v]) for v, label in DisputeType.choices],
        by_product=[(v, str(label), product_total[v]) for v, label in ProductLine.choices],
        units=units,
        rates=rates(total) if total is not None else {},
        medians={k.split(".")[1]: v for k, v in INDUSTRY_MEDIANS.items()},
    )


def _num(value: float | None, digits: int = 2) -> Any:
    return None if value is None else round(value, digits)


def regulator_workbook(actor: Actor, stats: QuarterStats) -> bytes:
    """The quarter's complaint statistics as the regulator asks for them (CP-10/CP-11): by dispute
    type, product line and org unit, with the three complaint rates."""
    book = Workbook(write_only=True)
    title = _("{y}年第{q}季度投诉统计").format(y=stats.year, q=stats.quarter)
    summary = book.create_sheet(_("汇总"))
    summary.append([title])
    summary.append(
        [
            _(
                "统计口径：投诉件数按接收时间；处理时效按决定时间；保单与被保险人数为季度内月均有效数。"
            )
        ]
    )
    summary.append([_("指标"), _("本季度"), _("行业中位数（人身险，2022年第4季度）")])
    summary.append([_("投诉件数"), stats.received, None])
    for key, label, _f, _s in RATES:
        summary.append([_(label), _num(stats.rates.get(key), 3), stats.medians.get(key)])
    summary.append([_("按时处理率"), _num(stats.on_time_rate, 4), None])
    summary.append([_("平均处理天数"), _num(stats.avg_days, 1), None])
    summary.append([_("处理天数 P90"), _num(stats.p90_days, 1), None])
    summary.append([_("重复投诉率"), _num(stats.repeat_rate, 4), None])
    summary.append([_("监管转送占比"), _num(stats.regulator_share, 4), None])

    def matrix(name: str, choices: Any, counts_of: Any) -> None:
        sheet = book.create_sheet(name)
        sheet.append([_("机构"), *[str(label) for _v, label in choices], _("合计")])
        for row in stats.units:
            counts = counts_of(row)
            sheet.append([row.name, *[counts[v] for v, _l in choices], row.received])
        sheet.append(
            [_("合计"), *[sum(counts_of(r)[v] for r in stats.units) for v, _l in choices],
             stats.received]
        )  # fmt: skip

    matrix(_("按争议类型"), DisputeType.choices, lambda r: r.disputes)
    matrix(_("按险种"), ProductLine.choices, lambda r: r.products)
    units = book.create_sheet(_("按机构"))
    units.append(
        [_("机构"), _("投诉件数"), _("保费收入（元）"), _("月均有效保单"), _("月均被保险人"),
         *[_(label) for _k, label, _f, _s in RATES]]
    )  # fmt: skip
    for row in stats.units:
        n = len(row.months) or 1
        units.append(
            [
                row.name,
                row.received,
                float(row.volume.get("premium_yuan", 0)),
                round(float(row.volume.get("policies_in_force", 0)) / n),
                round(float(row.volume.get("insured_persons", 0)) / n),
                *[_num(row.rates.get(k), 3) for k, _l, _f, _s in RATES],
            ]
        )
    out = BytesIO()
    book.save(out)
    audit_record(
        actor=actor,
        action="complaints.statistics.export",
        subject_type="complaints.complaint",
        org_path=stats.root.path if stats.root else None,
        data={"year": stats.year, "quarter": stats.quarter, "received": stats.received},
    )
    return out.getvalue()


def report_roots(actor: Actor) -> list[OrgUnit]:
    """Units a statistics page can be opened for (head office, provinces, cities in scope)."""
    return list(units_in_view(actor))


def current_quarter(today: date) -> tuple[int, int]:
    """The last complete quarter (what a regulator report covers)."""
    q = (today.month - 1) // 3 + 1
    return (today.year, q - 1) if q > 1 else (today.year - 1, 4)
