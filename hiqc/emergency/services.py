"""Every write of the emergency app for plans and drills (DESIGN rules 1, 3; standard 9.3.1,
9.3.2, 6.2.3(2); issue 20 §6). Incidents: ``incidents.py``.

* ``plan_create`` / ``plan_update`` — a plan version: scenario, roles, contact tree, steps with an
  owner role and a target in minutes, RTO / RPO, approval. Editing an approved version makes the
  next version (the approved one stays as it was, no longer current); an unapproved one is edited
  in place. Approving needs emergency.manage over the plan's unit.
* ``drill_plan`` — put a drill of a plan on the schedule by hand (one open drill per plan).
* ``drills_schedule`` — the daily job: for every current approved plan without an open drill, the
  next drill is due ``emergency.drill_interval_months`` after the last one performed (or after the
  approval); it is put on the schedule ``emergency.drill_lead_days`` ahead. A job that did not run
  for years still creates exactly one drill per plan (already overdue), never a backlog.
* ``drill_record`` — the drill performed: timings per step against the targets, the recovery time
  against the RTO, met / missed, late or not; the after-action review's actions open an
  improvement plan through the kernel (``hiqc.core.plan_links.improvement_open``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, months_after
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.plan_links import ImprovementActionIn, improvement_open
from hiqc.core.rules import rule_value
from hiqc.organisations.enums import Role
from hiqc.organisations.models import User
from hiqc.organisations.selectors import unit_in_scope

from .enums import DRILL, MANAGE, Scenario
from .indicators import DRILLS_MET
from .models import Drill, EmergencyPlan
from .selectors import access_drill, access_plan

Errors = dict[str, list[str]]
TEXT_MAX = 4000
MAX_ROWS = 50
MAX_MINUTES = 60 * 24 * 90  # ninety days, in minutes
SCHEDULER = "emergency_drill_schedule"  # the daily job's system actor
REVIEWER = "emergency_after_action"  # the system actor that opens the improvement plan


def today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _fail(errors: Errors, message: str) -> None:
    if errors:
        raise ValidationFailed(message, fields=errors)


def _int(raw: Any, name: str, errors: Errors, *, required: bool = True,
         limit: int = MAX_MINUTES) -> int | None:  # fmt: skip
    if raw in (None, "") and not required:
        return None
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        value = -1.0
    if value != int(value) or not 0 <= value <= limit:
        errors[name] = [_("请填写 0 到 {n} 的整数。").format(n=limit)]
        return None
    return int(value)


def _date(raw: Any, name: str, errors: Errors) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors[name] = [_("请填写日期，例如 2026-03-01。")]
        return None


def _text(data: Mapping[str, Any], name: str, errors: Errors, *, limit: int = TEXT_MAX,
          required: bool = False) -> str:  # fmt: skip
    text = str(data.get(name) or "").strip()
    if required and not text:
        errors[name] = [_("此项必填。")]
    elif len(text) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return text[:limit]


def _rows(raw: Any, name: str, errors: Errors) -> list[Mapping[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple) or not all(isinstance(r, Mapping) for r in raw):
        errors[name] = [_("格式有误：应为列表。")]
        return []
    if len(raw) > MAX_ROWS:
        errors[name] = [_("最多 {n} 行。").format(n=MAX_ROWS)]
        return []
    return list(raw)


# --- plans ---------------------------------------------------------------------------------------


def _plan_values(data: Mapping[str, Any], unit_path: str, errors: Errors) -> dict[str, Any]:
    """The checked fields of a plan version; errors name the field and row (``steps.2.title``)."""
    values: dict[str, Any] = {}
    scenario = str(data.get("scenario") or "")
    if scenario not in Scenario.values:
        errors["scenario"] = [_("请选择场景。")]
    values["scenario"] = scenario
    values["title"] = _text(data, "title", errors, limit=200, required=True)
    roles = []
    for n, row in enumerate(_rows(data.get("roles"), "roles", errors), start=1):
        role = str(row.get("role") or "")
        if role not in Role.values:
            errors[f"roles.{n}.role"] = [_("请选择角色。")]
        roles.append({"role": role, "duty": str(row.get("duty") or "").strip()[:300]})
    values["roles"] = roles
    contacts = []
    people = {r.get("person") for r in _rows(data.get("contacts"), "contacts", errors)} - {None, ""}
    known = set(User.objects.filter(username__in=[str(p) for p in people], is_active=True,
                                    org_unit__path__startswith=unit_path)
                .values_list("username", flat=True))  # fmt: skip
    for n, row in enumerate(_rows(data.get("contacts"), "contacts", errors), start=1):
        level = _int(row.get("level"), f"contacts.{n}.level", errors, limit=9)
        role, person = str(row.get("role") or ""), str(row.get("person") or "").strip()
        if role and role not in Role.values:
            errors[f"contacts.{n}.role"] = [_("请选择角色。")]
        if person and person not in known:
            errors[f"contacts.{n}.person"] = [_("该人员不在预案适用机构范围内。")]
        if not role and not person:
            errors[f"contacts.{n}.role"] = [_("请填写角色或人员。")]
        contacts.append({"level": level or 1, "role": role, "person": person})
    values["contacts"] = sorted(contacts, key=lambda c: c["level"])
    steps = []
    for n, row in enumerate(_rows(data.get("steps"), "steps", errors), start=1):
        title = str(row.get("title") or "").strip()
        if not title:
            errors[f"steps.{n}.title"] = [_("请填写步骤。")]
        owner = str(row.get("owner_role") or "")
        if owner not in Role.values:
            errors[f"steps.{n}.owner_role"] = [_("请选择负责角色。")]
        target = _int(row.get("target_minutes"), f"steps.{n}.target_minutes", errors)
        steps.append({"position": n, "title": title[:200], "owner_role": owner,
                      "target_minutes": target or 0})  # fmt: skip
    if not steps and "steps" not in errors:
        errors["steps"] = [_("请至少填写一个处置步骤。")]
    values["steps"] = steps
    values["rto_minutes"] = _int(data.get("rto_minutes"), "rto_minutes", errors)
    values["rpo_minutes"] = _int(data.get("rpo_minutes"), "rpo_minutes", errors, required=False)
    return values


def _truthy(raw: Any) -> bool:
    return raw is True or str(raw).strip().lower() in {"1", "true", "on", "yes", "是"}


@transaction.atomic
def plan_create(*, actor: Actor, data: Mapping[str, Any]) -> EmergencyPlan:
    """A new plan (version 1) at an org unit, for its subtree (emergency.manage there)."""
    require(actor, MANAGE)
    if not data.get("org_unit"):
        raise ValidationFailed(_("请选择适用机构。"), fields={"org_unit": [_("此项必填。")]})
    unit = unit_in_scope(actor, data["org_unit"], MANAGE, active=True)
    errors: Errors = {}
    values = _plan_values(data, unit.path, errors)
    _fail(errors, _("应急预案有误，请按提示修改。"))
    plan = EmergencyPlan(org_unit=unit, updated_by=actor.username, **values)
    if _truthy(data.get("approve")):
        plan.approved, plan.approved_by, plan.approved_on = True, actor.username, today()
    plan.save(force_insert=True)
    audit_record(actor=actor, action="emergency.plan.create", subject=plan,
                 data={"scenario": plan.scenario, "approved": plan.approved})  # fmt: skip
    return plan


@transaction.atomic
def plan_update(*, actor: Actor, plan_id: Any, data: Mapping[str, Any]) -> EmergencyPlan:
    """Edit a plan: an approved version stays as approved and the edit becomes the next version
    (unapproved unless ``approve``); an unapproved version is edited in place. Only the current
    version may be edited (409 otherwise). The unit does not change."""
    require(actor, MANAGE)
    plan = access_plan(actor, plan_id, for_update=True)
    unit = unit_in_scope(actor, plan.org_unit_id, MANAGE)
    if not plan.current:
        raise Conflict(_("只能修改现行版本。"), code="not_current")
    errors: Errors = {}
    values = _plan_values(data, unit.path, errors)
    _fail(errors, _("应急预案有误，请按提示修改。"))
    approve = _truthy(data.get("approve"))
    changed = [k for k, v in values.items() if getattr(plan, k) != v]
    if plan.approved and not changed and not approve:
        return plan
    if plan.approved and changed:
        EmergencyPlan.objects.filter(pk=plan.pk).update(current=False)
        plan = EmergencyPlan(family=plan.family, version=plan.version + 1, org_unit=unit,
                             updated_by=actor.username, **values)  # fmt: skip
        if approve:
            plan.approved, plan.approved_by, plan.approved_on = True, actor.username, today()
        plan.save(force_insert=True)
        audit_record(actor=actor, action="emergency.plan.version", subject=plan,
                     fields=changed, data={"version": plan.version})  # fmt: skip
        return plan
    for k, v in values.items():
        setattr(plan, k, v)
    fields = [*changed, "updated_by", "updated_at"]
    plan.updated_by = actor.username
    if approve and not plan.approved:
        plan.approved, plan.approved_by, plan.approved_on = True, actor.username, today()
        fields += ["approved", "approved_by", "approved_on"]
    plan.save(update_fields=fields)
    audit_record(actor=actor, action="emergency.plan.update", subject=plan, fields=fields[:-2],
                 data={"version": plan.version, "approved": plan.approved})  # fmt: skip
    return plan


# --- drills --------------------------------------------------------------------------------------


def _open_drill(plan: EmergencyPlan, due: date, by: str) -> Drill | None:
    """The plan's next drill, unless one is already open (the unique constraint decides a race)."""
    try:
        with transaction.atomic():
            return Drill.objects.create(plan=plan, family=plan.family, org_unit=plan.org_unit,
                                        due_date=due, planned_by=by)  # fmt: skip
    except IntegrityError:
        return None


