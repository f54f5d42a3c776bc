"""Equipment renewal plans (standard 8.3.6 "服务环境…及时更新"; issue 19 §8).

* ``RenewalPlan`` — items of one unit to replace, a budget year, why (age beyond the category's
  service life, fault rate, obsolete, damage, other), the estimated cost, a status: a case on
  the engine (``renewal_workflow.py``, ADR 0032; this module's ``KIND``) — planned → approved
  (``facilities.renewal_approve``) → done; an approved plan may be sent back to planned; planned
  or approved → dropped. ``renewal_plan_update`` names the target state, as the page and the API
  always have, and takes the step through ``case_transition``. Completing a plan
  may name the replacement item and dispose of the old ones: a 报废 entry in each item's history
  through ``equipment_event_record``, the one door to the equipment history.
* ``renewal_suggestions`` — computed, never stored: items in scope, not disposed of and in no
  open plan, that are older than their category's service life (a rule per category,
  ``facilities.renewal.life.<category>``) or had at least ``facilities.renewal.fault_threshold``
  ``fault`` entries in the last twelve months (the fault tickets of issue 19 §5 write them).
* ``renewal_budget`` — per budget year, Σ estimated cost of the plans in each state (dropped
  plans left out), never an average.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_allowed_actions, case_opened, case_transition
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.rules import Rule, register_rules, rule_value
from hiqc.organisations.selectors import unit_in_scope

from .enums import (
    MANAGE,
    OPEN_RENEWAL,
    RENEWAL_APPROVE,
    RENEWAL_MOVES,
    VIEW,
    EquipmentCategory,
    EquipmentState,
    EventKind,
    RenewalReason,
    RenewalState,
)
from .equipment.services import equipment_event_record
from .models import Equipment, EquipmentEvent, RenewalPlan
from .renewal_workflow import MOVES, PROCESS, RENEWAL
from .selectors import access_equipment

FAULT_THRESHOLD = "facilities.renewal.fault_threshold"
LIFE_PREFIX = "facilities.renewal.life."
# category → service life in years: design defaults (P) after the usual depreciation lives of
# office and electronic equipment; each one a rule the quality department may change
SERVICE_LIFE: dict[str, int] = {
    EquipmentCategory.TELEPHONY: 8, EquipmentCategory.QUEUE: 6,
    EquipmentCategory.SELF_SERVICE: 6, EquipmentCategory.PC: 5, EquipmentCategory.PRINTER: 5,
    EquipmentCategory.WATER: 5, EquipmentCategory.ACCESSIBILITY: 8, EquipmentCategory.OTHER: 8,
}  # fmt: skip
MAX_ITEMS = 200
FIELDS = ("budget_year", "reason", "estimated_cost", "note")


def register() -> None:
    source = ("标准 8.3.6 要求服务环境及时更新；HIQC 设计默认值（P），参照办公与电子设备的常用"
              "折旧年限")  # fmt: skip
    register_rules(
        *(Rule(LIFE_PREFIX + category, years, "years",
               gettext_lazy("设备使用年限：{category}").format(
                   category=EquipmentCategory(category).label), source, "P")
          for category, years in SERVICE_LIFE.items()),
        Rule(FAULT_THRESHOLD, 3, "count",
             gettext_lazy("近 12 个月故障次数达到此数即建议更新"),
             "标准 8.3.6；HIQC 设计默认值（P）", "P"),
    )  # fmt: skip


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February → 28 February): the kernel's ``years_after``."""
    return years_after(day, -years)


def service_life(category: str) -> int:
    return int(rule_value(LIFE_PREFIX + category)) if category in SERVICE_LIFE else 8


# --- reads ---------------------------------------------------------------------------------------


def renewal_plan_list(actor: Actor, *, budget_year: int | None = None, state: str = "",
                      org_unit_id: Any = None) -> QuerySet[RenewalPlan]:  # fmt: skip
    qs = scope(actor, RenewalPlan.objects.select_related("org_unit", "replacement"), VIEW)
    if budget_year:
        qs = qs.filter(budget_year=budget_year)
    if state:
        qs = qs.filter(status=state)
    if org_unit_id:
        unit = unit_in_scope(actor, org_unit_id, VIEW)
        qs = qs.filter(org_unit__path__startswith=unit.path)
    return qs


def access_renewal_plan(actor: Actor, plan_id: Any, *, for_update: bool = False) -> RenewalPlan:
    qs = RenewalPlan.objects.all() if for_update else RenewalPlan.objects.select_related(
        "org_unit", "replacement")  # fmt: skip
    return get_in_scope(actor, qs, plan_id, VIEW, for_update=for_update)


