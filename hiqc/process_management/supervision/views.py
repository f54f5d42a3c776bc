"""Supervision pages (standard 2.3.1, 2.3.2; issue 16 §6): plans and their schedule, recording a
visit's checklist, findings with their clocks and the engine's actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import post_case_action
from hiqc.core.casekinds import case_url
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines, case_events
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import posted_version
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .models import FindingStatus, ItemResult, Method, VisitStatus
from .services import (
    FINDING_KIND,
    LINKABLE,
    VISIT_KIND,
    access_finding,
    access_plan,
    access_visit,
    finding_act,
    finding_link,
    finding_open,
    plan_create,
    visit_cancel,
    visit_plan,
    visit_record,
)
from .workflow import FINDING, FINDING_ACTION_LABELS, SUPERVISE, VIEW, VISIT_ACTION_LABELS

T = "process_management/supervision/"
FINDING_INPUTS = {
    "respond": [("response", "textarea", gettext_noop("整改情况答复"))],
    "verify": [("verification", "textarea", gettext_noop("整改验证结果"))],
    "close": [("reason", "textarea", gettext_noop("关闭理由（如已转为不符合项）"))],
}


def _history(kind: Any, case: Any, labels: dict[str, str], states: dict[str, Any]) -> list[Any]:
    return [{"e": e, "label": _(labels.get(e.activity, e.activity)),
             "to": states.get(e.to_state, e.to_state)} for e in case_events(kind, case)]  # fmt: skip


@login_required
def plans_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    page = Paginator(selectors.plans(actor), 25).get_page(request.GET.get("page"))
    names = dict(selectors.process_names())
    rows = [{"p": p, "process": names.get(p.process, p.process)} for p in page]
    return render(request, T + "plans.html",
                  {"page": page, "rows": rows, "can_plan": actor.can(SUPERVISE)})  # fmt: skip


@login_required
def plan_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, SUPERVISE)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"period_days": "30",
                              "start_date": timezone.localdate().isoformat()}  # fmt: skip
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        try:
            plan = plan_create(actor=actor, data=values)
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已制定监督计划。"))
            return redirect("process_management:supervision_plan", plan.pk)
    return render(request, T + "plan_new.html", {
        "values": values, "errors": errors, "methods": Method.choices,
        "processes": selectors.process_names(), "units": units_in_scope(actor, SUPERVISE),
    }, status=status)  # fmt: skip


@login_required
def plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    actor = request.actor
    plan = access_plan(actor, plan_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        try:
            visit = visit_plan(actor=actor, plan_id=plan.pk, data=values)
        except (ValidationFailed, Forbidden) as exc:
            errors, status = getattr(exc, "fields", None) or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已计划监督检查。"))
            return redirect("process_management:supervision_visit", visit.pk)
    today = timezone.localdate()
    return render(request, T + "plan.html", {
        "plan": plan, "schedule": selectors.schedule(actor, plan, today),
        "process": dict(selectors.process_names()).get(plan.process, plan.process),
        "can_plan": actor.can(SUPERVISE, plan.org_unit.path), "values": values,
        "errors": errors, "units": units_in_scope(actor, SUPERVISE).filter(
            path__startswith=plan.org_unit.path),
    }, status=status)  # fmt: skip


def _visit_context(request: HiqcRequest, visit: Any, *, values: dict[str, Any] | None = None,
                   errors: dict[str, list[str]] | None = None) -> dict[str, Any]:  # fmt: skip
    values = values or {}
    errors = errors or {}
    items = [{"i": i, "text": text, "result": values.get(f"result_{i}", ""),
              "note": values.get(f"note_{i}", ""), "errors": errors.get(f"result_{i}", [])
              + errors.get(f"note_{i}", [])}
             for i, text in enumerate(visit.plan.checklist)]  # fmt: skip
    actor = request.actor
    return {
        "v": visit, "items": items, "values": values, "errors": errors,
        "results": ItemResult.choices,
        "done_results": [{**r, "label": dict(ItemResult.choices).get(r["result"], r["result"])}
                         for r in visit.results],
        "can_record": visit.status == VisitStatus.PLANNED
        and actor.can(SUPERVISE, visit.org_unit.path),
        "findings": selectors.findings(actor).filter(visit=visit),
        "events": _history(VISIT_KIND, visit, VISIT_ACTION_LABELS, dict(VisitStatus.choices)),
    }  # fmt: skip


@login_required
def visit_page(request: HiqcRequest, visit_id: str) -> HttpResponse:
    actor = request.actor
    visit = access_visit(actor, visit_id)
    if request.method != "POST":
        return render(request, T + "visit.html", _visit_context(request, visit))
    values = request.POST.dict()
    cancel = "cancel" in request.POST
    try:
        if cancel:
            visit_cancel(actor=actor, visit_id=visit.pk, data=values,
                         version=posted_version(request.POST))  # fmt: skip
        else:
            visit_record(actor=actor, visit_id=visit.pk, data=values,
                         version=posted_version(request.POST))  # fmt: skip
    except (ValidationFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        ctx = _visit_context(request, access_visit(actor, visit_id), values=values,
                             errors=getattr(exc, "fields", None) or {})  # fmt: skip
        return render(request, T + "visit.html", ctx, status=exc.status)
    messages.success(request, _("已取消监督检查。") if cancel else _("已录入检查结果。"))
    return redirect("process_management:supervision_visit", visit.pk)


@login_required
def findings_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    status = request.GET.get("status", "")
    if status not in FindingStatus.values:
        status = ""
    page = Paginator(selectors.findings(actor, status=status), 25).get_page(request.GET.get("page"))
    now = timezone.now()
    clocks = selectors.open_clocks([f.pk for f in page])
    rows = [{"f": f, "clocks": [{"d": d, "left": countdown(d, now)}
                                for d in clocks.get(str(f.pk), [])]} for f in page]  # fmt: skip
    return render(request, T + "findings.html", {
        "page": page, "rows": rows, "status": status, "statuses": FindingStatus.choices,
        "can_open": actor.can(SUPERVISE),
    })  # fmt: skip


@login_required
def finding_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, SUPERVISE)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {k: request.GET.get(k, "") for k in
                              ("process", "org_unit", "deviation", "title")}  # fmt: skip
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        try:
            finding = finding_open(actor=actor, data=values)
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记监督发现。"))
            return redirect("process_management:supervision_finding", finding.pk)
    return render(request, T + "finding_new.html", {
        "values": values, "errors": errors, "processes": selectors.process_names(),
        "units": units_in_scope(actor, SUPERVISE), "linkable": list(LINKABLE.items()),
    }, status=status)  # fmt: skip


def _finding_context(request: HiqcRequest, finding: Any, refused: RefusedAction | None = None,
                     link_errors: dict[str, list[str]] | None = None) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    actor = request.actor
    return {
        **case_action_forms(FINDING_KIND, finding, actor, FINDING_INPUTS, refused=refused),
        "f": finding,
        "link_label": LINKABLE.get(finding.link_type, ""),
        "link_url": case_url(finding.link_type, finding.link_id) if finding.link_type else "",
        "linkable": list(LINKABLE.items()), "link_errors": link_errors or {},
        "can_link": actor.can(SUPERVISE, finding.org_unit.path),
        "clocks": [{"d": d, "left": countdown(d, now)}
                   for d in case_deadlines(FINDING_KIND, finding)],
        "events": _history(FINDING_KIND, finding, FINDING_ACTION_LABELS,
                           dict(FindingStatus.choices)),
    }  # fmt: skip


@login_required
def finding_page(request: HiqcRequest, finding_id: str) -> HttpResponse:
    finding = access_finding(request.actor, finding_id)
    return render(request, T + "finding.html", _finding_context(request, finding))


@login_required
@require_POST
def finding_action(request: HiqcRequest, finding_id: str, action: str) -> HttpResponse:
    actor = request.actor
    return post_case_action(
        request, case_id=finding_id, action=action, workflow=FINDING,
        apply=lambda **kw: finding_act(actor=actor, finding_id=finding_id, action=action, **kw),
        reload=lambda: access_finding(actor, finding_id), context=_finding_context,
        template=T + "finding.html", url_name="process_management:supervision_finding",
    )  # fmt: skip


@login_required
@require_POST
def finding_link_action(request: HiqcRequest, finding_id: str) -> HttpResponse:
    actor = request.actor
    try:
        finding_link(actor=actor, finding_id=finding_id, data=request.POST.dict())
    except (ValidationFailed, Forbidden) as exc:
        ctx = _finding_context(request, access_finding(actor, finding_id),
                               link_errors=getattr(exc, "fields", None) or {})  # fmt: skip
        messages.error(request, exc.message)
        return render(request, T + "finding.html", ctx, status=exc.status)
    messages.success(request, _("已关联。"))
    return redirect("process_management:supervision_finding", finding_id)
