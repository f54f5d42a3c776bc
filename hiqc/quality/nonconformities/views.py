"""Nonconformity pages (standard 10.2, 2.3.1; issue 7 §4): the list with clocks, opening one by
hand, and one nonconformity with its clocks, actions and timeline."""

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
from hiqc.core.case_pages import history, post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms
from hiqc.core.errors import ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.indicators import INDICATORS
from hiqc.core.mywork import countdown
from hiqc.organisations.selectors import units_in_scope

from ..enums import MANUAL_SOURCES, NCSource, NCStatus
from ..workflow import ACTION_LABELS, NONCONFORMITY, OPEN, VIEW
from . import selectors
from .services import KIND, access_nonconformity, nonconformity_act, nonconformity_open

ACTION_INPUTS = {
    "record_cause": [("root_cause", "textarea", gettext_noop("原因分析（根本原因）")),
                     ("correction", "textarea", gettext_noop("纠正与预防措施"))],
    "close": [("verification", "textarea", gettext_noop("整改效果验证"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip


@login_required
def nonconformities_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), NCStatus.choices),
                                              "source": (_("来源"), NCSource.choices)})  # fmt: skip
    f = list_filters(form)  # a bad filter is shown at its field; the valid ones still apply
    status, source = f.get("status") or "", f.get("source") or ""
    qs = selectors.nonconformities(actor, status=status, source=source)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    clocks = selectors.open_clocks([n.pk for n in page])
    rows = [{"n": n, "clocks": [{"d": d, "left": countdown(d, now)}
                                for d in clocks.get(str(n.pk), [])]} for n in page]  # fmt: skip
    return render(request, "quality/nonconformities.html", {
        "page": page, "rows": rows, "status": status, "source": source,
        "statuses": NCStatus.choices, "sources": NCSource.choices,
        "can_open": actor.can(OPEN), "form": form,
    })  # fmt: skip


@login_required
def nonconformity_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, OPEN)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"source": request.GET.get("source", ""),
                              "finding": request.GET.get("finding", "")}  # fmt: skip
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        try:
            nc = nonconformity_open(actor=actor, org_unit_id=request.POST.get("org_unit"),
                                    data=request.POST)  # fmt: skip
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记不符合项 {n}。").format(n=nc.number))
            return redirect("quality:nonconformity", nc.pk)
    return render(request, "quality/nonconformity_new.html", {
        "values": values, "errors": errors, "sources": MANUAL_SOURCES,
        "units": units_in_scope(actor, OPEN),
    }, status=status)  # fmt: skip


def _context(request: HiqcRequest, nc: Any, refused: RefusedAction | None = None) -> dict[str, Any]:
    now = timezone.now()
    states = dict(NCStatus.choices)
    return {
        **case_action_forms(KIND, nc, request.actor, ACTION_INPUTS, refused=refused),
        "n": nc,
        "indicator": INDICATORS.get(nc.indicator_code),
        "clocks": [{"d": d, "left": countdown(d, now)} for d in selectors.deadlines(KIND, nc)],
        "events": history(KIND, nc, ACTION_LABELS, states),
    }  # fmt: skip


@login_required
def nonconformity_page(request: HiqcRequest, nc_id: str) -> HttpResponse:
    nc = access_nonconformity(request.actor, nc_id)
    return render(request, "quality/nonconformity.html", _context(request, nc))


@login_required
@require_POST
def nonconformity_action(request: HiqcRequest, nc_id: str, action: str) -> HttpResponse:
    actor = request.actor
    return post_case_action(
        request, case_id=nc_id, action=action, workflow=NONCONFORMITY,
        apply=lambda **kw: nonconformity_act(actor=actor, nc_id=nc_id, action=action, **kw),
        reload=lambda: access_nonconformity(actor, nc_id), context=_context,
        template="quality/nonconformity.html", url_name="quality:nonconformity",
    )  # fmt: skip