def plan_items(plan: RenewalPlan) -> list[Equipment]:
    return list(plan.items.select_related("org_unit").order_by("asset_number"))


def renewal_budget(actor: Actor, *, org_unit_id: Any = None) -> list[dict[str, Any]]:
    """Per budget year (newest first): Σ estimated cost and the number of plans in each state
    but dropped, and the total."""
    years: dict[int, dict[str, Any]] = defaultdict(lambda: {
        "planned": Decimal(0), "approved": Decimal(0), "done": Decimal(0), "total": Decimal(0),
        "plans": 0})  # fmt: skip
    qs = renewal_plan_list(actor, org_unit_id=org_unit_id).exclude(status=RenewalState.DROPPED)
    for year, state, cost in qs.values_list("budget_year", "status", "estimated_cost"):
        row = years[year]
        row[state] += cost
        row["total"] += cost
        row["plans"] += 1
    return [{"budget_year": y, **years[y]} for y in sorted(years, reverse=True)]


def renewal_suggestions(actor: Actor, *, org_unit_id: Any = None, today: date | None = None
                        ) -> list[dict[str, Any]]:  # fmt: skip
    """Items worth replacing (computed): older than their category's service life, or with at
    least the threshold of ``fault`` entries in the last twelve months; not disposed of and in no
    open plan. By unit and asset number; each with its reasons, age and fault count."""
    day = today or _today()
    qs = scope(actor, Equipment.objects.select_related("org_unit"), VIEW).exclude(
        state=EquipmentState.DISPOSED
    )
    if org_unit_id:
        unit = unit_in_scope(actor, org_unit_id, VIEW)
        qs = qs.filter(org_unit__path__startswith=unit.path)
    planned = set(RenewalPlan.items.through.objects.filter(
        renewalplan__status__in=OPEN_RENEWAL).values_list("equipment_id", flat=True))  # fmt: skip
    threshold = int(rule_value(FAULT_THRESHOLD))
    since = years_before(day, 1)
    faults = dict(
        EquipmentEvent.objects.filter(kind=EventKind.FAULT, happened_on__gt=since,
                                      happened_on__lte=day, equipment__in=qs)
        .order_by().values_list("equipment_id").annotate(n=Count("id"))
        .values_list("equipment_id", "n")
    )  # fmt: skip
    lives = {c: service_life(c) for c in SERVICE_LIFE}
    rows = []
    for e in qs.order_by("org_unit__path", "asset_number"):
        if e.pk in planned:
            continue
        reasons = []
        life = lives.get(e.category, 8)
        if e.purchase_date and e.purchase_date <= years_before(day, life):
            reasons.append(RenewalReason.AGE)
        n = faults.get(e.pk, 0)
        if n >= threshold:
            reasons.append(RenewalReason.FAULTS)
        if not reasons:
            continue
        age = None
        if e.purchase_date:
            age = (
                day.year
                - e.purchase_date.year
                - ((day.month, day.day) < (e.purchase_date.month, e.purchase_date.day))
            )
        rows.append({"equipment": e, "equipment_id": e.pk, "asset_number": e.asset_number,
                     "name": e.name, "category": e.category, "org_unit_id": e.org_unit_id,
                     "org_unit_name": e.org_unit.name, "purchase_date": e.purchase_date,
                     "age_years": age, "service_life_years": life, "faults_12m": n,
                     "reasons": [str(r) for r in reasons],
                     "reason_labels": [str(RenewalReason(r).label) for r in reasons],
                     "purchase_cost": e.purchase_cost})  # fmt: skip
    return rows


# --- writes --------------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any], errors: dict[str, list[str]], today: date
           ) -> dict[str, Any]:  # fmt: skip
    values: dict[str, Any] = {}
    try:
        year = int(str(data.get("budget_year") or "").strip())
        if not today.year - 1 <= year <= today.year + 5:
            raise ValueError
        values["budget_year"] = year
    except ValueError:
        errors["budget_year"] = [_("预算年度应在 {a}–{b} 之间。").format(
            a=today.year - 1, b=today.year + 5)]  # fmt: skip
    reason = str(data.get("reason") or "")
    if reason not in RenewalReason.values:
        errors["reason"] = [_("请选择更新原因。")]
    values["reason"] = reason
    raw = str(data.get("estimated_cost") if data.get("estimated_cost") is not None else "")
    try:
        cost = Decimal(raw.strip().replace(",", "")).quantize(Decimal("0.01"))
        if not Decimal(0) <= cost < Decimal("10000000000"):
            raise InvalidOperation
        values["estimated_cost"] = cost
    except (InvalidOperation, ValueError):
        errors["estimated_cost"] = [_("请填写预计金额（元），例如 12800.00。")]
    note = str(data.get("note") or "").strip()
    if len(note) > 2000:
        errors["note"] = [_("不能超过 {n} 个字。").format(n=2000)]
    values["note"] = note
    return values


