"""Claims-audit API (standard 5.1.2(3), 5.3): thin — one selector or service per endpoint.
Before the reviewer submits their own decision an item never carries the original one."""

from dataclasses import asdict
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, ErrorOut

from . import selectors, services
from .enums import ItemStatus
from .models import AuditItem
from .schemas import AuditItemOut, AuditResultsOut, ErrorsIn, ReviewIn, RoundIn, RoundOut

router = Router(tags=["claim-audits"])
CONFLICT = {**ERRORS, 409: ErrorOut}


def item_out(item: AuditItem) -> dict:
    """The API view of an item: the original decision only after the blind review."""
    out = {
        "id": item.pk, "round_id": item.round_id, "claim_id": item.claim_id,
        "claim_number": item.claim.number, "claim_type": item.claim.claim_type,
        "amount_claimed": item.claim.amount_claimed, "incident_date": item.claim.incident_date,
        "org_unit_id": item.org_unit_id, "stratum": item.stratum, "status": item.status,
        "errors": item.errors,
    }  # fmt: skip
    if item.status != ItemStatus.PENDING:
        out["review"] = {"outcome": item.review_outcome, "amount": item.review_amount,
                         "reason_code": item.review_reason}  # fmt: skip
        out["original"] = {"outcome": item.original_outcome, "amount": item.original_amount,
                           "reason_code": item.original_reason}  # fmt: skip
        out["suggested_errors"] = [str(t) for t in services.suggested_errors(item)]
    return out


@router.get("/claim-audits/rounds", response={200: list[RoundOut], **ERRORS})
@paginate
def list_rounds(request: HiqcRequest, status: str = ""):
    """Audit rounds in the caller's claims.audit scope, newest first."""
    require(request.actor, "claims.audit")
    return selectors.round_list(request.actor, status=status)


@router.post("/claim-audits/rounds", response={201: RoundOut, **ERRORS})
def create_round(request: HiqcRequest, payload: RoundIn):
    """Sample decided claims: size from margin of error and confidence; seeded draw."""
    round_obj = services.round_create(actor=request.actor, **payload.dict())
    return Status(201, round_obj)


@router.get("/claim-audits/rounds/{round_id}", response={200: AuditResultsOut, **ERRORS})
def get_round(request: HiqcRequest, round_id: UUID):
    """A round with its progress and results (error rates with Wilson 95 % intervals)."""
    round_obj = selectors.access_round(request.actor, round_id)
    results = selectors.round_results(round_obj)
    body = asdict(results)
    body["by_type"] = [{"label": label, "count": n} for label, n in results.by_type]
    return {"round": round_obj, **body}


@router.get("/claim-audits/rounds/{round_id}/items", response={200: list[AuditItemOut], **ERRORS})
@paginate
def list_items(request: HiqcRequest, round_id: UUID, status: str = ""):
    """The round's sampled claims (original decisions only for reviewed ones)."""
    round_obj = selectors.access_round(request.actor, round_id)
    return [item_out(i) for i in selectors.item_list(request.actor, round_obj, status=status)]


@router.post("/claim-audits/rounds/{round_id}/complete", response={200: RoundOut, **CONFLICT})
def complete_round(request: HiqcRequest, round_id: UUID):
    """Close a round whose sampled claims are all reviewed."""
    return services.round_complete(actor=request.actor, round_id=round_id)


@router.get("/claim-audits/items/{item_id}", response={200: AuditItemOut, **ERRORS})
def get_item(request: HiqcRequest, item_id: UUID):
    """One sampled claim; the original decision is withheld until the review is submitted."""
    return item_out(selectors.access_item(request.actor, item_id))


@router.post("/claim-audits/items/{item_id}/review", response={200: AuditItemOut, **CONFLICT})
def submit_review(request: HiqcRequest, item_id: UUID, payload: ReviewIn):
    """Submit the blind re-adjudication; the answer shows the original beside it."""
    item = services.item_readjudicate(actor=request.actor, item_id=item_id, **payload.dict())
    return item_out(item)


@router.post("/claim-audits/items/{item_id}/errors", response={200: AuditItemOut, **CONFLICT})
def record_errors(request: HiqcRequest, item_id: UUID, payload: ErrorsIn):
    """Record the error types found (none, one or more); errors become findings."""
    item = services.item_record_errors(
        actor=request.actor, item_id=item_id, error_types=payload.error_types
    )
    return item_out(item)
