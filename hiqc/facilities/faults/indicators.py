"""Availability figures on the kernel's indicator engine (issue 19 §6; standard 8.2.1–8.2.3, 8.1,
8.3.4). Rows per month and org unit (the unit the equipment is at), rolled up as Σnumerator ÷
Σdenominator; each equipment figure also per category (``<code>.<category>``, e.g.
``facilities.availability.telephony``), as the call-centre figures are per queue.

Definitions (hours are elapsed hours, Beijing time; a month still running counts up to now):

* **in-service hours** of an item in a month: the hours of the month from the day it was bought
  (its file's ``purchase_date``, else the day it was registered) until it was disposed of (the
  day of its ``报废`` entry), if ever.
* **downtime hours**: for every fault ticket not cancelled, the hours of ``down_from`` …
  ``down_until`` (still down: until now) that fall in the month and in the item's in-service
  hours. Two tickets of one item overlapping count twice (rare; a reopened ticket is one ticket).
* ``facilities.mtbf_hours`` 平均故障间隔时间 (MTBF) = (Σ in-service hours − Σ downtime hours) ÷
  number of failures, a failure being a ticket not cancelled whose ``down_from`` falls in the
  month. A month without failures has no figure (no denominator).
* ``facilities.mttr_hours`` 平均修复时间 (MTTR) = Σ (``down_until`` − ``down_from``) ÷ number of
  repaired tickets, over the tickets not cancelled whose service came back (``down_until``) in
  the month — whole repair hours, also the part before the month.
* ``facilities.availability`` 设备可用率 = 1 − Σ downtime hours ÷ Σ in-service hours (with every
  item in service all month: items × hours of the month).
* ``facilities.inspection_pass_rate`` 设施检查合格率 = performed inspections that passed ÷
  performed inspections, by the month (and day) they were performed, at the outlet inspected.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import (
    CASES_LIMIT,
    Counted,
    Family,
    Indicator,
    RangeRow,
    counted_by_period,
    periods,
    register_indicator,
)
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from ..enums import EquipmentCategory, EventKind
from ..models import Equipment, EquipmentEvent, Fault, Inspection
from .enums import FaultStatus
from .workflow import PROCESS

MTBF = "facilities.mtbf_hours"
MTTR = "facilities.mttr_hours"
AVAILABILITY = "facilities.availability"
PASS_RATE = "facilities.inspection_pass_rate"
HOUR = 3600.0


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def _overlap(a: datetime, b: datetime, c: datetime, d: datetime) -> float:
    """Hours of [a, b) ∩ [c, d)."""
    return max(0.0, (min(b, d) - max(a, c)).total_seconds() / HOUR)


def _spans() -> dict[Any, tuple[datetime, datetime | None, str, str]]:
    """Each item's in-service span, unit path and category: id → (from, until or None, path,
    category)."""
    disposed = dict(
        EquipmentEvent.objects.filter(kind=EventKind.DISPOSED).order_by("happened_on")
        .values_list("equipment_id", "happened_on")
    )  # fmt: skip
    out = {}
    for pk, bought, created, path, category in Equipment.objects.values_list(
            "id", "purchase_date", "created_at", "org_unit__path", "category"):  # fmt: skip
        start = _midnight(bought) if bought else created
        end = _midnight(disposed[pk]) if pk in disposed else None
        out[pk] = (start, end, path, category)
    return out


def compute(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
    """The three equipment figures, overall and per category, for every period of [start, end)."""
    now = timezone.now()
    spans = _spans()
    faults = list(
        Fault.objects.exclude(status=FaultStatus.CANCELLED)
        .filter(down_from__lt=end).filter(Q(down_until__isnull=True) | Q(down_until__gte=start))
        .values_list("equipment_id", "down_from", "down_until")
    )  # fmt: skip
    # (period, path, category) → [in-service h, downtime h, failures, repaired, repair h]
    cells: dict[tuple[datetime, str, str], list[float]] = defaultdict(lambda: [0.0] * 5)
    for period in periods(granularity, start, end):
        p_end = min(period.end, now)
        if p_end <= period.start:
            continue
        for s, e, path, cat in spans.values():
            hours = _overlap(s, e or p_end, period.start, p_end)
            if hours:
                cells[(period.start, path, cat)][0] += hours
        for eq, down_from, down_until in faults:
            if eq not in spans:
                continue
            s, e, path, cat = spans[eq]
            cell = cells[(period.start, path, cat)]
            until = down_until or now
            cell[1] += _overlap(down_from, until, max(period.start, s), min(p_end, e or p_end))
            if period.start <= down_from < period.end:
                cell[2] += 1
            if down_until is not None and period.start <= down_until < period.end:
                cell[3] += 1
                cell[4] += (down_until - down_from).total_seconds() / HOUR
    out: dict[str, list[RangeRow]] = defaultdict(list)
    totals: dict[tuple[str, datetime, str], list[float]] = defaultdict(lambda: [0.0] * 5)
    for (when, path, cat), v in cells.items():
        for key in ("", f".{cat}"):
            t = totals[(key, when, path)]
            for i in range(5):
                t[i] += v[i]
    for (key, when, path), (up, down, failures, repaired, repair_h) in totals.items():
        out[MTBF + key].append((when, path, up - down, failures))
        out[MTTR + key].append((when, path, repair_h, repaired))
        out[AVAILABILITY + key].append((when, path, up - down, up))
    return out


FAMILY = Family("facilities.availability", compute)


def _fault_cases(kind: str) -> Any:
    """The tickets behind an equipment figure: those whose downtime overlaps the period (MTBF,
    availability) or that were repaired in it (MTTR), the still-down and the longest first."""

    def cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
        qs = Fault.objects.exclude(status=FaultStatus.CANCELLED).filter(
            org_unit__path__startswith=org_path)  # fmt: skip
        if kind == "repaired":
            qs = qs.filter(down_until__gte=start, down_until__lt=end)
        else:
            qs = qs.filter(down_from__lt=end).filter(
                Q(down_until__isnull=True) | Q(down_until__gte=start))  # fmt: skip
        now = timezone.now()
        rows = []
        for f in qs.select_related("org_unit")[: CASES_LIMIT * 2]:
            hours = ((f.down_until or now) - f.down_from).total_seconds() / HOUR
            rows.append(Counted(PROCESS, str(f.pk), f.org_unit.path, f.down_from,
                                gettext("停机 %(h).1f 小时") % {"h": hours},
                                f.down_until is None or f.severity == "critical",
                                label=f.number))  # fmt: skip
        return sorted(rows, key=lambda c: (not c.bad, c.when or now))[:CASES_LIMIT]

    return cases


def _passes(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    performed = Inspection.objects.filter(performed_at__gte=start, performed_at__lt=end)
    return counted_by_period(performed, at="performed_at", granularity=granularity,
                             hit=Q(passed=True), path="org_unit__path")  # fmt: skip


def _inspection_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    qs = Inspection.objects.filter(performed_at__gte=start, performed_at__lt=end,
                                   org_unit__path__startswith=org_path).select_related(
        "org_unit").order_by("passed", "performed_at")[:CASES_LIMIT]  # fmt: skip
    return [Counted("facilities.inspection", str(i.pk), i.org_unit.path, i.performed_at,
                    gettext("合格") if i.passed else gettext("不合格"), not i.passed,
                    label=f"{i.org_unit.name} {i.performed_at:%Y-%m-%d}" if i.performed_at else "",
                    name=gettext("设施环境检查"))
            for i in qs]  # fmt: skip


CATEGORY_NAMES = {
    EquipmentCategory.TELEPHONY: ("电话与呼叫系统", "telephony"),
    EquipmentCategory.QUEUE: ("排队叫号机", "queue machines"),
    EquipmentCategory.SELF_SERVICE: ("自助服务终端", "self-service terminals"),
    EquipmentCategory.PC: ("电脑", "PCs"),
    EquipmentCategory.PRINTER: ("打印机/复印机", "printers and copiers"),
    EquipmentCategory.WATER: ("饮水设备", "water dispensers"),
    EquipmentCategory.ACCESSIBILITY: ("无障碍设备", "accessibility equipment"),
    EquipmentCategory.OTHER: ("其他设备", "other equipment"),
}
BASE = (
    (MTBF, "平均故障间隔时间", "Mean time between failures", "hours", "higher_better",
     gettext_noop("（Σ在用设备小时 − Σ停机小时）÷ 本月开始的故障次数（不含已撤销的故障单）；"
                  "在用设备小时自购置日起至报废日止，停机小时为故障单停机开始至恢复（未恢复的至今）"
                  "落在本月的部分"), "repaired_or_down"),
    (MTTR, "平均修复时间", "Mean time to repair", "hours", "lower_better",
     gettext_noop("Σ（恢复时间 − 停机开始时间）÷ 本月恢复的故障单数（不含已撤销的故障单）"),
     "repaired"),
    (AVAILABILITY, "设备可用率", "Equipment availability", "ratio", "higher_better",
     gettext_noop("1 − Σ停机小时 ÷ Σ在用设备小时（全月在用时即 设备台数 × 当月小时数）；"
                  "停机小时为故障单停机开始至恢复（未恢复的至今）落在本月在用期内的部分"),
     "repaired_or_down"),
)  # fmt: skip


def _indicators() -> list[Indicator]:
    out = []
    for code, zh, en, unit, direction, formula, cases in BASE:
        for key, (cat_zh, cat_en) in (("", ("", "")), *((f".{c}", n)
                                                         for c, n in CATEGORY_NAMES.items())):  # fmt: skip
            out.append(Indicator(
                code=code + key, name_zh=zh + (f"（{cat_zh}）" if cat_zh else ""),
                name_en=en + (f" ({cat_en})" if cat_en else ""), unit=unit, direction=direction,
                clauses=("8.2.1", "8.2.3"), formula=formula,
                source=gettext_noop("本平台设备档案与设备故障单"), family=FAMILY,
                granularities=("month",), cases=_fault_cases(cases), owner="facility_admin",
                keep_zero_denominators=code == MTBF,
            ))  # fmt: skip
    out.append(Indicator(
        code=PASS_RATE, name_zh="设施检查合格率", name_en="Facility inspection pass rate",
        unit="ratio", direction="higher_better", clauses=("8.1", "8.3.4"),
        formula=gettext_noop("本期实施且合格的设施环境检查数 ÷ 本期实施的设施环境检查数"),
        source=gettext_noop("本平台设施环境检查记录"), compute_range=_passes,
        cases=_inspection_cases, owner="facility_admin",
    ))  # fmt: skip
    return out


INDICATORS = _indicators()


def register() -> None:
    for indicator in INDICATORS:
        register_indicator(indicator)


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    # equipment that works where customers are served: convenient service (1), efficient (4)
    "facilities.availability": (P.PEOPLE_FIRST, P.EFFICIENT),
    "facilities.availability.": (P.PEOPLE_FIRST, P.EFFICIENT),
    "facilities.mtbf_hours": (P.EFFICIENT, P.IMPROVEMENT),
    "facilities.mtbf_hours.": (P.EFFICIENT, P.IMPROVEMENT),
    "facilities.mttr_hours": (P.EFFICIENT, P.PEOPLE_FIRST),
    "facilities.mttr_hours.": (P.EFFICIENT, P.PEOPLE_FIRST),
})  # fmt: skip
