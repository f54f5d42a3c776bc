"""Writes of compliance inspections (DESIGN rules 1, 3; standard 9.1.2(3)(4); issue 20 §3;
ADR 0029).

* ``plan_create`` — a unit's inspection plan for a year or a quarter over chosen obligations of
  the register (by code, or every obligation of chosen domains); its checklist (kernel
  ``Checklist``, purpose ``compliance.inspection``) is generated from them, one item each, the
  item's ``clause`` = the obligation's code.
* ``inspection_create`` — a visit of the plan to a unit inside the plan's unit, on a day in the
  plan's period; a case on the engine.
* ``inspection_act`` — the visit's steps. ``report`` takes a mark for every item (``item_<id>``:
  points or ``na``, ``note_<id>``) and scores them with ``checklist_score``; each failed item is
  recorded as a kernel ``Finding`` (kind ``compliance.inspection``, rule = the obligation's code,
  so ``control_for_finding`` reaches its control). ``open_nc`` opens a quality nonconformity
  (source 合规事项) for one finding through the quality service and its own permission check.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.checklists import ItemSpec, checklist_items, checklist_score, checklist_seed
from hiqc.core.errors import ValidationFailed
from hiqc.core.findings import finding_record
from hiqc.core.identifiers import create_numbered
from hiqc.core.models import Finding
from hiqc.core.retention import beijing_today
from hiqc.core.rules import Rule, register_rules, rule_value
from hiqc.organisations.selectors import unit_in_scope

from ..enums import MANAGE, VIEW, Domain
from ..models import Obligation
from .enums import CHECKLIST_PURPOSE, FINDING_KIND, InspectionStatus, Quarter
from .models import ComplianceInspection, ComplianceInspectionMark, InspectionPlan
from .selectors import access_inspection
from .workflow import INSPECTION, PROCESS, WORK_BY_STATE

TEXT_MAX = 4000
NOTE_MAX = 500
Errors = dict[str, list[str]]

PASS_PERCENT = Rule(
    "compliance.inspection_pass_percent", 90, "percent", gettext_lazy("合规检查合格线（得分率）"),
    "HIQC 设计默认值（P）：合规检查得分率不低于 90% 且无关键项不合格为合格（9.1.2(4)）", "P",
)  # fmt: skip


def register() -> None:
    register_rules(PASS_PERCENT)


def _url(case_id: str) -> str:
    return reverse("compliance:inspection", args=[case_id])


KIND = CaseKind(label=PROCESS, workflow=INSPECTION, access=access_inspection,
                name=gettext_lazy("合规检查"), view_perm=VIEW, work_by_state=WORK_BY_STATE,
                url_for=_url)  # fmt: skip


def period_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The plan's period: the whole year (quarter 0) or the quarter, inclusive."""
    if not quarter:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def _as_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
    return [str(p).strip() for p in raw if str(p).strip()]


