"""Online claims for the insurer's app (issue 5 §5): /api/v1/online-claims/…

Not HIQC accounts: ``POST /online-claims/code`` identifies the claimant (policy number + ID
number) and sends a one-time code; ``POST /online-claims/session`` exchanges it for a short-lived
bearer token scoped to that policy and person. Every other endpoint takes that token.
Rate-limited (429 with ``retry_after``); claims submitted here carry the channel "app".
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from hiqc.core.schemas import ERRORS, ErrorOut, IsoDate

from ..enums import ClaimChannel
from . import services as online
from .services import OnlineSession

LIMITED = {**ERRORS, 429: ErrorOut}
CONFLICT = {**LIMITED, 409: ErrorOut}


class OnlineClaimantToken(HttpBearer):
    """The token from ``POST /online-claims/session`` (`Authorization: Bearer …`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            session = online.online_session_open(token)
        except online.SessionInvalid:
            return None
        request.online_session = session  # type: ignore[attr-defined]
        request.online_token = token  # type: ignore[attr-defined]
        return session


router = Router(tags=["online-claims"], auth=OnlineClaimantToken())


def _ids(request: HttpRequest) -> dict[str, str]:
    return {
        "request_id": getattr(request, "request_id", ""),
        "ip": getattr(request, "client_ip", ""),
    }


def _session(request: HttpRequest) -> OnlineSession:
    return request.online_session  # type: ignore[attr-defined]


class CodeIn(Schema):
    policy_number: str = Field(
        min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]*$"
    )
    id_number: str = Field(
        pattern=r"^[0-9]{17}[0-9Xx]$", description="居民身份证号码（投保人或被保险人）"
    )


class CodeOut(Schema):
    challenge_id: UUID
    channel: str = Field(description="email | sms")
    destination: str = Field(description="masked e-mail or mobile the code was sent to")
    expires_at: datetime
    resend_after: int = Field(description="seconds before another code can be requested")


class SessionIn(Schema):
    challenge_id: UUID
    code: str = Field(max_length=10)


class SessionOut(Schema):
    token: str
    expires_at: datetime
    policy_number: str
    product_name: str
    claim_types: list[str]
    insured: list[dict[str, Any]]


class OnlineClaimIn(Schema):
    claim_type: str = Field(max_length=30)
    incident_date: IsoDate
    amount_claimed: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    insured_id: UUID | None = None
    diagnosis_code: str = Field("", max_length=10)
    diagnosis_text: str = Field("", max_length=500)


class ChecklistItemOut(Schema):
    code: str
    name: str
    required: bool
    received: bool
    requested: bool


class OnlineClaimDocumentOut(Schema):
    id: UUID
    requirement_code: str
    name: str
    received_at: datetime
    content_type: str
    size: int
    sha256: str


class OnlineClaimLetterOut(Schema):
    id: UUID
    kind: str
    title: str
    issued_at: datetime
    body: str


class OnlineClaimRow(Schema):
    id: UUID
    number: str
    status: str
    status_label: str
    claim_type: str
    incident_date: date
    amount_claimed: Decimal
    received_at: datetime


class OnlineClaimOut(OnlineClaimRow):
    outcome: str
    amount_approved: Decimal | None
    decided_at: datetime | None
    accepts_documents: bool
    checklist: list[ChecklistItemOut]
    documents: list[OnlineClaimDocumentOut]
    letters: list[OnlineClaimLetterOut]


def _row(claim: Any) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "number": claim.number,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "claim_type": claim.claim_type,
        "incident_date": claim.incident_date,
        "amount_claimed": claim.amount_claimed,
        "received_at": claim.received_at,
    }


def _detail(request: HttpRequest, claim: Any) -> dict[str, Any]:
    session = _session(request)
    view = online.online_claim_view(session, claim)
    letters = []
    for letter in view["letters"]:  # reading a notice is audited (it names the claimant)
        _, body = online.online_letter_read(
            session=session, claim=claim, letter_id=letter.pk, **_ids(request)
        )
        letters.append(
            {"id": letter.pk, "kind": letter.kind, "title": letter.title,
             "issued_at": letter.created_at, "body": body}
        )  # fmt: skip
    return {
        **_row(claim),
        "outcome": claim.outcome,
        "amount_approved": claim.amount_approved,
        "decided_at": claim.decided_at,
        "accepts_documents": view["accepts_documents"],
        "checklist": view["checklist"],
        "documents": view["documents"],
        "letters": letters,
    }


