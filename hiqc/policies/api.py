from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS

from . import selectors, services
from .schemas import PolicyImportOut, PolicyOut, ProductOut

router = Router(tags=["policies"])


@router.get("/products", response={200: list[ProductOut], **ERRORS})
def list_products(request: HiqcRequest, active_only: bool = False):
    """The product catalogue (shared by every branch): line, claim types covered and, per claim
    type, the document checklist the one-time notice works through (CL-1). Needs
    `policies.view`."""
    require(request.actor, "policies.view")
    return list(selectors.product_list(active_only=active_only))


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
