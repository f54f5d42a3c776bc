"""Every write of the fault tickets (DESIGN rules 1, 3; standard 8.2.3; issue 19 §5).

* ``fault_report`` — a fault of a piece of equipment, reported on the page or through the API
  (``facilities.fault_report`` over the equipment's unit): severity, what is wrong, since when the
  service is down (``down_from``, default now). It opens the ticket, starts the response and
  repair clocks of its severity (amounts: the rules ``facilities.fault.<severity>.<step>``) and
  writes a ``故障`` entry on the equipment's history (the equipment goes 维修中).
* ``fault_act`` — the ticket's steps through the engine; the domain's checks and field changes
  are the kind's ``prepare`` hook, so the permission is checked before any input is judged:
  accept (the repairer takes it; a ``维修`` entry), assign (to a person holding
  ``facilities.fault_repair`` over the unit), repair (resolution, cause, when the service came
  back: ``down_until``; a ``修复投用`` entry, the equipment back 在用), confirm, reopen (the
  service is down again: ``down_until`` cleared, a ``故障`` entry), cancel (a false alarm: the
  equipment back 在用 if this ticket put it under repair).
* ``faults_import`` — a monitoring system's alarms (CSV or Excel, ``hiqc.core.spreadsheets``):
  asset number, alarm id, start, end, severity, description. Idempotent by alarm id (a rerun
  creates nothing; an alarm that has since ended fills in the end of its open ticket); a bad row
  is reported by line, field and problem and the good rows are kept; one audit event per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hiqc.core.access import Actor, require, role_codes, role_permissions
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, Unit
from hiqc.core.casekinds import CaseKind, Prepared
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.deadlines import apply_effects
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.identifiers import create_numbered
from hiqc.core.rules import Rule, rule_value
from hiqc.core.spreadsheets import table_records
from hiqc.core.workflow import Clock, Start
from hiqc.organisations.selectors import users_holding_roles_over

from ..enums import MANAGE, STATE_AFTER, VIEW, EquipmentState, EventKind
from ..models import Equipment, EquipmentEvent, Fault
from ..selectors import access_equipment
from .enums import FAULT_REPAIR, FAULT_REPORT, FaultCause, FaultSeverity, FaultSource, FaultStatus
from .selectors import access_fault
from .workflow import CLOCKS, FAULT, PROCESS, WORK_BY_STATE

Errors = dict[str, list[str]]
TITLE_MAX = 200
TEXT_MAX = 2000
BACKDATE = timedelta(days=366)  # a fault reported late: its downtime began at most a year ago
MAX_ROWS = 20_000
REJECTED_KEPT = 1_000

# The targets as rules (DESIGN rule 9): internal targets (P), each with its citation.
RULES = tuple(
    Rule(
        f"facilities.fault.{severity}.{step}",
        clock.amount,
        "hours" if clock.unit == Unit.HOURS else "working_days",
        gettext_lazy(clock.label),
        clock.source,
        "P",
    )
    for (severity, step), clock in CLOCKS.items()
)


def clock_for(severity: str, step: str) -> Clock:
    """The clock of ``severity``'s ``step`` with the target in force (the rule's value)."""
    clock = CLOCKS[(severity, step)]
    amount = rule_value(f"facilities.fault.{severity}.{step}")
    return clock if amount == clock.amount else replace(clock, amount=int(amount))


def _url(case_id: str) -> str:
    return reverse("facilities:fault", args=[case_id])


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _fail(errors: Errors, message: str = "") -> None:
    if errors:
        raise ValidationFailed(message or _("信息有误，请按提示修改。"), fields=errors)


@cache
def _choices(enum: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    with translation.override("zh-hans"):
        for member in enum:
            out[member.value] = member.value
            out[str(member.label)] = member.value
    return out


def _choice(enum: Any, raw: Any) -> str | None:
    text = str(raw or "").strip()
    return _choices(enum).get(text) or _choices(enum).get(text.lower())


def parse_moment(raw: Any) -> datetime | str | None:
    """A time from a form, a file or JSON: aware datetimes as they are, naive text as Beijing
    time (``2026-03-01 09:30``, ``2026/03/01 09:30:00``, ISO with an offset); "" → None; "bad"."""
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=BEIJING)
    text = str(raw or "").strip().replace("/", "-").replace("T", " ")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return "bad"
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def _equipment_event(equipment: Equipment, kind: str, on: datetime, note: str,
                     actor: Actor) -> None:  # fmt: skip
    """A history entry a ticket writes (``故障``, ``维修``, ``修复投用``), moving the equipment's
    state as ``STATE_AFTER`` says; none on a disposed item."""
    if equipment.state == EquipmentState.DISPOSED:
        return
    EquipmentEvent.objects.create(equipment=equipment, kind=kind, note=note[:500],
                                  happened_on=on.astimezone(BEIJING).date(),
                                  recorded_by=actor.username)  # fmt: skip
    state = STATE_AFTER.get(kind)
    if state and state != equipment.state:
        equipment.state = state
        equipment.save(update_fields=["state", "updated_at"])


def _still_down(equipment: Equipment, but: Fault) -> bool:
    """Another ticket of the equipment whose service is still down."""
    return (Fault.objects.filter(equipment=equipment, down_until__isnull=True,
                                 status__in=(FaultStatus.REPORTED, FaultStatus.IN_PROGRESS))
            .exclude(pk=but.pk).exists())  # fmt: skip


def _back_in_use(fault: Fault, at: datetime, note: str, actor: Actor) -> None:
    equipment = Equipment.objects.select_for_update().get(pk=fault.equipment_id)
    if equipment.state == EquipmentState.UNDER_REPAIR and not _still_down(equipment, fault):
        _equipment_event(equipment, EventKind.REPAIRED, at, note, actor)


# --- the steps (the kind's prepare hook) ---------------------------------------------------------


def repairers(fault: Fault) -> list[Any]:
    """Ids of the active people holding ``facilities.fault_repair`` over the ticket's unit."""
    roles = [r for r in role_codes() if FAULT_REPAIR in role_permissions(r)]
    return users_holding_roles_over(fault.org_unit.path, roles)


