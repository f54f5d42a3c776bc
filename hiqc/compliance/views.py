"""Compliance pages (issue 20 §7 part): the overview, the register (law → obligations →
controls), the controls and one control's results by unit and month with the failing records,
its run and attestation forms, the regulatory changes and the impact-assessment case page. Thin:
every read is a selector, every write a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require, role_label
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.errors import NotFound
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.emergency.enums import VIEW as EMERGENCY_VIEW
from hiqc.emergency.selectors import overdue_drills
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .controls import check_get
from .enums import ATTEST, MANAGE, VIEW, AssessmentStatus, ControlKind, ResultStatus
from .inspections import selectors as inspection_selectors
from .risks import selectors as risk_selectors
from .risks.scale import appetite as risk_appetite
from .services import (
    KIND,
    assessment_act,
    attestation_record,
    change_record,
    control_path,
    control_run_by_id,
    head_office_path,
    month_start,
)
from .workflow import ACTION_LABELS, ASSESSMENT

T = "compliance/"
ACTION_INPUTS = {
    "start": [("analysis", "textarea", gettext_noop("影响分析（涉及的业务、义务与控制）"))],
    "note": [("ref", "textarea", gettext_noop("更新的义务、控制措施或规则的编号")),
             ("note", "textarea", gettext_noop("更新说明"))],
    "conclude": [("outcome", "textarea", gettext_noop("评估结论"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip


def _this_month() -> Any:
    return month_start(timezone.now().astimezone(BEIJING).date())


@login_required
def overview_page(request: HiqcRequest) -> HttpResponse:
    """For the compliance officer: control failures this month (and last), open findings by the
    obligation they break, impact assessments in progress, risks above appetite (9.2.1(3)), KRI
    breaches, risks waiting for review and emergency drills overdue."""
    actor = request.actor
    require(actor, VIEW)
    month = _this_month()
    last = month_start(month.replace(day=1) - timedelta(days=1))
    return render(request, T + "overview.html", {
        "month": month, "last": last,
        "failures": selectors.failures_in(actor, month),
        "failures_last": selectors.failures_in(actor, last),
        "findings": selectors.open_findings_by_obligation(actor) if actor.can("findings.view") else [],
        "assessments": selectors.assessment_list(actor).filter(
            status__in=(AssessmentStatus.OPEN, AssessmentStatus.ASSESSING)),
        # compliance inspections (issue 20 §3): overdue visits, findings still open
        "inspections_overdue": inspection_selectors.overdue(actor, now=timezone.now()),
        "inspection_findings_open": inspection_selectors.inspection_findings(
            actor, open_only=True).count() if actor.can("findings.view") else None,
        "above_appetite": risk_selectors.above_appetite(actor),
        "kri_breaches": risk_selectors.kri_breaches(actor),
        "review_needed": risk_selectors.review_needed(actor),
        "appetite": risk_appetite(),
        # emergency drills past their due date (9.3; issue 20 §7), in the actor's scope
        "drills_overdue": overdue_drills(actor, today=timezone.now().astimezone(BEIJING).date())
        if actor.can(EMERGENCY_VIEW) else None,
    })  # fmt: skip


@login_required
def register_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    visible = set(selectors.control_list(actor).values_list("pk", flat=True))
    return render(request, T + "register.html", {
        "laws": selectors.law_list(), "visible": visible})  # fmt: skip


@login_required
def controls_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    kind = str(request.GET.get("kind") or "")[:10]
    rows = []
    for c in selectors.control_list(actor, kind=kind if kind in ControlKind.values else ""):
        figures = selectors.effectiveness_by_period(actor, c)
        rows.append({"c": c, "last": figures[-1] if figures else None})
    return render(request, T + "controls.html", {"rows": rows, "kind": kind,
                                                 "kinds": ControlKind.choices})  # fmt: skip


@login_required
def control_page(request: HiqcRequest, control_id: str) -> HttpResponse:
    actor = request.actor
    control = selectors.access_control(actor, control_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "run":
            done, errors, values, status = post_form(
                request, lambda d: control_run_by_id(actor=actor, control_id=control.pk,
                                                     period=d.get("period")),
                _("已完成控制检测。"))  # fmt: skip
        else:
            done, errors, values, status = post_form(
                request, lambda d: attestation_record(actor=actor, control_id=control.pk, data=d,
                                                      evidence=request.FILES.get("evidence")),
                _("已登记控制声明。"))  # fmt: skip
        if done is not None:
            return redirect("compliance:control", control.pk)
    results = list(selectors.result_list(actor, control)[:120])
    chosen = None
    wanted = str(request.GET.get("result") or "")
    if wanted:
        chosen = next((r for r in results if str(r.pk) == wanted), None)
        if chosen is None:
            raise NotFound()
    check = check_get(control.check_code)
    return render(request, T + "control.html", {
        "c": control, "check": check, "owner": role_label(control.owner_role), "results": results, "chosen": chosen,
        "figures": selectors.effectiveness_by_period(actor, control),
        "attestations": selectors.attestation_list(actor, control)[:60],
        "risks": risk_selectors.risks_of_control(actor, control),
        "can_run": control.kind == ControlKind.AUTOMATIC and actor.can(MANAGE, control_path(control)),
        "can_attest": control.kind == ControlKind.MANUAL and actor.can(ATTEST),
        "units": units_in_scope(actor, ATTEST) if actor.can(ATTEST) else [],
        "this_month": _this_month().strftime("%Y-%m"), "statuses": dict(ResultStatus.choices),
        "errors": errors, "values": values,
    }, status=status)  # fmt: skip


@login_required
def changes_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        change, errors, values, status = post_form(
            request, lambda d: change_record(actor=actor, data=d),
            _("已登记法规变化，并已开启影响评估。"))  # fmt: skip
        if change is not None:
            return redirect("compliance:assessment", change.assessments.latest("opened_at").pk)
    return render(request, T + "changes.html", {
        "changes": selectors.change_list(actor), "laws": selectors.law_list(),
        "can_manage": actor.can(MANAGE, head_office_path()), "errors": errors, "values": values,
    }, status=status)  # fmt: skip


def _case_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                  ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    return {
        **case_action_forms(KIND, case, request.actor, ACTION_INPUTS, refused=refused),
        "a": case,
        "link_labels": {
            "obligation": _("合规义务"),
            "control": _("控制措施"),
            "rule": _("规则参数"),
        },
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, ACTION_LABELS, dict(AssessmentStatus.choices)),
    }


@login_required
def assessment_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_assessment(request.actor, case_id)
    return render(request, T + "assessment.html", _case_context(request, case))


@login_required
@require_POST
def assessment_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_assessment(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=ASSESSMENT,
        apply=lambda **kw: assessment_act(actor=actor, case_id=case.pk, action=action[:60],
                                          source="page", **kw),
        reload=lambda: selectors.access_assessment(actor, case.pk), context=_case_context,
        template=T + "assessment.html", url_name="compliance:assessment",
    )  # fmt: skip
