"""The equipment demo at scale and a year of preventive maintenance (issue 19 §11 and §4).

* ~600 equipment files: fifteen per outlet (queue machine, self-service terminal, eight counter
  PCs, two copiers, two water dispensers, an accessibility aid) and fifteen per call-centre site
  (the 中心支公司 units, where the call-centre queues are: twelve telephony items — agent phones,
  the switch, the recording server — and three agent PCs). Asset numbers are stable
  (``EQ-<unit>-<kind>-<nn>``); categories, suppliers, models, costs, warranties and certificates
  are realistic; purchase dates are spread over nine years (some old: renewal candidates).
* Maintenance plans per province branch and category: PCs and accessibility aids quarterly,
  queue machines, self-service terminals, water dispensers and telephony monthly, copiers by
  usage (every 30,000 pages, from monthly counter readings recorded as 使用记录 entries).
* For every (plan, in-use item) with no task yet, a year of history: mostly done on time, about
  one in ten late, a handful open and overdue now, the next ones due soon; each completion is a
  保养 entry of the item's history.

Everything is written with ``bulk_create`` (the step reports its seconds): the tasks are cases
on the engine (ADR 0032), so each gets its clock (a ``Deadline`` computed by the kernel's clock
math: started at ``warn_on``, due at the end of ``due_on``, met or breached by its completion)
and its events (``create``, and ``complete`` when done), as the daily job and the service write
them. Dated from today; a
rerun adds nothing (items by asset number, plans by unit and category, history by pair).
"""

from __future__ import annotations

import logging
import random
import time as clock
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.core.clockmath import ClockMath
from hiqc.core.models import CaseEvent, Deadline
from hiqc.core.processes import warning_fractions_for
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit

from ..enums import EquipmentCategory as C
from ..enums import EquipmentState, EventKind
from ..models import Equipment, EquipmentEvent, MaintenancePlan, MaintenanceTask
from .enums import TaskState
from .services import done_at, maintenance_plan_create, plan_checklist, plan_items
from .workflow import PM_CLOCK, PROCESS

logger = logging.getLogger(__name__)

# (kind code, category, name, count, suppliers, model prefix, cost range, location)
OUTLET_KIT = (
    ("QM", C.QUEUE, "大厅排队叫号机", 1, ("华信排队系统有限公司", "迅鸟排队设备有限公司"),
     "QM-", (9000, 16000), "营业大厅"),
    ("SS", C.SELF_SERVICE, "自助服务终端", 1, ("银联智能终端有限公司", "广电运通金融电子股份有限公司"),
     "ST-", (28000, 46000), "自助服务区"),
    ("PC", C.PC, "柜面电脑", 8, ("联想（北京）有限公司", "戴尔（中国）有限公司", "华为技术有限公司"),
     "PC-", (4200, 7800), "业务办理区"),
    ("PR", C.PRINTER, "多功能复印机", 2, ("理光（中国）有限公司", "佳能（中国）有限公司"),
     "MF-", (9000, 22000), "业务办理区"),
    ("WD", C.WATER, "温热型饮水机", 2, ("美的饮水设备有限公司", "沁园集团股份有限公司"),
     "WD-", (900, 2600), "休息区"),
    ("AC", C.ACCESSIBILITY, "无障碍服务设备", 1, ("康复辅具有限公司", "残友无障碍科技有限公司"),
     "AX-", (1500, 38000), "入口"),
)  # fmt: skip
SITE_KIT = (
    ("TP", C.TELEPHONY, "坐席话机", 10, ("华为技术有限公司", "中兴通讯股份有限公司"),
     "IP-", (600, 1800), "呼叫中心坐席区"),
    ("SW", C.TELEPHONY, "呼叫中心交换机", 1, ("华为技术有限公司", "新华三技术有限公司"),
     "PBX-", (60000, 140000), "机房"),
    ("RS", C.TELEPHONY, "录音服务器", 1, ("浪潮电子信息产业股份有限公司", "华为技术有限公司"),
     "RS-", (30000, 70000), "机房"),
    ("AP", C.PC, "坐席电脑", 3, ("联想（北京）有限公司", "戴尔（中国）有限公司"),
     "PC-", (4200, 7800), "呼叫中心坐席区"),
)  # fmt: skip

