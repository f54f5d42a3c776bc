"""Writes of security responsibilities, the yearly self-evaluation and its remediation (standard
6.2.1(1)(4), 6.2.3(1); issue 21 §5).

* ``holder_assign`` / ``holder_end`` — a named holder of a security role over a unit, from a
  date (to a date); the person must belong to the unit's line (the unit, above or below it).
* ``evaluation_perform`` — the unit's evaluation of the year on the current version of the
  security checklist (a kernel ``Checklist``, ADR 0023), scored by ``checklist_score``; one per
  unit and year (409 on a second). Each failed item opens a ``Remediation`` case with its clock.
* ``remediation_act`` — the remediation's steps, through the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.checklists import checklist_current, checklist_items, checklist_score, checklist_seed
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.identifiers import create_numbered
from hiqc.core.models import Checklist
from hiqc.organisations.models import User
from hiqc.organisations.selectors import unit_in_scope

from ..checklist import NAME, PASS_PERCENT, SECURITY_ITEMS
from ..enums import (
    CHECKLIST_CODE,
    CHECKLIST_PURPOSE,
    SECURITY,
    VIEW,
    RemediationStatus,
    SecurityRole,
)
from ..models import EvaluationMark, Remediation, SecurityEvaluation, SecurityRoleHolder
from ..workflow import REMEDIATION, REMEDIATION_PROCESS, REMEDIATION_WORK
from .selectors import access_holder, access_remediation

TEXT_MAX = 2000
Errors = dict[str, list[str]]


def _url(case_id: str) -> str:
    return reverse("information:remediation", args=[case_id])


KIND = CaseKind(label=REMEDIATION_PROCESS, workflow=REMEDIATION, access=access_remediation,
                name=gettext_lazy("信息安全整改"), view_perm=VIEW, work_by_state=REMEDIATION_WORK,
                url_for=_url)  # fmt: skip


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _date(raw: Any, name: str, errors: Errors, *, required: bool) -> date | None:
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    if not text:
        if required:
            errors[name] = [_("请填写日期，例如 2026-03-01。")]
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = [_("请填写日期，例如 2026-03-01。")]
        return None


# --- security role holders -----------------------------------------------------------------------


def _person_in_scope(actor: Actor, user_id: Any) -> User | None:
    try:
        return get_in_scope(actor, User.objects.select_related("org_unit"), user_id, SECURITY)
    except NotFound:
        return None


@transaction.atomic
def holder_assign(*, actor: Actor, data: Mapping[str, Any]) -> SecurityRoleHolder:
    """Name a holder of a security role over a unit (information.security over the unit)."""
    require(actor, SECURITY)
    errors: Errors = {}
    role = str(data.get("role") or "")
    if role not in SecurityRole.values:
        errors["role"] = [_("请选择安全职责。")]
    starts = _date(data.get("starts_on"), "starts_on", errors, required=True)
    ends = _date(data.get("ends_on"), "ends_on", errors, required=False)
    if starts and ends and ends < starts:
        errors["ends_on"] = [_("终止日期不能早于起始日期。")]
    for name in ("org_unit", "user"):
        if not data.get(name):
            errors[name] = [_("此项必填。")]
    note = str(data.get("note") or "").strip()
    if len(note) > 300:
        errors["note"] = [_("不能超过 {n} 个字。").format(n=300)]
    if errors:
        raise ValidationFailed(_("安全职责信息有误，请按提示修改。"), fields=errors)
    unit = unit_in_scope(actor, data["org_unit"], SECURITY)
    require(actor, SECURITY, path=unit.path)
    user = _person_in_scope(actor, data["user"])
    home = user.org_unit.path if user is not None and user.org_unit is not None else ""
    if (
        user is None
        or not user.is_active
        or not home
        or not (home.startswith(unit.path) or unit.path.startswith(home))
    ):
        raise ValidationFailed(_("责任人须为该机构（或其上下级机构）的在职人员。"),
                               fields={"user": [_("请选择该机构条线上的在职人员。")]})  # fmt: skip
    assert starts is not None
    holder = SecurityRoleHolder.objects.create(org_unit=unit, role=role, user=user,
                                               starts_on=starts, ends_on=ends, note=note)  # fmt: skip
    audit_record(actor=actor, action="information.security_role.assign", subject=holder,
                 data={"role": role, "user": str(user.pk), "starts_on": starts.isoformat()})  # fmt: skip
    return holder


@transaction.atomic
def holder_end(*, actor: Actor, holder_id: Any, ends_on: Any) -> SecurityRoleHolder:
    """End a holder's term on a date (information.security over the unit)."""
    holder = access_holder(actor, holder_id, for_update=True)
    require(actor, SECURITY, holder)
    errors: Errors = {}
    ends = _date(ends_on, "ends_on", errors, required=True)
    if ends is not None and ends < holder.starts_on:
        errors["ends_on"] = [_("终止日期不能早于起始日期。")]
    if errors:
        raise ValidationFailed(_("终止日期有误。"), fields=errors)
    holder.ends_on = ends
    holder.save(update_fields=["ends_on", "updated_at"])
    audit_record(actor=actor, action="information.security_role.end", subject=holder,
                 fields=["ends_on"], data={"ends_on": str(ends)})  # fmt: skip
    return holder


# --- the yearly self-evaluation ------------------------------------------------------------------


def security_checklist() -> Checklist:
    """The current version of the security checklist; version 1 is seeded (by the migration, or
    here if a test database was flushed) from ``checklist.SECURITY_ITEMS``."""
    checklist = checklist_current(CHECKLIST_CODE)
    if checklist is None:
        checklist = checklist_seed(
            actor=Actor.system("information.seed"), code=CHECKLIST_CODE, name=NAME,
            purpose=CHECKLIST_PURPOSE, items=SECURITY_ITEMS, pass_percent=PASS_PERCENT,
        )  # fmt: skip
    return checklist


