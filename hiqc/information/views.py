"""Information pages (standard chapter 6; issue 21 §4, §5): recertification rounds and a case
page with its lines, dormant accounts, the reveal anomaly report with its drill-down, security
roles with their vacancies, self-evaluations and remediation cases. Thin: every read is a selector
or a door, every write a service."""

from __future__ import annotations

from datetime import date
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

from hiqc.core.access import require, role_label
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.checklists import checklist_items
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.core.rules import rule_value
from hiqc.core.training import coverage_summary
from hiqc.organisations.enums import Role
from hiqc.organisations.selectors import unit_names, units_in_scope

from . import selectors
from .enums import (
    AUDIT_VIEW,
    SECURITY,
    VIEW,
    LineDecision,
    RecertificationStatus,
    RemediationStatus,
    SecurityRole,
)
from .security import selectors as security
from .security.services import KIND as REMEDIATION_KIND
from .security.services import (
    evaluation_perform,
    holder_assign,
    remediation_act,
    security_checklist,
)
from .services import KIND as RECERT_KIND
from .services import recertification_act
from .workflow import RECERT_LABELS, RECERTIFICATION, REMEDIATION, REMEDIATION_LABELS

T = "information/"
REMEDIATION_INPUTS = {
    "rectify": [("correction", "textarea", gettext_noop("整改措施与完成情况"))],
    "verify": [("verification", "textarea", gettext_noop("验证结果"))],
    "reject": [("reason", "textarea", gettext_noop("未通过的原因"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _day(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None


# --- access recertification ----------------------------------------------------------------------


@login_required
def recertifications_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), RecertificationStatus.choices)})
    f = list_filters(form)
    qs = selectors.recertification_list(actor, status=f.get("status") or "")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    clocks = selectors.open_clocks(RECERT_KIND.label, [c.pk for c in page])
    rows = [{"c": c, "clocks": [{"d": d, "left": countdown(d, now)}
                                for d in clocks.get(str(c.pk), [])]} for c in page]  # fmt: skip
    return render(request, T + "recertifications.html", {"page": page, "rows": rows, "form": form})


def _recert_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                    ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    forms = case_action_forms(RECERT_KIND, case, request.actor, {}, refused=refused)
    can_decide = any(a["name"] == "decide" for a in forms["actions"])
    forms["actions"] = [a for a in forms["actions"] if a["name"] != "decide"]
    labels = dict(Role.choices)
    lines = [{"x": x, "role_label": labels.get(x.role, x.role),
              "own": x.user_id == request.actor.user_id} for x in selectors.recertification_lines(case)]  # fmt: skip
    return {
        **forms, "c": case, "lines": lines, "can_decide": can_decide,
        "pending": LineDecision.PENDING,
        "refused_line": (refused.data.get("line") if refused is not None else ""),
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(RECERT_KIND, case)],
        "events": history(RECERT_KIND, case, RECERT_LABELS, dict(RecertificationStatus.choices)),
    }  # fmt: skip


@login_required
def recertification_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_recertification(request.actor, case_id)
    return render(request, T + "recertification.html", _recert_context(request, case))


@login_required
@require_POST
def recertification_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_recertification(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=RECERTIFICATION,
        apply=lambda **kw: recertification_act(actor=actor, case_id=case.pk, action=action[:60], **kw),
        reload=lambda: selectors.access_recertification(actor, case.pk), context=_recert_context,
        template=T + "recertification.html", url_name="information:recertification",
    )  # fmt: skip


# --- dormant accounts ----------------------------------------------------------------------------


@login_required
def dormant_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    return render(request, T + "dormant.html", {
        "dormant": selectors.dormant_accounts(actor),
        "warning": selectors.dormant_accounts(actor, warning=True),
        "days": rule_value("information.dormant_days"),
        "warn_days": rule_value("information.dormant_warning_days"),
    })  # fmt: skip


# --- reveal anomalies ----------------------------------------------------------------------------


@login_required
def anomalies_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, AUDIT_VIEW)
    today = _today()
    since, until = selectors.report_range(_day(request.GET.get("since")),
                                          _day(request.GET.get("until")), today)  # fmt: skip
    rows = selectors.reveal_anomalies(actor, since=since, until=until, today=today)
    return render(request, T + "anomalies.html", {"rows": rows, "since": since, "until": until})


@login_required
def anomaly_events_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, AUDIT_VIEW)
    day = _day(request.GET.get("day")) or _today()
    person = str(request.GET.get("actor") or "")[:64]
    events: Any = selectors.reveal_events(actor, actor_id=person, day=day) if person else []
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, T + "anomaly_events.html", {"page": page, "day": day, "person": person})


# --- security roles ------------------------------------------------------------------------------