# (category, name, interval days, usage interval, lead days, steps)
PLANS = (
    (C.PC, "电脑季度保养", 90, None, 14, ("机箱除尘与散热检查", "操作系统与防病毒更新", "外设与网络连接检查")),
    (C.QUEUE, "排队叫号机月度保养", 30, None, 7, ("清洁触摸屏与打印头", "检查取号纸余量", "测试叫号与语音播报")),
    (C.SELF_SERVICE, "自助终端月度保养", 30, None, 7, ("清洁屏幕与读卡器", "检查凭条纸与打印", "核对软件版本与联网状态")),
    (C.WATER, "饮水设备月度保养", 30, None, 5, ("清洗消毒水箱与出水口", "检查滤芯有效期", "核对水质检测记录")),
    (C.TELEPHONY, "电话与呼叫系统月度保养", 30, None, 7, ("检查话机与耳麦", "检查中继与录音状态", "核对备份与告警日志")),
    (C.ACCESSIBILITY, "无障碍设备季度保养", 90, None, 14, ("检查运行与安全装置", "清洁与润滑", "核对标识与求助按钮")),
    (C.PRINTER, "复印机按印量保养", None, 30_000, 10, ("清洁硒鼓与送纸通道", "更换易损件", "打印测试页")),
)  # fmt: skip
COSTS: dict[str, tuple[int, int]] = {C.PC: (0, 80), C.QUEUE: (0, 120), C.SELF_SERVICE: (0, 200), C.WATER: (40, 160),
         C.TELEPHONY: (0, 300), C.ACCESSIBILITY: (0, 400), C.PRINTER: (150, 600)}  # fmt: skip
OVERDUE_SHARE = 0.015  # open and past due now: a handful
LATE_SHARE = 0.10
MAX_AGE_DAYS = 3300  # nine years: the oldest items are renewal candidates (8.3.6)


def _units(org_units: Mapping[str, OrgUnit]) -> tuple[list[OrgUnit], list[OrgUnit], list[OrgUnit]]:
    by_path = sorted(org_units.values(), key=lambda u: u.path)
    return ([u for u in by_path if u.level == OrgLevel.OUTLET],
            [u for u in by_path if u.level == OrgLevel.CITY],
            [u for u in by_path if u.level == OrgLevel.PROVINCE])  # fmt: skip


def _equipment(seed: int, outlets: list[OrgUnit], sites: list[OrgUnit], today: date
               ) -> tuple[list[Equipment], list[EquipmentEvent]]:  # fmt: skip
    wanted: list[tuple[OrgUnit, tuple[Any, ...], int]] = []
    for unit in outlets:
        wanted += [(unit, kit, n) for kit in OUTLET_KIT for n in range(1, kit[3] + 1)]
    for unit in sites:
        wanted += [(unit, kit, n) for kit in SITE_KIT for n in range(1, kit[3] + 1)]
    numbers = {f"EQ-{u.code}-{kit[0]}-{n:02d}" for u, kit, n in wanted}
    known = set(Equipment.objects.filter(asset_number__in=numbers).values_list("asset_number",
                                                                              flat=True))  # fmt: skip
    items, events = [], []
    for unit, (code, category, name, _count, suppliers, prefix, cost, place), n in wanted:
        asset = f"EQ-{unit.code}-{code}-{n:02d}"
        if asset in known:
            continue
        rnd = random.Random(f"{seed}:{asset}")
        old = rnd.random() < 0.15
        age = rnd.randint(2190, MAX_AGE_DAYS) if old else rnd.randint(60, 2000)
        bought = today - timedelta(days=age)
        name_here = ("助听放大设备" if n % 2 == 0 else "无障碍升降平台") if code == "AC" else name
        item = Equipment(
            asset_number=asset, name=name_here, category=category, org_unit=unit,
            location=place, model_name=f"{prefix}{rnd.randint(100, 990)}",
            serial_number=f"SN{rnd.randint(10**9, 10**10 - 1)}", supplier=rnd.choice(suppliers),
            purchase_date=bought, purchase_cost=Decimal(rnd.randint(*cost)),
            warranty_end=bought + timedelta(days=3 * 365),
            safety_certificate=f"CCC {rnd.randint(10**9, 10**10 - 1)}",
            environmental_certificate="中国环境标志" if rnd.random() < 0.6 else "",
            state=EquipmentState.IN_USE)  # fmt: skip
        items.append(item)
        events += [
            EquipmentEvent(equipment=item, kind=EventKind.ACQUIRED, happened_on=bought,
                           note="登记入档", cost=item.purchase_cost, recorded_by="demo"),
            EquipmentEvent(equipment=item, kind=EventKind.COMMISSIONED, happened_on=bought,
                           recorded_by="demo"),
        ]  # fmt: skip
    return items, events


def _plans(provinces: list[OrgUnit], today: date) -> tuple[list[MaintenancePlan], int]:
    system = Actor.system("demo")
    out, created = [], 0
    for unit in provinces:
        for category, name, days, usage, lead, steps in PLANS:
            plan = MaintenancePlan.objects.filter(org_unit=unit, category=category,
                                                  equipment__isnull=True).first()  # fmt: skip
            if plan is None:
                plan = maintenance_plan_create(actor=system, data={
                    "name": name, "org_unit": unit.pk, "category": category,
                    "interval_days": days, "usage_interval": usage,
                    "usage_unit": "张" if usage else "", "lead_days": lead,
                    "starts_on": today - timedelta(days=365), "steps": list(steps)})  # fmt: skip
                created += 1
            out.append(plan)
    return out, created


