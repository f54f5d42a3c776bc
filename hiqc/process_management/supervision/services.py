"""Every write to supervision plans, visits and findings (DESIGN rules 1, 3; standard 2.3.1,
2.3.2; issue 16 §6). Status changes only through ``case_transition``.

* ``plan_create`` — a plan over a unit in the supervisor's scope for a registered process.
* ``visit_plan`` — a visit for one unit (the plan's unit or one below it) on a date.
* ``visit_record`` — the checklist results and evidence: the visit is done, and every not-ok item
  opens a finding for the visited unit.
* ``finding_open`` — by hand, from a visit or from a conformance deviation; ``finding_act`` —
  the finding's actions. A link to a nonconformity or an improvement plan is checked through the
  kernel's door of that case kind (``CASE_KINDS[label].access``): missing and out of scope answer
  the same, and nothing of the linked case is copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.casekinds import CASE_KINDS, CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import unit_in_scope

from .models import (
    CHECKLIST_MAX,
    TEXT_MAX,
    FindingStatus,
    ItemResult,
    Method,
    SupervisionFinding,
    SupervisionPlan,
    SupervisionVisit,
    VisitStatus,
)
from .workflow import (
    FINDING,
    FINDING_PROCESS,
    FINDING_WORK_BY_STATE,
    SUPERVISE,
    VIEW,
    VISIT,
    VISIT_PROCESS,
)

# the case kinds a finding may link to (labels only: this app never imports the quality domain)
LINKABLE = {
    "quality.nonconformity": gettext_lazy("不符合项"),
    "quality.improvementplan": gettext_lazy("改进计划"),
}
PERIOD_MAX = 366


def access_plan(actor: Actor, plan_id: Any) -> SupervisionPlan:
    """The one door: missing and out of scope are the same 404 (DESIGN rule 2)."""
    return get_in_scope(actor, SupervisionPlan.objects.select_related("org_unit"), plan_id, VIEW)


def access_visit(actor: Actor, visit_id: Any, *, for_update: bool = False) -> SupervisionVisit:
    qs = SupervisionVisit.objects.select_related("org_unit", "plan")
    return get_in_scope(actor, qs, visit_id, VIEW, for_update=for_update)


def access_finding(actor: Actor, finding_id: Any, *, for_update: bool = False
                   ) -> SupervisionFinding:  # fmt: skip
    qs = SupervisionFinding.objects.select_related("org_unit")
    if not for_update:
        qs = qs.select_related("visit")
    return get_in_scope(actor, qs, finding_id, VIEW, for_update=for_update)


def _visit_url(case_id: str) -> str:
    return reverse("process_management:supervision_visit", args=[case_id])


def _finding_url(case_id: str) -> str:
    return reverse("process_management:supervision_finding", args=[case_id])


VISIT_KIND = CaseKind(label=VISIT_PROCESS, workflow=VISIT, access=access_visit,
                      name=gettext_lazy("监督检查"), view_perm=VIEW, url_for=_visit_url)  # fmt: skip
FINDING_KIND = CaseKind(label=FINDING_PROCESS, workflow=FINDING, access=access_finding,
                        name=gettext_lazy("监督发现"), view_perm=VIEW,
                        work_by_state=FINDING_WORK_BY_STATE, url_for=_finding_url)  # fmt: skip


def _fail(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)


def _text(data: Mapping[str, Any], name: str, errors: dict[str, list[str]], *, required: str = "",
          limit: int = TEXT_MAX) -> str:  # fmt: skip
    value = str(data.get(name) or "").strip()
    if not value and required:
        errors[name] = [required]
    elif len(value) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return value


def _unit(actor: Actor, unit_id: Any, errors: dict[str, list[str]], perm: str) -> OrgUnit | None:
    try:
        return unit_in_scope(actor, unit_id, perm, active=True)
    except NotFound:
        errors["org_unit"] = [_("请选择您管辖范围内的机构。")]
        return None


def plan_create(*, actor: Actor, data: Mapping[str, Any]) -> SupervisionPlan:
    """A supervision plan (processes.supervise over its unit)."""
    require(actor, SUPERVISE)
    errors: dict[str, list[str]] = {}
    process = str(data.get("process") or "")
    if process not in CASE_KINDS or process in (VISIT_PROCESS, FINDING_PROCESS):
        errors["process"] = [_("请选择一个流程。")]
    title = _text(data, "title", errors, required=_("请填写名称。"), limit=120)
    method = str(data.get("method") or "")
    if method not in Method.values:
        errors["method"] = [_("请选择监督方式。")]
    unit = _unit(actor, data.get("org_unit"), errors, SUPERVISE)
    raw_period = str(data.get("period_days") or "").strip()
    period = int(raw_period) if raw_period.isdigit() else 0
    if not 1 <= period <= PERIOD_MAX:
        errors["period_days"] = [_("周期为 1 至 {n} 天的整数。").format(n=PERIOD_MAX)]
    start = parse_date(str(data.get("start_date") or "").strip()) if _is_iso(data) else None
    if start is None:
        errors["start_date"] = [_("请填写开始日期（年-月-日）。")]
    raw = data.get("checklist") or ""
    items = [s.strip() for s in (raw.splitlines() if isinstance(raw, str) else raw)
             if str(s).strip()]  # fmt: skip
    if not items:
        errors["checklist"] = [_("请至少填写一个检查项（每行一项）。")]
    elif len(items) > CHECKLIST_MAX or any(len(s) > 300 for s in items):
        errors["checklist"] = [_("最多 {n} 项，每项不超过 300 字。").format(n=CHECKLIST_MAX)]
    _fail(errors)
    assert unit is not None and start is not None
    return SupervisionPlan.objects.create(
        process=process, title=title, method=method, org_unit=unit, period_days=period,
        start_date=start, checklist=items, owner=actor.username,
    )  # fmt: skip


def _is_iso(data: Mapping[str, Any]) -> bool:
    try:
        return parse_date(str(data.get("start_date") or "").strip()) is not None
    except ValueError:  # well formed but no such day (2026-02-30)
        return False


def due_dates(plan: SupervisionPlan, today: date) -> list[date]:
    """The plan's due dates from its start up to the next one after ``today`` (Beijing days)."""
    out, step = [], plan.period_days
    day = plan.start_date
    while day <= today:
        out.append(day)
        day = date.fromordinal(day.toordinal() + step)
    out.append(day)  # the next one
    return out


