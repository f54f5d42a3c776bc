"""Equipment files (standard 8.2.4, 8.2.5; issue 19 §3 and §10): every write.

* ``equipment_clean`` — the one set of rules for a piece of equipment, shared by the page, the API
  and the import: asset number, name, category, location (an org unit: an outlet or a call-centre
  site), supplier, purchase date and cost, warranty end, safety and environmental certificates.
* ``equipment_create`` — a new file, with its first history entries (acquired; commissioned when
  it goes into use at once). ``equipment_update`` — the file's details (not its state).
* ``equipment_event_record`` — one history entry (use, check, maintenance, fault, repair,
  relocation, disposal…); the entry is what moves the equipment's state (``STATE_AFTER``) and a
  disposed item takes no further entry. Maintenance plans and fault tickets (issue 19 §4–§5) will
  write ``maintenance`` and ``fault`` entries through this one service.
* ``equipment_import`` — a CSV or Excel list (``hiqc.core.spreadsheets``), idempotent by asset
  number: a known asset with the same details is unchanged, with other details it is updated; a
  bad row is reported by line and column and the good rows are kept; one audit event per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.spreadsheets import table_records
from hiqc.organisations.selectors import unit_codes, unit_in_scope

from ..enums import (
    MANAGE,
    STATE_AFTER,
    EquipmentCategory,
    EquipmentState,
    EventKind,
)
from ..models import Equipment, EquipmentEvent
from ..selectors import access_equipment

Errors = dict[str, list[str]]

COLUMNS = (
    "asset_number", "name", "category", "org_unit", "location", "model_name", "serial_number",
    "supplier", "purchase_date", "purchase_cost", "warranty_end", "safety_certificate",
    "environmental_certificate", "state", "note",
)  # fmt: skip
REQUIRED_COLUMNS = ("asset_number", "name", "category", "org_unit")
DETAIL_FIELDS = tuple(c for c in COLUMNS if c not in ("org_unit", "state"))
MAX_ROWS = 20_000
# Chinese headings accepted for the columns
ALIASES = {"资产编号": "asset_number", "设备名称": "name", "设备类别": "category",
           "所在机构": "org_unit", "机构代码": "org_unit", "存放位置": "location",
           "品牌型号": "model_name", "出厂编号": "serial_number", "供应商": "supplier",
           "购置日期": "purchase_date", "购置金额": "purchase_cost",
           "保修截止日期": "warranty_end", "安全认证": "safety_certificate",
           "环保认证": "environmental_certificate", "使用状态": "state", "备注": "note"}  # fmt: skip
REJECTED_KEPT = 1_000
TEXT_LIMITS = {"asset_number": 40, "name": 120, "location": 120, "model_name": 120,
               "serial_number": 80, "supplier": 120, "safety_certificate": 120,
               "environmental_certificate": 120, "note": 2000}  # fmt: skip
SAMPLE = (
    "asset_number,name,category,org_unit,location,model_name,serial_number,supplier,"
    "purchase_date,purchase_cost,warranty_end,safety_certificate,environmental_certificate,"
    "state,note\n"
    "EQ-0001,大厅排队叫号机,排队叫号机,O1,营业大厅,QM-200,SN123,某某科技有限公司,2025-03-01,"
    "12800.00,2028-02-28,CCC 2024010901,中国环境标志,在用,\n"
)


@cache
def _choices(enum: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    with translation.override("zh-hans"):
        for member in enum:
            out[member.value] = member.value
            out[str(member.label)] = member.value
    return out


def _choice(enum: Any, raw: str) -> str | None:
    return _choices(enum).get(raw.strip()) or _choices(enum).get(raw.strip().lower())


def _date(raw: str) -> date | str | None:
    text = raw.strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 8 else "bad"
    except ValueError:
        return "bad"


def equipment_clean(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """Typed values of the details (not the location, not the state), errors by field."""
    values: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        text = str(data.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
        values[name] = text
    if not values["asset_number"]:
        errors["asset_number"] = [_("请填写资产编号。")]
    if not values["name"]:
        errors["name"] = [_("请填写设备名称。")]
    category = _choice(EquipmentCategory, str(data.get("category") or ""))
    if category is None:
        errors["category"] = [_("请选择设备类别（如 排队叫号机、自助服务终端、电脑）。")]
    values["category"] = category or ""
    for name in ("purchase_date", "warranty_end"):
        raw = data.get(name)
        parsed = raw if isinstance(raw, date) else _date(str(raw or ""))
        if parsed == "bad":
            errors[name] = [_("请填写日期，例如 2026-03-01。")]
            parsed = None
        values[name] = parsed
    if values["purchase_date"] and values["purchase_date"] > timezone.now().astimezone(
            BEIJING).date():  # fmt: skip
        errors["purchase_date"] = [_("购置日期不能晚于今天。")]
    if (values["purchase_date"] and values["warranty_end"]
            and values["warranty_end"] < values["purchase_date"]):  # fmt: skip
        errors["warranty_end"] = [_("保修截止日期不能早于购置日期。")]
    raw_cost = str(data.get("purchase_cost") if data.get("purchase_cost") is not None else "")
    raw_cost = raw_cost.strip().replace(",", "").replace("，", "")
    values["purchase_cost"] = None
    if raw_cost:
        try:
            cost = Decimal(raw_cost).quantize(Decimal("0.01"))
            if not Decimal(0) <= cost < Decimal("10000000000"):
                raise InvalidOperation
            values["purchase_cost"] = cost
        except (InvalidOperation, ValueError):
            errors["purchase_cost"] = [_("请填写金额（元），例如 12800.00。")]
    return values


def _state(raw: Any, errors: Errors) -> str:
    text = str(raw or "").strip()
    if not text:
        return EquipmentState.IN_USE
    state = _choice(EquipmentState, text)
    if state is None or state == EquipmentState.DISPOSED:
        errors["state"] = [_("新登记设备的状态应为 在用、闲置 或 维修中。")]
        return EquipmentState.IN_USE
    return state


def _first_events(equipment: Equipment, actor: Actor) -> None:
    today = timezone.now().astimezone(BEIJING).date()
    on = equipment.purchase_date or today
    events = [EquipmentEvent(equipment=equipment, kind=EventKind.ACQUIRED, happened_on=on,
                             note=_("登记入档"), cost=equipment.purchase_cost,
                             recorded_by=actor.username)]  # fmt: skip
    if equipment.state == EquipmentState.IN_USE:
        events.append(EquipmentEvent(equipment=equipment, kind=EventKind.COMMISSIONED,
                                     happened_on=on, recorded_by=actor.username))  # fmt: skip
    EquipmentEvent.objects.bulk_create(events)


@transaction.atomic
def equipment_create(*, actor: Actor, data: Mapping[str, Any]) -> Equipment:
    """A new equipment file at an org unit (facilities.manage over it)."""
    require(actor, MANAGE)
    errors: Errors = {}
    values = equipment_clean(data, errors)
    state = _state(data.get("state"), errors)
    if not data.get("org_unit"):
        errors["org_unit"] = [_("请选择所在机构。")]
    if values["asset_number"] and Equipment.objects.filter(
            asset_number=values["asset_number"]).exists():  # fmt: skip
        errors["asset_number"] = [_("资产编号已被占用。")]
    if errors:
        raise ValidationFailed(_("设备信息有误，请按提示修改。"), fields=errors)
    unit = unit_in_scope(actor, data["org_unit"], MANAGE, active=True)
    require(actor, MANAGE, unit)
    try:
        with transaction.atomic():
            equipment = Equipment.objects.create(org_unit=unit, state=state, **values)
    except IntegrityError as exc:
        raise ValidationFailed(_("设备信息有误，请按提示修改。"),
                               fields={"asset_number": [_("资产编号已被占用。")]}) from exc  # fmt: skip
    _first_events(equipment, actor)
    audit_record(actor=actor, action="facilities.equipment.create", subject=equipment,
                 data={"category": equipment.category})  # fmt: skip
    return equipment


@transaction.atomic
def equipment_update(*, actor: Actor, equipment_id: Any, data: Mapping[str, Any]) -> Equipment:
    """The file's details (the asset number is the file's identity and stays)."""
    equipment = access_equipment(actor, equipment_id, for_update=True)
    require(actor, MANAGE, equipment)
    errors: Errors = {}
    values = equipment_clean({**data, "asset_number": equipment.asset_number}, errors)
    if errors:
        raise ValidationFailed(_("设备信息有误，请按提示修改。"), fields=errors)
    changed = [k for k, v in values.items() if getattr(equipment, k) != v]
    for k in changed:
        setattr(equipment, k, values[k])
    if changed:
        equipment.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="facilities.equipment.update", subject=equipment,
                     fields=changed)  # fmt: skip
    return equipment


@transaction.atomic
def equipment_event_record(*, actor: Actor, equipment_id: Any, data: Mapping[str, Any]
                           ) -> EquipmentEvent:  # fmt: skip
    """One history entry; it moves the state as ``STATE_AFTER`` says. Relocation names the new
    org unit (``org_unit``), which must be in the actor's scope too."""
    equipment = access_equipment(actor, equipment_id, for_update=True)
    require(actor, MANAGE, equipment)
    errors: Errors = {}
    kind = str(data.get("kind") or "")
    if kind not in EventKind.values or kind == EventKind.ACQUIRED:
        errors["kind"] = [_("请选择记录类型。")]
    raw_on = data.get("happened_on")
    on = raw_on if isinstance(raw_on, date) else _date(str(raw_on or ""))
    today = timezone.now().astimezone(BEIJING).date()
    if not isinstance(on, date):
        errors["happened_on"] = [_("请填写日期，例如 2026-03-01。")]
    elif on > today:
        errors["happened_on"] = [_("日期不能晚于今天。")]
    elif equipment.purchase_date and on < equipment.purchase_date:
        errors["happened_on"] = [_("日期不能早于购置日期。")]
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("不能超过 500 个字。")]
    cost_errors: Errors = {}
    cost = equipment_clean({"purchase_cost": data.get("cost"), "asset_number": "x", "name": "x",
                            "category": equipment.category}, cost_errors)["purchase_cost"]  # fmt: skip
    if cost_errors.get("purchase_cost"):
        errors["cost"] = cost_errors["purchase_cost"]
    reading = _reading(data.get("reading"), kind, errors)
    target = None
    if kind == EventKind.RELOCATED and not data.get("org_unit"):
        errors["org_unit"] = [_("调拨请选择调入机构。")]
    if errors:
        raise ValidationFailed(_("设备履历有误，请按提示修改。"), fields=errors)
    if equipment.state == EquipmentState.DISPOSED:
        raise Conflict(_("设备已报废，不能再登记履历。"), code="disposed")
    if kind == EventKind.RELOCATED:
        target = unit_in_scope(actor, data["org_unit"], MANAGE, active=True)
    assert isinstance(on, date)
    event = EquipmentEvent.objects.create(equipment=equipment, kind=kind, happened_on=on,
                                          note=note, cost=cost, recorded_by=actor.username,
                                          reading=reading)  # fmt: skip
    fields = []
    new_state = STATE_AFTER.get(kind)
    if new_state and new_state != equipment.state:
        equipment.state, fields = new_state, ["state"]
    if target is not None and target.pk != equipment.org_unit_id:
        equipment.org_unit, fields = target, [*fields, "org_unit"]
    if fields:
        equipment.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action="facilities.equipment.event", subject=equipment,
                 fields=fields, data={"kind": kind})  # fmt: skip
    return event