def _mark(raw: Any) -> int | str | None:
    """A posted mark: an int, None (not applicable: "na"), or "missing" / "bad"."""
    if raw is None:
        return "missing"
    if isinstance(raw, bool):
        return "bad"
    if isinstance(raw, int):
        return raw
    text = str(raw).strip().lower()
    if text in {"na", "n/a", "不适用"}:
        return None
    return int(text) if text.isdigit() else ("missing" if not text else "bad")


@transaction.atomic
def evaluation_perform(
    *, actor: Actor, org_unit_id: Any, year: Any, marks: Mapping[str, Any],
    notes: Mapping[str, str] | None = None, summary: str = "", at: datetime | None = None,
) -> SecurityEvaluation:  # fmt: skip
    """Record a unit's self-evaluation of ``year``: ``marks`` item id → points (or "na"),
    ``notes`` item id → text. 409 when the unit already has that year's."""
    require(actor, SECURITY)
    at = at or timezone.now()
    errors: Errors = {}
    try:
        year = int(str(year))
    except ValueError:
        year = 0
    this_year = at.astimezone(BEIJING).year
    if not this_year - 1 <= year <= this_year:
        errors["year"] = [_("年度应为今年或上一年。")]
    if not org_unit_id:
        errors["org_unit"] = [_("此项必填。")]
    if errors:
        raise ValidationFailed(_("自评估信息有误，请按提示修改。"), fields=errors)
    unit = unit_in_scope(actor, org_unit_id, SECURITY)
    require(actor, SECURITY, path=unit.path)
    checklist = security_checklist()
    items = checklist_items(checklist)
    by_id = {str(i.pk): i for i in items}
    parsed: dict[Any, int | None] = {}
    for key in marks:
        if str(key) not in by_id:
            errors[f"item_{key}"] = [_("该检查项不属于当前清单版本。")]
    for sid, item in by_id.items():
        value = _mark(marks.get(sid))
        if value == "missing":
            continue  # checklist_score names it
        if value == "bad":
            errors[f"item_{sid}"] = [_("请填写整数分值，或选择不适用。")]
            continue
        parsed[item.pk] = value  # type: ignore[assignment]
    clean_notes = {str(k): str(v).strip() for k, v in (notes or {}).items() if str(v).strip()}
    for key, text in clean_notes.items():
        if len(text) > 500:
            errors[f"note_{key}"] = [_("不能超过 500 个字。")]
    summary = summary.strip()
    if len(summary) > 4000:
        errors["notes"] = [_("不能超过 4000 个字。")]
    if errors:
        raise ValidationFailed(_("自评估信息有误，请按提示修改。"), fields=errors)
    result = checklist_score(items, parsed, pass_percent=checklist.pass_percent)
    try:
        with transaction.atomic():
            evaluation = SecurityEvaluation.objects.create(
                org_unit=unit, year=year, checklist=checklist, performed_at=at,
                performed_by=actor.username, score=result.score, max_score=result.max_score,
                percent=result.percent, passed=result.passed, notes=summary,
            )  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(_("该机构本年度的自评估已经完成。"), code="already_evaluated") from exc
    EvaluationMark.objects.bulk_create(
        EvaluationMark(evaluation=evaluation, item=item, mark=parsed.get(item.pk),
                       note=clean_notes.get(str(item.pk), ""))
        for item in items
    )  # fmt: skip
    audit_record(actor=actor, action="information.evaluation.perform", subject=evaluation,
                 data={"year": year, "version": checklist.version, "score": result.score,
                       "max": result.max_score, "passed": result.passed,
                       "failed": len(result.failed)})  # fmt: skip
    for item_id in result.failed:
        item = by_id[str(item_id)]
        _remediation_open(actor=actor, evaluation=evaluation, item=item,
                          finding=clean_notes.get(str(item.pk), ""), at=at)  # fmt: skip
    return evaluation


def _remediation_open(*, actor: Actor, evaluation: SecurityEvaluation, item: Any, finding: str,
                      at: datetime) -> Remediation:  # fmt: skip
    case = create_numbered(
        Remediation, field="number", letters="XA", at=at, digits=4,
        org_unit=evaluation.org_unit, evaluation=evaluation, item=item,
        title=f"{item.category}：{item.text}"[:300], finding=finding[:500], opened_at=at,
        status=RemediationStatus.OPEN,
    )  # fmt: skip
    case_opened(kind=KIND, case=case, actor=actor, at=at,
                source=Source.SYSTEM if actor.is_system else Source.PAGE,
                data={"evaluation": str(evaluation.pk), "critical": item.critical,
                      "clause": item.clause})  # fmt: skip
    return case


def remediation_act(
    *,
    actor: Actor,
    case_id: Any,
    action: str,
    data: Mapping[str, Any],
    version: int | None = None,
    at: datetime | None = None,
) -> Remediation:
    """rectify (correction), verify (verification), reject (reason), cancel (reason)."""
    data = {k: str(v).strip() for k, v in data.items()}
    for name in ("correction", "verification", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = at or timezone.now()
    updates: dict[str, Any] = {}
    if action == "rectify":
        updates = {"correction": data.get("correction", "")}
    elif action in ("verify", "cancel"):
        updates = {"verification": data.get("verification") or data.get("reason", ""),
                   "closed_at": at}  # fmt: skip
    elif action == "reject":
        updates = {"verification": data.get("reason", "")}
    with transaction.atomic():
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=data,
                               version=version, at=at, source=Source.PAGE,
                               record={k: len(v) for k, v in data.items()},
                               updates=updates)  # fmt: skip
    assert isinstance(case, Remediation)
    return case