@transaction.atomic
def drill_plan(*, actor: Actor, data: Mapping[str, Any]) -> Drill:
    """Put a drill of a current plan on the schedule by ``due_date`` (emergency.drill over the
    plan's unit); 409 while the plan has a drill to do."""
    require(actor, DRILL)
    errors: Errors = {}
    due = _date(data.get("due_date"), "due_date", errors)
    if due is not None and abs((due - today()).days) > 366:
        errors["due_date"] = [_("计划日期应在今天前后一年之内。")]
    if not data.get("plan"):
        errors["plan"] = [_("请选择应急预案。")]
    _fail(errors, _("演练计划有误，请按提示修改。"))
    assert due is not None
    plan = access_plan(actor, data["plan"])
    require(actor, DRILL, plan)
    if not plan.current:
        raise Conflict(_("请选择预案的现行版本。"), code="not_current")
    drill = _open_drill(plan, due, actor.username)
    if drill is None:
        raise Conflict(_("该预案已有待实施的演练。"), code="drill_open")
    audit_record(actor=actor, action="emergency.drill.plan", subject=drill,
                 data={"due_date": due.isoformat()})  # fmt: skip
    return drill


def next_drill_due(plan: EmergencyPlan, last_performed: date | None) -> date:
    """When the plan's next drill is due: the interval after the last drill performed, or after
    the plan's approval (its creation when no date is recorded) if it was never drilled."""
    months = int(rule_value("emergency.drill_interval_months"))
    since = last_performed or plan.approved_on or plan.created_at.astimezone(BEIJING).date()
    return months_after(since, months)


