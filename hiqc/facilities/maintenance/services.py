"""Preventive maintenance (standard 8.2.2 "定期对设备进行检查和维护保养"; issue 19 §4): every write.

* ``maintenance_plan_create`` / ``maintenance_plan_update`` — a plan per equipment category over an
  org subtree, or per item; an interval in days and/or in usage units (readings of the item's
  使用记录 entries); a warning lead; its steps a kernel ``Checklist`` (ADR 0023): changing the
  steps publishes the next version, tasks done keep the version they were done on.
* ``maintenance_generate`` — the daily job's service: for each active plan and each of its in-use
  items, the next task when it is due within the plan's lead window (date plans) or the readings
  have reached the due reading (usage plans). Catch-up-safe (DESIGN rule 4): the next due date is
  computed from the last closed task, so a job that did not run for months creates one task per
  (plan, item), never a backlog; at most one open task per (plan, item) is a database constraint.
* ``maintenance_task_act`` — the task's steps (``enums.TRANSITIONS``): ``complete`` (a result per
  checklist step, notes, cost, reading; written as a 保养 entry of the item's history; on time
  when done on or before the due date) and ``cancel`` (a reason; the next task is counted from
  the cancelled one's due date). The one code path that changes a task's state.

A task is a case on the engine (``workflow.py``, ADR 0032): ``case_transition`` writes its status,
stops or cancels its clock and records its event and audit; this module's ``KIND`` declares the
domain's guard (a disposed item takes no maintenance) and ``prepare`` hook (the results, the
history entry, on time or late).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind, Prepared, Refusal
from hiqc.core.casework import case_transition, cases_opened
from hiqc.core.checklists import (
    ItemSpec,
    checklist_current,
    checklist_draft,
    checklist_items,
    checklist_items_set,
    checklist_publish,
    checklist_score,
    checklist_seed,
)
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.models import CaseEvent, Checklist
from hiqc.organisations.selectors import unit_in_scope

from ..enums import MANAGE, VIEW, EquipmentCategory, EquipmentState, EventKind
from ..models import Equipment, EquipmentEvent, MaintenancePlan, MaintenanceTask
from ..selectors import access_equipment
from .enums import CHECKLIST_PURPOSE, GENERATOR, TaskState
from .selectors import access_plan, access_task
from .workflow import MAINTENANCE, PROCESS, WORK_BY_STATE

Errors = dict[str, list[str]]
STEP_CATEGORY = "保养步骤"
STEPS_MAX = 40
INTERVAL_MAX = 3660  # ten years
LEAD_MAX = 90
USAGE_MAX = 100_000_000
STEPS_EDITOR = "facilities_maintenance_steps"  # the system actor that versions a plan's steps


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _fail(errors: Errors, message: str = "") -> None:
    if errors:
        raise ValidationFailed(message or _("保养计划有误，请按提示修改。"), fields=errors)


def _int(data: Mapping[str, Any], name: str, errors: Errors, lo: int, hi: int) -> int | None:
    raw = data.get(name)
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = int(float(text))
        if float(text) != value or not lo <= value <= hi:
            raise ValueError
    except ValueError:
        errors[name] = [_("请填写 {lo} 到 {hi} 的整数。").format(lo=lo, hi=hi)]
        return None
    return value


def _decimal(raw: Any, name: str, errors: Errors, places: str = "0.1") -> Decimal | None:
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text).quantize(Decimal(places))
        if not Decimal(0) <= value < Decimal("10000000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[name] = [_("请填写不小于 0 的数字。")]
        return None
    return value


def _day(raw: Any, name: str, errors: Errors) -> date | None:
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors[name] = [_("请填写日期，例如 2026-03-01。")]
        return None


def steps_of(raw: Any) -> list[str]:
    """The steps as a list of texts: a list, or one step per line."""
    if isinstance(raw, str):
        raw = raw.splitlines()
    return [str(s).strip() for s in (raw or []) if str(s).strip()]


def _clean(data: Mapping[str, Any], errors: Errors, *, plan: MaintenancePlan | None = None
           ) -> dict[str, Any]:  # fmt: skip
    values: dict[str, Any] = {}
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 120:
        errors["name"] = [_("请填写计划名称（不超过 120 字）。")]
    values["name"] = name
    values["interval_days"] = _int(data, "interval_days", errors, 1, INTERVAL_MAX)
    values["usage_interval"] = _int(data, "usage_interval", errors, 1, USAGE_MAX)
    unit = str(data.get("usage_unit") or "").strip()
    if len(unit) > 20:
        errors["usage_unit"] = [_("不能超过 {n} 个字。").format(n=20)]
    values["usage_unit"] = unit
    if (not values["interval_days"] and not values["usage_interval"]
            and "interval_days" not in errors and "usage_interval" not in errors):  # fmt: skip
        errors["interval_days"] = [_("请填写保养周期（天），或按使用量保养的间隔。")]
    lead = _int(data, "lead_days", errors, 0, LEAD_MAX)
    values["lead_days"] = 7 if lead is None and "lead_days" not in errors else (lead or 0)
    starts = _day(data.get("starts_on"), "starts_on", errors)
    values["starts_on"] = starts or (plan.starts_on if plan else _today())
    active = data.get("active", True if plan is None else plan.active)
    values["active"] = active is True or str(active).strip().lower() in {"1", "true", "on", "yes"}
    steps = steps_of(data.get("steps"))
    if not steps:
        errors["steps"] = [_("请至少填写一个保养步骤（每行一个）。")]
    elif len(steps) > STEPS_MAX or any(len(s) > 300 for s in steps):
        errors["steps"] = [_("最多 {n} 个步骤，每个不超过 300 字。").format(n=STEPS_MAX)]
    values["steps"] = steps
    return values


def _specs(steps: Iterable[str]) -> list[ItemSpec]:
    return [ItemSpec(STEP_CATEGORY, s, 1, False, "8.2.2") for s in steps]


@transaction.atomic
def maintenance_plan_create(*, actor: Actor, data: Mapping[str, Any]) -> MaintenancePlan:
    """A plan for a category over an org unit's subtree (``org_unit``, ``category``) or for one
    item (``equipment``); facilities.manage over the unit or the item."""
    require(actor, MANAGE)
    errors: Errors = {}
    values = _clean(data, errors)
    category = str(data.get("category") or "").strip()
    equipment_id = data.get("equipment")
    if equipment_id:
        category = ""
    elif category not in EquipmentCategory.values:
        errors["category"] = [_("请选择设备类别，或指定一台设备。")]
    if not equipment_id and not data.get("org_unit"):
        errors["org_unit"] = [_("请选择适用机构。")]
    _fail(errors)
    if equipment_id:
        equipment = access_equipment(actor, equipment_id)
        require(actor, MANAGE, equipment)
        unit, item = equipment.org_unit, equipment
    else:
        unit, item = unit_in_scope(actor, data["org_unit"], MANAGE, active=True), None
        require(actor, MANAGE, unit)
    code = f"facilities-pm-{uuid.uuid4().hex[:16]}"
    checklist_seed(actor=actor, code=code, name=values["name"][:120], purpose=CHECKLIST_PURPOSE,
                   items=_specs(values.pop("steps")), pass_percent=100)  # fmt: skip
    plan = MaintenancePlan.objects.create(org_unit=unit, category=category, equipment=item,
                                          checklist_code=code, created_by=actor.username,
                                          **values)  # fmt: skip
    audit_record(actor=actor, action="facilities.maintenance_plan.create", subject=plan,
                 data={"category": category, "item": bool(item)})  # fmt: skip
    return plan


@transaction.atomic
def maintenance_plan_update(*, actor: Actor, plan_id: Any, data: Mapping[str, Any]
                            ) -> MaintenancePlan:  # fmt: skip
    """Name, intervals, lead, start, active and steps (what it applies to stays: make a new
    plan). Changed steps publish the next version of the plan's checklist."""
    plan = access_plan(actor, plan_id, for_update=True)
    require(actor, MANAGE, plan)
    errors: Errors = {}
    values = _clean(data, errors, plan=plan)
    _fail(errors)
    steps = values.pop("steps")
    changed = [k for k, v in values.items() if getattr(plan, k) != v]
    current = plan_checklist(plan)
    if [i.text for i in checklist_items(current)] != steps:
        editor = Actor.system(STEPS_EDITOR)  # head-office data: the plan's manager decides
        draft = checklist_draft(actor=editor, perm=MANAGE, code=plan.checklist_code)
        checklist_items_set(actor=editor, perm=MANAGE, checklist_id=draft.pk,
                            items=_specs(steps), name=values["name"][:120])  # fmt: skip
        checklist_publish(actor=editor, perm=MANAGE, checklist_id=draft.pk)
        changed.append("steps")
    for k in changed:
        if k != "steps":
            setattr(plan, k, values[k])
    if changed:
        plan.save(update_fields=[*(k for k in changed if k != "steps"), "updated_at"])
        audit_record(actor=actor, action="facilities.maintenance_plan.update", subject=plan,
                     fields=changed)  # fmt: skip
    return plan


