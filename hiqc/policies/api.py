from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS

from . import catalogue, selectors, services
from .catalogue_import import catalogue_import
from .schemas import (
    CatalogueImportOut,
    PolicyImportOut,
    PolicyOut,
    ProductCreateIn,
    ProductDetailOut,
    ProductOut,
    ProductUpdateIn,
    PublishIn,
    TermsIn,
    VersionComparisonOut,
    VersionDraftIn,
    VersionOut,
)

router = Router(tags=["policies"])
VIEW = "policies.view"
TERM_FIELDS = tuple(f for f in TermsIn.model_fields if f != "checklists")


@router.get("/products", response={200: list[ProductOut], **ERRORS})
def list_products(request: HiqcRequest, active_only: bool = False, line: str = ""):
    """The product catalogue (shared by every branch): line, claim types covered and, per claim
    type, the document checklist the one-time notice works through (CL-1), from the version in
    force today (`version`: its number). `line` keeps one line of business. Needs
    `policies.view`."""
    require(request.actor, VIEW)
    return list(selectors.product_list(active_only=active_only, line=line))


def _terms(payload: TermsIn) -> tuple[dict[str, Any], dict[str, list] | None]:
    """(terms, checklists) of a payload: only the fields it sets."""
    data = payload.dict(exclude_unset=True)
    terms = {
        k: data[k]
        for k in TERM_FIELDS
        if k in data and (data[k] is not None or k == "net_premium_yuan")
    }
    checklists = None
    if data.get("checklists") is not None:
        checklists = {
            c["claim_type"]: [(d["code"], d["name"], d["required"]) for d in c["documents"]]
            for c in data["checklists"]
        }
    return terms, checklists


def _product(code: str):
    product = selectors.product_get(code)
    if product is None:
        raise NotFound()
    return product


def _detail(product):
    return product  # ProductDetailOut resolves the versions


def _version(code: str, number: int) -> dict:
    product = _product(code)
    versions = selectors.product_versions(product)
    version = selectors.version_get(product, number)
    if version is None:
        raise NotFound()
    return selectors.version_view(version, versions, timezone.localdate())


@router.post("/products", response={201: ProductDetailOut, **ERRORS})
def create_product(request: HiqcRequest, payload: ProductCreateIn):
    """A new product and its first version in one call (issue 17 §1): identity (`code`, `name`,
    `line`, `description`), the version's terms and `checklists` (per claim type, the documents
    a claim needs). With `effective_from` the version is published (frozen) from that date, and
    then it must be complete. Every problem is reported by field (422) and nothing is created.
    Needs `policies.manage` at head office."""
    terms, checklists = _terms(payload)
    version = catalogue.product_create_with_version(
        request.actor,
        code=payload.code,
        name=payload.name,
        line=payload.line,
        description=payload.description,
        terms=terms,
        checklists=checklists,
        effective_from=payload.effective_from,
    )
    return Status(201, _detail(_product(version.product.code)))


@router.post(
    "/products/import", response={200: CatalogueImportOut, **ERRORS}, openapi_extra={
        "requestBody": {"required": True, "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}},
        }}
    },
)  # fmt: skip
def import_products(request: HiqcRequest):
    """Import product versions (issue 17 §1): a CSV body (`text/csv`, UTF-8 or GB18030) or an
    Excel workbook (first sheet), one row per version, header row first; columns code, name,
    line, description, version, effective_from, term_years, premium_basis, net_premium_yuan,
    waiting_period_days, renewal, sum_insured_options (`a;b`), coverage (`name;name`),
    health_services (`name:cost;…`), claim_types (`type;type`, codes or labels), documents
    (`claim_type:code:name:required|…`), change_summary (docs/samples/products.csv). Rows with a
    date are published. Idempotent: a published version with the same terms is counted
    unchanged; a row that differs from a published version is refused. Bad rows are listed with
    line, field and problem while the good rows are kept. Needs `policies.manage` at head
    office."""
    catalogue.require_manage(request.actor)
    if not request.body:
        raise ValidationFailed(_("请求体为空：请提供 CSV 或 Excel 文件。"),
                               fields={"body": [_("此项必填。")]})  # fmt: skip
    report = catalogue_import(actor=request.actor, source=[request.body], origin="api")
    return report.as_dict()


@router.get("/products/{code}", response={200: ProductDetailOut, **ERRORS})
def get_product(request: HiqcRequest, code: str):
    """One product with every version (number, state, date in force, who published it, terms,
    checklists; for a draft, what stops publishing). Needs `policies.view`."""
    require(request.actor, VIEW)
    return _detail(_product(code))


@router.patch("/products/{code}", response={200: ProductDetailOut, **ERRORS})
def update_product(request: HiqcRequest, code: str, payload: ProductUpdateIn):
    """Rename a product, change its description, take it off sale (`active: false`) or back, or
    correct its `line` while none of its versions has been published (422 on `line` after).
    Only the fields sent change; the terms change through a new version. Needs
    `policies.manage` at head office."""
    catalogue.require_manage(request.actor)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    product = catalogue.product_update(request.actor, _product(code[:40]), changes)
    return _detail(product)