def _done(task: MaintenanceTask, done_on: date, rnd: random.Random, steps: list[Any],
          events: list[EquipmentEvent], reading: Decimal | None = None) -> None:  # fmt: skip
    category = task.plan.category
    low, high = COSTS.get(category, (0, 100))
    cost = Decimal(rnd.randint(low, high)) if high else None
    failed = rnd.random() < 0.04
    results = {str(s.pk): {"text": s.text, "result": "ok", "note": ""} for s in steps}
    if failed and steps:
        results[str(steps[-1].pk)] = {"text": steps[-1].text, "result": "fail",
                                      "note": "发现异常，已报修。"}  # fmt: skip
    event = EquipmentEvent(equipment=task.equipment, kind=EventKind.MAINTENANCE,
                           happened_on=done_on, recorded_by="demo", cost=cost, reading=reading,
                           note=f"按保养计划“{task.plan.name}”完成保养"
                                + ("，1 项未通过" if failed else ""))  # fmt: skip
    events.append(event)
    task.completed_on, task.on_time = done_on, done_on <= task.due_on
    # never after "now": a task done today before 15:00 is stamped now (no date bombs)
    task.completed_at = min(datetime.combine(done_on, time(15), tzinfo=BEIJING), timezone.now())
    task.version = 2  # opened, then completed: two steps on the engine
    task.completed_by, task.results, task.cost, task.event = "demo", results, cost, event
    task.reading, task.notes = reading, "例行保养。"


def _history(plan: MaintenancePlan, item: Equipment, commissioned: date, today: date, seed: int,
             steps: list[Any], checklist: Any, tasks: list[MaintenanceTask],
             events: list[EquipmentEvent]) -> None:  # fmt: skip
    """A date plan's year: the first due spread over the interval, then each next due counted
    from the completion (as ``next_due`` does)."""
    assert plan.interval_days
    rnd = random.Random(f"{seed}:{plan.org_unit.code}:{plan.category}:{item.asset_number}")
    step = timedelta(days=plan.interval_days)
    due = max(
        commissioned + step, plan.starts_on + timedelta(days=rnd.randrange(plan.interval_days))
    )
    lead = timedelta(days=plan.lead_days)
    while due <= today + lead:
        r = rnd.random()
        done_on: date | None = None
        # open: due soon, or a handful overdue
        if not (due > today or (r < OVERDUE_SHARE and due > today - timedelta(days=45))):
            late = r < OVERDUE_SHARE + LATE_SHARE
            done_on = due + timedelta(days=rnd.randint(1, 12)) if late else due - timedelta(
                days=rnd.randint(0, min(plan.lead_days, 5)))  # fmt: skip
            done_on = max(done_on, commissioned)
            if done_on > today:
                done_on = None  # would be done late, after today: open and overdue now
        # written in the state its history ends in (its clock and events: ``_on_the_engine``)
        task = MaintenanceTask(plan=plan, equipment=item, due_on=due, warn_on=due - lead,
                               checklist=checklist,
                               status=TaskState.DONE if done_on else TaskState.PENDING)  # fmt: skip
        tasks.append(task)
        if done_on is None:
            return
        _done(task, done_on, rnd, steps, events)
        due = max(done_on + step, due + timedelta(days=1))


def _usage_history(plan: MaintenancePlan, item: Equipment, commissioned: date, today: date,
                   seed: int, steps: list[Any], checklist: Any, tasks: list[MaintenanceTask],
                   events: list[EquipmentEvent]) -> None:  # fmt: skip
    """A copier's monthly counter readings over the year and its maintenance every 30,000 pages
    (due ``lead_days`` after the reading that reached it)."""
    assert plan.usage_interval
    rnd = random.Random(f"{seed}:{plan.org_unit.code}:{plan.category}:{item.asset_number}")
    first = max(plan.starts_on, commissioned)
    reading = Decimal(rnd.randint(5_000, 250_000))
    readings = []
    day = first
    while day <= today:
        readings.append((day, reading))
        events.append(EquipmentEvent(equipment=item, kind=EventKind.USE, happened_on=day,
                                     note="月度计数器读数", reading=reading,
                                     recorded_by="demo"))  # fmt: skip
        day += timedelta(days=30)
        reading += rnd.randint(4_000, 11_000)
    target = readings[0][1] + plan.usage_interval
    lead = timedelta(days=plan.lead_days)
    for on, value in readings:
        if value < target:
            continue
        due = on + lead
        late = rnd.random() < LATE_SHARE
        done_on = due + timedelta(days=rnd.randint(1, 8)) if late else on + timedelta(
            days=rnd.randint(1, plan.lead_days))  # fmt: skip
        task = MaintenanceTask(plan=plan, equipment=item, due_on=due, warn_on=on,
                               due_reading=target, checklist=checklist,
                               status=TaskState.PENDING if done_on > today else TaskState.DONE)  # fmt: skip
        tasks.append(task)
        if done_on > today:
            return
        _done(task, done_on, rnd, steps, events, reading=value)
        target = value + plan.usage_interval