def _reading(raw: Any, kind: str, errors: Errors) -> Decimal | None:
    """A 使用记录 entry's usage counter (pages, hours …) for usage-based maintenance (8.2.2)."""
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text:
        return None
    if kind != EventKind.USE:
        errors["reading"] = [_("只有“使用记录”可以登记读数。")]
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.1"))
        if not Decimal(0) <= value < Decimal("10000000000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["reading"] = [_("请填写不小于 0 的读数。")]
        return None
    return value


# --- import --------------------------------------------------------------------------------------


@dataclass
class EquipmentImportReport:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_total: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)  # line, field, problem

    def reject(self, line: int, name: str, problem: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.append({"line": line, "field": name, "problem": problem})

    def as_dict(self) -> dict[str, Any]:
        return {"rows_read": self.rows_read, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected_total": self.rejected_total,
                "rejected": self.rejected}  # fmt: skip


def equipment_import(*, actor: Actor, source: Iterable[bytes] | Any, origin: str = "page"
                     ) -> EquipmentImportReport:  # fmt: skip
    """Import an equipment list (facilities.manage over each row's unit). Each row is its own
    transaction; a rerun of the same file creates nothing."""
    require(actor, MANAGE)
    report = EquipmentImportReport()
    codes = unit_codes(active=True)
    records = table_records(
        source,
        columns=COLUMNS,
        required=REQUIRED_COLUMNS,
        aliases=ALIASES,
        reject=report.reject,
        max_rows=MAX_ROWS,
    )
    for line, data in records:
        report.rows_read += 1
        _import_row(actor, line, data, codes, report)
    with transaction.atomic():
        audit_record(actor=actor, action="facilities.equipment.import",
                     data={"origin": origin, **{k: v for k, v in report.as_dict().items()
                                                if k != "rejected"}})  # fmt: skip
    return report


def _import_row(actor: Actor, line: int, data: dict[str, str],
                codes: Mapping[str, tuple[Any, str]], report: EquipmentImportReport
                ) -> None:  # fmt: skip
    errors: Errors = {}
    values = equipment_clean(data, errors)
    state = _state(data.get("state"), errors)
    unit = codes.get(data.get("org_unit", ""))
    if unit is None or not actor.can(MANAGE, unit[1]):
        errors["org_unit"] = [_("机构代码不存在，或不在您的权限范围内。")]
    if errors:
        for name, problems in errors.items():
            for problem in problems:
                report.reject(line, name, problem)
        return
    assert unit is not None
    existing = Equipment.objects.filter(asset_number=values["asset_number"]).first()
    if existing is not None:
        if not actor.can(MANAGE, existing.org_unit.path):
            report.reject(line, "asset_number", _("资产编号已被占用。"))
            return
        if existing.org_unit_id != unit[0]:
            report.reject(line, "org_unit",
                          _("与已登记的所在机构不同：调拨请在设备页登记“调拨”履历。"))  # fmt: skip
            return
        changed = [k for k in DETAIL_FIELDS if k in data and getattr(existing, k) != values[k]]
        if not changed:
            report.unchanged += 1
            return
        try:
            equipment_update(actor=actor, equipment_id=existing.pk,
                             data={k: getattr(existing, k) for k in DETAIL_FIELDS}
                             | {k: values[k] for k in changed})  # fmt: skip
        except (ValidationFailed, NotFound) as exc:
            for name, problems in (getattr(exc, "fields", None) or {"row": [str(exc)]}).items():
                report.reject(line, name, problems[0])
            return
        report.updated += 1
        return
    try:
        equipment_create(actor=actor, data={**values, "org_unit": unit[0], "state": state})
    except (ValidationFailed, NotFound) as exc:
        for name, problems in (getattr(exc, "fields", None) or {"row": [str(exc)]}).items():
            report.reject(line, name, problems[0])
        return
    report.created += 1
