"""The facilities demo (issue 19 §11, this session's slice): every outlet's facilities record (a
few without barrier-free access, private windows or water), two inspections per outlet over the
last months — the older one's failed items rectified and verified, the recent one failing an item
at every third outlet with its rectification still open — and a dozen equipment files with their
history. Dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit, User

from .enums import EquipmentCategory, EventKind, InspectionKind
from .equipment.services import equipment_create, equipment_event_record
from .faults.demo import faults_demo_load
from .maintenance.demo import maintenance_demo_load
from .models import Equipment, Inspection, OutletFacility, RenewalPlan
from .services import (
    inspection_perform,
    inspection_plan,
    outlet_checklist,
    outlet_facility_save,
    rectification_act,
)

# Spread over the outlets (every branch has some: the door matrix probes another branch's).
EQUIPMENT: tuple[tuple[str, str, str, str, str], ...] = (
    # asset number, name, category, supplier, certificates
    ("DEMO-EQ-001", "大厅排队叫号机", EquipmentCategory.QUEUE, "华信排队系统有限公司", "CCC"),
    ("DEMO-EQ-002", "自助服务终端", EquipmentCategory.SELF_SERVICE, "银联智能终端有限公司", "CCC"),
    ("DEMO-EQ-003", "柜面电脑", EquipmentCategory.PC, "联想（北京）有限公司", "CCC"),
    ("DEMO-EQ-004", "多功能复印机", EquipmentCategory.PRINTER, "理光（中国）有限公司", "CCC"),
    ("DEMO-EQ-005", "温热型饮水机", EquipmentCategory.WATER, "美的饮水设备有限公司", "CCC"),
    ("DEMO-EQ-006", "无障碍升降平台", EquipmentCategory.ACCESSIBILITY, "康复辅具有限公司", "CCC"),
    ("DEMO-EQ-007", "大厅排队叫号机", EquipmentCategory.QUEUE, "华信排队系统有限公司", "CCC"),
    ("DEMO-EQ-008", "自助服务终端", EquipmentCategory.SELF_SERVICE, "银联智能终端有限公司", "CCC"),
    ("DEMO-EQ-009", "柜面电脑", EquipmentCategory.PC, "联想（北京）有限公司", "CCC"),
    ("DEMO-EQ-010", "坐席电话交换机", EquipmentCategory.TELEPHONY, "华为技术有限公司", "CCC"),
    ("DEMO-EQ-011", "助听放大设备", EquipmentCategory.ACCESSIBILITY, "康复辅具有限公司", ""),
    ("DEMO-EQ-012", "激光打印机", EquipmentCategory.PRINTER, "惠普贸易有限公司", "CCC"),
)  # fmt: skip


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def _record(i: int) -> dict[str, Any]:
    return {
        "address": f"营业厅 {i + 1} 号", "floor_area": str(180 + 15 * (i % 7)),
        "opening_hours": "周一至周五 9:00-17:00", "has_reception": True,
        "reception_seats": str(8 + i % 5), "has_business": True,
        "private_windows": "0" if i % 9 == 5 else str(2 + i % 3), "has_rest": True,
        "has_water": i % 11 != 4, "has_consultation": True, "has_signage": True,
        "barrier_free": i % 7 != 3,
    }  # fmt: skip


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    outlets = sorted((u for u in org_units.values() if u.level == OrgLevel.OUTLET),
                     key=lambda u: u.path)  # fmt: skip
    if not outlets:
        return {}
    system = Actor.system("demo")
    today = timezone.now().astimezone(BEIJING).date()
    counts = {"outlet_records": 0, "inspections": 0, "rectifications": 0, "equipment": 0}
    items = checklist_items(outlet_checklist())
    by_clause = {i.clause: i for i in reversed(items)}  # the first item of each clause
    tidy = next(i for i in items if i.clause == "8.3.4")
    for n, unit in enumerate(outlets):
        record = _record(n)
        if not OutletFacility.objects.filter(org_unit=unit).exists():
            outlet_facility_save(actor=system, org_unit_id=unit.pk, data=record)
            counts["outlet_records"] += 1
        if Inspection.objects.filter(org_unit=unit).exists():
            continue
        # the gaps of the record show as failed items of the older inspection
        failing = set()
        if not record["barrier_free"]:
            failing.add(by_clause["8.1.7"].pk)
        if record["private_windows"] == "0":
            failing.add(by_clause["8.1.4"].pk)
        if not record["has_water"]:
            failing.add(items[5].pk)
        for age, kind, fail in (
            (70 + n % 20, InspectionKind.FACILITY, failing),
            (3 + n % 5, InspectionKind.ENVIRONMENT, {tidy.pk} if n % 3 == 0 else set()),
        ):
            done_on = today - timedelta(days=age)
            inspection = inspection_plan(actor=system, data={
                "org_unit": unit.pk, "kind": kind, "due_date": done_on + timedelta(days=2)})  # fmt: skip
            marks = {str(i.pk): (0 if i.pk in fail else i.points) for i in items}
            notes = {str(pk): "现场检查发现不符合，已拍照。" for pk in fail}
            inspection_perform(actor=system, inspection_id=inspection.pk, marks=marks,
                               notes=notes, summary="例行检查。", at=_at(done_on, 10))  # fmt: skip
            counts["inspections"] += 1
            for case in inspection.rectifications.all():
                counts["rectifications"] += 1
                if age < 30:
                    continue  # the recent one's stays open, its clock running
                rectification_act(actor=system, case_id=case.pk, action="rectify",
                                  data={"correction": "已按要求完成整改。"}, version=case.version,
                                  at=_at(done_on + timedelta(days=6), 15))  # fmt: skip
                rectification_act(actor=system, case_id=case.pk, action="verify",
                                  data={"verification": "现场复查合格。"}, version=case.version + 1,
                                  at=_at(done_on + timedelta(days=9), 11))  # fmt: skip
    for k, (asset, name, category, supplier, cert) in enumerate(EQUIPMENT):
        if Equipment.objects.filter(asset_number=asset).exists():
            continue
        bought = today - timedelta(days=200 + 97 * k)
        equipment = equipment_create(actor=system, data={
            "asset_number": asset, "name": name, "category": category,
            "org_unit": outlets[k * len(outlets) // len(EQUIPMENT)].pk, "location": "营业大厅",
            "model_name": f"型号 {100 + k}", "serial_number": f"SN{seed:03d}{k:04d}",
            "supplier": supplier, "purchase_date": bought.isoformat(),
            "purchase_cost": str(2000 + 1500 * k), "warranty_end": (bought + timedelta(days=3 * 365)).isoformat(),
            "safety_certificate": f"{cert} 2024{k:06d}" if cert else "",
            "environmental_certificate": "中国环境标志" if k % 2 == 0 else "",
        })  # fmt: skip
        counts["equipment"] += 1
        equipment_event_record(actor=system, equipment_id=equipment.pk, data={
            "kind": EventKind.CHECK, "happened_on": (today - timedelta(days=40)).isoformat(),
            "note": "季度检查，运行正常。"})  # fmt: skip
        if k == 0:
            for event, days, note, cost in (
                (EventKind.FAULT, 20, "叫号屏不显示", ""),
                (EventKind.REPAIR, 19, "更换显示模块", "680"),
                (EventKind.REPAIRED, 18, "修复后恢复使用", ""),
            ):
                equipment_event_record(actor=system, equipment_id=equipment.pk, data={
                    "kind": event, "happened_on": (today - timedelta(days=days)).isoformat(),
                    "note": note, "cost": cost})  # fmt: skip
        if k == 11:
            equipment_event_record(actor=system, equipment_id=equipment.pk, data={
                "kind": EventKind.DISPOSED, "happened_on": (today - timedelta(days=2)).isoformat(),
                "note": "老化报废，已按规定回收处置。"})  # fmt: skip
    # ~600 items over the outlets and call-centre sites, plans and a year of maintenance
    counts.update(maintenance_demo_load(seed=seed, org_units=org_units, today=today))
    counts.update(operators_renewal_load(outlets=outlets, users=users, today=today))
    # last: its history covers every item the steps above created
    counts.update(faults_demo_load(seed=seed, org_units=org_units))
    return {k: v for k, v in counts.items() if v}


# --- operators (8.2.6) and renewal plans (8.3.6; issue 19 §7–§8) ---------------------------------

# Old items the renewal plans and suggestions work on (asset number, name, category, outlet
# index: 0 first, 1 middle, 2 last; bought years and days ago).
RENEWAL_EQUIPMENT: tuple[tuple[str, str, str, int, int], ...] = (
    ("DEMO-EQ-R01", "旧款排队叫号机", EquipmentCategory.QUEUE, 0, 7 * 365 + 40),
    ("DEMO-EQ-R02", "旧款自助服务终端", EquipmentCategory.SELF_SERVICE, 1, 6 * 365 + 90),
    ("DEMO-EQ-R03", "旧款柜面电脑", EquipmentCategory.PC, 2, 6 * 365 + 10),
    ("DEMO-EQ-R04", "柜面电脑（更新）", EquipmentCategory.PC, 2, 25),
)  # fmt: skip


def _on(day: date) -> str:
    return day.isoformat()


def operators_renewal_load(*, outlets: list[OrgUnit], users: Mapping[str, User], today: date
                           ) -> dict[str, int]:  # fmt: skip
    """The old items, the operators of the equipment that needs them (the personas holding the
    qualification, from the people demo's certificates: one of them lapsed, one running out), and
    renewal plans for this budget year (one approved, one done with its old item disposed of)
    and the next (one planned, one approved). A rerun adds nothing."""
    from hiqc.core.qualifications import qualification_holdings

    from .enums import EquipmentState, RenewalReason, RenewalState
    from .operators import (
        equipment_operators_set,
        operator_requirements_seed,
        required_qualifications,
    )
    from .renewal import renewal_plan_create, renewal_plan_update

    system = Actor.system("demo")
    operator_requirements_seed()
    counts = {"renewal_equipment": 0, "operators": 0, "renewal_plans": 0}
    spots = (outlets[0], outlets[len(outlets) // 2], outlets[-1])
    old: dict[str, Equipment] = {}
    for asset, name, category, spot, age in RENEWAL_EQUIPMENT:
        found = Equipment.objects.filter(asset_number=asset).first()
        if found is None:
            bought = today - timedelta(days=age)
            found = equipment_create(actor=system, data={
                "asset_number": asset, "name": name, "category": category,
                "org_unit": spots[spot].pk, "location": "营业大厅", "supplier": "演示供应商",
                "purchase_date": _on(bought), "purchase_cost": str(3000 + 1000 * len(old)),
            })  # fmt: skip
            counts["renewal_equipment"] += 1
            if asset == "DEMO-EQ-R02":  # a faulty one: three faults in the last twelve months
                for days in (300, 170, 40):
                    for kind, shift, note in ((EventKind.FAULT, 0, "触摸屏无响应"),
                                              (EventKind.REPAIRED, 1, "重启并校准后恢复")):  # fmt: skip
                        equipment_event_record(actor=system, equipment_id=found.pk, data={
                            "kind": kind, "happened_on": _on(today - timedelta(days=days - shift)),
                            "note": note})  # fmt: skip
        old[asset] = found

    # operators: the personas holding the qualification, in the item's province first
    equipment = list(Equipment.objects.exclude(state=EquipmentState.DISPOSED)
                     .filter(operators__isnull=True).select_related("org_unit")
                     .order_by("asset_number"))  # fmt: skip
    required = required_qualifications(equipment)
    people = sorted(users.values(), key=lambda u: u.username)
    holdings = qualification_holdings([u.pk for u in people], set(required.values()), today)
    for e in equipment:
        code = required.get(e.pk)
        if code is None:
            continue
        holders = [u for u in people if (str(u.pk), code) in holdings]
        province = "/".join(e.org_unit.path.split("/")[:2])
        near = [u for u in holders if u.org_unit is not None
                and u.org_unit.path.startswith(province + "/")]  # fmt: skip
        chosen = (near or holders)[:2]
        named: list[str] = []
        for user in chosen:
            issued_on, expires_on = holdings[(str(user.pk), code)]
            on = max(issued_on, min(today, expires_on), e.purchase_date or issued_on)
            if on > min(today, expires_on):
                continue  # bought after the certificate ran out: not an operator
            named.append(str(user.pk))
            equipment_operators_set(actor=system, equipment_id=e.pk, user_ids=named,
                                    at=_at(on, 9))  # fmt: skip
            counts["operators"] += 1

    if RenewalPlan.objects.exists():
        return counts
    this_year = today.year
    current = list(Equipment.objects.exclude(state=EquipmentState.DISPOSED)
                   .exclude(asset_number__in=[a for a, *_r in RENEWAL_EQUIPMENT])
                   .select_related("org_unit").order_by("asset_number"))  # fmt: skip
    by_category = {e.category: e for e in reversed(current)}  # the first of each category
    plans: list[tuple[Equipment, int, str, str, str, dict[str, Any]]] = [
        (old["DEMO-EQ-R01"], this_year, RenewalReason.AGE, "15800", RenewalState.APPROVED, {}),
        (old["DEMO-EQ-R03"], this_year, RenewalReason.DAMAGE, "6200", RenewalState.DONE,
         {"replacement": old["DEMO-EQ-R04"].pk, "dispose_old": True,
          "done_on": today - timedelta(days=20)}),
    ]  # fmt: skip
    if EquipmentCategory.PC in by_category:
        plans.append((by_category[EquipmentCategory.PC], this_year + 1, RenewalReason.OBSOLETE,
                      "5800", RenewalState.PLANNED, {}))  # fmt: skip
    if EquipmentCategory.TELEPHONY in by_category:
        plans.append((by_category[EquipmentCategory.TELEPHONY], this_year + 1,
                      RenewalReason.OBSOLETE, "86000", RenewalState.APPROVED, {}))  # fmt: skip
    for item, year, reason, cost, state, done in plans:
        if item.state == EquipmentState.DISPOSED:
            continue
        plan = renewal_plan_create(actor=system, data={
            "org_unit": item.org_unit_id, "items": [item.pk], "budget_year": year,
            "reason": reason, "estimated_cost": cost, "note": "演示数据：年度设备更新。"})  # fmt: skip
        counts["renewal_plans"] += 1
        if state in (RenewalState.APPROVED, RenewalState.DONE):
            renewal_plan_update(actor=system, plan_id=plan.pk,
                                data={"state": RenewalState.APPROVED})  # fmt: skip
        if state == RenewalState.DONE:
            done_on = max(done["done_on"], old["DEMO-EQ-R04"].purchase_date or today)
            renewal_plan_update(actor=system, plan_id=plan.pk, data={
                "state": RenewalState.DONE, **done, "done_on": done_on})  # fmt: skip
    return counts