@transaction.atomic
def plan_create(*, actor: Actor, data: Mapping[str, Any]) -> InspectionPlan:
    """A unit's inspection plan (compliance.manage over the unit): ``org_unit``, ``year``,
    ``quarter`` (0 = the whole year), ``title``, ``obligations`` (codes) and/or ``domains``."""
    require(actor, MANAGE)
    errors: Errors = {}
    unit = None
    try:
        unit = unit_in_scope(actor, data.get("org_unit"), MANAGE)
    except Exception:  # missing, not yours or malformed: named on the field
        errors["org_unit"] = [_("请选择您有权制定计划的机构。")]
    this_year = beijing_today().year
    try:
        year = int(str(data.get("year") or "").strip())
        if not this_year - 1 <= year <= this_year + 1:
            raise ValueError
    except ValueError:
        year = 0
        errors["year"] = [_("年度应为去年、今年或明年。")]
    try:
        quarter = int(str(data.get("quarter") or "0").strip())
        if quarter not in Quarter.values:
            raise ValueError
    except ValueError:
        quarter = 0
        errors["quarter"] = [_("请选择全年或某一季度。")]
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("请填写计划名称。")]
    elif len(title) > 120:
        errors["title"] = [_("不能超过 {n} 个字。").format(n=120)]
    codes, domains = _as_list(data.get("obligations")), _as_list(data.get("domains"))
    bad_domains = [d for d in domains if d not in Domain.values]
    if bad_domains:
        errors["domains"] = [_("未知的领域：{d}").format(d="、".join(bad_domains[:5]))]
    found = {o.code: o for o in Obligation.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["obligations"] = [
            _("登记簿中没有这些合规义务：{c}").format(c="、".join(unknown[:5]))
        ]
    chosen = dict(found)
    for ob in Obligation.objects.filter(domain__in=domains):
        chosen.setdefault(ob.code, ob)
    if not chosen and "obligations" not in errors and "domains" not in errors:
        errors["obligations"] = [_("请至少选择一项合规义务或一个领域。")]
    if errors:
        raise ValidationFailed(_("检查计划有误，请按提示修改。"), fields=errors)
    assert unit is not None
    require(actor, MANAGE, unit)
    obligations = sorted(chosen.values(), key=lambda o: o.code)
    labels = dict(Domain.choices)
    checklist = checklist_seed(
        actor=actor, code=f"compliance-inspection-{uuid.uuid4().hex[:16]}",
        name=f"{title}（检查清单）"[:120], purpose=CHECKLIST_PURPOSE,
        pass_percent=int(rule_value(PASS_PERCENT.key)),
        items=[ItemSpec(str(labels.get(o.domain, o.domain))[:60],
                        f"{o.code} {o.article}：{o.text}"[:300], 1, False, o.code[:20])
               for o in obligations],
    )  # fmt: skip
    plan = InspectionPlan.objects.create(org_unit=unit, year=year, quarter=quarter, title=title,
                                         checklist=checklist, created_by=actor.username)  # fmt: skip
    plan.obligations.set(obligations)
    audit_record(actor=actor, action="compliance.inspection_plan.create", subject=plan,
                 data={"year": year, "quarter": quarter,
                       "obligations": [o.code for o in obligations]})  # fmt: skip
    return plan


@transaction.atomic
def inspection_create(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
                      ) -> ComplianceInspection:  # fmt: skip
    """A visit of ``plan`` to ``org_unit`` (inside the plan's unit) on ``planned_on`` (in the
    plan's period); compliance.manage over the visited unit."""
    require(actor, MANAGE)
    errors: Errors = {}
    plan = InspectionPlan.objects.select_related("org_unit").filter(
        pk=_uuid(data.get("plan"))).first()  # fmt: skip
    if plan is None or not actor.can(VIEW, plan.org_unit.path):
        errors["plan"] = [_("请选择检查计划。")]
        plan = None
    unit = None
    try:
        unit = unit_in_scope(actor, data.get("org_unit"), MANAGE)
    except Exception:
        errors["org_unit"] = [_("请选择您有权检查的机构。")]
    if plan is not None and unit is not None and not unit.path.startswith(plan.org_unit.path):
        errors["org_unit"] = [_("受检机构应在计划机构范围之内。")]
    planned_on = None
    try:
        planned_on = date.fromisoformat(str(data.get("planned_on") or "").strip())
    except ValueError:
        errors["planned_on"] = [_("请填写计划日期（年-月-日）。")]
    if plan is not None and planned_on is not None:
        first, last = period_bounds(plan.year, plan.quarter)
        if not first <= planned_on <= last:
            errors["planned_on"] = [_("计划日期应在计划期间（{a} 至 {b}）之内。").format(
                a=first.isoformat(), b=last.isoformat())]  # fmt: skip
    if errors:
        raise ValidationFailed(_("检查安排有误，请按提示修改。"), fields=errors)
    assert plan is not None and unit is not None and planned_on is not None
    at = at or timezone.now()
    case = create_numbered(ComplianceInspection, field="number", letters="HJ", at=at, digits=4,
                           plan=plan, org_unit=unit, status=InspectionStatus.PLANNED,
                           planned_on=planned_on, opened_at=at)  # fmt: skip
    case_opened(kind=KIND, case=case, actor=actor, at=at,
                source=Source.SYSTEM if actor.is_system else Source.PAGE,
                data={"plan": str(plan.pk), "planned_on": planned_on.isoformat()})  # fmt: skip
    return case


def _uuid(raw: Any) -> Any:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        return None


def _mark(raw: Any) -> int | str | None:
    """A posted mark: an int, None (not applicable: "na"), or "missing" / "bad"."""
    text = str(raw if raw is not None else "").strip().lower()
    if text in {"na", "n/a", "不适用"}:
        return None
    if not text:
        return "missing"
    return int(text) if text.isdigit() else "bad"


def _marks(case: ComplianceInspection, data: Mapping[str, str]
           ) -> tuple[list[Any], dict[Any, int | None], dict[str, str]]:  # fmt: skip
    """The items, the parsed marks and the notes of a report; ValidationFailed naming fields."""
    items = checklist_items(case.plan.checklist)
    errors: Errors = {}
    parsed: dict[Any, int | None] = {}
    notes: dict[str, str] = {}
    for item in items:
        value = _mark(data.get(f"item_{item.pk}"))
        note = data.get(f"note_{item.pk}", "")
        if len(note) > NOTE_MAX:
            errors[f"note_{item.pk}"] = [_("不能超过 {n} 个字。").format(n=NOTE_MAX)]
        notes[str(item.pk)] = note
        if value == "bad":
            errors[f"item_{item.pk}"] = [_("请填写整数分值，或选择不适用。")]
        elif value != "missing":
            parsed[item.pk] = value  # type: ignore[assignment]
    if errors:
        raise ValidationFailed(_("检查记录有误，请按提示修改。"), fields=errors)
    return items, parsed, notes


def inspection_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
                   version: int | None = None, at: datetime | None = None,
                   source: str = Source.API) -> ComplianceInspection:  # fmt: skip
    """start; report (summary, item_<id>, note_<id>); open_nc (finding); close (conclusion);
    cancel (reason)."""
    access_inspection(actor, case_id)  # the door first: a reader is told 404, never 422
    data = {str(k): str(v).strip() for k, v in data.items()}
    for name in ("summary", "conclusion", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = at or timezone.now()
    with transaction.atomic():
        scored = None
        if action == "report":
            # the door and the permission first (a reader is told 404/403, never 422)
            current = access_inspection(actor, case_id)
            require(actor, MANAGE, current)
            if current.status == InspectionStatus.IN_PROGRESS:
                items, parsed, notes = _marks(current, data)
                scored = (items, parsed, notes, checklist_score(
                    items, parsed, pass_percent=current.plan.checklist.pass_percent))  # fmt: skip
        finding = None
        if action == "open_nc" and data.get("finding"):
            finding = _finding_of(actor, case_id, data["finding"])
        record = {k: len(v) for k, v in data.items()
                  if k in ("summary", "conclusion", "reason")}  # fmt: skip
        if finding is not None:
            record["finding"] = finding.pk
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=data,
                               version=version, at=at, source=source, record=record)  # fmt: skip
        assert isinstance(case, ComplianceInspection)
        fields: list[str] = []
        if action == "start":
            case.started_at, case.inspected_by = at, actor.username
            fields = ["started_at", "inspected_by"]
        elif action == "report" and scored is not None:
            fields = _report(actor, case, data["summary"], scored, at)
        elif action == "open_nc" and finding is not None:
            _nonconformity_open(actor, case, finding)
        elif action == "close":
            case.conclusion, case.closed_at = data["conclusion"], at
            fields = ["conclusion", "closed_at"]
        elif action == "cancel":
            case.conclusion, case.closed_at = data["reason"], at
            fields = ["conclusion", "closed_at"]
        if fields:
            case.save(update_fields=[*fields, "updated_at"])
    return case