def plan_checklist(plan: MaintenancePlan) -> Checklist:
    checklist = checklist_current(plan.checklist_code)
    if checklist is None:  # a flushed test database: reseed from nothing is impossible
        raise Conflict(_("保养计划缺少保养步骤清单。"), code="checklist_missing")
    return checklist


# --- generation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    due_on: date
    due_reading: Decimal | None


def plan_items(plan: MaintenancePlan) -> list[Equipment]:
    """The in-use items a plan applies to now."""
    if plan.equipment_id:
        qs = Equipment.objects.filter(pk=plan.equipment_id)
    else:
        qs = Equipment.objects.filter(category=plan.category,
                                      org_unit__path__startswith=plan.org_unit.path)  # fmt: skip
    return list(qs.filter(state=EquipmentState.IN_USE).select_related("org_unit"))


def _commissioned(ids: list[Any]) -> dict[Any, date]:
    out: dict[Any, date] = {}
    for eid, on in (EquipmentEvent.objects.filter(equipment_id__in=ids,
                                                  kind=EventKind.COMMISSIONED)
                    .order_by("happened_on").values_list("equipment_id", "happened_on")):  # fmt: skip
        out.setdefault(eid, on)
    return out


def _readings(ids: list[Any]) -> dict[Any, list[tuple[date, Decimal]]]:
    out: dict[Any, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = (EquipmentEvent.objects.filter(equipment_id__in=ids, kind=EventKind.USE,
                                          reading__isnull=False)
            .order_by("happened_on", "created_at")
            .values_list("equipment_id", "happened_on", "reading"))  # fmt: skip
    for eid, on, reading in rows:
        if reading is not None:
            out[eid].append((on, reading))
    return out


def next_due(plan: MaintenancePlan, item: Equipment, last: MaintenanceTask | None, *,
             commissioned: date | None, readings: list[tuple[date, Decimal]], today: date
             ) -> Due | None:  # fmt: skip
    """When the next task of ``plan`` for ``item`` falls due, if it is to be generated now:
    a date plan's due date within the lead window (``today + lead_days``), or — a usage plan —
    once a reading has reached the due reading, due ``lead_days`` after that reading. ``last`` is the latest closed task (done: counted
    from its completion and its reading; cancelled: from its due date and due reading)."""
    candidates: list[Due] = []
    if plan.interval_days:
        step = timedelta(days=plan.interval_days)
        if last is None:
            base = commissioned or item.purchase_date or plan.starts_on
            due = max(base + step, plan.starts_on)
        else:
            base = last.completed_on if last.status == TaskState.DONE and last.completed_on \
                else last.due_on  # fmt: skip
            due = max(base + step, last.due_on + timedelta(days=1))
        if due <= today + timedelta(days=plan.lead_days):
            candidates.append(Due(due, None))
    if plan.usage_interval:
        since = last.completed_on or last.due_on if last is not None else None
        if last is not None and last.status == TaskState.DONE and last.reading is not None:
            base_reading: Decimal | None = last.reading
        elif last is not None and last.status == TaskState.DONE:
            before = [r for on, r in readings if since is not None and on <= since]
            base_reading = before[-1] if before else last.due_reading
        elif last is not None:
            base_reading = last.due_reading
        else:
            base_reading = readings[0][1] if readings else None
        if base_reading is not None:
            target = base_reading + plan.usage_interval
            crossed = next((on for on, r in readings if r >= target
                            and (since is None or on >= since)), None)  # fmt: skip
            if crossed is not None:  # due lead_days after the reading reached the target
                due = crossed + timedelta(days=plan.lead_days)
                due = max(due, last.due_on + timedelta(days=1)) if last else due
                candidates.append(Due(due, target))
    if not candidates:
        return None
    first = min(candidates, key=lambda d: d.due_on)
    reading = next((d.due_reading for d in candidates if d.due_reading is not None), None)
    return Due(first.due_on, reading)


def maintenance_generate(*, today: date | None = None, plan_ids: Iterable[Any] | None = None
                         ) -> int:  # fmt: skip
    """Create the next task of every (active plan, in-use item) that is due within the lead
    window; idempotent and catch-up-safe. Returns how many tasks were created."""
    now = timezone.now()
    today = today or now.astimezone(BEIJING).date()
    plans = MaintenancePlan.objects.filter(active=True).select_related("org_unit")
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    created = 0
    for plan in plans:
        items = plan_items(plan)
        if not items:
            continue
        ids = [i.pk for i in items]
        tasks = MaintenanceTask.objects.filter(plan=plan, equipment_id__in=ids)
        open_ids = set(tasks.filter(status=TaskState.PENDING).values_list("equipment_id",
                                                                         flat=True))  # fmt: skip
        last: dict[Any, MaintenanceTask] = {}
        for t in tasks.exclude(status=TaskState.PENDING).order_by("due_on", "created_at"):
            last[t.equipment_id] = t
        commissioned = _commissioned(ids)
        readings = _readings(ids) if plan.usage_interval else {}
        checklist = plan_checklist(plan)
        rows = []
        for item in items:
            if item.pk in open_ids:
                continue
            due = next_due(plan, item, last.get(item.pk), commissioned=commissioned.get(item.pk),
                           readings=readings.get(item.pk, []), today=today)  # fmt: skip
            if due is None:
                continue
            rows.append(MaintenanceTask(
                plan=plan, equipment=item, due_on=due.due_on, due_reading=due.due_reading,
                warn_on=due.due_on - timedelta(days=plan.lead_days), checklist=checklist,
                status=TaskState.PENDING))  # fmt: skip
        if rows:
            with transaction.atomic():
                # the database keeps "one open task per plan and item": a concurrent run's rows
                # win, ours are left out — only those written open their case
                MaintenanceTask.objects.bulk_create(rows, ignore_conflicts=True)
                written = set(MaintenanceTask.objects.filter(pk__in=[r.pk for r in rows])
                              .values_list("pk", flat=True))  # fmt: skip
                fresh = [r for r in rows if r.pk in written]
                cases_opened(kind=KIND, cases=fresh, actor=Actor.system(GENERATOR), at=now,
                             source=CaseEvent.Source.SYSTEM,
                             data=lambda t: {"due_on": t.due_on.isoformat()})  # fmt: skip
                created += len(fresh)
    return created


# --- completing and cancelling -------------------------------------------------------------------


def _results(task: MaintenanceTask, checklist: Checklist, data: Mapping[str, Any],
             errors: Errors) -> dict[str, Any]:  # fmt: skip
    """``steps``: item id → "ok" | "fail" | "na" (or 1 / 0 / None), ``step_notes`` by item id."""
    raw = data.get("steps") or {}
    notes = data.get("step_notes") or {}
    if not isinstance(raw, Mapping) or not isinstance(notes, Mapping):
        errors["steps"] = [_("请逐项填写保养步骤的结果。")]
        return {}
    items = checklist_items(checklist)
    marks: dict[Any, int | None] = {}
    out: dict[str, Any] = {}
    for item in items:
        value = raw.get(str(item.pk))
        text = str(value).strip().lower() if value is not None else ""
        if text in {"ok", "1", "true", "done"}:
            marks[item.pk], result = 1, "ok"
        elif text in {"fail", "0", "false"}:
            marks[item.pk], result = 0, "fail"
        elif text in {"na", "none"}:
            marks[item.pk], result = None, "na"
        else:
            continue
        note = str(notes.get(str(item.pk)) or "").strip()
        if len(note) > 300:
            errors[f"item_{item.pk}"] = [_("不能超过 {n} 个字。").format(n=300)]
        out[str(item.pk)] = {"text": item.text, "result": result, "note": note[:300]}
    try:
        checklist_score(items, marks, pass_percent=checklist.pass_percent)
    except ValidationFailed as exc:
        errors.update(exc.fields or {})
    return out


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> Refusal | None:
    """A disposed item takes no maintenance (its history is closed): 409 ``disposed``."""
    if action == "complete" and case.equipment.state == EquipmentState.DISPOSED:
        return Refusal(_("设备已报废，不能再登记履历。"), code="disposed")
    return None


def done_at(done_on: date, now: datetime) -> datetime:
    """The step's effective time for a completion on ``done_on``: now when done today, else noon
    (Beijing) of that day — the clock is met when the day is on or before ``due_on``."""
    if done_on >= now.astimezone(BEIJING).date():
        return now
    return datetime.combine(done_on, time(12), tzinfo=BEIJING)


def _prepare(store: Any, task: Any, actor: Actor, action: str, data: Mapping[str, Any],
             at: datetime, source: str) -> Prepared:  # fmt: skip
    """The domain's checks and changes (8.2.2): ``cancel`` — a reason of at most 500 characters;
    ``complete`` — a result for every step, the day (not in the future, not before the
    purchase), notes, cost, reading; writes the 保养 entry of the item's history."""
    errors: Errors = {}
    if action == "cancel":
        reason = str(data.get("reason") or "").strip()
        if len(reason) > 500:
            errors["reason"] = [_("请填写取消原因（不超过 500 字）。")]
        _fail(errors, _("信息有误，请按提示修改。"))
        return Prepared(at=at, updates={"cancel_reason": reason}, record={})
    equipment = task.equipment
    today = at.astimezone(BEIJING).date()
    checklist = plan_checklist(task.plan)
    results = _results(task, checklist, data, errors)
    done_on = _day(data.get("done_on"), "done_on", errors) or today
    if done_on > today:
        errors["done_on"] = [_("日期不能晚于今天。")]
    elif equipment.purchase_date and done_on < equipment.purchase_date:
        errors["done_on"] = [_("日期不能早于购置日期。")]
    notes = str(data.get("notes") or "").strip()
    if len(notes) > 2000:
        errors["notes"] = [_("不能超过 {n} 个字。").format(n=2000)]
    cost = _decimal(data.get("cost"), "cost", errors, "0.01")
    reading = _decimal(data.get("reading"), "reading", errors)
    _fail(errors, _("保养记录有误，请按提示修改。"))
    failed = sum(1 for r in results.values() if r["result"] == "fail")
    note = _("按保养计划“{plan}”完成保养").format(plan=task.plan.name)
    if failed:
        note += _("，{n} 项未通过").format(n=failed)
    event = EquipmentEvent.objects.create(
        equipment=equipment, kind=EventKind.MAINTENANCE, happened_on=done_on,
        note=(note + (f"：{notes}" if notes else ""))[:500], cost=cost,
        recorded_by=actor.username, reading=reading)  # fmt: skip
    on_time = done_on <= task.due_on
    updates = {"checklist": checklist, "results": results, "completed_on": done_on,
               "completed_at": at, "completed_by": actor.username, "on_time": on_time,
               "reading": reading, "cost": cost, "notes": notes, "event": event}  # fmt: skip
    return Prepared(at=done_at(done_on, at), updates=updates,
                    record={"done_on": done_on.isoformat(), "on_time": on_time,
                            "failed": failed})  # fmt: skip


KIND = CaseKind(label=PROCESS, workflow=MAINTENANCE, access=access_task,
                name=gettext_lazy("保养任务"), view_perm=VIEW, work_by_state=WORK_BY_STATE,
                url_for=lambda case_id: reverse("facilities:maintenance_task", args=[case_id]),
                blocked=_blocked, prepare=_prepare)  # fmt: skip


def maintenance_task_act(*, actor: Actor, task_id: Any, action: str,
                         data: Mapping[str, Any] | None = None, version: int | None = None,
                         at: datetime | None = None) -> MaintenanceTask:  # fmt: skip
    """``complete`` (facilities.maintain over the item: a result for every step, ``done_on``
    (default today), ``notes``, ``cost``, ``reading``) or ``cancel`` (facilities.manage:
    ``reason``), through the engine: 409 when the task is not open any more, ``version`` is
    stale or the item is disposed of; the clock stops (met or breached) or is cancelled."""
    access_task(actor, task_id)  # scope first: another unit's task is the same 404 as none
    step = next((t for t in MAINTENANCE.transitions if t.name == action), None)
    if step is not None:  # who holds the permission nowhere is told so, whatever the state
        require(actor, step.perm)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in (data or {}).items()}
    now = at or timezone.now()
    task = case_transition(kind=KIND, actor=actor, case_id=task_id, action=action, data=data,
                           version=version, at=now)  # fmt: skip
    assert isinstance(task, MaintenanceTask)
    return task


def maintenance_generate_system(*, today: date | None = None) -> int:
    """The daily job: as ``maintenance_generate``, with one audit record of the count."""
    n = maintenance_generate(today=today)
    if n:
        with transaction.atomic():
            audit_record(actor=Actor.system(GENERATOR), action="facilities.maintenance.generate",
                         data={"created": n})  # fmt: skip
    return n
