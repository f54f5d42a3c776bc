"""The fault demo (issue 19 §11): a year of fault tickets over whatever equipment exists when it
runs (the facilities demo's dozen items, or the ~600 of a larger load), a few open now with
running or breached clocks, and one telephony outage at 绵阳 (SC-MY) the morning of the last working day, when its
understaffed complaint queue has its worst service-level intervals (``hiqc.callcentre.demo``), so
the call-centre dashboard shows the outage over them.

The year is written in bulk (tickets, their events, their clocks as ``deadline_build`` computes
them, the equipment history), not step by step; the open tickets and the outage go through the
services. Dated from today; a rerun adds nothing: an item that has demo tickets gets no more, and
the open tickets and the outage are known by their alarm ids.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, load_year
from hiqc.core.deadlines import deadline_build
from hiqc.core.models import CaseEvent, Deadline
from hiqc.organisations.models import OrgUnit

from ..enums import EquipmentCategory, EquipmentState, EventKind
from ..equipment.services import equipment_create
from ..models import Equipment, EquipmentEvent, Fault
from .enums import FaultCause, FaultSeverity, FaultSource, FaultStatus
from .services import _open, clock_for, fault_act
from .workflow import PROCESS

DEMO = "demo"
DAYS = 365
# mean failures per item and year when new, and the share of critical / major faults, by
# category; an item fails more as it ages (AGEING per year beyond its third), and the count of an
# item's year is drawn (Poisson), so a few old copiers and terminals fail often and most items
# never — what the renewal suggestions (8.3.6) and MTBF are meant to tell apart
RATES: dict[str, tuple[float, float, float]] = {
    EquipmentCategory.TELEPHONY: (0.6, 0.35, 0.4), EquipmentCategory.QUEUE: (0.8, 0.15, 0.4),
    EquipmentCategory.SELF_SERVICE: (1.2, 0.1, 0.35), EquipmentCategory.PC: (0.4, 0.05, 0.3),
    EquipmentCategory.PRINTER: (1.2, 0.0, 0.25), EquipmentCategory.WATER: (0.3, 0.0, 0.2),
    EquipmentCategory.ACCESSIBILITY: (0.3, 0.1, 0.4), EquipmentCategory.OTHER: (0.3, 0.0, 0.3),
}  # fmt: skip
AGEING = 0.25


def _poisson(rnd: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's product of uniforms; the means here are small)."""
    limit, k, product = math.exp(-mean), 0, rnd.random()
    while product > limit:
        k += 1
        product *= rnd.random()
    return k


# hours: (response low, high), (down low, high)
HOURS = {
    FaultSeverity.CRITICAL: ((0.1, 1.4), (0.5, 6.0)),
    FaultSeverity.MAJOR: ((0.3, 5.0), (2.0, 30.0)),
    FaultSeverity.MINOR: ((1.0, 30.0), (4.0, 80.0)),
}
CAUSES = ([FaultCause.HARDWARE] * 4 + [FaultCause.SOFTWARE] * 3 + [FaultCause.NETWORK] * 2
          + [FaultCause.WEAR] * 2 + [FaultCause.POWER, FaultCause.MISUSE, FaultCause.SUPPLIER,
                                     FaultCause.UNKNOWN])  # fmt: skip
TITLES: dict[str, tuple[str, ...]] = {
    EquipmentCategory.TELEPHONY: ("中继线路中断", "坐席话机无法登录", "录音服务器告警"),
    EquipmentCategory.QUEUE: ("叫号屏不显示", "取号机卡纸", "叫号主机离线"),
    EquipmentCategory.SELF_SERVICE: ("读卡器故障", "终端黑屏", "凭条打印机卡纸"),
    EquipmentCategory.PC: ("无法开机", "系统蓝屏", "网络不通"),
    EquipmentCategory.PRINTER: ("卡纸", "打印模糊", "无法联网打印"),
    EquipmentCategory.WATER: ("不出热水", "漏水"),
    EquipmentCategory.ACCESSIBILITY: ("升降平台无法运行", "呼叫按钮失灵"),
    EquipmentCategory.OTHER: ("设备故障",),
}
RESOLUTIONS = {
    FaultCause.HARDWARE: "更换损坏部件后恢复", FaultCause.SOFTWARE: "重装或升级软件后恢复",
    FaultCause.NETWORK: "线路修复后恢复", FaultCause.POWER: "供电恢复后重启", FaultCause.WEAR:
    "更换老化部件", FaultCause.MISUSE: "重新设置并培训使用人员", FaultCause.SUPPLIER:
    "供应商（运营商）处理后恢复", FaultCause.UNKNOWN: "重启后恢复，原因待观察",
}  # fmt: skip
MY_CODE = "SC-MY"
MY_PBX = "DEMO-EQ-MY-PBX"
MY_OUTAGE = "DEMO-MY-PBX-OUTAGE"
OPEN_NOW = (  # alarm id, severity, hours ago, steps taken
    ("DEMO-NOW-1", FaultSeverity.CRITICAL, 0.6, ()),  # the 1-hour response clock running
    ("DEMO-NOW-2", FaultSeverity.MAJOR, 7.0, ()),  # the 4-hour response clock breached
    ("DEMO-NOW-3", FaultSeverity.MINOR, 30.0, ("accept",)),  # in repair
    ("DEMO-NOW-4", FaultSeverity.MAJOR, 20.0, ("accept", "repair")),  # awaiting confirmation
)


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING) + timedelta(hours=hour)