def drills_schedule(*, on: date | None = None) -> dict[str, int]:
    """The daily job (idempotent, catch-up safe): create the next drill of every current approved
    plan that has none open and whose next drill is due within the lead days; count the overdue
    drills. A plan not drilled for years gets one drill — already overdue — never one per missed
    year."""
    on = on or today()
    lead = int(rule_value("emergency.drill_lead_days"))
    actor = Actor.system(SCHEDULER)
    plans = EmergencyPlan.objects.filter(current=True, approved=True).select_related("org_unit")
    open_families = set(Drill.objects.filter(performed_on__isnull=True)
                        .values_list("family", flat=True))  # fmt: skip
    last: dict[Any, date] = {}
    for family, performed in (Drill.objects.filter(performed_on__isnull=False)
                              .order_by("performed_on").values_list("family", "performed_on")):  # fmt: skip
        if performed is not None:
            last[family] = performed
    created = 0
    for plan in plans:
        if plan.family in open_families:
            continue
        due = next_drill_due(plan, last.get(plan.family))
        if (due - on).days > lead:
            continue
        drill = _open_drill(plan, due, actor.username)
        if drill is not None:
            created += 1
            audit_record(actor=actor, action="emergency.drill.plan", subject=drill,
                         data={"due_date": due.isoformat(), "scheduled": True})  # fmt: skip
    overdue = Drill.objects.filter(performed_on__isnull=True, due_date__lt=on).count()
    return {"created": created, "overdue": overdue}


