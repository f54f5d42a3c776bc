from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.models import CaseEvent
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut, IsoDate

from . import selectors, services
from .models import Complaint
from .schemas import ComplaintIn, ComplaintLetterOut, ComplaintOut, ComplaintRow, RootCauseOut

router = Router(tags=["complaints"])
CONFLICT = {**ERRORS, 409: ErrorOut}


def _out(request: HiqcRequest, complaint: Complaint) -> dict:
    rep = case_representation(services.KIND, complaint, request.actor)
    fields = {
        f: getattr(complaint, f)
        for f in (
            "reference", "org_unit_id", "complainant_id", "channel", "source", "received_at",
            "dispute_type", "product_line", "nature", "assignee_id", "repeat_of_id", "outcome",
            "decided_at", "forwarded_on", "respondent_kind", "respondent_name", "request",
            "facts", "policy_ref", "claim_ref", "recording_ref", "facts_found", "basis",
            "decision_text", "review_opinion", "merged_into_id", "retain_until",
        )
    }  # fmt: skip
    return {
        **rep,
        **fields,
        "complainant_name": complaint.complainant.name,
        "root_cause": complaint.root_cause.code if complaint.root_cause else "",
        "letters": selectors.letter_list(complaint),
    }


@router.get("/complaints", response={200: list[ComplaintRow], **ERRORS})
@paginate
def list_complaints(
    request: HiqcRequest,
    q: str = "",
    status: str = "",
    dispute_type: str = "",
    source: str = "",
    received_from: IsoDate | None = None,
    received_to: IsoDate | None = None,
):
    """Complaints in the caller's scope, newest receipt first (reference or complainant name)."""
    require(request.actor, "complaints.view")
    return selectors.complaint_list(
        request.actor,
        q=q,
        status=status,
        dispute_type=dispute_type,
        source=source,
        received_from=received_from,
        received_to=received_to,
    )


@router.post("/complaints", response={201: ComplaintOut, **ERRORS})
def register_complaint(request: HiqcRequest, payload: ComplaintIn):
    """Register a complaint; the 15-day decision clock starts at receipt (CP-1)."""
    data = payload.dict()
    org_unit_id = data.pop("org_unit_id")
    complaint = services.complaint_register(
        actor=request.actor, org_unit_id=org_unit_id, data=data, source=CaseEvent.Source.API
    )
    return Status(201, _out(request, complaint))


@router.get("/complaint-root-causes", response={200: list[RootCauseOut], **ERRORS})
def list_root_causes(request: HiqcRequest):
    """The root-cause taxonomy (CP-7); a decision names an active second-level cause."""
    require(request.actor, "complaints.view")
    return [
        {
            "code": c.code,
            "name": c.name,
            "parent_code": c.parent.code if c.parent else None,
            "active": c.active,
        }
        for c in selectors.root_causes(active_only=False)
    ]


@router.get("/complaints/{complaint_id}", response={200: ComplaintOut, **ERRORS})
def get_complaint(request: HiqcRequest, complaint_id: UUID):
    return _out(request, selectors.access_complaint(request.actor, complaint_id))


@router.post(
    "/complaints/{complaint_id}/actions/{action}", response={200: ComplaintOut, **CONFLICT}
)
def complaint_action(request: HiqcRequest, complaint_id: UUID, action: str, payload: CaseActionIn):
    """Apply one action (allowed_actions on the read); 409 with the current state when stale."""
    complaint = services.complaint_act(
        actor=request.actor,
        complaint_id=complaint_id,
        action=action,
        data=payload.data,
        version=payload.version,
        source=CaseEvent.Source.API,
    )
    return _out(request, complaint)


@router.get("/complaint-letters/{letter_id}", response={200: ComplaintLetterOut, **ERRORS})
def get_letter(request: HiqcRequest, letter_id: UUID):
    """A notice as issued to the complainant; the reading is audited."""
    letter = selectors.access_letter(request.actor, letter_id)
    return {
        "id": letter.id,
        "complaint_id": letter.complaint_id,
        "kind": letter.kind,
        "title": letter.title,
        "issued_by": letter.issued_by,
        "created_at": letter.created_at,
        "body": services.letter_read(actor=request.actor, letter=letter),
    }