class _Numbers:
    """The next free daily number of each day (GZ + date + 4 digits), read once."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        for number in Fault.objects.values_list("number", flat=True):
            day, n = number[:10], int(number[10:])
            self.last[day] = max(self.last.get(day, 0), n)

    def next(self, at: datetime) -> str:
        day = "GZ" + at.astimezone(BEIJING).strftime("%Y%m%d")
        self.last[day] = self.last.get(day, 0) + 1
        return f"{day}{self.last[day]:04d}"


def _history(equipment: list[Equipment], seed: int, now: datetime) -> dict[str, int]:
    """A year of closed tickets, in bulk."""
    have = set(Fault.objects.filter(reported_by=DEMO).values_list("equipment_id", flat=True))
    numbers = _Numbers()
    clocks: dict[tuple[str, str], Any] = {}
    faults: list[Fault] = []
    events: list[CaseEvent] = []
    deadlines: list[Deadline] = []
    history: list[EquipmentEvent] = []
    today = now.astimezone(BEIJING).date()
    for item in equipment:
        if item.pk in have or item.state == EquipmentState.DISPOSED:
            continue
        rnd = random.Random(f"{seed}-fault-{item.asset_number}")
        rate, critical, major = RATES.get(item.category, RATES[EquipmentCategory.OTHER])
        years = (today - (item.purchase_date or today)).days / 365
        count = _poisson(rnd, rate * (1 + AGEING * max(0.0, years - 3)))
        first = max(today - timedelta(days=DAYS), item.purchase_date or today)
        span = (today - first).days - 3
        if span < 1:
            continue
        for k in range(count):
            draw = rnd.random()
            severity = (FaultSeverity.CRITICAL if draw < critical else
                        FaultSeverity.MAJOR if draw < critical + major else FaultSeverity.MINOR)  # fmt: skip
            (r_lo, r_hi), (d_lo, d_hi) = HOURS[severity]
            down_from = _at(first + timedelta(days=rnd.randrange(span)), rnd.uniform(8, 19))
            reported = down_from + timedelta(hours=rnd.uniform(0, 0.25))
            responded = reported + timedelta(hours=rnd.uniform(r_lo, r_hi))
            down_until = max(responded, down_from + timedelta(hours=rnd.uniform(d_lo, d_hi)))
            closed = down_until + timedelta(hours=rnd.uniform(1, 40))
            if closed >= now:
                continue
            cause = rnd.choice(CAUSES)
            monitoring = item.category == EquipmentCategory.TELEPHONY or rnd.random() < 0.3
            fault = Fault(
                status=FaultStatus.CLOSED, version=4, number=numbers.next(reported),
                equipment=item, org_unit_id=item.org_unit_id, category=item.category,
                severity=severity, title=rnd.choice(TITLES.get(item.category, ("设备故障",))),
                source=FaultSource.MONITORING if monitoring else FaultSource.PAGE,
                alarm_id=f"DEMO-ALM-{item.asset_number}-{k}" if monitoring else None,
                reported_at=reported, reported_by=DEMO, responded_at=responded,
                down_from=down_from, down_until=down_until, cause=cause,
                resolution=RESOLUTIONS[cause], repaired_at=down_until, closed_at=closed,
            )  # fmt: skip
            faults.append(fault)
            path, case_id = item.org_unit.path, str(fault.pk)
            steps = (("create", "", FaultStatus.REPORTED, reported),
                     ("accept", FaultStatus.REPORTED, FaultStatus.IN_PROGRESS, responded),
                     ("repair", FaultStatus.IN_PROGRESS, FaultStatus.REPAIRED, down_until),
                     ("confirm", FaultStatus.REPAIRED, FaultStatus.CLOSED, closed))  # fmt: skip
            events += [CaseEvent(case_type=PROCESS, case_id=case_id, org_path=path, activity=a,
                                 from_state=f, to_state=t, at=at, actor_name=DEMO,
                                 source=CaseEvent.Source.SYSTEM,
                                 data={"severity": severity} if a == "create" else {})
                       for a, f, t, at in steps]  # fmt: skip
            for step, ended in (("response", responded), ("repair", down_until)):
                if (severity, step) not in clocks:
                    clocks[(severity, step)] = clock_for(severity, step)
                deadlines.append(deadline_build(case_type=PROCESS, case_id=case_id, org_path=path,
                                                clock=clocks[(severity, step)], at=reported,
                                                closed_at=ended))  # fmt: skip
            history += [EquipmentEvent(equipment=item, kind=kind, happened_on=at.astimezone(
                BEIJING).date(), note=f"故障单 {fault.number}：{note}", recorded_by=DEMO)
                for kind, at, note in ((EventKind.FAULT, down_from, fault.title),
                                       (EventKind.REPAIR, responded, "开始维修"),
                                       (EventKind.REPAIRED, down_until, fault.resolution))]  # fmt: skip
    Fault.objects.bulk_create(faults, batch_size=500)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    Deadline.objects.bulk_create(deadlines, batch_size=1000)
    EquipmentEvent.objects.bulk_create(history, batch_size=1000)
    return {"faults": len(faults)}


def _now_and_outage(org_units: Mapping[str, OrgUnit], seed: int, now: datetime,
                    system: Actor) -> dict[str, int]:  # fmt: skip
    """The open tickets (through the services) and 绵阳's telephony outage the morning of the last working day."""
    counts = {"faults_open": 0, "telephony_outage": 0}
    known = set(Fault.objects.filter(alarm_id__startswith="DEMO-").exclude(
        alarm_id__startswith="DEMO-ALM-").values_list("alarm_id", flat=True))  # fmt: skip
    candidates = list(Equipment.objects.select_related("org_unit").filter(
        state=EquipmentState.IN_USE).exclude(asset_number=MY_PBX).order_by("asset_number"))  # fmt: skip
    rnd = random.Random(f"{seed}-faults-now")
    rnd.shuffle(candidates)
    for (alarm, severity, hours, steps), item in zip(OPEN_NOW, candidates, strict=False):
        if alarm in known:
            continue
        at = now - timedelta(hours=hours)
        fault = _open(actor=system, equipment=item, at=at, source=FaultSource.MONITORING,
                      alarm_id=alarm, values={"severity": severity, "title": rnd.choice(
                          TITLES.get(item.category, ("设备故障",))), "description": "",
                          "down_from": at})  # fmt: skip
        for n, step in enumerate(steps, start=1):
            data = {"resolution": "更换部件后恢复", "cause": FaultCause.HARDWARE} if (
                step == "repair") else {}  # fmt: skip
            fault_act(actor=system, fault_id=fault.pk, action=step, data=data,
                      at=at + timedelta(hours=hours * n / (len(steps) + 1)))  # fmt: skip
        counts["faults_open"] += 1
    my = org_units.get(MY_CODE)
    if my is None or MY_OUTAGE in known:
        return counts
    pbx = Equipment.objects.select_related("org_unit").filter(asset_number=MY_PBX).first()
    if pbx is None:
        pbx = equipment_create(actor=system, data={
            "asset_number": MY_PBX, "name": "呼叫中心交换机（绵阳）", "org_unit": my.pk,
            "category": EquipmentCategory.TELEPHONY, "location": "呼叫中心机房",
            "model_name": "IPPBX-3000", "supplier": "华为技术有限公司",
            "purchase_date": (now.astimezone(BEIJING).date() - timedelta(days=3 * 365)).isoformat(),
            "safety_certificate": "CCC 2023000001"})  # fmt: skip
        counts["equipment"] = 1
    day = last_working_day(now.astimezone(BEIJING).date())
    start, end = _at(day, 9.75), _at(day, 11.7)  # 09:45 – 11:42, the morning peak
    fault = _open(actor=system, equipment=pbx, at=start, source=FaultSource.MONITORING,
                  alarm_id=MY_OUTAGE, down_until=end, values={
                      "severity": FaultSeverity.CRITICAL, "title": "运营商中继全部中断",
                      "description": "监控告警：中继线路全部中断，来话无法接入坐席。",
                      "down_from": start})  # fmt: skip
    fault_act(actor=system, fault_id=fault.pk, action="accept", data={},
              at=start + timedelta(minutes=12))  # fmt: skip
    fault_act(actor=system, fault_id=fault.pk, action="repair", at=end + timedelta(minutes=5),
              data={"resolution": "运营商修复中继线路，来话恢复", "cause": FaultCause.SUPPLIER,
                    "down_until": end.isoformat()})  # fmt: skip
    fault_act(actor=system, fault_id=fault.pk, action="confirm", data={},
              at=end + timedelta(hours=1))  # fmt: skip
    counts["telephony_outage"] = 1
    return counts


def last_working_day(today: date) -> date:
    """The working day before ``today`` (the official calendar): when the call centre is busy
    and 绵阳's understaffed queue already misses its target — a weekend outage would hide."""
    day = today - timedelta(days=1)
    while not load_year(day.year).is_working_day(day):
        day -= timedelta(days=1)
    return day


def faults_demo_load(*, seed: int, org_units: Mapping[str, OrgUnit]) -> dict[str, int]:
    """Run after the equipment step of the facilities demo (any number of items)."""
    now = timezone.now()
    system = Actor.system(DEMO)
    items = list(Equipment.objects.select_related("org_unit").order_by("asset_number"))
    counts = _history(items, seed, now)
    counts.update(_now_and_outage(org_units, seed, now, system))
    return {f"faults.{k}" if not k.startswith("faults") else k: v for k, v in counts.items()}