def maintenance_demo_load(*, seed: int, org_units: Mapping[str, OrgUnit], today: date
                          ) -> dict[str, int]:  # fmt: skip
    started = clock.perf_counter()
    outlets, sites, provinces = _units(org_units)
    items, events = _equipment(seed, outlets, sites, today)
    Equipment.objects.bulk_create(items, batch_size=500)
    EquipmentEvent.objects.bulk_create(events, batch_size=1000)
    plans, created = _plans(provinces, today)
    tasks: list[MaintenanceTask] = []
    events = []
    for plan in plans:
        pairs = plan_items(plan)
        done_pairs = set(MaintenanceTask.objects.filter(plan=plan).values_list("equipment_id",
                                                                               flat=True))  # fmt: skip
        checklist = plan_checklist(plan)
        steps = checklist_items(checklist)
        for item in pairs:
            # the demo's history covers its own items ("EQ-…"); other demo items (the hand-made
            # files, the renewal and fault demos') get theirs from the daily job, as real ones
            if item.pk in done_pairs or not item.asset_number.startswith("EQ-"):
                continue
            commissioned = item.purchase_date or plan.starts_on
            history = _usage_history if plan.usage_interval else _history
            history(plan, item, commissioned, today, seed, steps, checklist, tasks, events)
    EquipmentEvent.objects.bulk_create(events, batch_size=1000)
    MaintenanceTask.objects.bulk_create(tasks, batch_size=1000)
    _on_the_engine(tasks)
    counts = {"equipment_bulk": len(items), "maintenance_plans": created,
              "maintenance_tasks": len(tasks),
              "maintenance_done": sum(1 for t in tasks if t.status == TaskState.DONE)}  # fmt: skip
    if items or tasks:
        logger.info("facilities demo: %d items, %d maintenance tasks in %.2f s", len(items),
                    len(tasks), clock.perf_counter() - started)  # fmt: skip
    return counts


def _on_the_engine(tasks: list[MaintenanceTask]) -> None:
    """Each task's clock and events, in bulk, as the engine writes them for one task: the daily
    job opened it on its warning day (05:40), the completion stopped its clock on the day it was
    done (``done_at``: met on or before ``due_on``, breached after)."""
    math = ClockMath(memoise=True)
    now = timezone.now()  # nothing the demo writes happens after it
    fractions: dict[str, tuple[float, ...]] = {}
    clocks, events = [], []
    for t in tasks:
        path, key = t.equipment.org_unit.path, str(t.pk)
        opened = min(datetime.combine(t.warn_on, time(5, 40), tzinfo=BEIJING), now)
        if path not in fractions:
            fractions[path] = warning_fractions_for(PROCESS, path, opened, PM_CLOCK.code)
        d = Deadline(case_type=PROCESS, case_id=key, org_path=path)
        math.begin(d, PM_CLOCK, datetime.combine(t.warn_on, time.min, tzinfo=BEIJING),
                   fractions[path])  # fmt: skip
        math.due_on(d, t.due_on)
        events.append(CaseEvent(case_type=PROCESS, case_id=key, org_path=path, activity="create",
                                from_state="", to_state=TaskState.PENDING, at=opened,
                                actor_name="facilities_maintenance_generate",
                                source=CaseEvent.Source.SYSTEM,
                                data={"due_on": t.due_on.isoformat()}))  # fmt: skip
        if t.status == TaskState.DONE and t.completed_on and t.completed_at:
            at = min(done_at(t.completed_on, t.completed_at), now)
            math.stop(d, at)
            events.append(CaseEvent(case_type=PROCESS, case_id=key, org_path=path,
                                    activity="complete", from_state=TaskState.PENDING,
                                    to_state=TaskState.DONE, at=at, actor_name="demo",
                                    source=CaseEvent.Source.PAGE,
                                    data={"done_on": t.completed_on.isoformat(),
                                          "on_time": t.on_time, "failed": 0}))  # fmt: skip
        clocks.append(d)
    Deadline.objects.bulk_create(clocks, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