def _timings(plan: EmergencyPlan, raw: Any, errors: Errors) -> list[dict[str, Any]]:
    """Per step of the plan: the actual minutes against the target. ``raw`` is a mapping
    position → minutes or a list of {position, actual_minutes}; every step needs a time."""
    given: dict[str, Any] = {}
    if isinstance(raw, Mapping):
        given = {str(k): v for k, v in raw.items()}
    elif isinstance(raw, list | tuple):
        given = {str(r.get("position")): r.get("actual_minutes") for r in raw
                 if isinstance(r, Mapping)}  # fmt: skip
    elif raw not in (None, ""):
        errors["timings"] = [_("格式有误。")]
    steps = [{**step, "position": step.get("position") or n}
             for n, step in enumerate(plan.steps, start=1)]  # fmt: skip
    positions = {str(step["position"]) for step in steps}
    for key in given:
        if key not in positions:
            errors[f"timings.{key}"] = [_("预案中没有该步骤。")]
    out = []
    for step in steps:
        key = str(step["position"])
        actual = _int(given.get(key), f"timings.{key}", errors)
        out.append({"position": step["position"], "title": step["title"],
                    "owner_role": step.get("owner_role", ""),
                    "target_minutes": step["target_minutes"], "actual_minutes": actual,
                    "met": actual is not None and actual <= step["target_minutes"]})  # fmt: skip
    return out


def _actions(raw: Any, actor: Actor, errors: Errors) -> list[ImprovementActionIn]:
    out = []
    for n, row in enumerate(_rows(raw, "actions", errors), start=1):
        title = str(row.get("title") or "").strip()
        if not title:
            errors[f"actions.{n}.title"] = [_("请填写改进措施。")]
        due = _date(row.get("due_date"), f"actions.{n}.due_date", errors)
        owner = row.get("owner") or actor.user_id
        if not owner:
            errors[f"actions.{n}.owner"] = [_("请选择负责人。")]
        out.append(ImprovementActionIn(title=title[:200], owner_id=owner, due_date=due))
    return out


def drill_record(*, actor: Actor, drill_id: Any, data: Mapping[str, Any]) -> Drill:
    """Record a planned drill as performed (emergency.drill over its unit); 409 once recorded.
    ``timings`` per step, ``recovery_minutes`` against the RTO, ``review`` and its ``actions``
    (title, owner user id — default the recorder —, due_date): the actions open an improvement
    plan at the drill's unit, measured on ``emergency.drill_targets_met``."""
    with transaction.atomic():
        drill = access_drill(actor, drill_id, for_update=True)
        require(actor, DRILL, drill)
        if drill.performed_on is not None:
            raise Conflict(_("该演练已登记，不能重复登记。"), code="already_performed")
        plan = EmergencyPlan.objects.filter(family=drill.family, current=True).first() or drill.plan
        errors: Errors = {}
        performed = _date(data.get("performed_on"), "performed_on", errors)
        if performed is not None and performed > today():
            errors["performed_on"] = [_("演练日期不能晚于今天。")]
        participants = _int(data.get("participants"), "participants", errors, limit=100_000)
        notes = _text(data, "notes", errors)
        review = _text(data, "review", errors)
        timings = _timings(plan, data.get("timings"), errors)
        recovery = _int(data.get("recovery_minutes"), "recovery_minutes", errors)
        actions = _actions(data.get("actions"), actor, errors)
        if actions and not review:
            errors["review"] = [_("有改进措施时请填写演练后评估。")]
        _fail(errors, _("演练记录有误，请按提示修改。"))
        assert performed is not None and recovery is not None
        drill.plan = plan
        drill.performed_on, drill.performed_by = performed, actor.username
        drill.participants, drill.notes, drill.review = participants, notes, review
        drill.timings, drill.recovery_minutes, drill.rto_minutes = (
            timings,
            recovery,
            plan.rto_minutes,
        )
        drill.recovery_met = recovery <= plan.rto_minutes
        drill.met = drill.recovery_met and all(t["met"] for t in timings)
        drill.late = performed > drill.due_date
        if actions:
            need = _("{title} 演练（{day}）后评估：{review}").format(
                title=plan.title, day=performed.isoformat(), review=review)  # fmt: skip
            plan_id = improvement_open(
                actor=Actor.system(REVIEWER), org_unit_id=drill.org_unit_id,
                title=_("应急演练改进：{title}").format(title=plan.title)[:200], need=need,
                indicator_code=DRILLS_MET, actions=actions,
            )  # fmt: skip
            drill.improvement_plan_id = plan_id
        drill.save(update_fields=["plan", "performed_on", "performed_by", "participants", "notes",
                                  "review", "timings", "recovery_minutes", "rto_minutes",
                                  "recovery_met", "met", "late", "improvement_plan_id",
                                  "updated_at"])  # fmt: skip
        audit_record(actor=actor, action="emergency.drill.record", subject=drill,
                     data={"met": drill.met, "late": drill.late, "actions": len(actions)})  # fmt: skip
    return drill
