from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.collection import Channel, describe
from hiqc.core.errors import ValidationFailed
from hiqc.core.forms import list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.personaldata import Basis
from hiqc.organisations.selectors import units_in_scope

from . import selectors, services
from .enums import RevealableField
from .forms import CustomerForm, CustomerSearchForm, RevealForm
from .masking import masked


@login_required
def customer_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "customers.view")
    form = CustomerSearchForm(request.GET or None)
    q = list_filters(form).get("q") or ""  # a bad filter is shown at its field, never ignored
    page = Paginator(selectors.customer_list(actor, q=q), 25).get_page(request.GET.get("page"))
    rows = [
        {
            "customer": c,
            "id_number": masked("id_number", c.id_number),
            "mobile": masked("mobile", c.mobile),
        }
        for c in page
    ]
    return render(
        request,
        "customers/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "q": q,
            "can_create": actor.can("customers.edit"),
        },
    )


@login_required
def customer_create_page(request: HiqcRequest) -> HttpResponse:
    """Register a customer in an org unit where the actor holds customers.edit."""
    actor = request.actor
    require(actor, "customers.edit")
    units = units_in_scope(actor, "customers.edit")
    form = CustomerForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        extra = ("org_unit", "collection_basis", "source_system")
        data = {k: v for k, v in form.cleaned_data.items() if k not in extra}
        try:
            customer = services.customer_create(
                actor=actor,
                org_unit_id=form.cleaned_data["org_unit"],
                data=data,
                basis=form.cleaned_data["collection_basis"] or Basis.CONTRACT,
                channel=Channel.FORM,
                source_system=form.cleaned_data["source_system"],
            )
            messages.success(request, _("客户已登记。"))
            return redirect("customers:detail", customer_id=customer.pk)
        except ValidationFailed as exc:
            for name, msgs in exc.fields.items():
                for m in msgs:
                    form.add_error(name if name in form.fields else None, m)
    return render(request, "customers/create.html", {"form": form})


def _masked_fields(customer) -> list[dict]:
    return [
        {"name": f.value, "label": f.label, "masked": masked(f.value, getattr(customer, f.value))}
        for f in RevealableField
    ]


@login_required
def customer_detail_page(request: HiqcRequest, customer_id: str) -> HttpResponse:
    actor = request.actor
    customer = selectors.access_customer(actor, customer_id)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "fields": _masked_fields(customer),
            "can_reveal": actor.can("customers.reveal", customer.org_unit.path),
            "source": describe(customer.collection),
            "reveal_form": RevealForm(),
        },
    )


@login_required
@require_POST
def customer_reveal_fragment(request: HiqcRequest, customer_id: str) -> HttpResponse:
    """HTMX: reveal one field with a purpose; answers with the field's row (clear or with errors)."""
    actor = request.actor
    customer = selectors.access_customer(actor, customer_id)
    form = RevealForm(request.POST)
    field = request.POST.get("field", "")
    ctx = {
        "customer": customer,
        "form": form,
        "field": next((f for f in _masked_fields(customer) if f["name"] == field), None),
    }
    if form.is_valid():
        try:
            ctx["value"] = services.customer_reveal(
                actor=actor,
                customer_id=customer.pk,
                field=form.cleaned_data["field"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationFailed as exc:
            for name, messages in exc.fields.items():
                for m in messages:
                    form.add_error(name if name in form.fields else None, m)
    return render(request, "customers/_reveal.html", ctx)


@login_required
def reveal_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "audit.view")
    page = Paginator(selectors.reveal_list(actor), 50).get_page(request.GET.get("page"))
    return render(request, "customers/reveals.html", {"page": page})


@login_required
def data_quality_page(request: HiqcRequest) -> HttpResponse:
    """Customer-data quality per unit (6.1.1; issue 21 §3): missing, invalid and stale fields,
    as the latest nightly tally counted them."""
    from .quality import PROBLEMS, data_quality, latest_tally

    actor = request.actor
    require(actor, "customers.view")
    units = data_quality(actor)
    return render(
        request,
        "customers/quality.html",
        {"units": units, "problems": PROBLEMS, "stale_years": _stale_years(),
         "tally": latest_tally()},
    )  # fmt: skip


def _stale_years() -> int:
    from hiqc.core.rules import rule_value

    from .retention import STALE_YEARS

    return int(rule_value(STALE_YEARS.key))


@login_required
def data_quality_detail_page(request: HiqcRequest, unit_id, problem: str) -> HttpResponse:
    """The customers of one unit with one problem, masked; a reveal goes through the detail
    page's audited reveal."""
    from django.http import Http404

    from .quality import PROBLEMS, problem_customers

    actor = request.actor
    require(actor, "customers.view")
    if problem not in PROBLEMS:
        raise Http404()
    unit, customers = problem_customers(actor, unit_id=unit_id, problem=problem)
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "customer": c,
            "id_number": masked("id_number", c.id_number),
            "mobile": masked("mobile", c.mobile),
        }
        for c in page
    ]
    return render(
        request,
        "customers/quality_detail.html",
        {
            "unit": unit,
            "problem": problem,
            "problem_label": PROBLEMS[problem],
            "page": page,
            "rows": rows,
            "total": len(customers),
        },
    )