def _prepare(store: Any, case: Fault, actor: Actor, action: str, data: Mapping[str, Any],
             at: datetime, source: str) -> Prepared:  # fmt: skip
    errors: Errors = {}
    updates: dict[str, Any] = {}
    record: dict[str, Any] = {}
    for name in ("resolution", "reason"):
        if len(str(data.get(name) or "")) > TEXT_MAX:
            errors[name] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
    after: Callable[[Any], None] | None = None
    if action in ("accept", "assign"):
        if case.responded_at is None:
            updates["responded_at"] = at
        if action == "accept" and case.assignee_id is None and actor.user_id is not None:
            updates["assignee_id"] = actor.user_id
        if action == "assign":
            raw = str(data.get("assignee") or "").strip()
            ids = {str(i): i for i in repairers(case)}
            if not raw:
                errors["assignee"] = [_("此项必填。")]
            elif raw not in ids:
                errors["assignee"] = [_("请选择在本机构负责设备维修的人员。")]
            else:
                updates["assignee_id"] = ids[raw]
                record["assignee"] = raw
        if case.status == FaultStatus.REPORTED:

            def responded(c: Fault) -> None:
                _equipment_event(Equipment.objects.select_for_update().get(pk=c.equipment_id),
                                 EventKind.REPAIR, at, _("故障单 {n} 已响应，开始维修").format(
                                     n=c.number), actor)  # fmt: skip

            after = responded
    elif action == "repair":
        cause = _choice(FaultCause, data.get("cause"))
        if not data.get("cause"):
            errors["cause"] = [_("此项必填。")]
        elif cause is None:
            errors["cause"] = [_("请选择故障原因。")]
        if not str(data.get("resolution") or "").strip():
            errors["resolution"] = [_("此项必填。")]
        until = parse_moment(data.get("down_until")) if data.get("down_until") else (
            case.down_until or at)  # fmt: skip
        if not isinstance(until, datetime):
            errors["down_until"] = [_("请填写时间，例如 2026-03-01 14:30。")]
        elif until < case.down_from:
            errors["down_until"] = [_("恢复时间不能早于停机开始时间。")]
        elif until > at + timedelta(minutes=5):
            errors["down_until"] = [_("恢复时间不能晚于现在。")]
        if not errors:
            assert isinstance(until, datetime)
            updates.update(cause=cause, resolution=str(data["resolution"]).strip(),
                           down_until=until, repaired_at=at)  # fmt: skip
            record = {"cause": cause, "down_until": until.isoformat(),
                      "resolution_chars": len(updates["resolution"])}  # fmt: skip

            def repaired(c: Fault) -> None:
                _back_in_use(c, until, _("故障单 {n} 已修复").format(n=c.number), actor)

            after = repaired
    elif action == "confirm":
        updates["closed_at"] = at
    elif action == "reopen":
        updates.update(down_until=None)
        record = {"reason_chars": len(str(data.get("reason") or ""))}

        def reopened(c: Fault) -> None:
            _equipment_event(Equipment.objects.select_for_update().get(pk=c.equipment_id),
                             EventKind.FAULT, at, _("故障单 {n} 修复未达要求，退回维修").format(
                                 n=c.number), actor)  # fmt: skip

        after = reopened
    elif action == "cancel":
        updates["closed_at"] = at
        record = {"reason_chars": len(str(data.get("reason") or ""))}

        def cancelled(c: Fault) -> None:
            _back_in_use(c, at, _("故障单 {n} 已撤销").format(n=c.number), actor)

        after = cancelled
    _fail(errors, _("故障单信息有误，请按提示修改。"))
    return Prepared(at=at, updates=updates, record=record or None, after=after)


