"""Sharing pages (standard 6.3; issue 21 §7, §8): partners and agreements, an agreement's page
(fields and masking profile, impact assessments, its shares, a request form), shares and a share
case page with its actions and the download, incoming exchanges, impact assessments. Thin: every
read is a selector or a door, every write a service."""

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
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.datasets import dataset_get
from hiqc.core.errors import Conflict, Forbidden
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.core.personaldata import DataClass

from ..enums import VIEW
from . import selectors
from .enums import SHARE_COMPLIANCE, SHARE_REQUEST, AgreementStatus, Method, ShareStatus
from .services import (
    KIND,
    agreement_activate,
    may_download,
    share_act,
    share_file,
    share_request,
)
from .workflow import DATASHARE, SHARE_LABELS

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


@login_required
def agreements_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), AgreementStatus.choices)})
    f = list_filters(form)
    page = Paginator(selectors.agreement_list(actor, status=f.get("status") or ""), 25).get_page(
        request.GET.get("page"))  # fmt: skip
    return render(request, T + "agreements.html", {
        "page": page, "form": form, "partners": selectors.partner_list(actor)[:200]})  # fmt: skip


@login_required
def agreement_page(request: HiqcRequest, agreement_id: str) -> HttpResponse:
    actor = request.actor
    agreement = selectors.access_agreement(actor, agreement_id)
    dataset = dataset_get(agreement.dataset)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST" and request.POST.get("form") == "activate":
        try:
            agreement_activate(actor=actor, agreement_id=agreement.pk)
            messages.success(request, _("协议已生效。"))
            return redirect("information:agreement", agreement.pk)
        except (Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            status = exc.status
    elif request.method == "POST":

        def write(d: dict[str, Any]) -> Any:
            params = {p.name: d.get(p.name, "") for p in (dataset.params if dataset else ())}
            return share_request(actor=actor, data={"agreement": agreement.pk, "params": params,
                                                    "note": d.get("note", "")})  # fmt: skip

        share, errors, values, status = post_form(request, write, _("已提交共享申请。"))
        if share is not None:
            return redirect("information:share", share.pk)
    today = timezone.localdate()
    return render(request, T + "agreement.html", {
        "a": agreement, "dataset": dataset, "columns": _columns(agreement),
        "assessments": selectors.assessment_list(actor, agreement_id=agreement.pk),
        "shares": selectors.share_list(actor).filter(agreement=agreement)[:50],
        "params": [{"p": p, "value": values.get(p.name) or p.default(today),
                    "errors": errors.get(f"params.{p.name}", [])}
                   for p in (dataset.params if dataset else ())],
        "errors": errors, "values": values,
        "can_request": actor.can(SHARE_REQUEST, agreement.org_unit.path)
        and agreement.status == AgreementStatus.ACTIVE,
        "can_activate": actor.can(SHARE_COMPLIANCE, agreement.org_unit.path)
        and agreement.status == AgreementStatus.DRAFT,
    }, status=status)  # fmt: skip


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
    require(request.actor, VIEW)
    page = Paginator(selectors.incoming_list(request.actor), 25).get_page(request.GET.get("page"))
    return render(request, T + "incoming.html", {"page": page})


@login_required
def assessments_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    page = Paginator(selectors.assessment_list(request.actor), 25).get_page(
        request.GET.get("page"))  # fmt: skip
    return render(request, T + "assessments.html", {"page": page})