def visit_plan(*, actor: Actor, plan_id: Any, data: Mapping[str, Any]) -> SupervisionVisit:
    """Plan a visit of the plan's unit or a unit below it, on a date."""
    plan = access_plan(actor, plan_id)
    require(actor, SUPERVISE, plan)
    errors: dict[str, list[str]] = {}
    unit = _unit(actor, data.get("org_unit") or plan.org_unit_id, errors, SUPERVISE)
    if unit is not None and not unit.path.startswith(plan.org_unit.path):
        errors["org_unit"] = [_("请选择计划范围内的机构。")]
    try:
        day = parse_date(str(data.get("planned_date") or "").strip())
    except ValueError:
        day = None
    if day is None:
        errors["planned_date"] = [_("请填写计划日期（年-月-日）。")]
    _fail(errors)
    assert unit is not None and day is not None
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            plan=plan, org_unit=unit, planned_date=day, status=VisitStatus.PLANNED
        )
        case_opened(kind=VISIT_KIND, case=visit, actor=actor, source=Source.PAGE)
    return visit


def visit_record(*, actor: Actor, visit_id: Any, data: Mapping[str, Any],
                 version: int | None = None) -> SupervisionVisit:  # fmt: skip
    """Record the checklist (``result_<i>`` ok / not_ok / na and ``note_<i>`` per item) and the
    evidence: the visit is done and each not-ok item opens a finding for the visited unit."""
    visit = access_visit(actor, visit_id)
    require(actor, SUPERVISE, visit)
    errors: dict[str, list[str]] = {}
    results = []
    for i, item in enumerate(visit.plan.checklist):
        result = str(data.get(f"result_{i}") or "")
        note = str(data.get(f"note_{i}") or "").strip()
        if result not in ItemResult.values:
            errors[f"result_{i}"] = [_("请选择符合、不符合或不适用。")]
        elif result == ItemResult.NOT_OK and not note:
            errors[f"note_{i}"] = [_("不符合时请说明情况。")]
        elif len(note) > 500:
            errors[f"note_{i}"] = [_("不能超过 {n} 个字。").format(n=500)]
        results.append({"item": item, "result": result, "note": note})
    evidence = _text(data, "evidence", errors)
    _fail(errors)
    at = timezone.now()
    with transaction.atomic():
        done = case_transition(
            kind=VISIT_KIND, actor=actor, case_id=visit.pk, action="record", version=version,
            at=at, source=Source.PAGE, record={"items": len(results)},
            updates={"results": results, "evidence": evidence, "done_at": at,
                     "recorded_by": actor.username},
        )  # fmt: skip
        assert isinstance(done, SupervisionVisit)
        for line in results:
            if line["result"] == ItemResult.NOT_OK:
                _create_finding(actor=actor, unit=visit.org_unit, process=visit.plan.process,
                                title=line["item"][:200], description=line["note"], at=at,
                                extra={"visit": visit, "item": line["item"]})  # fmt: skip
    return done


