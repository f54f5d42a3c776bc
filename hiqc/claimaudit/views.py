"""Claims-audit pages (standard 5.1.2(3), 5.3): rounds (list and create), a round's progress and
results, and the blind review form. Thin: they parse, call one selector or service, and render.

The review form shows the claim's facts, checklist and documents; the original decision
(outcome, amount, reason) appears only after the reviewer has submitted their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.claims.services import checklist
from hiqc.core.access import require
from hiqc.core.casework import Source, case_actions
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters, posted_version
from hiqc.core.http import HiqcRequest
from hiqc.customers.masking import masked
from hiqc.organisations.selectors import units_in_scope

from . import selectors, services
from .enums import ErrorType, ItemStatus, Method
from .forms import ErrorsForm, ReviewForm, RoundForm
from .models import AuditItem

AUDIT = "claims.audit"


def _form_errors(form: Any, exc: ValidationFailed) -> None:
    for name, msgs in exc.fields.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@login_required
def round_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, AUDIT)
    units = list(units_in_scope(actor, AUDIT))
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    initial = {
        "period_start": last_month_end.replace(day=1),
        "period_end": last_month_end,
        "name": _("{m} 理赔质量抽检").format(m=f"{last_month_end:%Y-%m}"),
    }
    form = RoundForm(request.POST or None, units=units, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                round_obj = services.round_create(
                    actor=actor, name=d["name"], org_unit_id=d["org_unit_id"],
                    period_start=d["period_start"], period_end=d["period_end"],
                    method=d["method"], confidence=d["confidence"], margin=d["margin"],
                    expected_rate=d["expected_rate"], bands=form.band_list(), seed=d["seed"],
                )  # fmt: skip
                messages.success(
                    request,
                    _("已抽取 {n} 件已核定案件（抽样框 {N} 件，随机种子 {seed}）。").format(
                        n=round_obj.sample_size, N=round_obj.population, seed=round_obj.seed
                    ),
                )
                return redirect("claimaudit:detail", round_id=round_obj.pk)
            except ValidationFailed as exc:
                _form_errors(form, exc)
    page = Paginator(selectors.round_list(actor), 20).get_page(request.GET.get("page"))
    return render(request, "claimaudit/list.html", {"form": form, "page": page}, status=status)


@login_required
def round_detail_page(request: HiqcRequest, round_id: str) -> HttpResponse:
    actor = request.actor
    round_obj = selectors.access_round(actor, round_id)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), ItemStatus.choices)})
    status = list_filters(form).get("status") or ""  # a bad status is shown at its field
    items = Paginator(selectors.item_list(actor, round_obj, status=status), 50).get_page(
        request.GET.get("page")
    )
    labels = dict(ErrorType.choices)
    # an earlier audit of a claim this reader is still to review blind: its error types would
    # tell the original decision's direction (错误拒赔, 超赔…), so they are withheld too
    blind = selectors.blind_pending_claim_ids(actor)
    rows = [
        {
            "i": i,
            "withheld": str(i.claim_id) in blind and i.status != ItemStatus.PENDING,
            "errors": [str(labels.get(t, t)) for t in i.errors],
        }
        for i in items
    ]
    allowed, held = case_actions(services.ROUND_KIND, round_obj, actor)
    return render(
        request,
        "claimaudit/detail.html",
        {
            "r": round_obj,
            "res": selectors.round_results(round_obj),
            "page": items,
            "rows": rows,
            "status": status,
            "statuses": ItemStatus.choices,
            "form": form,
            "stratified": round_obj.method == Method.STRATIFIED,
            "can_complete": any(t.name == "complete" for t in allowed),
            "complete_held": held.get("complete", ""),
        },
    )


@login_required
def round_next(request: HiqcRequest, round_id: str) -> HttpResponse:
    """The next claim this reviewer may audit (never one they handled)."""
    round_obj = selectors.access_round(request.actor, round_id)
    item = selectors.next_pending(request.actor, round_obj)
    if item is None:
        messages.info(request, _("没有您可以复核的待复核案件。"))
        return redirect("claimaudit:detail", round_id=round_obj.pk)
    return redirect("claimaudit:item", item_id=item.pk)


@login_required
@require_POST
def round_complete(request: HiqcRequest, round_id: str) -> HttpResponse:
    try:
        services.round_complete(
            actor=request.actor,
            round_id=round_id,
            version=posted_version(request.POST),
            source=Source.PAGE,
        )
        messages.success(request, _("抽检轮次已完成。"))
    except (Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
    return redirect("claimaudit:detail", round_id=round_id)


def _item_context(request: HiqcRequest, item: AuditItem) -> dict[str, Any]:
    """The claim's facts for the reviewer. The original decision is added only once the item
    has left PENDING: the blind form must not carry it, not even hidden."""
    claim = item.claim
    context: dict[str, Any] = {
        "item": item,
        "c": claim,
        "diagnosis": masked("diagnosis", claim.diagnosis_code or claim.diagnosis_text),
        "checklist": checklist(claim),
        "documents": selectors.claim_documents(item),
        "blind": item.status == ItemStatus.PENDING,
        "version": item.version,
    }
    if item.status != ItemStatus.PENDING:
        labels = dict(ErrorType.choices)
        context["original"] = {
            "outcome": item.get_original_outcome_display(),
            "amount": item.original_amount,
            "reason": item.get_original_reason_display() if item.original_reason else "",
        }
        context["suggested"] = [str(labels[t]) for t in services.suggested_errors(item)]
        context["error_labels"] = [str(labels[t]) for t in item.errors]
    return context


@login_required
def item_page(request: HiqcRequest, item_id: str) -> HttpResponse:
    actor = request.actor
    item = selectors.access_item(actor, item_id)
    if item.status != ItemStatus.DONE and selectors.handled_by(item, actor):
        raise Forbidden(_("不能复核本人经办或核定的理赔案件。"))
    if item.status != ItemStatus.PENDING:  # an earlier audit of a claim still to be reviewed blind
        selectors.claim_read_guard(actor, item.claim)  # would show its original decision
    context = _item_context(request, item)
    # the forms offered are exactly the actions that will succeed now (allowed_actions)
    allowed, held = case_actions(services.ITEM_KIND, item, actor)
    offered = {t.name for t in allowed}
    if "readjudicate" in offered:
        context["form"] = ReviewForm()
    elif "record_errors" in offered:
        context["errors_form"] = ErrorsForm(
            initial={"error_types": [str(t) for t in services.suggested_errors(item)]}
        )
    context["held"] = next(iter(held.values()), "")
    return render(request, "claimaudit/item.html", context)


@login_required
@require_POST
def item_review(request: HiqcRequest, item_id: str) -> HttpResponse:
    actor = request.actor
    form = ReviewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.item_readjudicate(
                actor=actor, item_id=item_id, outcome=d["outcome"], amount=d["amount"],
                reason_code=d["reason_code"], note=d["note"], version=posted_version(request.POST),
                source=Source.PAGE,
            )  # fmt: skip
            return redirect("claimaudit:item", item_id=item_id)
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("claimaudit:item", item_id=item_id)
    item = selectors.access_item(actor, item_id)
    if item.status != ItemStatus.PENDING:  # submitted meanwhile: never re-render blind
        return redirect("claimaudit:item", item_id=item_id)
    context = _item_context(request, item)
    context["form"] = form
    return render(request, "claimaudit/item.html", context, status=422)


@login_required
@require_POST
def item_errors(request: HiqcRequest, item_id: str) -> HttpResponse:
    actor = request.actor
    form = ErrorsForm(request.POST)
    types = form.cleaned_data["error_types"] if form.is_valid() else ["?"]
    try:
        item = services.item_record_errors(
            actor=actor, item_id=item_id, error_types=types, version=posted_version(request.POST),
            source=Source.PAGE,
        )  # fmt: skip
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
        return redirect("claimaudit:item", item_id=item_id)
    messages.success(request, _("已完成复核。"))
    return redirect("claimaudit:next", round_id=item.round_id)
