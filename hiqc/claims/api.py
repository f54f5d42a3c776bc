from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.models import CaseEvent
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut, IsoDate

from . import selectors, services
from .models import Claim
from .schemas import AdvancePayIn, ClaimIn, ClaimOut, ClaimRow, PaymentOut, diagnosis_masked

router = Router(tags=["claims"])
CONFLICT = {**ERRORS, 409: ErrorOut}
FIELDS = (
    "number", "org_unit_id", "claim_type", "amount_claimed", "channel", "received_at",
    "small_claim", "outcome", "amount_approved", "decided_at", "incident_date", "reason_code",
    "decided_automatically",
)  # fmt: skip


def _out(request: HiqcRequest, claim: Claim) -> dict:
    return {
        **case_representation(services.KIND, claim, request.actor),
        **{f: getattr(claim, f) for f in FIELDS},
        "policy_number": claim.policy.number,
        "insured_name": claim.insured.name,
        "claimant_name": claim.claimant.name,
        "diagnosis_masked": diagnosis_masked(claim),
        "checklist": services.checklist(claim),
        "letters": list(claim.letters.all()),
    }


@router.get("/claims", response={200: list[ClaimRow], **ERRORS})
@paginate
def list_claims(
    request: HiqcRequest,
    q: str = "",
    status: str = "",
    claim_type: str = "",
    received_from: IsoDate | None = None,
    received_to: IsoDate | None = None,
):
    """Claims in the caller's scope, newest receipt first (number or policy number)."""
    require(request.actor, "claims.view")
    return selectors.claim_list(
        request.actor,
        q=q,
        status=status,
        claim_type=claim_type,
        received_from=received_from,
        received_to=received_to,
    )


@router.post("/claims", response={201: ClaimOut, **ERRORS})
def register_claim(request: HiqcRequest, payload: ClaimIn):
    """Accept a claim; the 30-day decision and 60-day advance clocks start now (CL-2, CL-7)."""
    claim = services.claim_register(
        actor=request.actor, data=payload.dict(), source=CaseEvent.Source.API
    )
    return Status(201, _out(request, claim))


@router.get("/claims/{claim_id}", response={200: ClaimOut, **ERRORS})
def get_claim(request: HiqcRequest, claim_id: UUID):
    return _out(request, selectors.access_claim(request.actor, claim_id))


@router.post("/claims/{claim_id}/actions/{action}", response={200: ClaimOut, **CONFLICT})
def claim_action(request: HiqcRequest, claim_id: UUID, action: str, payload: CaseActionIn):
    """Apply one action (see allowed_actions); 409 with the current state when stale."""
    claim = services.claim_act(
        actor=request.actor,
        claim_id=claim_id,
        action=action,
        data=payload.data,
        version=payload.version,
        source=CaseEvent.Source.API,
    )
    return _out(request, claim)


@router.post("/claims/{claim_id}/advance-payments", response={201: PaymentOut, **ERRORS})
def advance_payment(request: HiqcRequest, claim_id: UUID, payload: AdvancePayIn):
    """Pay the amount that can already be determined (先予支付, CL-7)."""
    payment = services.advance_pay(
        actor=request.actor,
        claim_id=claim_id,
        amount=payload.amount,
        channel=payload.channel,
        reference=payload.reference,
    )
    return Status(201, payment)
