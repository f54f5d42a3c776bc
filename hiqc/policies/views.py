"""Policy pages (issue 5 §1): search by number, one policy, the product catalogue with its claim
checklists, and the CSV import. Thin: selectors read, ``services.policies_import`` writes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from hiqc.core.access import require
from hiqc.core.errors import ValidationFailed
from hiqc.core.forms import list_filters
from hiqc.core.http import HiqcRequest
from hiqc.customers.masking import masked

from . import selectors, services
from .enums import ClaimType, Relation
from .forms import PolicyImportForm, PolicySearchForm
from .ingest import COLUMNS


@login_required
def policy_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "policies.view")
    form = PolicySearchForm(request.GET or None)
    f = list_filters(form)  # a bad filter is shown at its field; the valid ones still apply
    number, status = f.get("number") or "", f.get("status") or ""
    page = Paginator(
        selectors.policy_list(actor, number=number, status=status).order_by(
            "-start_date", "number"
        ),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/list.html",
        {
            "form": form,
            "page": page,
            "number": number,
            "can_import": actor.can("policies.manage"),
        },
    )


@login_required
def policy_detail_page(request: HiqcRequest, policy_id: str) -> HttpResponse:
    actor = request.actor
    policy = selectors.access_policy(actor, policy_id)
    relations = dict(Relation.choices)
    insured = [
        {
            "customer": i.customer,
            "id_number": masked("id_number", i.customer.id_number),
            "relation": relations.get(i.relation, i.relation),
        }
        for i in policy.insured.all()
    ]
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "holder_id_number": masked("id_number", policy.holder.id_number),
            "insured": insured,
            "checklists": _checklists(policy.product_version),
            "can_see_customers": actor.can("customers.view", policy.org_unit.path),
        },
    )


def _checklists(version) -> list[dict]:
    if version is None:
        return []
    labels = dict(ClaimType.choices)
    return [
        {"claim_type": t, "label": labels.get(t, t), "documents": docs}
        for t, docs in selectors.checklists(version)
    ]


@login_required
def import_page(request: HiqcRequest) -> HttpResponse:
    """Upload a CSV of policies; report created / updated / unchanged / bad rows by line."""
    actor = request.actor
    require(actor, "policies.manage")
    form = PolicyImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.policies_import(
                actor=actor, source=upload, origin="page", file_name=upload.name
            )
        except ValidationFailed as exc:
            for messages in exc.fields.values():
                for m in messages:
                    form.add_error("file", m)
    return render(
        request,
        "policies/import.html",
        {"form": form, "report": report, "columns": ", ".join(COLUMNS)},
    )