KIND = CaseKind(label=PROCESS, workflow=FAULT, access=access_fault, name=gettext_lazy("设备故障单"),
                view_perm=VIEW, work_by_state=WORK_BY_STATE, url_for=_url,
                prepare=_prepare)  # fmt: skip


def fault_act(*, actor: Actor, fault_id: Any, action: str, data: Mapping[str, Any],
              version: int | None = None, at: datetime | None = None,
              source: str = Source.PAGE) -> Fault:  # fmt: skip
    """accept, assign (assignee), repair (resolution, cause, down_until), confirm, reopen
    (reason), cancel (reason) — through the engine."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    case = case_transition(kind=KIND, actor=actor, case_id=fault_id, action=action, data=data,
                           version=version, at=at or timezone.now(), source=source)  # fmt: skip
    assert isinstance(case, Fault)
    return case


# --- reporting -----------------------------------------------------------------------------------


def fault_clean(data: Mapping[str, Any], errors: Errors, *, now: datetime) -> dict[str, Any]:
    """The typed values of a report (not the equipment), errors by field."""
    values: dict[str, Any] = {}
    severity = _choice(FaultSeverity, data.get("severity"))
    if severity is None:
        errors["severity"] = [_("请选择严重程度（紧急、严重或一般）。")]
    values["severity"] = severity or ""
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("请简述故障现象。")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("不能超过 {n} 个字。").format(n=TITLE_MAX)]
    values["title"] = title
    description = str(data.get("description") or "").strip()
    if len(description) > TEXT_MAX:
        errors["description"] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
    values["description"] = description
    since = parse_moment(data.get("down_from"))
    if since == "bad":
        errors["down_from"] = [_("请填写时间，例如 2026-03-01 09:30。")]
    elif isinstance(since, datetime) and since > now + timedelta(minutes=5):
        errors["down_from"] = [_("停机开始时间不能晚于现在。")]
    elif isinstance(since, datetime) and since < now - BACKDATE:
        errors["down_from"] = [_("停机开始时间应在一年之内。")]
    values["down_from"] = since if isinstance(since, datetime) else now
    return values


_SOURCES: dict[str, str] = {FaultSource.MONITORING: Source.IMPORT, FaultSource.API: Source.API}


@transaction.atomic  # its clocks lock their rows: one transaction, whoever calls (the demo too)
def _open(*, actor: Actor, equipment: Equipment, values: Mapping[str, Any], at: datetime,
          source: str, alarm_id: str | None = None,
          down_until: datetime | None = None) -> Fault:  # fmt: skip
    """The ticket, its clocks (from ``at``) and the equipment's ``故障`` entry."""
    case = create_numbered(
        Fault, field="number", letters="GZ", at=at, digits=4, status=FaultStatus.REPORTED,
        equipment=equipment, org_unit_id=equipment.org_unit_id, category=equipment.category,
        severity=values["severity"], title=values["title"], description=values["description"],
        source=source, alarm_id=alarm_id, reported_at=at, reported_by=actor.username,
        down_from=values["down_from"], down_until=down_until,
    )  # fmt: skip
    case_opened(kind=KIND, case=case, actor=actor, at=at,
                source=_SOURCES.get(source, Source.SYSTEM if actor.is_system else Source.PAGE),
                data={"severity": case.severity, "category": case.category,
                      "source": source})  # fmt: skip
    clocks = {c.code: c for c in (clock_for(case.severity, "response"),
                                  clock_for(case.severity, "repair"))}  # fmt: skip
    apply_effects(case_type=PROCESS, case_id=str(case.pk), org_path=equipment.org_unit.path,
                  clocks=clocks, effects=[Start(c) for c in clocks.values()], at=at)  # fmt: skip
    _equipment_event(equipment, EventKind.FAULT, case.down_from,
                     _("故障单 {n}：{t}").format(n=case.number, t=case.title), actor)  # fmt: skip
    if down_until is not None:  # the alarm has ended: the service is back
        _back_in_use(case, down_until, _("告警 {a} 已恢复").format(a=alarm_id), actor)
    audit_record(actor=actor, action="facilities.fault.report", subject=case,
                 data={"severity": case.severity, "source": source})  # fmt: skip
    return case


