"""Sharing pages (standard 6.3; issue 21 §7, §8): partners and agreements, an agreement's page
(fields and masking profile, impact assessments, its shares, a request form), shares and a share
case page with its actions and the download, incoming exchanges, impact assessments. Thin: every
read is a selector or a door, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.datasets import dataset_get, datasets
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.core.personaldata import Basis, DataClass
from hiqc.organisations.selectors import units_in_scope

from ..enums import VIEW
from . import masking, selectors
from .enums import (
    SHARE_COMPLIANCE,
    SHARE_REQUEST,
    AgreementStatus,
    AssessmentTarget,
    Conclusion,
    Frequency,
    Method,
    PartnerKind,
    ShareStatus,
)
from .services import (
    AGREEMENT_KIND,
    KIND,
    activities,
    agreement_act,
    agreement_create,
    assessment_record,
    consent_record,
    incoming_record,
    may_download,
    partner_create,
    share_act,
    share_file,
    share_request,
)
from .workflow import AGREEMENT, AGREEMENT_LABELS, DATASHARE, SHARE_LABELS

T = "information/sharing/"
SHARE_INPUTS = {
    "reject": [("reason", "textarea", gettext_noop("驳回理由"))],
    "reject_compliance": [("reason", "textarea", gettext_noop("驳回理由"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
    "send": [("channel", "text", gettext_noop("发送方式与接收人（如：监管报送系统）"))],
}  # fmt: skip


def _columns(agreement: Any) -> list[dict[str, Any]]:
    dataset = dataset_get(agreement.dataset)
    if dataset is None:
        return []
    methods, classes = dict(Method.choices), dict(DataClass.choices)
    return [{"code": c.code, "label": c.label, "class": classes.get(c.data_class, c.data_class),
             "sensitive": c.sensitive,
             "method": methods[agreement.profile.get(c.code, Method.DROP)]}
            for c in dataset.columns]  # fmt: skip


def _profile_forms(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Per registered dataset, its columns with the methods each may take (the agreement form
    shows the chosen dataset's; a column left at "drop" is never sent)."""
    methods = dict(Method.choices)
    classes = dict(DataClass.choices)
    return [{"d": d, "columns": [
        {"c": c, "class": classes.get(c.data_class, c.data_class), "name": f"profile.{d.code}.{c.code}",
         "chosen": values.get(f"profile.{d.code}.{c.code}", Method.DROP),
         "methods": [(m, methods[m]) for m in masking.methods_for(c)]} for c in d.columns]}
        for d in datasets()]  # fmt: skip


def _agreement_data(post: Any) -> dict[str, Any]:
    """The agreement form's fields, the profile read from the chosen dataset's selects only."""
    data = {k: post.get(k, "") for k in ("partner", "title", "dataset", "purpose", "legal_basis",
                                         "frequency", "effective_on", "expires_on")}  # fmt: skip
    prefix = f"profile.{data['dataset']}."
    data["profile"] = {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix)}
    return data


@login_required
def agreements_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    which = str(request.POST.get("form") or "") if request.method == "POST" else ""
    if which == "partner":
        partner, errors, values, status = post_form(
            request, lambda d: partner_create(actor=actor, data=d), _("已登记共享对象。"))  # fmt: skip
        if partner is not None:
            return redirect("information:agreements")
    elif which == "agreement":
        done, errors, values, status = post_form(
            request, lambda d: agreement_create(actor=actor, data=_agreement_data(request.POST)),
            _("已登记共享协议草稿，完成影响评估（如需要）后登记生效。"))  # fmt: skip
        if done is not None:
            return redirect("information:agreement", done.pk)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), AgreementStatus.choices)})
    f = list_filters(form)
    page = Paginator(selectors.agreement_list(actor, status=f.get("status") or ""), 25).get_page(
        request.GET.get("page"))  # fmt: skip
    can_manage = actor.can(SHARE_COMPLIANCE)
    return render(request, T + "agreements.html", {
        "page": page, "form": form, "partners": selectors.partner_list(actor)[:200],
        "can_manage": can_manage, "which": which, "errors": errors, "values": values,
        "units": units_in_scope(actor, SHARE_COMPLIANCE) if can_manage else [],
        "partner_kinds": PartnerKind.choices, "frequencies": Frequency.choices,
        "bases": [(v, label) for v, label in Basis.choices if v != Basis.NOT_PERSONAL],
        "datasets": datasets(), "profiles": _profile_forms(values) if can_manage else [],
    }, status=status)  # fmt: skip


AGREEMENT_INPUTS = {
    "end": [("reason", "textarea", gettext_noop("终止理由"))],
    "withdraw": [("reason", "textarea", gettext_noop("撤回理由"))],
}  # fmt: skip


def _agreement_context(request: HiqcRequest, agreement: Any,
                       refused: RefusedAction | None = None, *,
                       errors: dict[str, list[str]] | None = None,
                       values: dict[str, Any] | None = None, which: str = "") -> dict[str, Any]:  # fmt: skip
    actor, errors, values = request.actor, errors or {}, values or {}
    dataset = dataset_get(agreement.dataset)
    today = timezone.localdate()
    return {
        **case_action_forms(AGREEMENT_KIND, agreement, actor, AGREEMENT_INPUTS, refused=refused),
        "a": agreement, "dataset": dataset, "columns": _columns(agreement),
        "assessments": selectors.assessment_list(actor, agreement_id=agreement.pk),
        "shares": selectors.share_list(actor).filter(agreement=agreement)[:50],
        "params": [{"p": p, "value": values.get(p.name) or p.default(today),
                    "errors": errors.get(f"params.{p.name}", [])}
                   for p in (dataset.params if dataset else ())],
        "errors": errors, "values": values,
        "can_request": actor.can(SHARE_REQUEST, agreement.org_unit.path)
        and agreement.status == AgreementStatus.ACTIVE,
        "can_manage": actor.can(SHARE_COMPLIANCE, agreement.org_unit.path),
        "consents": agreement.consents.filter(withdrawn_at__isnull=True).count(),
        "conclusions": Conclusion.choices, "which": which,
        "events": history(AGREEMENT_KIND, agreement, AGREEMENT_LABELS,
                          dict(AgreementStatus.choices)),
    }  # fmt: skip


