"""Product catalogue pages (issue 17 §1; 3.1.1, 3.3.1): the catalogue by line with each product's
version in force and the state of its versions; a product page with its versions, the full terms
of one version, a field-by-field comparison of two versions; creating a product, drafting,
editing, publishing and discarding a version; the CSV / Excel import.

Anyone with ``policies.view`` reads the catalogue (it is the insurer's, the same for every
branch); changing it needs ``policies.manage`` at head office (``catalogue.require_manage``).
Thin: selectors read, ``catalogue`` and ``catalogue_import`` write.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.forms import list_filters
from hiqc.core.http import HiqcRequest

from . import catalogue, selectors
from .catalogue_import import COLUMNS, SAMPLE, catalogue_import
from .enums import ClaimType
from .forms import (
    CoverageRows,
    DocumentRows,
    HealthServiceRows,
    ProductCreateForm,
    ProductEditForm,
    ProductFilterForm,
    ProductImportForm,
    PublishForm,
    SumInsuredRows,
    VersionTermsForm,
)

VIEW = "policies.view"
MANAGE = "policies.manage"
T = "policies/catalogue/"
PR1_LIMIT = Decimal("0.20")  # PR-1: health-management service cost ≤ 20 % of the net premium
SCALARS = ("term_years", "premium_basis", "net_premium_yuan", "waiting_period_days", "renewal")


def _product(code: str) -> Any:
    product = selectors.product_get(code)
    if product is None:
        raise NotFound()
    return product


def _version(product: Any, number: int) -> Any:
    version = selectors.version_get(product, number)
    if version is None:
        raise NotFound()
    return version


def _can_manage(request: HiqcRequest) -> bool:
    return request.actor.can_globally(MANAGE)


@login_required
def product_list_page(request: HiqcRequest) -> HttpResponse:
    """The catalogue: line filter, each product's version in force and its versions' states."""
    require(request.actor, VIEW)
    form = ProductFilterForm(request.GET or None)
    line = list_filters(form).get("line") or ""
    today = timezone.localdate()
    labels = dict(ClaimType.choices)
    rows = []
    for p in selectors.product_list(line=line):
        versions = selectors.product_versions(p)
        current = selectors.version_in_force(p, today)
        rows.append(
            {
                "product": p,
                "current": current,
                "claim_types": [str(labels.get(t, t)) for t in (current.claim_types or [])]
                if current
                else [],
                "versions": [selectors.version_view(v, versions, today) for v in versions],
            }
        )
    return render(
        request,
        T + "list.html",
        {"form": form, "rows": rows, "can_manage": _can_manage(request)},
    )


def _services(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Each health service with its cost share of the net premium (PR-1), in percent."""
    premium = view["net_premium_yuan"]
    out = []
    for s in view["health_services"]:
        cost = Decimal(str(s.get("cost_yuan") or 0))
        share = (cost / premium * 100).quantize(Decimal("0.1")) if premium else None
        out.append({"name": s.get("name"), "cost_yuan": cost, "share": share})
    return out


@login_required
def product_detail_page(request: HiqcRequest, code: str) -> HttpResponse:
    """A product: identity, versions, the terms of the version shown (``?v=``; by default the
    one in force, else the latest), a comparison of two versions (``?base=&other=``)."""
    return _detail(request, code, wanted=request.GET.get("v", ""))


