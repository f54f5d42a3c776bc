"""Every write of the risk register (DESIGN rules 1, 3; standard 9.2.1, 9.2.2; issue 20 §4, §5).

* ``risk_create`` / ``risk_update`` — a register entry and its linked controls; the residual
  rating is derived (``scale``) and every change of a rating is a ``RiskRating`` line.
* ``risk_review`` — a (re)assessment: new inherent likelihood and impact with the reason, the
  qualitative assessment beside them (9.2.1(3)); clears "review needed".
* ``risk_refresh`` — the residual from the controls' latest tests; a linked control found
  ineffective after the last review raises the risk for review.
* ``kri_create`` / ``kri_evaluate`` — a key risk indicator and its daily reading: a limit crossed
  raises the risk for review, once per period (idempotent, audited).
* ``treatment_open`` / ``treatment_act`` — the treatment plan case (``compliance.risktreatment``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import ROOT_PATH, Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.deadlines import apply_effects
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.identifiers import create_numbered
from hiqc.core.indicators import INDICATORS, rolled_up
from hiqc.core.rules import rule_value
from hiqc.core.workflow import Start
from hiqc.organisations.enums import Role
from hiqc.organisations.models import User
from hiqc.organisations.selectors import unit_in_scope

from ..enums import VIEW, ResultStatus
from ..models import Control
from . import selectors
from .enums import (
    RISK_MANAGE,
    KriDirection,
    KriStatus,
    RatingKind,
    ReviewStatus,
    RiskCategory,
    TreatmentStatus,
)
from .models import KeyRiskIndicator, Risk, RiskControl, RiskRating, RiskTreatment
from .scale import SCALE, TREATMENT_DAYS, control_effectiveness, residual
from .workflow import PROCESS, TREATMENT, TREATMENT_CLOCK, WORK_BY_STATE

TEXT_MAX = 2000
KRI_LOOKBACK_MONTHS = 3  # the latest completed month with a value among the last three
Errors = dict[str, list[str]]


def _treatment_url(case_id: str) -> str:
    return reverse("compliance:treatment", args=[case_id])


TREATMENT_KIND = CaseKind(label=PROCESS, workflow=TREATMENT, access=selectors.access_treatment,
                          name=gettext_lazy("风险应对计划"), view_perm=VIEW,
                          work_by_state=WORK_BY_STATE, url_for=_treatment_url)  # fmt: skip


def _fail(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)


def _text(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True,
          limit: int = TEXT_MAX) -> str:  # fmt: skip
    value = str(data.get(name) or "").strip()
    if required and not value:
        errors[name] = [_("此项必填。")]
    elif len(value) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return value


def _level(data: Mapping[str, Any], name: str, errors: Errors) -> int:
    try:
        number = float(str(data.get(name)).strip())
        value = int(number) if number.is_integer() else 0
    except (TypeError, ValueError, OverflowError):
        value = 0
    if value not in SCALE:
        errors[name] = [_("请选择 1 至 5 级。")]
    return value


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _controls(raw: Any, errors: Errors) -> list[Control] | None:
    """Controls by code or id (a list, or a comma/space separated text); None when not given."""
    if raw is None:
        return None
    items = raw if isinstance(raw, list | tuple) else str(raw).replace(",", " ").split()
    codes = [str(x).strip() for x in items if str(x).strip()]
    found = {c.code: c for c in Control.objects.filter(code__in=codes)}
    for c in Control.objects.filter(pk__in=[x for x in codes if _is_uuid(x)]):
        found[str(c.pk)] = c
    missing = [x for x in codes if x not in found]
    if missing:
        errors["controls"] = [_("登记簿中没有这些控制措施：{codes}。").format(
            codes="、".join(missing[:5]))]  # fmt: skip
        return None
    return list({c.pk: c for c in (found[x] for x in codes)}.values())


def _owner(actor: Actor, data: Mapping[str, Any], errors: Errors) -> tuple[str, User | None]:
    """The owner role, and the named owner among the people the actor manages risks over (a
    person elsewhere is the same "no such user" as a missing one)."""
    role = str(data.get("owner_role") or "").strip()
    if role not in Role.values:
        errors["owner_role"] = [_("请选择责任角色。")]
    owner = None
    name = str(data.get("owner") or "").strip()
    if name:
        paths = actor.paths_for(RISK_MANAGE)
        people = User.objects.filter(username=name, is_active=True)
        if ROOT_PATH not in paths:
            people = people.filter(reduce(or_, (
                Q(memberships__org_unit__path__startswith=p) for p in paths), Q(pk__in=[])))  # fmt: skip
        owner = people.first()
        if owner is None:
            errors["owner"] = [_("没有该用户。")]
    return role, owner


def _rating_line(risk: Risk, *, kind: str, actor: Actor, at: datetime, reason: str) -> RiskRating:
    return RiskRating.objects.create(
        risk=risk, kind=kind, at=at, rated_by=actor.username, reason=reason[:TEXT_MAX],
        inherent_likelihood=risk.inherent_likelihood, inherent_impact=risk.inherent_impact,
        residual_likelihood=risk.residual_likelihood, residual_impact=risk.residual_impact,
        control_effectiveness=risk.control_effectiveness,
    )  # fmt: skip


def _derive(risk: Risk) -> bool:
    """Set the residual from the inherent rating and the linked controls; True if it changed."""
    tests = selectors.control_tests(risk) if risk.pk else []
    e = round(control_effectiveness(t["credit"] for t in tests), 4)
    rl, ri = residual(risk.inherent_likelihood, risk.inherent_impact, e)
    before = (risk.residual_likelihood, risk.residual_impact, risk.control_effectiveness)
    risk.residual_likelihood, risk.residual_impact, risk.control_effectiveness = rl, ri, e
    return before != (rl, ri, e)


# --- the register --------------------------------------------------------------------------------


@transaction.atomic
def risk_create(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None) -> Risk:
    """A register entry of one unit (compliance.risk_manage over it), with its inherent rating,
    linked controls and the derived residual rating; its first rating history line."""
    require(actor, RISK_MANAGE)  # before any input is judged
    errors: Errors = {}
    unit = None
    try:
        unit = unit_in_scope(actor, data.get("org_unit"), RISK_MANAGE)
    except Exception:  # missing, not yours or malformed: named on the field
        errors["org_unit"] = [_("请选择您有权管理的机构。")]
    category = str(data.get("category") or "")
    if category not in RiskCategory.values:
        errors["category"] = [_("请选择风险类别。")]
    fields = {n: _text(data, n, errors, limit=200 if n == "title" else TEXT_MAX)
              for n in ("title", "cause", "event", "consequence")}  # fmt: skip
    qualitative = _text(data, "qualitative", errors, required=False)
    role, owner = _owner(actor, data, errors)
    likelihood = _level(data, "inherent_likelihood", errors)
    impact = _level(data, "inherent_impact", errors)
    controls = _controls(data.get("controls"), errors)
    _fail(errors)
    assert unit is not None
    at = at or timezone.now()
    risk = create_numbered(
        Risk, field="number", letters="FX", at=at, digits=4, org_unit=unit, category=category,
        owner_role=role, owner=owner, qualitative=qualitative, inherent_likelihood=likelihood,
        inherent_impact=impact, residual_likelihood=likelihood, residual_impact=impact,
        reviewed_at=at, **fields,
    )  # fmt: skip
    for c in controls or []:
        RiskControl.objects.create(risk=risk, control=c)
    _derive(risk)
    risk.save()
    _rating_line(risk, kind=RatingKind.INITIAL, actor=actor, at=at,
                 reason=str(data.get("reason") or "") or _("登记风险"))  # fmt: skip
    audit_record(actor=actor, action="compliance.risk.create", subject=risk,
                 data={"number": risk.number, "category": category,
                       "inherent": risk.inherent_rating, "residual": risk.residual_rating})  # fmt: skip
    return risk


PATCHABLE = ("title", "cause", "event", "consequence", "qualitative")


def risk_update(*, actor: Actor, risk_id: Any, data: Mapping[str, Any],
                at: datetime | None = None) -> Risk:  # fmt: skip
    """Change the description, owner, category or linked controls (the rating: ``risk_review``)."""
    selectors.access_risk(actor, risk_id)
    with transaction.atomic():
        risk = selectors.access_risk(actor, risk_id, for_update=True)
        require(actor, RISK_MANAGE, path=risk.org_unit.path)
        errors: Errors = {}
        changed: list[str] = []
        for name in PATCHABLE:
            if name in data and data[name] is not None:
                value = _text(data, name, errors, required=name != "qualitative",
                              limit=200 if name == "title" else TEXT_MAX)  # fmt: skip
                setattr(risk, name, value)
                changed.append(name)
        if data.get("category") is not None:
            if data["category"] not in RiskCategory.values:
                errors["category"] = [_("请选择风险类别。")]
            risk.category = str(data["category"])
            changed.append("category")
        if data.get("owner_role") is not None:
            risk.owner_role, risk.owner = _owner(actor, data, errors)
            changed += ["owner_role", "owner"]
        controls = _controls(data.get("controls"), errors)
        _fail(errors)
        at = at or timezone.now()
        if controls is not None:
            risk.control_links.exclude(control__in=controls).delete()
            have = set(risk.control_links.values_list("control_id", flat=True))
            for c in controls:
                if c.pk not in have:
                    RiskControl.objects.create(risk=risk, control=c)
            changed.append("controls")
            if _derive(risk):
                _rating_line(risk, kind=RatingKind.EDIT, actor=actor, at=at,
                             reason=_("调整关联的控制措施"))  # fmt: skip
        risk.save()
        audit_record(actor=actor, action="compliance.risk.update", subject=risk,
                     fields=changed, data={"number": risk.number})  # fmt: skip
    return risk


def risk_review(*, actor: Actor, risk_id: Any, data: Mapping[str, Any],
                at: datetime | None = None) -> Risk:  # fmt: skip
    """A (re)assessment (9.2.1(3)): inherent likelihood and impact, the reason, optionally the
    qualitative assessment; the residual follows; "review needed" is cleared."""
    selectors.access_risk(actor, risk_id)
    with transaction.atomic():
        risk = selectors.access_risk(actor, risk_id, for_update=True)
        require(actor, RISK_MANAGE, path=risk.org_unit.path)
        errors: Errors = {}
        likelihood = _level(data, "inherent_likelihood", errors)
        impact = _level(data, "inherent_impact", errors)
        reason = _text(data, "reason", errors)
        qualitative = _text(data, "qualitative", errors, required=False)
        _fail(errors)
        at = at or timezone.now()
        risk.inherent_likelihood, risk.inherent_impact = likelihood, impact
        if qualitative:
            risk.qualitative = qualitative
        _derive(risk)
        risk.review_status, risk.review_reason, risk.reviewed_at = ReviewStatus.CURRENT, "", at
        risk.save()
        _rating_line(risk, kind=RatingKind.REVIEW, actor=actor, at=at, reason=reason)
        audit_record(actor=actor, action="compliance.risk.review", subject=risk,
                     data={"number": risk.number, "inherent": risk.inherent_rating,
                           "residual": risk.residual_rating})  # fmt: skip
    return risk


def raise_review(risk: Risk, *, reason: str, actor: Actor, at: datetime) -> bool:
    """Mark the risk "review needed" (a KRI breach, a failed control); False if it already is."""
    if risk.review_status == ReviewStatus.REVIEW_NEEDED:
        return False
    risk.review_status, risk.review_reason, risk.review_raised_at = (
        ReviewStatus.REVIEW_NEEDED, reason[:300], at)  # fmt: skip
    risk.save(update_fields=["review_status", "review_reason", "review_raised_at", "updated_at"])
    audit_record(actor=actor, action="compliance.risk.review_raised", subject=risk,
                 data={"number": risk.number, "reason": reason[:300]})  # fmt: skip
    return True


def _month(at: datetime) -> date:
    return month_first(at.astimezone(BEIJING).date())


@transaction.atomic
def risk_refresh(risk: Risk, *, actor: Actor, at: datetime | None = None) -> bool:
    """The residual from the controls' latest tests (a history line when it moves); a linked
    control found ineffective in a month after the last review raises the risk for review."""
    at = at or timezone.now()
    # the risk as it stands, locked: a review committed since it was read is not overwritten
    list(Risk.objects.select_for_update().filter(pk=risk.pk).values_list("pk"))
    risk.refresh_from_db()
    changed = _derive(risk)
    if changed:
        risk.save(update_fields=["residual_likelihood", "residual_impact",
                                 "control_effectiveness", "updated_at"])  # fmt: skip
        _rating_line(risk, kind=RatingKind.CONTROLS, actor=actor, at=at,
                     reason=_("关联控制措施的最新测试结果"))  # fmt: skip
    reviewed = _month(risk.reviewed_at) if risk.reviewed_at else None
    for t in selectors.control_tests(risk):
        if t["status"] == ResultStatus.INEFFECTIVE and (reviewed is None or t["period"] > reviewed):
            raise_review(risk, actor=actor, at=at, reason=_(
                "控制措施“{code}”{period}测试结论为无效").format(
                code=t["control"].code, period=t["period"].strftime("%Y-%m")))  # fmt: skip
            break
    return changed


# --- key risk indicators -------------------------------------------------------------------------


def _float(data: Mapping[str, Any], name: str, errors: Errors) -> float:
    try:
        return float(str(data.get(name)).strip())
    except (TypeError, ValueError):
        errors[name] = [_("请填写数值。")]
        return 0.0


@transaction.atomic
def kri_create(*, actor: Actor, risk_id: Any, data: Mapping[str, Any],
               at: datetime | None = None) -> KeyRiskIndicator:  # fmt: skip
    """A KRI: an engine indicator with this risk's warning and limit; ``direction`` defaults to the
    indicator's own (lower is better → a higher value is worse)."""
    risk = selectors.access_risk(actor, risk_id)
    require(actor, RISK_MANAGE, path=risk.org_unit.path)
    errors: Errors = {}
    code = str(data.get("indicator") or "").strip()
    indicator = INDICATORS.get(code)
    if indicator is None:
        errors["indicator"] = [_("指标库中没有该指标代码。")]
    direction = str(data.get("direction") or "").strip()
    if not direction and indicator is not None:
        direction = (KriDirection.HIGHER_WORSE if indicator.direction == "lower_better"
                     else KriDirection.LOWER_WORSE)  # fmt: skip
    if direction not in KriDirection.values:
        errors["direction"] = [_("请选择方向。")]
    warning = _float(data, "warning", errors)
    limit = _float(data, "limit", errors)
    if not errors and (limit < warning if direction == KriDirection.HIGHER_WORSE
                       else limit > warning):  # fmt: skip
        errors["limit"] = [_("限额应比预警值更严重（按所选方向）。")]
    _fail(errors)
    if risk.kris.filter(indicator=code).exists():
        raise Conflict(_("该风险已设置此关键风险指标。"), code="kri_exists")
    kri = KeyRiskIndicator.objects.create(risk=risk, indicator=code, direction=direction,
                                          warning=warning, limit=limit,
                                          created_by=actor.username)  # fmt: skip
    audit_record(actor=actor, action="compliance.kri.create", subject=kri,
                 data={"risk": risk.number, "indicator": code, "warning": warning,
                       "limit": limit})  # fmt: skip
    kri_evaluate(kri, actor=actor, at=at)
    return kri