@transaction.atomic
def fault_report(*, actor: Actor, data: Mapping[str, Any], source: str = FaultSource.PAGE,
                 at: datetime | None = None) -> Fault:  # fmt: skip
    """Report a fault of ``data["equipment"]`` (facilities.fault_report over its unit)."""
    require(actor, FAULT_REPORT)
    at = at or timezone.now()
    errors: Errors = {}
    values = fault_clean(data, errors, now=at)
    if not data.get("equipment"):
        errors["equipment"] = [_("请选择设备。")]
    _fail(errors, _("故障报告有误，请按提示修改。"))
    equipment = access_equipment(actor, data["equipment"], for_update=True)
    require(actor, FAULT_REPORT, equipment)
    if equipment.state == EquipmentState.DISPOSED:
        raise Conflict(_("设备已报废，不能报告故障。"), code="disposed")
    if equipment.purchase_date and values["down_from"].astimezone(BEIJING).date() < (
            equipment.purchase_date):  # fmt: skip
        raise ValidationFailed(_("故障报告有误，请按提示修改。"),
                               fields={"down_from": [_("停机开始时间不能早于购置日期。")]})  # fmt: skip
    return _open(actor=actor, equipment=equipment, values=values, at=at, source=source)


# --- the monitoring import -----------------------------------------------------------------------

COLUMNS = ("asset_number", "alarm_id", "start", "end", "severity", "description")
REQUIRED_COLUMNS = ("asset_number", "alarm_id", "start", "severity")
ALIASES = {"资产编号": "asset_number", "告警编号": "alarm_id", "告警id": "alarm_id",
           "开始时间": "start", "告警开始时间": "start", "结束时间": "end", "恢复时间": "end",
           "严重程度": "severity", "告警级别": "severity", "告警描述": "description",
           "描述": "description"}  # fmt: skip
SAMPLE = (
    "asset_number,alarm_id,start,end,severity,description\n"
    "EQ-0001,ALM-20260301-0001,2026-03-01 09:12,2026-03-01 10:40,严重,叫号机主机离线\n"
    "EQ-0002,ALM-20260301-0002,2026-03-01 11:05,,紧急,交换机中继全部中断\n"
)


@dataclass
class FaultImportReport:
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


