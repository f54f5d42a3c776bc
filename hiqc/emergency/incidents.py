"""Incidents (standard 9.3.3, 6.2.1(3), 6.2.3(2); issue 20 §6): every write, through the engine.

* ``incident_report`` — report an incident at a unit: scenario, severity, detected at, the count of
  affected customers (never who), whether personal information is involved and whether the
  regulator must be told. Its clocks start at detection with the values the rules hold now:
  containment, and notification when personal information is involved or the regulator must be
  told (PIPL art. 57: "立即"; the hours are a design default).
* ``incident_act`` — the workflow's actions; each writes a line of the timeline. ``notify`` records
  who was told and when; ``close`` records the root cause and the lessons learnt, whose
  ``actions`` open an improvement plan (``hiqc.core.plan_links``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.deadlines import apply_effects
from hiqc.core.errors import ValidationFailed
from hiqc.core.identifiers import create_numbered
from hiqc.core.plan_links import improvement_open
from hiqc.core.rules import rule_value
from hiqc.core.workflow import Clock, Start
from hiqc.organisations.selectors import unit_in_scope

from .enums import INCIDENT, VIEW, IncidentStatus, Scenario, Severity
from .models import EmergencyPlan, Incident, IncidentEntry
from .selectors import access_incident
from .services import REVIEWER, Errors, _actions, _fail, _int, _text, _truthy
from .workflow import CONTAINMENT, INCIDENT_FLOW, NOTIFICATION, PROCESS, WORK_BY_STATE

TEXT_MAX = 4000


def _url(case_id: str) -> str:
    return reverse("emergency:incident", args=[case_id])


def close_blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | None:
    """The domain guard: an incident that must be notified cannot close before it is."""
    if action == "close" and case.notification_required and case.customers_notified_at is None \
            and case.regulator_notified_at is None:  # fmt: skip
        return _("须先登记通知客户与报告监管的情况。")
    return None


KIND = CaseKind(label=PROCESS, workflow=INCIDENT_FLOW, access=access_incident,
                name=gettext_lazy("突发事件"), view_perm=VIEW, work_by_state=WORK_BY_STATE,
                url_for=_url, blocked=close_blocked)  # fmt: skip


def containment_clock() -> Clock:
    return replace(CONTAINMENT, amount=int(rule_value("emergency.containment_hours")))


def notification_clock() -> Clock:
    return replace(NOTIFICATION, amount=int(rule_value("emergency.notification_hours")))


def _moment(raw: Any, name: str, errors: Errors, *, default: datetime | None = None
            ) -> datetime | None:  # fmt: skip
    if isinstance(raw, datetime):
        value: datetime | None = raw
    elif raw in (None, ""):
        value = default
    else:
        value = parse_datetime(str(raw).strip().replace(" ", "T"))
        if value is None:
            errors[name] = [_("请填写时间，例如 2026-03-01 09:30。")]
            return None
    if value is None:
        errors[name] = [_("此项必填。")]
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=BEIJING)
    if value > timezone.now() + timedelta(minutes=5):
        errors[name] = [_("时间不能晚于现在。")]
    return value


def _entry(incident: Incident, at: datetime, text: str, actor: Actor) -> None:
    if text:
        IncidentEntry.objects.create(incident=incident, at=at, text=text[:1000],
                                     recorded_by=actor.username)  # fmt: skip


@transaction.atomic
def incident_report(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
                    ) -> Incident:  # fmt: skip
    """Report an incident at a unit (emergency.incident there); ``note`` is the first line of its
    timeline. ``at`` dates the report (history loaded by the demo); it defaults to now."""
    require(actor, INCIDENT)
    at = at or timezone.now()
    errors: Errors = {}
    scenario, severity = str(data.get("scenario") or ""), str(data.get("severity") or "")
    if scenario not in Scenario.values:
        errors["scenario"] = [_("请选择事件类型。")]
    if severity not in Severity.values:
        errors["severity"] = [_("请选择严重程度。")]
    title = _text(data, "title", errors, limit=200, required=True)
    detected = _moment(data.get("detected_at"), "detected_at", errors, default=at)
    if detected is not None and detected > at:
        errors["detected_at"] = [_("发现时间不能晚于报告时间。")]
    affected = _int(data.get("affected_customers") or 0, "affected_customers", errors,
                    limit=100_000_000)  # fmt: skip
    note = _text(data, "note", errors, limit=1000)
    if not data.get("org_unit"):
        errors["org_unit"] = [_("请选择发生机构。")]
    _fail(errors, _("事件信息有误，请按提示修改。"))
    assert detected is not None
    unit = unit_in_scope(actor, data["org_unit"], INCIDENT, active=True)
    plan = None
    if data.get("plan"):
        plan = EmergencyPlan.objects.filter(pk=data["plan"], current=True,
                                            scenario=scenario).first()  # fmt: skip
        if plan is None or not unit.path.startswith(plan.org_unit.path):
            raise ValidationFailed(_("事件信息有误，请按提示修改。"),
                                   fields={"plan": [_("请选择适用于该机构和事件类型的现行预案。")]})  # fmt: skip
    personal = _truthy(data.get("personal_data")) or scenario == Scenario.INFOSEC
    incident = create_numbered(
        Incident, field="number", letters="YJ", at=at, digits=4, org_unit=unit,
        scenario=scenario, severity=severity, title=title, plan=plan, detected_at=detected,
        reported_by=actor.username, affected_customers=affected or 0, personal_data=personal,
        regulator_required=_truthy(data.get("regulator_required")),
        status=IncidentStatus.REPORTED,
    )  # fmt: skip
    clocks = {CONTAINMENT.code: containment_clock()}
    effects = [Start(CONTAINMENT)]
    if incident.notification_required:
        clocks[NOTIFICATION.code] = notification_clock()
        effects.append(Start(NOTIFICATION))
    apply_effects(case_type=KIND.label, case_id=str(incident.pk), org_path=unit.path,
                  clocks=clocks, effects=effects, at=detected)  # fmt: skip
    _entry(incident, detected, note or title, actor)
    case_opened(kind=KIND, case=incident, actor=actor, at=at,
                source=Source.SYSTEM if actor.is_system else Source.PAGE,
                data={"scenario": scenario, "severity": severity,
                      "affected_customers": incident.affected_customers})  # fmt: skip
    return incident


NOTE_OF = {"accept": "note", "log": "note", "contain": "containment", "notify": "notification",
           "notify_after_containment": "notification", "close": "root_cause",
           "withdraw": "reason"}  # fmt: skip


def incident_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
                 version: int | None = None, at: datetime | None = None) -> Incident:  # fmt: skip
    """accept (note), log (note, happened_at), contain (containment), notify /
    notify_after_containment (notification; customers, regulator), close (root_cause, lessons,
    optional actions), withdraw (reason). Each writes a line of the timeline."""
    at = at or timezone.now()
    # the door and the permission before the inputs are read (a reader's well-formed body is a
    # 403, never a 422); an action the workflow does not know is the engine's 409
    known = access_incident(actor, case_id)
    step = next((t for t in INCIDENT_FLOW.transitions if t.name == action), None)
    if step is None:
        case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, version=version)
    else:
        require(actor, step.perm, known)
    raw_actions = data.get("actions")
    data = {k: v if isinstance(v, bool) else str(v).strip() for k, v in data.items()
            if k != "actions"}  # fmt: skip
    errors: Errors = {}
    for name in ("note", "containment", "notification", "root_cause", "lessons", "reason"):
        _text(data, name, errors)
    when = at
    if action == "log" and data.get("happened_at"):
        when = _moment(data["happened_at"], "happened_at", errors) or at
    actions = _actions(raw_actions, actor, errors) if action == "close" else []
    _fail(errors, _("内容有误，请按提示修改。"))
    updates: dict[str, Any] = {}
    if action == "contain":
        updates = {"containment": data.get("containment", ""), "contained_at": at}
    elif action in ("notify", "notify_after_containment"):
        # by default: the customers when any is affected or personal data is involved, the
        # regulator when it must be told (the page records both at once; the API may say)
        customers = _truthy(
            data.get("customers", known.affected_customers > 0 or known.personal_data)
        )
        regulator = _truthy(data.get("regulator", known.regulator_required))
        updates = {"notification": data.get("notification", "")}
        if customers:
            updates["customers_notified_at"] = at
        if regulator:
            updates["regulator_notified_at"] = at
    elif action == "close":
        updates = {"root_cause": data.get("root_cause", ""), "lessons": data.get("lessons", ""),
                   "closed_at": at}  # fmt: skip
    elif action == "withdraw":
        updates = {"closed_at": at}
    record = {k: (len(v) if isinstance(v, str) else v) for k, v in data.items()}
    with transaction.atomic():
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=data,
                               version=version, at=at, source=Source.PAGE, record=record,
                               updates=updates)  # fmt: skip
        assert isinstance(case, Incident)
        _entry(case, when, data.get(NOTE_OF.get(action, ""), ""), actor)
        if action == "close" and actions:
            plan_id = improvement_open(
                actor=Actor.system(REVIEWER), org_unit_id=case.org_unit_id,
                title=_("突发事件改进：{title}").format(title=case.title)[:200],
                need=_("{number} 经验教训：{lessons}").format(number=case.number,
                                                           lessons=case.lessons),
                indicator_code="emergency.drill_targets_met", actions=actions,
            )  # fmt: skip
            case.improvement_plan_id = plan_id
            case.save(update_fields=["improvement_plan_id", "updated_at"])
    return case
