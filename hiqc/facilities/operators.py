"""Equipment operators (standard 8.2.6 "设备操作人员应经过培训"; issue 19 §7).

* Requirements are data (``OperatorRequirement``): an equipment category — or one item, which
  overrides its category — names the qualification its operators must hold, a code of the people
  chapter read through ``hiqc.core.qualifications`` (this app imports no domain; ADR 0020). The
  defaults (``DEFAULT_REQUIREMENTS``) are seeded by migration 0005; a category rule is edited by
  holders of ``facilities.manage`` over the whole tree, an item's by holders over its unit.
* ``equipment_operators_set`` records who operates an item. A person newly named must hold a
  current certificate of the required qualification on the day (else 422 on ``operators``,
  naming the person and why); operators already assigned stay — when their certificate lapses
  they show on the gaps list, which is computed, never stored.
* ``operator_gaps`` — equipment in use whose required qualification is not held by its operators
  (missing, lapsed, or running out within ``facilities.operators.warn_days``), or that has no
  operator at all, per unit.
* ``operator_demands`` — who needs which qualification because of the equipment they run; the
  people app shows it beside the required training (``hiqc.core.qualifications``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.qualifications import (
    CURRENT,
    EXPIRING,
    LAPSED,
    MISSING,
    QualificationDemand,
    qualification_choices,
    qualification_holdings,
    qualification_label,
    qualification_state,
)
from hiqc.core.rules import Rule, register_rules, rule_value
from hiqc.organisations.models import User
from hiqc.organisations.selectors import unit_in_scope

from .enums import MANAGE, VIEW, EquipmentCategory, EquipmentState
from .models import Equipment, EquipmentOperator, OperatorRequirement
from .selectors import access_equipment

# category, qualification code (hiqc.people.enums.Qualification), why — seeded by migration 0005
DEFAULT_REQUIREMENTS: tuple[tuple[str, str, str], ...] = (
    (EquipmentCategory.TELEPHONY, "telephony_operator", "8.2.6：电话与呼叫系统须由经培训的人员操作"),
    (EquipmentCategory.SELF_SERVICE, "self_service_operator",
     "8.2.6：自助服务终端须由经培训的人员值守与维护"),
)  # fmt: skip
WARN_DAYS = "facilities.operators.warn_days"
NO_OPERATOR = "no_operator"
GAP_LABELS = {
    NO_OPERATOR: gettext_lazy("未指定操作人员"),
    MISSING: gettext_lazy("未取得资格"),
    LAPSED: gettext_lazy("资格已过期"),
    EXPIRING: gettext_lazy("资格即将到期"),
    CURRENT: gettext_lazy("资格有效"),
}
MAX_OPERATORS = 20


def register() -> None:
    register_rules(
        Rule(WARN_DAYS, 30, "days", gettext_lazy("设备操作人员资格到期提前提示（天）"),
             "标准 8.2.6 要求设备操作人员经过培训；HIQC 设计默认值（P）：到期前 30 天列入缺口清单",
             "P"),
    )  # fmt: skip


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _name(user: Any) -> str:
    return (user.display_name or user.username) if user is not None else ""


# --- requirements --------------------------------------------------------------------------------


def operator_requirements_seed() -> int:
    """The default category rules, when none exists (a database flushed by a test, a demo);
    migration 0005 seeds them on a new database."""
    if OperatorRequirement.objects.filter(equipment=None).exists():
        return 0
    OperatorRequirement.objects.bulk_create(
        OperatorRequirement(category=c, qualification=q, note=n, updated_by="system")
        for c, q, n in DEFAULT_REQUIREMENTS)  # fmt: skip
    return len(DEFAULT_REQUIREMENTS)


def requirement_list() -> list[OperatorRequirement]:
    """The category rules (head-office data, readable by every holder of facilities.view)."""
    return list(OperatorRequirement.objects.filter(equipment=None).order_by("category"))


def required_qualifications(equipment: Sequence[Equipment]) -> dict[Any, str]:
    """Equipment id → the qualification its operators need (item rule over category rule)."""
    by_category = dict(OperatorRequirement.objects.filter(equipment=None)
                       .values_list("category", "qualification"))  # fmt: skip
    own = dict(OperatorRequirement.objects.filter(equipment_id__in=[e.pk for e in equipment])
               .values_list("equipment_id", "qualification"))  # fmt: skip
    out = {}
    for e in equipment:
        code = own.get(e.pk) or by_category.get(e.category)
        if code:
            out[e.pk] = code
    return out


def required_qualification(equipment: Equipment) -> str | None:
    return required_qualifications([equipment]).get(equipment.pk)


def _qualification(raw: Any, errors: dict[str, list[str]], *, allow_blank: bool) -> str:
    code = str(raw or "").strip()
    if not code and allow_blank:
        return ""
    if code not in dict(qualification_choices()):
        errors["qualification"] = [_("请选择人员培训章节中的一项资格。")]
    return code


@transaction.atomic
def operator_requirement_set(*, actor: Actor, data: Mapping[str, Any]
                             ) -> OperatorRequirement | None:  # fmt: skip
    """Set the qualification equipment of a ``category`` (facilities.manage over the whole tree)
    or one ``equipment`` item (facilities.manage over its unit) needs; a blank qualification
    removes the rule."""
    require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    equipment = None
    if data.get("equipment"):
        equipment = access_equipment(actor, data["equipment"], for_update=True)
        require(actor, MANAGE, equipment)
        category = ""
    else:
        if not actor.can_globally(MANAGE):
            raise Forbidden(_("设备类别的操作资格要求由总公司设定。"))
        category = str(data.get("category") or "")
        if category not in EquipmentCategory.values:
            errors["category"] = [_("请选择设备类别。")]
    qualification = _qualification(data.get("qualification"), errors, allow_blank=True)
    note = str(data.get("note") or "").strip()
    if len(note) > 200:
        errors["note"] = [_("不能超过 {n} 个字。").format(n=200)]
    if errors:
        raise ValidationFailed(_("请检查标出的项目。"), fields=errors)
    existing = (OperatorRequirement.objects.filter(equipment=equipment) if equipment is not None
                else OperatorRequirement.objects.filter(category=category, equipment=None)).first()  # fmt: skip
    subject = {"category": category, "equipment": str(equipment.pk) if equipment else ""}
    if not qualification:
        if existing is not None:
            audit_record(actor=actor, action="facilities.operators.requirement",
                         subject=equipment, data={**subject, "qualification": ""})  # fmt: skip
            existing.delete()
        return None
    if existing is None:
        existing = OperatorRequirement(category=category, equipment=equipment)
    existing.qualification, existing.note, existing.updated_by = (
        qualification,
        note,
        actor.username,
    )
    existing.save()
    audit_record(actor=actor, action="facilities.operators.requirement", subject=equipment,
                 data={**subject, "qualification": qualification})  # fmt: skip
    return existing


# --- operators of an item ------------------------------------------------------------------------


def _operator_rows(equipment: Equipment, code: str | None, day: date) -> list[dict[str, Any]]:
    ops = list(equipment.operators.select_related("user").order_by("assigned_on", "created_at"))
    holdings = qualification_holdings([o.user_id for o in ops], [code], day) if code else {}
    warn = int(rule_value(WARN_DAYS))
    rows = []
    for o in ops:
        holding = holdings.get((str(o.user_id), code)) if code else None
        state = qualification_state(holding, day, warn) if code else CURRENT
        rows.append({"id": o.user_id, "user": o.user, "name": _name(o.user),
                     "username": o.user.username, "assigned_on": o.assigned_on,
                     "state": state, "state_label": str(GAP_LABELS[state]),
                     "expires_on": holding[1] if holding else None})  # fmt: skip
    return rows


def equipment_operators(actor: Actor, equipment_id: Any, *, today: date | None = None
                        ) -> dict[str, Any]:  # fmt: skip
    """An item's required qualification and its operators, each with the state of their
    certificate today."""
    equipment = access_equipment(actor, equipment_id)
    day = today or _today()
    code = required_qualification(equipment)
    return {"equipment": equipment, "equipment_id": equipment.pk,
            "asset_number": equipment.asset_number, "qualification": code or "",
            "qualification_label": qualification_label(code) if code else "",
            "operators": _operator_rows(equipment, code, day)}  # fmt: skip


def operator_candidates(actor: Actor, equipment: Equipment) -> list[Any]:
    """Active people the actor may name as operators of ``equipment`` (in its facilities.manage
    scope), by name."""
    return list(scope(actor, User.objects.filter(is_active=True), MANAGE)
                .order_by("display_name", "username")[:500])  # fmt: skip


def _refusal(user: Any, code: str, holding: Any, day: date) -> str | None:
    state = qualification_state(holding, day)
    if state in (CURRENT, EXPIRING):
        return None
    label = qualification_label(code)
    if state == LAPSED:
        return _("{name} 的“{q}”已于 {day} 过期，不能指定为操作人员（须先续期）。").format(
            name=_name(user), q=label, day=holding[1].isoformat()
        )
    return _("{name} 未取得“{q}”，不能指定为操作人员（标准 8.2.6：须经培训合格）。").format(
        name=_name(user), q=label)  # fmt: skip


@transaction.atomic
def equipment_operators_set(*, actor: Actor, equipment_id: Any, user_ids: Sequence[Any],
                            at: datetime | None = None) -> list[EquipmentOperator]:  # fmt: skip
    """Replace the operators of an item (facilities.manage over it). Every person newly named
    must be active, in the actor's scope and — when the item requires a qualification — hold a
    current certificate of it on the day; the ones already assigned stay as they are."""
    require(actor, MANAGE)
    equipment = access_equipment(actor, equipment_id, for_update=True)
    require(actor, MANAGE, equipment)
    if equipment.state == EquipmentState.DISPOSED:
        raise Conflict(_("设备已报废，不能再指定操作人员。"), code="disposed")
    day = (at or timezone.now()).astimezone(BEIJING).date()
    wanted = list(dict.fromkeys(str(u).strip() for u in user_ids if str(u).strip()))
    problems: list[str] = []
    if len(wanted) > MAX_OPERATORS:
        problems.append(_("每台设备最多指定 {n} 名操作人员。").format(n=MAX_OPERATORS))
    users = {}
    for raw in wanted:
        try:
            user = scope(actor, User.objects.filter(is_active=True), MANAGE).filter(pk=raw).first()
        except (ValueError, DjangoValidationError):  # a malformed id is an unknown person
            user = None
        if user is None:
            problems.append(_("人员 {id} 不存在，或不在您的权限范围内。").format(id=raw[:40]))
        else:
            users[str(user.pk)] = user
    current = {str(o.user_id): o for o in equipment.operators.all()}
    added = [u for k, u in users.items() if k not in current]
    code = required_qualification(equipment)
    if code and added:
        holdings = qualification_holdings([u.pk for u in added], [code], day)
        for user in added:
            reason = _refusal(user, code, holdings.get((str(user.pk), code)), day)
            if reason:
                problems.append(reason)
    if problems:
        raise ValidationFailed(problems[0], code="not_qualified" if code else "invalid",
                               fields={"operators": problems})  # fmt: skip
    removed = [o for k, o in current.items() if k not in users]
    for o in removed:
        o.delete()
    EquipmentOperator.objects.bulk_create(
        EquipmentOperator(equipment=equipment, user=u, assigned_on=day,
                          assigned_by=actor.username) for u in added)  # fmt: skip
    if added or removed:
        audit_record(actor=actor, action="facilities.equipment.operators", subject=equipment,
                     data={"added": len(added), "removed": len(removed)})  # fmt: skip
    return list(equipment.operators.select_related("user").order_by("assigned_on", "created_at"))


# --- gaps ----------------------------------------------------------------------------------------


def operator_gaps(actor: Actor, *, org_unit_id: Any = None, days: int | None = None,
                  today: date | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Equipment not disposed of, in the actor's scope (under ``org_unit_id`` if given), that
    requires a qualification its operators do not hold today — missing, lapsed, or running out
    within ``days`` (the rule by default) — or that has no operator: one row per item and
    operator, by unit and asset number."""
    day = today or _today()
    window = int(rule_value(WARN_DAYS)) if days is None else max(0, min(int(days), 3650))
    qs = scope(actor, Equipment.objects.select_related("org_unit"), VIEW).exclude(
        state=EquipmentState.DISPOSED
    )
    if org_unit_id:
        unit = unit_in_scope(actor, org_unit_id, VIEW)
        qs = qs.filter(org_unit__path__startswith=unit.path)
    equipment = list(qs.order_by("org_unit__path", "asset_number"))
    required = required_qualifications(equipment)
    equipment = [e for e in equipment if e.pk in required]
    ops: dict[Any, list[EquipmentOperator]] = {}
    for o in EquipmentOperator.objects.filter(equipment_id__in=[e.pk for e in equipment]
                                              ).select_related("user"):  # fmt: skip
        ops.setdefault(o.equipment_id, []).append(o)
    holdings = qualification_holdings(
        {o.user_id for lst in ops.values() for o in lst}, set(required.values()), day
    )
    rows = []
    for e in equipment:
        code = required[e.pk]
        base = {"equipment": e, "equipment_id": e.pk, "asset_number": e.asset_number,
                "name": e.name, "category": e.category, "org_unit": e.org_unit,
                "org_unit_id": e.org_unit_id, "org_unit_name": e.org_unit.name,
                "qualification": code, "qualification_label": qualification_label(code)}  # fmt: skip
        if not ops.get(e.pk):
            rows.append({**base, "operator_id": None, "operator": "", "state": NO_OPERATOR,
                         "state_label": str(GAP_LABELS[NO_OPERATOR]), "expires_on": None})  # fmt: skip
            continue
        for o in ops[e.pk]:
            holding = holdings.get((str(o.user_id), code))
            state = qualification_state(holding, day, window)
            if state == CURRENT:
                continue
            rows.append({**base, "operator_id": o.user_id, "operator": _name(o.user),
                         "state": state, "state_label": str(GAP_LABELS[state]),
                         "expires_on": holding[1] if holding else None})  # fmt: skip
    return rows


def operator_demands() -> list[QualificationDemand]:
    """Every assigned operator of equipment in use that requires a qualification: who needs what
    and because of which item (shown by the people app beside the required training)."""
    equipment = list(Equipment.objects.exclude(state=EquipmentState.DISPOSED)
                     .filter(operators__isnull=False).distinct().select_related("org_unit"))  # fmt: skip
    required = required_qualifications(equipment)
    by_id = {e.pk: e for e in equipment}
    out = []
    for o in EquipmentOperator.objects.filter(equipment_id__in=list(required)).order_by(
            "equipment__asset_number", "user_id"):  # fmt: skip
        e = by_id[o.equipment_id]
        out.append(QualificationDemand(
            user_id=str(o.user_id), qualification=required[e.pk],
            reason=_("操作设备 {asset} {name}").format(asset=e.asset_number, name=e.name),
            org_unit_path=e.org_unit.path))  # fmt: skip
    return out