def faults_import(*, actor: Actor, source: Iterable[bytes] | Any, origin: str = "page",
                  now: datetime | None = None) -> FaultImportReport:  # fmt: skip
    """Import monitoring alarms as fault tickets (facilities.manage over each row's equipment).
    Each row is its own transaction; a rerun of the same file creates nothing."""
    require(actor, MANAGE)
    now = now or timezone.now()
    report = FaultImportReport()
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
        with transaction.atomic():
            _import_row(actor, line, data, report, now)
    with transaction.atomic():
        audit_record(actor=actor, action="facilities.fault.import",
                     data={"origin": origin, **{k: v for k, v in report.as_dict().items()
                                                if k != "rejected"}})  # fmt: skip
    return report


def _import_row(actor: Actor, line: int, data: dict[str, str], report: FaultImportReport,
                now: datetime) -> None:  # fmt: skip
    errors: Errors = {}
    alarm_id = data.get("alarm_id", "")
    if not alarm_id:
        errors["alarm_id"] = [_("请填写告警编号。")]
    elif len(alarm_id) > 80:
        errors["alarm_id"] = [_("不能超过 {n} 个字。").format(n=80)]
    description = data.get("description", "")
    title = (description.splitlines()[0][:60] if description else "") or _("监控告警 {a}").format(
        a=alarm_id[:80])  # fmt: skip
    values = fault_clean({"severity": data.get("severity"), "title": title,
                          "description": description, "down_from": data.get("start")},
                         errors, now=now)  # fmt: skip
    if "down_from" in errors or not data.get("start"):
        errors.pop("down_from", None)
        errors["start"] = [
            _("请填写告警开始时间，例如 2026-03-01 09:30，且应在一年之内、不晚于现在。")
        ]
    end = parse_moment(data.get("end"))
    if end == "bad" or (isinstance(end, datetime) and end > now + timedelta(minutes=5)):
        errors["end"] = [_("请填写不晚于现在的告警结束时间，例如 2026-03-01 11:00。")]
    elif isinstance(end, datetime) and end < values["down_from"]:
        errors["end"] = [_("结束时间不能早于开始时间。")]
    asset = data.get("asset_number", "")
    equipment = Equipment.objects.select_for_update().select_related("org_unit").filter(
        asset_number=asset).first() if asset else None  # fmt: skip
    if equipment is None or not actor.can(MANAGE, equipment.org_unit.path):
        errors["asset_number"] = [_("资产编号不存在，或不在您的权限范围内。")]
    if errors:
        for name, problems in errors.items():
            for problem in problems:
                report.reject(line, name, problem)
        return
    assert equipment is not None
    until = end if isinstance(end, datetime) else None
    existing = Fault.objects.select_for_update().filter(alarm_id=alarm_id).first()
    if existing is not None:
        if existing.equipment_id != equipment.pk:
            report.reject(line, "alarm_id", _("告警编号已用于另一台设备的故障单。"))
            return
        if (until is not None and existing.down_until is None
                and existing.status in (FaultStatus.REPORTED, FaultStatus.IN_PROGRESS)):  # fmt: skip
            existing.down_until = until
            existing.save(update_fields=["down_until", "updated_at"])
            _back_in_use(existing, until, _("告警 {a} 已恢复").format(a=alarm_id), actor)
            report.updated += 1
            return
        report.unchanged += 1
        return
    if equipment.state == EquipmentState.DISPOSED:
        report.reject(line, "asset_number", _("设备已报废，不能报告故障。"))
        return
    try:
        with transaction.atomic():
            _open(actor=actor, equipment=equipment, values=values, at=values["down_from"],
                  source=FaultSource.MONITORING, alarm_id=alarm_id, down_until=until)  # fmt: skip
    except (IntegrityError, NotFound, ValidationFailed) as exc:
        report.reject(line, "alarm_id", getattr(exc, "message", "") or _("该行未能导入。"))
        return
    report.created += 1


AUDIT_LABELS = {
    "facilities.fault.report": gettext_noop("报告设备故障"),
    "facilities.fault.import": gettext_noop("导入监控告警"),
}