@login_required
def agreement_page(request: HiqcRequest, agreement_id: str) -> HttpResponse:
    """The agreement: its facts and profile, its actions on the engine (activate, end,
    withdraw), impact assessments, separate consents, a share request and its shares."""
    actor = request.actor
    agreement = selectors.access_agreement(actor, agreement_id)
    dataset = dataset_get(agreement.dataset)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    which = str(request.POST.get("form") or "") if request.method == "POST" else ""
    if which == "assessment":
        done, errors, values, status = post_form(
            request, lambda d: assessment_record(actor=actor, data={
                **d, "target": AssessmentTarget.AGREEMENT, "agreement": agreement.pk}),
            _("已记录影响评估。"))  # fmt: skip
        if done is not None:
            return redirect("information:agreement", agreement.pk)
    elif which == "consent":

        def consent(d: dict[str, Any]) -> Any:
            keys = str(d.get("subject_keys", "")).splitlines()
            return consent_record(actor=actor, agreement_id=agreement.pk, evidence=d.get(
                "evidence", ""), subject_keys=[k for k in keys if k.strip()])  # fmt: skip

        added, errors, values, status = post_form(request, consent, _("已登记单独同意。"))
        if added is not None:
            return redirect("information:agreement", agreement.pk)
    elif request.method == "POST":

        def write(d: dict[str, Any]) -> Any:
            params = {p.name: d.get(p.name, "") for p in (dataset.params if dataset else ())}
            return share_request(actor=actor, data={"agreement": agreement.pk, "params": params,
                                                    "note": d.get("note", "")})  # fmt: skip

        share, errors, values, status = post_form(request, write, _("已提交共享申请。"))
        if share is not None:
            return redirect("information:share", share.pk)
    return render(request, T + "agreement.html", _agreement_context(
        request, agreement, errors=errors, values=values, which=which), status=status)  # fmt: skip


@login_required
@require_POST
def agreement_action(request: HiqcRequest, agreement_id: str, action: str) -> HttpResponse:
    actor = request.actor
    agreement = selectors.access_agreement(actor, agreement_id)
    return post_case_action(
        request, case_id=str(agreement.pk), action=action[:60], workflow=AGREEMENT,
        apply=lambda **kw: agreement_act(actor=actor, agreement_id=agreement.pk,
                                         action=action[:60], **kw),
        reload=lambda: selectors.access_agreement(actor, agreement.pk),
        context=_agreement_context, template=T + "agreement.html",
        url_name="information:agreement",
    )  # fmt: skip


@login_required
def shares_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), ShareStatus.choices)})
    f = list_filters(form)
    page = Paginator(selectors.share_list(actor, status=f.get("status") or ""), 25).get_page(
        request.GET.get("page"))  # fmt: skip
    return render(request, T + "shares.html", {"page": page, "form": form})


def _share_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                   ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    record = selectors.share_record(case)
    methods = dict(Method.choices)
    return {
        **case_action_forms(KIND, case, request.actor, SHARE_INPUTS, refused=refused),
        "s": case,
        "record": record,
        "record_fields": [
            {"label": f.get("label", ""), "method": methods.get(f.get("method"), "")}
            for f in (record.fields if record else [])
        ],
        "can_download": may_download(request.actor, case),
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, SHARE_LABELS, dict(ShareStatus.choices)),
        "columns": _columns(case.agreement),
    }


@login_required
def share_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_share(request.actor, case_id)
    return render(request, T + "share.html", _share_context(request, case))


@login_required
@require_POST
def share_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_share(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=DATASHARE,
        apply=lambda **kw: share_act(actor=actor, case_id=case.pk, action=action[:60], **kw),
        reload=lambda: selectors.access_share(actor, case.pk), context=_share_context,
        template=T + "share.html", url_name="information:share",
    )  # fmt: skip


@login_required
def share_download(request: HiqcRequest, case_id: str) -> HttpResponse:
    name, body = share_file(actor=request.actor, case_id=case_id)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def incoming_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values, status = post_form(
            request, lambda d: incoming_record(actor=actor, data=d), _("已登记接收的数据。"))  # fmt: skip
        if done is not None:
            return redirect("information:incoming")
    page = Paginator(selectors.incoming_list(actor), 25).get_page(request.GET.get("page"))
    return render(request, T + "incoming.html", {
        "page": page, "errors": errors, "values": values, "can_record": actor.can(SHARE_REQUEST),
        "partners": selectors.partner_list(actor)[:200], "bases": Basis.choices,
    }, status=status)  # fmt: skip


@login_required
def assessments_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values, status = post_form(
            request, lambda d: assessment_record(actor=actor, data={
                **d, "target": AssessmentTarget.ACTIVITY}), _("已记录影响评估。"))  # fmt: skip
        if done is not None:
            return redirect("information:assessments")
    page = Paginator(selectors.assessment_list(actor), 25).get_page(request.GET.get("page"))
    can_manage = actor.can(SHARE_COMPLIANCE)
    return render(request, T + "assessments.html", {
        "page": page, "errors": errors, "values": values, "can_manage": can_manage,
        "activities": activities() if can_manage else [], "conclusions": Conclusion.choices,
        "units": units_in_scope(actor, SHARE_COMPLIANCE) if can_manage else [],
    }, status=status)  # fmt: skip