def _detail(
    request: HiqcRequest,
    code: str,
    *,
    wanted: str,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    require(request.actor, VIEW)
    product = _product(code)
    today = timezone.localdate()
    versions = selectors.product_versions(product)
    views = [selectors.version_view(v, versions, today) for v in versions]
    shown = None
    if wanted.isdigit():
        shown = next((v for v in views if v["number"] == int(wanted)), None)
    if shown is None:
        current = selectors.version_in_force(product, today)
        shown = next((v for v in views if current and v["number"] == current.number), None)
        shown = shown or (views[-1] if views else None)
    share = shown["health_service_share"] if shown else None
    comparison = None
    base, other = request.GET.get("base", ""), request.GET.get("other", "")
    if not (base.isdigit() and other.isdigit()) and len(versions) >= 2:
        base, other = str(versions[-2].number), str(versions[-1].number)
    if base.isdigit() and other.isdigit():
        a = selectors.version_get(product, int(base))
        b = selectors.version_get(product, int(other))
        if a is not None and b is not None:
            comparison = {"base": a, "other": b, "changes": selectors.version_compare(a, b)}
    draft = selectors.version_draft_of(product)
    return render(
        request,
        T + "detail.html",
        {
            "product": product,
            "versions": views,
            "shown": shown,
            "services": _services(shown) if shown else [],
            "share_percent": (share * 100).quantize(Decimal("0.1")) if share is not None else None,
            "pr1_exceeded": share is not None and share > PR1_LIMIT,
            "comparison": comparison,
            "numbers": [v.number for v in versions],
            "draft": draft,
            "can_manage": _can_manage(request),
            "publish_form": publish_form or PublishForm(),
        },
        status=status,
    )


@login_required
def product_new_page(request: HiqcRequest) -> HttpResponse:
    """A new product: its identity, then its first draft to fill in."""
    catalogue.require_manage(request.actor)
    form = ProductCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = catalogue.product_create_with_version(request.actor, **form.cleaned_data)
        except ValidationFailed as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("产品已创建，请填写第1版条款。"))
            return redirect("policies:version_edit", code=version.product.code, number=1)
    return render(request, T + "new.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def product_edit_page(request: HiqcRequest, code: str) -> HttpResponse:
    """A product's name, line (until a version is published), description and whether it is on
    sale; its terms change through a new version."""
    catalogue.require_manage(request.actor)
    product = _product(code)
    published = any(v.effective_from for v in selectors.product_versions(product))
    initial = {k: getattr(product, k) for k in ("name", "line", "description", "active")}
    form = ProductEditForm(request.POST or None, initial=initial)
    if published:
        form.fields["line"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.product_update(request.actor, product, form.cleaned_data)
        except ValidationFailed as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("产品信息已保存。"))
            return redirect("policies:product", code=product.code)
    return render(request, T + "edit_product.html", {"form": form, "product": product},
                  status=422 if form.errors else 200)  # fmt: skip


def _field_errors(form: Any, exc: ValidationFailed) -> dict[str, list[str]]:
    """Put each error at its field; return those the form has no field for."""
    rest: dict[str, list[str]] = {}
    for key, problems in exc.fields.items():
        for problem in problems:
            if key in form.fields:
                form.add_error(key, problem)
            else:
                rest.setdefault(key, []).append(problem)
    return rest


@login_required
@require_POST
def version_new(request: HiqcRequest, code: str) -> HttpResponse:
    """A new draft from the latest published version (3.3.1: an update is a new version)."""
    product = _product(code)
    try:
        version = catalogue.version_draft(request.actor, product)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("policies:product", code=product.code)
    return redirect("policies:version_edit", code=product.code, number=version.number)


def _initial(version: Any) -> dict[str, Any]:
    return {
        "terms": {
            **{f: getattr(version, f) for f in SCALARS},
            "claim_types": list(version.claim_types or []),
            "change_summary": version.change_summary,
        },
        "coverage": list(version.coverage or []),
        "sums": [{"amount": a} for a in version.sum_insured_options or []],
        "services": list(version.health_services or []),
        "documents": [
            {"claim_type": d.claim_type, "code": d.code, "name": d.name, "required": d.required}
            for d in sorted(version.documents.all(), key=lambda d: (d.claim_type, d.position))
        ],
    }


def _kept(formset: Any, *keys: str) -> list[dict[str, Any]]:
    """The rows of a valid formset that are neither blank nor marked for deletion."""
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and any(f.cleaned_data.get(k) not in (None, "") for k in keys)
    ]