@login_required
def roles_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        held, errors, values, status = post_form(
            request, lambda d: holder_assign(actor=actor, data=d), _("已指定安全职责人。")
        )
        if held is not None:
            return redirect("information:roles")
    today = _today()
    rows = security.responsibilities(actor, today=today)
    can_manage = actor.can(SECURITY)
    return render(request, T + "roles.html", {
        "rows": rows, "vacancies": [v for r in rows for v in [(r["unit"], s) for s in r["vacant"]]],
        "errors": errors, "values": values, "can_manage": can_manage, "today": today,
        "roles": SecurityRole.choices,
        "units": units_in_scope(actor, SECURITY) if can_manage else [],
        "people": security.people_in_scope(actor, SECURITY)[:500] if can_manage else [],
    }, status=status)  # fmt: skip


# --- self-evaluations ----------------------------------------------------------------------------


@login_required
def evaluations_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    can_evaluate = actor.can(SECURITY)
    checklist = security_checklist()
    items = checklist_items(checklist)
    if request.method == "POST":
        if not can_evaluate:
            raise Forbidden(_("您没有执行此操作的权限。"))
        post = request.POST
        marks = {k[5:]: v for k, v in post.items() if k.startswith("mark_")}
        notes = {k[5:]: str(v) for k, v in post.items() if k.startswith("note_")}
        try:
            done = evaluation_perform(actor=actor, org_unit_id=post.get("org_unit"),
                                      year=post.get("year"), marks=marks, notes=notes,
                                      summary=post.get("notes", ""))  # fmt: skip
        except (ValidationFailed, Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            errors, values, status = getattr(exc, "fields", None) or {}, post.dict(), exc.status
        else:
            messages.success(request, _("已完成信息安全自评估。"))
            return redirect("information:evaluation", done.pk)
    page = Paginator(security.evaluation_list(actor), 25).get_page(request.GET.get("page"))
    return render(request, T + "evaluations.html", {
        "page": page, "errors": errors, "values": values, "can_evaluate": can_evaluate,
        "checklist": checklist, "items": items, "year": _today().year,
        "units": units_in_scope(actor, SECURITY) if can_evaluate else [],
        "awareness": _awareness(actor),
    }, status=status)  # fmt: skip


SECURITY_AWARENESS = "security_awareness"  # the people chapter's training topic (ADR 0029)


def _awareness(actor: Any) -> dict[str, Any]:
    """Security-awareness training coverage this year in the actor's scope (6.2.1; issue 21
    §5), computed by the people chapter and read through ``hiqc.core.training``."""
    cov = coverage_summary(SECURITY_AWARENESS, now=timezone.now(),
                           visible=lambda p: actor.can(VIEW, p), unit_names=unit_names)  # fmt: skip
    cov["roles"] = [{**r, "label": role_label(r["role"])} for r in cov["roles"]]
    return cov


@login_required
def evaluation_page(request: HiqcRequest, evaluation_id: str) -> HttpResponse:
    e = security.access_evaluation(request.actor, evaluation_id)
    return render(
        request,
        T + "evaluation.html",
        {"e": e, "marks": security.evaluation_marks(e), "remediations": list(e.remediations.all())},
    )


# --- remediation ---------------------------------------------------------------------------------


@login_required
def remediations_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), RemediationStatus.choices)})
    f = list_filters(form)
    page = Paginator(security.remediation_list(actor, status=f.get("status") or ""), 25).get_page(
        request.GET.get("page"))  # fmt: skip
    now = timezone.now()
    clocks = selectors.open_clocks(REMEDIATION_KIND.label, [r.pk for r in page])
    rows = [{"r": r, "clocks": [{"d": d, "left": countdown(d, now)}
                                for d in clocks.get(str(r.pk), [])]} for r in page]  # fmt: skip
    return render(request, T + "remediations.html", {"page": page, "rows": rows, "form": form})


def _remediation_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                         ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    return {
        **case_action_forms(REMEDIATION_KIND, case, request.actor, REMEDIATION_INPUTS,
                            refused=refused),
        "r": case,
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(REMEDIATION_KIND, case)],
        "events": history(REMEDIATION_KIND, case, REMEDIATION_LABELS, dict(RemediationStatus.choices)),
    }  # fmt: skip


@login_required
def remediation_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = security.access_remediation(request.actor, case_id)
    return render(request, T + "remediation.html", _remediation_context(request, case))


@login_required
@require_POST
def remediation_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = security.access_remediation(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=REMEDIATION,
        apply=lambda **kw: remediation_act(actor=actor, case_id=case.pk, action=action[:60], **kw),
        reload=lambda: security.access_remediation(actor, case.pk), context=_remediation_context,
        template=T + "remediation.html", url_name="information:remediation",
    )  # fmt: skip