def _items(actor: Actor, raw: Any, unit_path: str, errors: dict[str, list[str]],
           plan: RenewalPlan | None = None) -> list[Equipment]:  # fmt: skip
    ids = [str(i).strip() for i in (raw or []) if str(i).strip()]
    if not ids:
        errors["items"] = [_("请至少选择一台设备。")]
        return []
    if len(ids) > MAX_ITEMS:
        errors["items"] = [_("每个计划最多 {n} 台设备。").format(n=MAX_ITEMS)]
        return []
    found = []
    problems = []
    busy = RenewalPlan.items.through.objects.filter(renewalplan__status__in=OPEN_RENEWAL)
    if plan is not None:
        busy = busy.exclude(renewalplan_id=plan.pk)
    busy_ids = {str(i) for i in busy.values_list("equipment_id", flat=True)}
    for n, raw_id in enumerate(dict.fromkeys(ids), start=1):
        try:
            e = access_equipment(actor, raw_id)
        except NotFound:  # the same words for a missing one and another unit's
            problems.append(_("第 {n} 台设备不存在，或不在您的权限范围内。").format(n=n))
            continue
        if not e.org_unit.path.startswith(unit_path):
            problems.append(_("{asset} 不属于计划所属机构。").format(asset=e.asset_number))
        elif e.state == EquipmentState.DISPOSED:
            problems.append(_("{asset} 已报废。").format(asset=e.asset_number))
        elif str(e.pk) in busy_ids:
            problems.append(
                _("{asset} 已在另一个未完成的更新计划中。").format(asset=e.asset_number)
            )
        else:
            found.append(e)
    if problems:
        errors["items"] = problems
    return found


@transaction.atomic
def renewal_plan_create(*, actor: Actor, data: Mapping[str, Any]) -> RenewalPlan:
    """A planned replacement of ``items`` of ``org_unit`` (facilities.manage over the unit)."""
    require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    values = _clean(data, errors, _today())
    unit = None
    if not data.get("org_unit"):
        errors["org_unit"] = [_("请选择所属机构。")]
    else:
        unit = unit_in_scope(actor, data["org_unit"], MANAGE, active=True)
        require(actor, MANAGE, unit)
    items = _items(actor, data.get("items"), unit.path if unit else "\0", errors)
    if errors:
        raise ValidationFailed(_("更新计划有误，请按提示修改。"), fields=errors)
    assert unit is not None
    plan = RenewalPlan.objects.create(org_unit=unit, planned_by=actor.username, **values)
    plan.items.set(items)
    case_opened(kind=KIND, case=plan, actor=actor,
                data={"items": len(items), "budget_year": plan.budget_year})  # fmt: skip
    audit_record(actor=actor, action="facilities.renewal.create", subject=plan,
                 data={"items": len(items), "budget_year": plan.budget_year,
                       "reason": plan.reason})  # fmt: skip
    return plan


def renewal_moves(actor: Actor, plan: RenewalPlan) -> list[str]:
    """The states ``actor`` may move ``plan`` to: the targets of the engine's allowed actions —
    approving, and sending back or dropping an approved plan, are the approver's
    (facilities.renewal_approve); dropping a planned one and completing an approved one the
    equipment manager's (facilities.manage)."""
    allowed = set(case_allowed_actions(KIND, plan, actor))
    return [t.target for t in RENEWAL.transitions if t.name in allowed]


KIND = CaseKind(label=PROCESS, workflow=RENEWAL, access=access_renewal_plan,
                name=gettext_lazy("设备更新计划"), view_perm=VIEW,
                url_for=lambda case_id: reverse("facilities:renewal_plan", args=[case_id]))  # fmt: skip