def kri_series(kri: KeyRiskIndicator, path: str, *, months: int = 12,
               at: datetime | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The indicator's completed months for the subtree at ``path`` (oldest first)."""
    this = _month(at or timezone.now())
    first = month_first(this, -months)
    start = datetime.combine(first, time(0), BEIJING)
    end = datetime.combine(this, time(0), BEIJING)
    return [{"period": r["period_start"].astimezone(BEIJING).date(), "value": r["value"]}
            for r in rolled_up(kri.indicator, granularity="month", org_path=path, start=start,
                               end=end) if r["value"] is not None]  # fmt: skip


def kri_status(kri: KeyRiskIndicator, value: float | None) -> str:
    if value is None:
        return KriStatus.NO_DATA
    worse = (lambda v, t: v >= t) if kri.direction == KriDirection.HIGHER_WORSE else (
        lambda v, t: v <= t)  # fmt: skip
    if worse(value, kri.limit):
        return KriStatus.BREACH
    if worse(value, kri.warning):
        return KriStatus.WARNING
    return KriStatus.OK


def kri_evaluate(kri: KeyRiskIndicator, *, actor: Actor, at: datetime | None = None) -> str:
    """Read the latest completed month with a value (of the last three) for the risk's unit; a
    limit crossed raises the risk for review once for that month (9.2.1(3), issue 20 §5)."""
    at = at or timezone.now()
    risk = kri.risk
    series = kri_series(kri, risk.org_unit.path, months=KRI_LOOKBACK_MONTHS, at=at)
    latest = series[-1] if series else None
    value = latest["value"] if latest else None
    status = kri_status(kri, value)
    before = kri.state
    kri.state, kri.last_value, kri.evaluated_at = status, value, at
    kri.last_period = latest["period"] if latest else None
    fields = ["state", "last_value", "last_period", "evaluated_at", "updated_at"]
    with transaction.atomic():
        if status == KriStatus.BREACH and kri.raised_period != kri.last_period:
            kri.raised_period = kri.last_period
            fields.append("raised_period")
            raise_review(risk, actor=actor, at=at, reason=_(
                "关键风险指标“{name}”{period}为 {value}，突破限额 {limit}").format(
                name=INDICATORS[kri.indicator].localized_name if kri.indicator in INDICATORS
                else kri.indicator, period=kri.last_period.strftime("%Y-%m") if kri.last_period
                else "", value=round(value or 0, 4), limit=kri.limit))  # fmt: skip
        kri.save(update_fields=fields)
        if status != before:
            audit_record(actor=actor, action="compliance.kri.evaluate", subject=kri,
                         data={"risk": risk.number, "indicator": kri.indicator, "from": before,
                               "to": status, "value": value})  # fmt: skip
    return status


def risks_daily(*, actor: Actor, at: datetime | None = None) -> dict[str, int]:
    """The daily job: refresh every risk's residual from its controls, evaluate every KRI."""
    at = at or timezone.now()
    refreshed = breaches = 0
    for risk in Risk.objects.select_related("org_unit").order_by("number"):
        refreshed += int(risk_refresh(risk, actor=actor, at=at))
    for kri in KeyRiskIndicator.objects.select_related("risk__org_unit").order_by("pk"):
        breaches += int(kri_evaluate(kri, actor=actor, at=at) == KriStatus.BREACH)
    return {"refreshed": refreshed, "breaches": breaches}


# --- treatment plans -----------------------------------------------------------------------------


def treatment_clock() -> Any:
    return replace(TREATMENT_CLOCK, amount=int(rule_value(TREATMENT_DAYS.key)))


@transaction.atomic
def treatment_open(*, actor: Actor, risk_id: Any, data: Mapping[str, Any],
                   at: datetime | None = None) -> RiskTreatment:  # fmt: skip
    """Open a treatment plan for the risk (compliance.risk_manage over its unit) with its clock."""
    risk = selectors.access_risk(actor, risk_id)
    require(actor, RISK_MANAGE, path=risk.org_unit.path)
    errors: Errors = {}
    title = _text(data, "title", errors, limit=200)
    plan = _text(data, "plan", errors, required=False)
    _fail(errors)
    at = at or timezone.now()
    case = create_numbered(RiskTreatment, field="number", letters="YD", at=at, digits=4,
                           risk=risk, org_unit=risk.org_unit, title=title, plan=plan,
                           opened_at=at, opened_by=actor.username,
                           status=TreatmentStatus.OPEN)  # fmt: skip
    apply_effects(case_type=TREATMENT_KIND.label, case_id=str(case.pk), org_path=risk.org_unit.path,
                  clocks={TREATMENT_CLOCK.code: treatment_clock()},
                  effects=[Start(TREATMENT_CLOCK)], at=at)  # fmt: skip
    case_opened(kind=TREATMENT_KIND, case=case, actor=actor, at=at,
                source=Source.SYSTEM if actor.is_system else Source.PAGE,
                data={"risk": risk.number})  # fmt: skip
    return case


def _action(data: Mapping[str, str]) -> dict[str, str]:
    errors: Errors = {}
    title = _text(data, "title", errors, limit=200)
    owner = _text(data, "owner", errors, limit=150)
    due = ""
    try:
        due = date.fromisoformat(data.get("due", "")).isoformat()
    except ValueError:
        errors["due"] = [_("请填写完成日期（年-月-日）。")]
    _fail(errors)
    return {"title": title, "owner": owner, "due": due, "done_at": ""}


def treatment_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
                  version: int | None = None, at: datetime | None = None,
                  source: str = Source.API) -> RiskTreatment:  # fmt: skip
    """start (plan), add_action (title, owner, due), complete_action (index, from 1), complete
    (outcome; every action done), cancel (reason)."""
    known = selectors.access_treatment(actor, case_id)
    step = next((t for t in TREATMENT.transitions if t.name == action), None)
    if step is not None:
        require(actor, step.perm, known)
    data = {k: str(v).strip() for k, v in data.items()}
    for name in ("plan", "outcome", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = at or timezone.now()
    with transaction.atomic():
        # the actions read under the lock: a concurrent add_action cannot slip past complete
        known = selectors.access_treatment(actor, case_id, for_update=True)
        working = known.status == TreatmentStatus.IN_PROGRESS
        item = _action(data) if action == "add_action" and working else None
        if action == "complete_action" and working and data.get("index"):
            try:
                index = int(data["index"]) - 1
                if not 0 <= index < len(known.actions) or known.actions[index]["done_at"]:
                    raise ValueError
            except ValueError:
                raise ValidationFailed(_("信息有误，请按提示修改。"), fields={
                    "index": [_("请选择一项未完成的应对措施。")]}) from None  # fmt: skip
        if action == "complete" and any(not a["done_at"] for a in known.actions):
            raise ValidationFailed(_("尚有未完成的应对措施。"), fields={
                "outcome": [_("请先完成全部应对措施，或撤销计划。")]})  # fmt: skip
        case = case_transition(kind=TREATMENT_KIND, actor=actor, case_id=case_id, action=action,
                               data=data, version=version, at=at, source=source,
                               record={k: (v if k in ("index", "due") else len(v))
                                       for k, v in data.items()})  # fmt: skip
        assert isinstance(case, RiskTreatment)
        fields: list[str] = []
        if action == "start":
            case.plan, fields = data["plan"], ["plan"]
        elif action == "add_action" and item is not None:
            case.actions, fields = [*case.actions, item], ["actions"]
        elif action == "complete_action":
            index = int(data["index"]) - 1
            actions = [dict(a) for a in case.actions]
            actions[index]["done_at"] = at.isoformat()
            case.actions, fields = actions, ["actions"]
        elif action in ("complete", "cancel"):
            case.outcome = data["outcome" if action == "complete" else "reason"]
            case.closed_at = at
            fields = ["outcome", "closed_at"]
        if fields:
            case.save(update_fields=[*fields, "updated_at"])
    return case