def visit_cancel(*, actor: Actor, visit_id: Any, data: Mapping[str, Any],
                 version: int | None = None) -> SupervisionVisit:  # fmt: skip
    errors: dict[str, list[str]] = {}
    reason = _text(data, "reason", errors, required=_("请填写取消原因。"), limit=200)
    _fail(errors)
    visit = case_transition(kind=VISIT_KIND, actor=actor, case_id=visit_id, action="cancel",
                            data={"reason": reason}, version=version, source=Source.PAGE,
                            updates={"cancel_reason": reason})  # fmt: skip
    assert isinstance(visit, SupervisionVisit)
    return visit


def check_link(actor: Actor, link_type: str, link_id: str, errors: dict[str, list[str]]) -> None:
    """A link to another case, checked through its kind's door (never copied)."""
    if not link_type and not link_id:
        return
    kind = CASE_KINDS.get(link_type)
    if link_type not in LINKABLE or kind is None:
        errors["link_type"] = [_("只能关联不符合项或改进计划。")]
        return
    try:
        kind.access(actor, link_id)
    except NotFound:
        errors["link_id"] = [_("您的管辖范围内没有这个编号的案件。")]


def _create_finding(*, actor: Actor, unit: OrgUnit, process: str, title: str, description: str,
                    at: Any, extra: Mapping[str, Any]) -> SupervisionFinding:  # fmt: skip
    finding = SupervisionFinding.objects.create(
        process=process, org_unit=unit, title=title, description=description, opened_at=at,
        opened_by=actor.username, status=FindingStatus.OPEN, **extra,
    )  # fmt: skip
    case_opened(kind=FINDING_KIND, case=finding, actor=actor, at=at, source=Source.PAGE,
                data={"visit": bool(finding.visit_id)})  # fmt: skip
    return finding


def finding_open(*, actor: Actor, data: Mapping[str, Any]) -> SupervisionFinding:
    """Open one by hand or from a conformance deviation (processes.supervise over the unit)."""
    require(actor, SUPERVISE)
    errors: dict[str, list[str]] = {}
    process = str(data.get("process") or "")
    if process not in CASE_KINDS:
        errors["process"] = [_("请选择一个流程。")]
    unit = _unit(actor, data.get("org_unit"), errors, SUPERVISE)
    title = _text(data, "title", errors, required=_("请填写标题。"), limit=200)
    description = _text(data, "description", errors, required=_("请说明发现的情况。"))
    deviation = _text(data, "deviation", errors, limit=200)
    link_type = str(data.get("link_type") or "").strip()
    link_id = str(data.get("link_id") or "").strip()
    check_link(actor, link_type, link_id, errors)
    _fail(errors)
    assert unit is not None
    with transaction.atomic():
        return _create_finding(actor=actor, unit=unit, process=process, title=title,
                               description=description, at=timezone.now(),
                               extra={"deviation": deviation, "link_type": link_type,
                                      "link_id": link_id})  # fmt: skip


def finding_act(*, actor: Actor, finding_id: Any, action: str, data: Mapping[str, Any],
                version: int | None = None) -> SupervisionFinding:  # fmt: skip
    data = {k: str(v).strip() for k, v in data.items()}
    for name in ("response", "verification", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = timezone.now()
    updates: dict[str, Any] = {}
    if action == "respond":
        updates = {"response": data.get("response", "")}
    elif action == "verify":
        updates = {"verification": data.get("verification", ""), "closed_at": at}
    elif action == "close":
        updates = {"verification": data.get("reason", ""), "closed_at": at}
    finding = case_transition(kind=FINDING_KIND, actor=actor, case_id=finding_id, action=action,
                              data=data, version=version, at=at, source=Source.PAGE,
                              record={k: len(v) for k, v in data.items()}, updates=updates)  # fmt: skip
    assert isinstance(finding, SupervisionFinding)
    return finding


def finding_link(*, actor: Actor, finding_id: Any, data: Mapping[str, Any]) -> SupervisionFinding:
    """Link a finding to a nonconformity or an improvement plan (processes.supervise)."""
    finding = access_finding(actor, finding_id)
    require(actor, SUPERVISE, finding)
    errors: dict[str, list[str]] = {}
    link_type = str(data.get("link_type") or "").strip()
    link_id = str(data.get("link_id") or "").strip()
    if not link_type:
        errors["link_type"] = [_("请选择关联的案件类型。")]
    check_link(actor, link_type, link_id, errors)
    _fail(errors)
    SupervisionFinding.objects.filter(pk=finding.pk).update(link_type=link_type, link_id=link_id)
    finding.link_type, finding.link_id = link_type, link_id
    return finding