@transaction.atomic
def renewal_plan_update(*, actor: Actor, plan_id: Any, data: Mapping[str, Any],
                        at: datetime | None = None) -> RenewalPlan:  # fmt: skip
    """Change a plan's details (while planned: items, budget year, reason, cost, note) and/or
    move its ``state``: approve or send back (facilities.renewal_approve over its unit), drop,
    or complete (``done_on``, optional ``replacement`` item, ``dispose_old`` writes 报废 into
    each old item's history)."""
    if not (actor.can(MANAGE) or actor.can(RENEWAL_APPROVE)):
        raise Forbidden(_("您没有执行此操作的权限。"))
    plan = access_renewal_plan(actor, plan_id, for_update=True)
    can_manage = actor.can(MANAGE, plan.org_unit.path)
    if not (can_manage or actor.can(RENEWAL_APPROVE, plan.org_unit.path)):
        raise Forbidden(_("您没有执行此操作的权限。"))
    now = at or timezone.now()
    today = now.astimezone(BEIJING).date()
    target = str(data.get("state") or plan.status)
    errors: dict[str, list[str]] = {}
    if target not in RenewalState.values:
        errors["state"] = [_("请选择状态。")]
    elif target != plan.status and target not in RENEWAL_MOVES[plan.status]:
        raise Conflict(_("当前状态（{s}）不能改为“{t}”。").format(
            s=plan.get_state_display(), t=RenewalState(target).label), code="not_allowed")  # fmt: skip
    elif target != plan.status and target not in renewal_moves(actor, plan):
        raise Forbidden(_("批准或退回设备更新计划需要审批权限；制定、完成计划需要设备管理权限。"))
    edits = {k: data[k] for k in (*FIELDS, "items") if k in data and data[k] is not None}
    values: dict[str, Any] = {}
    items = None
    if edits:
        if not can_manage:
            raise Forbidden(_("修改更新计划需要设备管理权限。"))
        if plan.status != RenewalState.PLANNED:
            raise Conflict(_("只有计划中的更新计划可以修改内容。"), code="not_planned")
        values = _clean({**{f: getattr(plan, f) for f in FIELDS}, **edits}, errors, today)
        if "items" in edits:
            items = _items(actor, edits["items"], plan.org_unit.path, errors, plan)
    replacement = None
    done_on = None
    if target == RenewalState.DONE and plan.status != RenewalState.DONE:
        raw_on = data.get("done_on") or today
        try:
            done_on = raw_on if isinstance(raw_on, date) else date.fromisoformat(str(raw_on))
            if done_on > today:
                errors["done_on"] = [_("完成日期不能晚于今天。")]
        except ValueError:
            errors["done_on"] = [_("请填写日期，例如 2026-03-01。")]
        if data.get("replacement"):
            try:
                replacement = access_equipment(actor, data["replacement"])
            except NotFound:
                errors["replacement"] = [_("替换设备不存在，或不在您的权限范围内。")]
            else:
                if replacement.pk in {e.pk for e in plan_items(plan)}:
                    errors["replacement"] = [_("替换设备不能是被更新的设备。")]
                elif replacement.state == EquipmentState.DISPOSED:
                    errors["replacement"] = [_("替换设备已报废。")]
    if errors:
        raise ValidationFailed(_("更新计划有误，请按提示修改。"), fields=errors)
    fields = [k for k, v in values.items() if getattr(plan, k) != v]
    for k in fields:
        setattr(plan, k, values[k])
    if items is not None:
        plan.items.set(items)
        fields.append("items")
    moved = target != plan.status
    if fields:
        plan.save(update_fields=[f for f in fields if f != "items"] + ["updated_at"])
        audit_record(actor=actor, action="facilities.renewal.update", subject=plan,
                     fields=fields, data={"state": plan.status})  # fmt: skip
    if not moved:
        return plan
    updates: dict[str, Any] = {}
    if target == RenewalState.APPROVED:
        updates = {"approved_by": actor.username, "approved_at": now}
    elif target == RenewalState.PLANNED:
        updates = {"approved_by": "", "approved_at": None}
    elif target == RenewalState.DONE:
        updates = {"done_on": done_on, "replacement": replacement}
    action = MOVES[(plan.status, target)]
    record = {"done_on": done_on.isoformat()} if done_on else {}
    case = case_transition(kind=KIND, actor=actor, case_id=plan.pk, action=action, data=record,
                           at=now, updates=updates)  # fmt: skip
    assert isinstance(case, RenewalPlan)
    plan = case
    if target == RenewalState.DONE and data.get("dispose_old"):
        assert done_on is not None
        note = _("设备更新计划完成，报废处置") + (
            _("（替换为 {asset}）").format(asset=replacement.asset_number) if replacement else ""
        )
        for e in plan_items(plan):
            if e.state == EquipmentState.DISPOSED:
                continue
            on = max(done_on, e.purchase_date) if e.purchase_date else done_on
            equipment_event_record(actor=actor, equipment_id=e.pk, data={
                "kind": EventKind.DISPOSED, "happened_on": on.isoformat(), "note": note})  # fmt: skip
    return plan