@router.post("/online-claims/code", auth=None, response={200: CodeOut, **LIMITED})
def request_code(request: HttpRequest, payload: CodeIn):
    """Identify the claimant and send a one-time code (6 digits, 10 minutes, 5 attempts).
    404 when the policy number and ID number do not match (whichever is wrong)."""
    issued = online.online_code_request(
        policy_number=payload.policy_number, id_number=payload.id_number, **_ids(request)
    )
    return {
        "challenge_id": issued.challenge_id,
        "channel": issued.channel,
        "destination": issued.destination,
        "expires_at": issued.expires_at,
        "resend_after": issued.resend_after,
    }


@router.post("/online-claims/session", auth=None, response={200: SessionOut, **LIMITED})
def open_session(request: HttpRequest, payload: SessionIn):
    """Exchange a one-time code for a bearer token scoped to that policy and person."""
    token = online.online_code_verify(
        challenge_id=payload.challenge_id, code=payload.code, **_ids(request)
    )
    session = online.online_session_open(token)
    return {
        "token": token,
        "expires_at": session.ends_at,
        "policy_number": session.policy.number,
        "product_name": session.policy.product.name,
        "claim_types": [v for v, _ in online.claim_type_choices(session)],
        "insured": [
            {"id": str(p["id"]), "name": p["name"], "relation": str(p["relation"])}
            for p in online.insured_choices(session)
        ],
    }


@router.delete("/online-claims/session", response={204: None, **ERRORS})
def close_session(request: HttpRequest):
    """End the session: the token stops working at once."""
    online.online_session_end(token=request.online_token, **_ids(request))  # type: ignore[attr-defined]
    return Status(204, None)


@router.get("/online-claims/claims", response={200: list[OnlineClaimRow], **ERRORS})
def list_claims(request: HttpRequest):
    """The person's claims on the policy (as claimant or insured), newest first."""
    return [_row(c) for c in online.online_claim_list(_session(request))]


@router.post("/online-claims/claims", response={201: OnlineClaimOut, **LIMITED})
def submit_claim(request: HttpRequest, payload: OnlineClaimIn):
    """Submit a claim; the 30-day decision clock starts now (CL-2)."""
    data = payload.dict()
    data["incident_date"] = data["incident_date"].isoformat()
    data["amount_claimed"] = str(data["amount_claimed"])
    data["insured_id"] = str(data["insured_id"] or "")
    claim = online.online_claim_submit(
        session=_session(request), data=data, channel=ClaimChannel.APP, **_ids(request)
    )
    claim = online.online_claim_get(_session(request), claim.pk)
    return Status(201, _detail(request, claim))


@router.get("/online-claims/claims/{claim_id}", response={200: OnlineClaimOut, **ERRORS})
def get_claim(request: HttpRequest, claim_id: UUID):
    """State, checklist (received / missing / asked for), documents and notices."""
    return _detail(request, online.online_claim_get(_session(request), claim_id))


@router.post(
    "/online-claims/claims/{claim_id}/documents",
    response={201: OnlineClaimDocumentOut, **CONFLICT, 413: ErrorOut},
    url_name="online_claim_document_upload",  # its body limit is registered under this name
)
def upload_document(
    request: HttpRequest,
    claim_id: UUID,
    requirement_code: Form[str],
    file: File[UploadedFile],
):
    """Upload one document against a checklist item: JPEG, PNG or PDF by content, parsed whole
    (a polyglot, a damaged file, an encrypted PDF or one with JavaScript / launch actions is
    refused with 422 and a `code` saying which); at most the per-file limit — a larger body is
    refused with 413 before it is read."""
    doc = online.online_document_upload(
        session=_session(request),
        claim_id=claim_id,
        requirement_code=requirement_code,
        upload=file,
        request_id=getattr(request, "request_id", ""),
        ip=getattr(request, "client_ip", ""),
    )
    return Status(201, doc)
