"""Consultation API (standard 4.1.1, 4.1.3(2)(3)(4)); the case API contract of docs/architecture.md.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import Source, case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut, IsoDate
from hiqc.customers.enums import Channel

from . import selectors, services
from .enums import ConsultationStatus
from .schemas import (
    CategoryOut,
    ConsultationCaseOut,
    ConsultationIn,
    ConsultationOut,
)
from .workflow import VIEW

router = Router(tags=["consultations"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _case(request: HiqcRequest, case) -> dict:
    rep = case_representation(services.KIND, case, request.actor)
    suggestion = getattr(case, "suggestion", None) if hasattr(case, "suggestion") else None
    return {
        **rep,
        "consultation": case,
        "question": case.question,
        "answer": case.answer,
        "suggestion_id": suggestion.pk if suggestion else None,
        "complaint_id": case.complaint_id,
    }


@router.get("/consultation-topics", response={200: list[CategoryOut], **ERRORS})
def list_topics(request: HiqcRequest, include_inactive: bool = False):
    """The two-level taxonomy: categories with their topics (active only unless asked)."""
    require(request.actor, VIEW)
    return selectors.topic_categories(active_only=not include_inactive)


@router.get("/consultations", response={200: list[ConsultationOut], **ERRORS})
@paginate
def list_consultations(
    request: HiqcRequest,
    status: ConsultationStatus | None = None,
    channel: Channel | None = None,
    topic_id: UUID | None = None,
    category_id: UUID | None = None,
    org_unit_path: str = "",
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    customer_id: UUID | None = None,
):
    """Consultations in scope, newest first; callers masked."""
    require(request.actor, VIEW)
    return selectors.consultation_list(
        request.actor,
        status=status or "",
        channel=channel or "",
        topic_id=topic_id,
        category_id=category_id,
        org_unit_path=org_unit_path[:255],
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
    )


@router.post("/consultations", response={201: ConsultationCaseOut, **ERRORS})
def create_consultation(request: HiqcRequest, payload: ConsultationIn):
    """Capture a consultation; with ``answer`` and ``resolved_now`` it is a first-contact resolution."""
    data = payload.dict()
    org_unit_id = data.pop("org_unit_id")
    for key in ("topic_id", "customer_id"):
        data[key] = str(data[key]) if data[key] else ""
    data["channel"] = str(payload.channel.value)
    case = services.consultation_capture(
        actor=request.actor, org_unit_id=org_unit_id, data=data, source=Source.API
    )
    return Status(201, _case(request, selectors.access_consultation(request.actor, case.pk)))


@router.get("/consultations/{consultation_id}", response={200: ConsultationCaseOut, **ERRORS})
def get_consultation(request: HiqcRequest, consultation_id: UUID):
    return _case(request, selectors.access_consultation(request.actor, consultation_id))


@router.post(
    "/consultations/{consultation_id}/actions/{action}",
    response={200: ConsultationCaseOut, **CASE_ERRORS},
)
def post_action(request: HiqcRequest, consultation_id: UUID, action: str, payload: CaseActionIn):
    """Apply an action (answer, resolve, convert_complaint, convert_suggestion) at ``version``: 409 when stale or
    not allowed now, 422 for missing inputs, 404 out of scope, 403 without permission."""
    services.consultation_act(
        actor=request.actor,
        consultation_id=consultation_id,
        action=action[:60],
        data=payload.data,
        version=payload.version,
        source=Source.API,
    )
    return _case(request, selectors.access_consultation(request.actor, consultation_id))