@login_required
def version_edit_page(request: HiqcRequest, code: str, number: int) -> HttpResponse:
    """Edit a draft: its terms, coverage, sums insured, health services and checklist as rows.
    Every problem is shown at its field or its section; nothing is saved then."""
    catalogue.require_manage(request.actor)
    product = _product(code)
    version = _version(product, number)
    if version.is_published:
        messages.error(request, _("已发布的版本不可修改；如需变更，请新建版本。"))
        return redirect("policies:product", code=product.code)
    initial = _initial(version)
    data = request.POST if request.method == "POST" else None
    terms_form = VersionTermsForm(data, initial=initial["terms"])
    sets = {
        "coverage": CoverageRows(data, initial=initial["coverage"], prefix="coverage"),
        "sums": SumInsuredRows(data, initial=initial["sums"], prefix="sums"),
        "services": HealthServiceRows(data, initial=initial["services"], prefix="services"),
        "documents": DocumentRows(data, initial=initial["documents"], prefix="documents"),
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if data is not None:
        if terms_form.is_valid() and all(s.is_valid() for s in sets.values()):
            terms, checklists = _posted_terms(terms_form, sets, errors)
            if errors:  # the rows' own problems; the terms are still checked, not saved
                _clean, problems = catalogue.terms_check(terms)
                errors.update(_field_errors(terms_form, ValidationFailed("", fields=problems)))
            else:
                try:
                    catalogue.version_save(request.actor, version, terms, checklists)
                except ValidationFailed as exc:
                    errors = _field_errors(terms_form, exc)
                else:
                    messages.success(request, _("草稿已保存。"))
                    if "continue" in request.POST:
                        return redirect("policies:version_edit", code=code, number=number)
                    return redirect(f"{_product_url(code)}?v={number}")
        status = 422
    return render(
        request,
        T + "edit.html",
        {
            "product": product,
            "version": version,
            "terms_form": terms_form,
            "sets": sets,
            "errors": errors,
            "problems": catalogue.version_problems(version),
        },
        status=status,
    )


def _product_url(code: str) -> str:
    from django.urls import reverse

    return reverse("policies:product", kwargs={"code": code})


def _posted_terms(
    terms_form: VersionTermsForm, sets: dict[str, Any], errors: dict[str, list[str]]
) -> tuple[dict[str, Any], dict[str, list[tuple[str, str, bool]]]]:
    """The catalogue's terms and checklists (every claim type covered: a full replacement)."""
    cd = terms_form.cleaned_data
    terms: dict[str, Any] = {f: cd.get(f) for f in SCALARS}
    terms["net_premium_yuan"] = str(cd["net_premium_yuan"]) if cd.get("net_premium_yuan") else None
    terms["claim_types"] = list(cd.get("claim_types") or [])
    terms["change_summary"] = cd.get("change_summary") or ""
    terms["coverage"] = [
        {"code": r.get("code") or "", "name": r.get("name") or "",
         "description": r.get("description") or ""}
        for r in _kept(sets["coverage"], "code", "name", "description")
    ]  # fmt: skip
    terms["sum_insured_options"] = [r["amount"] for r in _kept(sets["sums"], "amount")]
    terms["health_services"] = [
        {"name": r.get("name") or "", "cost_yuan": "" if r.get("cost_yuan") is None
         else str(r["cost_yuan"])}
        for r in _kept(sets["services"], "name", "cost_yuan")
    ]  # fmt: skip
    checklists: dict[str, list[tuple[str, str, bool]]] = {t: [] for t in terms["claim_types"]}
    labels = dict(ClaimType.choices)
    for r in _kept(sets["documents"], "code", "name"):
        claim_type = r.get("claim_type") or ""
        if claim_type not in checklists:  # not covered: said here, with the covered ones
            errors.setdefault("documents", []).append(
                _("材料“{name}”：请选择本版本承保的理赔类型（{types}）。").format(
                    name=r.get("name") or r.get("code"),
                    types="、".join(str(labels[t]) for t in checklists) or "—",
                )
            )
            continue
        checklists[claim_type].append(
            (r.get("code") or "", r.get("name") or "", bool(r.get("required")))
        )
    return terms, checklists


@login_required
@require_POST
def version_publish(request: HiqcRequest, code: str, number: int) -> HttpResponse:
    """Publish a draft from a date; what is missing is shown on the product page."""
    catalogue.require_manage(request.actor)
    product = _product(code)
    version = _version(product, number)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            catalogue.version_publish(
                request.actor, version, effective_from=form.cleaned_data["effective_from"]
            )
        except ValidationFailed as exc:
            for key, problems in exc.fields.items():
                for problem in problems:
                    form.add_error(
                        "effective_from" if key == "effective_from" else None,
                        problem if key == "effective_from" else f"{_label(key)}：{problem}",
                    )
        else:
            messages.success(request, _("第{n}版已发布。").format(n=number))
            return redirect(f"{_product_url(code)}?v={number}")
    return _detail(request, code, wanted=str(number), publish_form=form, status=422)


def _label(field: str) -> str:
    from .models import ProductVersion

    try:
        return str(getattr(ProductVersion._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:  # "documents" is the checklist, not a field
        return _("理赔材料清单")


@login_required
@require_POST
def version_discard(request: HiqcRequest, code: str, number: int) -> HttpResponse:
    catalogue.require_manage(request.actor)
    product = _product(code)
    version = _version(product, number)
    try:
        catalogue.version_discard(request.actor, version)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("草稿第{n}版已放弃。").format(n=number))
    return redirect("policies:product", code=product.code)


@login_required
def product_import_page(request: HiqcRequest) -> HttpResponse:
    """Upload an Excel workbook or a CSV of product versions; report by row."""
    catalogue.require_manage(request.actor)
    form = ProductImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = catalogue_import(
                actor=request.actor, source=upload, origin="page", file_name=upload.name
            )
        except ValidationFailed as exc:
            for problems in exc.fields.values():
                for problem in problems:
                    form.add_error("file", problem)
    return render(
        request,
        T + "import.html",
        {"form": form, "report": report, "columns": ", ".join(COLUMNS)},
        status=422 if form.errors else 200,
    )


@login_required
def product_import_template(request: HiqcRequest) -> HttpResponse:
    """The sample file (UTF-8 with a BOM so Excel opens it in Chinese)."""
    catalogue.require_manage(request.actor)
    response = HttpResponse("\ufeff" + SAMPLE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="products-template.csv"'
    return response
