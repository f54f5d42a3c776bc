"""Compliance inspection pages (issue 20 §3; standard 9.1.2(3)(4)): the inspections (plans,
visits, overdue, the plan and visit forms), a plan, a visit performed with its marks and notes,
the findings the inspections raised with their control and nonconformity, and compliance-training
coverage per role and unit. Thin: every read is a selector, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import Actor, require, role_label
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.errors import NotFound
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.core.training import coverage_summary
from hiqc.organisations.selectors import unit_names, units_in_scope

from .. import selectors as register
from ..enums import MANAGE, VIEW, Domain
from . import selectors
from .enums import COMPLIANCE_TOPIC, InspectionStatus, Quarter
from .services import KIND, inspection_act, inspection_create, nonconformities_for, plan_create
from .workflow import ACTION_LABELS, INSPECTION

T = "compliance/inspections/"
BRANCH_DEPTH = 2  # head office / branch: the units coverage rolls up to
ACTION_INPUTS = {
    "close": [("conclusion", "textarea", gettext_noop("关闭结论（整改跟进情况）"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}
OWN_FORMS = ("report", "open_nc")  # drawn by the visit page itself (marks; one per finding)


def training_coverage(actor: Actor, topic: str) -> dict[str, Any]:
    """A topic's coverage this year in the actor's scope, per role and per branch (read through
    ``hiqc.core.training``; the people chapter computes it)."""
    cov = coverage_summary(topic, now=timezone.now(), visible=lambda p: actor.can(VIEW, p),
                           unit_names=unit_names, depth=BRANCH_DEPTH)  # fmt: skip
    cov["roles"] = [{**r, "label": role_label(r["role"])} for r in cov["roles"]]
    return cov


@login_required
def inspections_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "plan":
            done, errors, values, status = post_form(
                request, lambda d: plan_create(actor=actor, data={
                    **d, "obligations": request.POST.getlist("obligations"),
                    "domains": request.POST.getlist("domains")}),
                _("已制定合规检查计划。"))  # fmt: skip
            if done is not None:
                return redirect("compliance:inspection_plan", done.pk)
        else:
            done, errors, values, status = post_form(
                request, lambda d: inspection_create(actor=actor, data=d), _("已安排合规检查。")
            )
            if done is not None:
                return redirect("compliance:inspection", done.pk)
    can_manage = actor.can(MANAGE)
    now = timezone.now()
    return render(request, T + "list.html", {
        "plans": selectors.plan_list(actor)[:50],
        "visits": selectors.inspection_list(actor)[:200],
        "overdue": selectors.overdue(actor, now=now),
        "open_findings": selectors.inspection_findings(actor, open_only=True).count()
        if actor.can("findings.view") else None,
        "can_manage": can_manage, "errors": errors, "values": values,
        "units": units_in_scope(actor, MANAGE) if can_manage else [],
        "obligations": selectors.obligations_all() if can_manage else [],
        "domains": Domain.choices, "quarters": Quarter.choices,
        "this_year": now.astimezone(BEIJING).year,
        "coverage": training_coverage(actor, COMPLIANCE_TOPIC),
    }, status=status)  # fmt: skip


@login_required
def plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    actor = request.actor
    plan = selectors.plan_list(actor).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return render(request, T + "plan.html", {
        "plan": plan, "obligations": plan.obligations.order_by("code"),
        "items": plan.checklist.items.order_by("position"),
        "visits": selectors.inspection_list(actor, plan=plan.pk),
    })  # fmt: skip


@login_required
def findings_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    require(actor, "findings.view")
    findings = list(selectors.inspection_findings(actor)[:300])
    controls = selectors.register_controls()
    ncs = nonconformities_for(findings)
    rows = [{"f": f, "control": register.control_for_finding(f, controls), "nc": ncs.get(f.pk)}
            for f in findings]  # fmt: skip
    return render(request, T + "findings.html", {"rows": rows})


def _case_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                  ) -> dict[str, Any]:  # fmt: skip
    actor = request.actor
    now = timezone.now()
    forms = case_action_forms(KIND, case, actor, ACTION_INPUTS, refused=refused)
    allowed = {a["name"] for a in forms["actions"]} if "actions" in forms else set()
    forms["actions"] = [a for a in forms.get("actions", []) if a["name"] not in OWN_FORMS]
    findings = selectors.findings_of(actor, case) if actor.can("findings.view") else []
    ncs = nonconformities_for(findings)
    controls = selectors.register_controls()
    mark_errors = refused.error.fields if refused is not None and refused.action == "report" \
        else {}  # fmt: skip
    submitted = dict(refused.data) if refused is not None and refused.action == "report" else {}
    items = list(case.plan.checklist.items.order_by("position"))
    return {
        **forms,
        "c": case,
        "can_report": "report" in allowed,
        "can_open_nc": "open_nc" in allowed,
        "items": [
            {
                "i": i,
                "mark": submitted.get(f"item_{i.pk}", ""),
                "note": submitted.get(f"note_{i.pk}", ""),
                "errors": (mark_errors or {}).get(f"item_{i.pk}", [])
                + (mark_errors or {}).get(f"note_{i.pk}", []),
            }
            for i in items
        ],
        "summary_value": submitted.get("summary", ""),
        "summary_errors": (mark_errors or {}).get("summary", []),
        "marks": selectors.marks_of(case),
        "findings": [
            {"f": f, "nc": ncs.get(f.pk), "control": register.control_for_finding(f, controls)}
            for f in findings
        ],
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, ACTION_LABELS, dict(InspectionStatus.choices)),
    }


@login_required
def inspection_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_inspection(request.actor, case_id)
    return render(request, T + "inspection.html", _case_context(request, case))


@login_required
@require_POST
def inspection_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_inspection(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=INSPECTION,
        apply=lambda **kw: inspection_act(actor=actor, case_id=case.pk, action=action[:60],
                                          source="page", **kw),
        reload=lambda: selectors.access_inspection(actor, case.pk), context=_case_context,
        template=T + "inspection.html", url_name="compliance:inspection",
    )  # fmt: skip