def _report(actor: Actor, case: ComplianceInspection, summary: str, scored: Any,
            at: datetime) -> list[str]:  # fmt: skip
    """Keep the marks, record a finding for each failed item and the score on the case."""
    items, parsed, notes, result = scored
    failed = set(result.failed)
    marks = []
    for item in items:
        finding = None
        if item.pk in failed:
            finding = finding_record(
                rule=item.clause or "9.1.2", kind=FINDING_KIND,
                title=_("合规检查 {n}：{t}").format(n=case.number, t=item.text),
                org_path=case.org_unit.path, case_type=PROCESS, case_id=str(case.pk),
                dedupe_key=f"ci:{case.pk}:{item.pk}", at=at,
                data={"inspection": case.number, "obligation": item.clause,
                      "mark": parsed.get(item.pk), "points": item.points,
                      "critical": item.critical},
            )  # fmt: skip
        marks.append(ComplianceInspectionMark(
            inspection=case, item=item, mark=parsed.get(item.pk),
            note=notes.get(str(item.pk), ""), finding=finding))  # fmt: skip
    ComplianceInspectionMark.objects.bulk_create(marks)
    case.summary, case.reported_at = summary, at
    case.score, case.max_score = result.score, result.max_score
    case.percent, case.passed = result.percent, result.passed
    audit_record(actor=actor, action="compliance.inspection.report", subject=case,
                 data={"score": result.score, "max": result.max_score, "passed": result.passed,
                       "findings": len(failed)})  # fmt: skip
    return ["summary", "reported_at", "score", "max_score", "percent", "passed"]


def _finding_of(actor: Actor, case_id: Any, raw: str) -> Finding:
    case = access_inspection(actor, case_id)
    finding = Finding.objects.filter(pk=int(raw) if raw.isdigit() else -1, kind=FINDING_KIND,
                                     case_type=PROCESS, case_id=str(case.pk)).first()  # fmt: skip
    if finding is None:
        raise ValidationFailed(_("信息有误，请按提示修改。"),
                               fields={"finding": [_("请选择本次检查发现的合规事项。")]})  # fmt: skip
    return finding


def _nonconformity_open(actor: Actor, case: ComplianceInspection, finding: Finding) -> Any:
    """A nonconformity for the finding through the quality service (10.2), which checks
    quality.nc.open itself; a finding that already has one is refused on ``finding``."""
    from hiqc.quality.nonconformities.models import Nonconformity
    from hiqc.quality.nonconformities.services import nonconformity_open

    if Nonconformity.objects.filter(finding=finding).exists():
        raise ValidationFailed(_("信息有误，请按提示修改。"),
                               fields={"finding": [_("该合规事项已开启不符合项。")]})  # fmt: skip
    return nonconformity_open(actor=actor, org_unit_id=case.org_unit_id, data={
        "source": "finding", "finding": str(finding.pk), "reference": case.number,
        "title": finding.title[:200],
        "description": _("合规检查 {n} 发现：{t}").format(n=case.number, t=finding.title),
    })  # fmt: skip


def nonconformities_for(findings: list[Finding]) -> dict[int, Any]:
    """finding id → the nonconformity opened for it (quality's case), for the pages."""
    from hiqc.quality.nonconformities.models import Nonconformity

    return {nc.finding_id: nc for nc in Nonconformity.objects.filter(finding__in=findings)
            if nc.finding_id is not None}  # fmt: skip
