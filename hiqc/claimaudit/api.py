"""Claims-audit API (standard 5.1.2(3), 5.3): thin — one selector or service per endpoint.
Before the reviewer submits their own decision an item never carries the original one."""

from dataclasses import asdict
from typing import Any
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import Actor, require
from hiqc.core.casework import Source, case_allowed_actions
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, ErrorOut

from . import selectors, services
from .enums import ItemStatus
from .models import AuditItem, AuditRound
from .schemas import AuditItemOut, AuditResultsOut, ErrorsIn, ReviewIn, RoundIn, RoundOut

router = Router(tags=["claim-audits"])
CONFLICT = {**ERRORS, 409: ErrorOut}


def round_out(round_obj: AuditRound, actor: Actor) -> AuditRound:
    """A round with the actions the caller may take on it now (``RoundOut.allowed_actions``)."""
    actions = case_allowed_actions(services.ROUND_KIND, round_obj, actor)
    setattr(round_obj, "allowed_actions", actions)  # noqa: B010  (read by RoundOut)
    return round_obj


def item_out(item: AuditItem, actor: Actor, blind: set[str] | None = None) -> dict:
    """The API view of an item: the original decision only after the blind review. ``blind``:
    the claims the actor is still to review blind (``blind_pending_claim_ids``), when the caller
    has read them once for a whole list."""
    out = {
        "id": item.pk, "round_id": item.round_id, "claim_id": item.claim_id,
        "claim_number": item.claim.number, "claim_type": item.claim.claim_type,
        "amount_claimed": item.claim.amount_claimed, "incident_date": item.claim.incident_date,
        "org_unit_id": item.org_unit_id, "stratum": item.stratum, "status": item.status,
        "status_label": item.status_label, "version": item.version,
        "allowed_actions": case_allowed_actions(services.ITEM_KIND, item, actor),
        "errors": [],
    }  # fmt: skip
    # an earlier audit of a claim this caller is still to review blind: its decisions and error
    # types (which tell the decision's direction) stay withheld, as on the item page (5.1.2(3))
    withheld = (
        str(item.claim_id) in blind
        if blind is not None
        else selectors.blind_review_pending(actor, item.claim) is not None
    )
    if item.status != ItemStatus.PENDING and not withheld:
        out["errors"] = item.errors
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
    return [round_out(r, request.actor) for r in selectors.round_list(request.actor, status=status)]


@router.post("/claim-audits/rounds", response={201: RoundOut, **ERRORS})
def create_round(request: HiqcRequest, payload: RoundIn):
    """Sample decided claims: size from margin of error and confidence; seeded draw."""
    round_obj = services.round_create(actor=request.actor, **payload.dict())
    return Status(201, round_out(round_obj, request.actor))


@router.get("/claim-audits/rounds/{round_id}", response={200: AuditResultsOut, **ERRORS})
def get_round(request: HiqcRequest, round_id: UUID):
    """A round with its progress and results (error rates with Wilson 95 % intervals)."""
    round_obj = selectors.access_round(request.actor, round_id)
    results = selectors.round_results(round_obj)
    body = asdict(results)
    body["by_type"] = [{"label": label, "count": n} for label, n in results.by_type]
    return {"round": round_out(round_obj, request.actor), **body}


@router.get("/claim-audits/rounds/{round_id}/items", response={200: list[AuditItemOut], **ERRORS})
@paginate
def list_items(request: HiqcRequest, round_id: UUID, status: str = ""):
    """The round's sampled claims (original decisions only for reviewed ones)."""
    round_obj = selectors.access_round(request.actor, round_id)
    actor = request.actor
    blind = selectors.blind_pending_claim_ids(actor)  # once for the page, not per item
    items = selectors.item_list(actor, round_obj, status=status)
    return _Page(items, lambda i: item_out(i, actor, blind))


class _Page:
    """Items rendered as the paginator slices them: only the page's rows are turned into their
    API view (allowed actions, withheld decisions), not the whole round's."""

    def __init__(self, items: Any, render: Any) -> None:
        self.items, self.render = items, render

    def __len__(self) -> int:
        return self.items.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return [self.render(i) for i in self.items[window]]


@router.post("/claim-audits/rounds/{round_id}/complete", response={200: RoundOut, **CONFLICT})
def complete_round(request: HiqcRequest, round_id: UUID, version: int | None = None):
    """Close a round whose sampled claims are all reviewed (``complete``; 409 while some are not,
    or when ``version`` is stale)."""
    round_obj = services.round_complete(
        actor=request.actor, round_id=round_id, version=version, source=Source.API
    )
    return round_out(round_obj, request.actor)


@router.get("/claim-audits/items/{item_id}", response={200: AuditItemOut, **ERRORS})
def get_item(request: HiqcRequest, item_id: UUID):
    """One sampled claim; the original decision is withheld until the review is submitted, and an
    earlier audit of a claim the caller is still to review blind answers 403, as its page does."""
    item = selectors.access_item(request.actor, item_id)
    if item.status != ItemStatus.PENDING:
        selectors.claim_read_guard(request.actor, item.claim)  # 403 while withheld
    return item_out(item, request.actor, blind=set())


@router.post("/claim-audits/items/{item_id}/review", response={200: AuditItemOut, **CONFLICT})
def submit_review(request: HiqcRequest, item_id: UUID, payload: ReviewIn):
    """Submit the blind re-adjudication (``readjudicate`` at ``version``: 409 when stale); the
    answer shows the original beside it."""
    item = services.item_readjudicate(
        actor=request.actor, item_id=item_id, source=Source.API, **payload.dict()
    )
    return item_out(item, request.actor)


@router.post("/claim-audits/items/{item_id}/errors", response={200: AuditItemOut, **CONFLICT})
def record_errors(request: HiqcRequest, item_id: UUID, payload: ErrorsIn):
    """Record the error types found (none, one or more); errors become findings."""
    item = services.item_record_errors(
        actor=request.actor, item_id=item_id, error_types=payload.error_types,
        version=payload.version, source=Source.API,
    )  # fmt: skip
    return item_out(item, request.actor)