@router.get("/products/{code}/compare", response={200: VersionComparisonOut, **ERRORS})
def compare_versions(request: HiqcRequest, code: str, base: int, other: int):
    """What changed from version `base` to version `other`, field by field (lists: items added,
    removed, changed; the checklist per claim type). Needs `policies.view`."""
    require(request.actor, VIEW)
    product = _product(code)
    a, b = selectors.version_get(product, base), selectors.version_get(product, other)
    if a is None or b is None:
        raise NotFound()
    return {"base": base, "other": other, "changes": selectors.version_compare(a, b)}


@router.post("/products/{code}/versions", response={201: VersionOut, **ERRORS})
def create_version(request: HiqcRequest, code: str, payload: VersionDraftIn):
    """A new draft version: a copy of version `based_on` (default: the latest published) with
    the terms and checklists given changed; published at once when `effective_from` is given.
    One draft per product. Needs `policies.manage` at head office."""
    catalogue.require_manage(request.actor)
    product = _product(code)
    based_on = None
    if payload.based_on is not None:
        based_on = selectors.version_get(product, payload.based_on)
        if based_on is None:
            raise ValidationFailed(_("产品信息有误，请按提示修改。"),
                                   fields={"based_on": [_("该产品没有此版本。")]})  # fmt: skip
    terms, checklists = _terms(payload)
    version = catalogue.version_draft_with_terms(
        request.actor, product, based_on=based_on, terms=terms, checklists=checklists,
        effective_from=payload.effective_from,
    )  # fmt: skip
    return Status(201, _version(code, version.number))


@router.patch("/products/{code}/versions/{number}", response={200: VersionOut, **ERRORS})
def update_version(request: HiqcRequest, code: str, number: int, payload: TermsIn):
    """Change a draft's terms and checklists (only the fields given). A published version is
    frozen (422, field `version`). Needs `policies.manage` at head office."""
    catalogue.require_manage(request.actor)
    product = _product(code)
    version = selectors.version_get(product, number)
    if version is None:
        raise NotFound()
    terms, checklists = _terms(payload)
    catalogue.version_save(request.actor, version, terms, checklists)
    return _version(code, number)


@router.post("/products/{code}/versions/{number}/publish", response={200: VersionOut, **ERRORS})
def publish_version(request: HiqcRequest, code: str, number: int, payload: PublishIn):
    """Publish a draft, in force from `effective_from` (after the previous version's date); from
    then on it is frozen. What is missing is reported by field. Needs `policies.manage` at head
    office."""
    catalogue.require_manage(request.actor)
    version = selectors.version_get(_product(code), number)
    if version is None:
        raise NotFound()
    catalogue.version_publish(request.actor, version, effective_from=payload.effective_from)
    return _version(code, number)


@router.get("/policies", response={200: list[PolicyOut], **ERRORS})
@paginate
def list_policies(request: HiqcRequest, number: str = "", product: str = "", status: str = ""):
    """Policies in the caller's `policies.view` scope; `number` matches the start of the policy
    number, `product` is a product code. ID numbers are masked."""
    require(request.actor, "policies.view")
    return selectors.policy_list(request.actor, number=number, product=product, status=status)


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.post(
    "/policies/import", response={200: PolicyImportOut, **ERRORS}, openapi_extra=IMPORT_BODY
)
def import_policies(request: HiqcRequest):
    """Import policies (issue 5 §1): a CSV body with a header row (`text/csv`) and the columns
    number, product, org_unit, holder_id_number, insured_id_numbers (`;`-separated; empty = the
    holder), relation, start_date, end_date, premium_yuan, status. Customers must exist (found by
    ID number). Idempotent by policy number (a known number is updated in place); bad rows are
    listed with line, field and problem (the first 1,000; `rejected_more` counts the rest) while
    the good rows are kept. Needs `policies.manage`; rows for units outside its scope are
    rejected."""
    require(request.actor, "policies.manage")
    content_type = request.content_type or ""
    if content_type != "text/csv":
        raise ValidationFailed(
            _("请求体须为 text/csv。"), fields={"content_type": [content_type or "—"]}
        )
    report = services.policies_import(actor=request.actor, source=request, origin="api")
    return {
        "rows_read": report.rows_read,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "insured_added": report.insured_added,
        "rejected_total": report.rejected_total,
        "rejected": [r.__dict__ for r in report.rejected],
        "rejected_more": report.rejected_more,
    }


@router.get("/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def get_policy(request: HiqcRequest, policy_id: UUID):
    """One policy in the caller's `policies.view` scope (404 when missing or not theirs)."""
    return selectors.access_policy(request.actor, policy_id)
