"""The privacy API (standard 6.1.1, 6.1.3; issue 21 §1, §2, §9): the personal-data inventory
generated from the code, the retention policies and reports, and legal holds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from .access import require
from .http import HiqcRequest
from .personaldata import inventory
from .retention import (
    METHODS,
    VIEW,
    legal_hold_place,
    legal_hold_release,
    legal_holds,
    reports,
    retention_kinds,
)
from .schemas import ERRORS, ErrorOut

router = Router(tags=["privacy"])

DataClassCode = Literal["sensitive", "personal", "internal", "public"]


class InventoryRowOut(Schema):
    app_label: str
    app_name: str
    model: str
    model_name: str
    field: str
    field_name: str
    data_class: str
    data_class_label: str
    purpose: str
    basis: str
    basis_label: str
    retention: str
    retention_rule: str
    encrypted: bool
    source: str


class RetentionPolicyOut(Schema):
    code: str
    label: str
    model: str
    method: str
    method_label: str
    basis: str
    hold_type: str


class ReportPolicyOut(Schema):
    policy: str
    listed: int
    held: int
    refs: list[str]
    removed: int | None


class RetentionReportOut(Schema):
    id: int
    created_at: datetime
    as_of: date
    made_by: str
    applied_at: datetime | None
    superseded: bool
    schedules: list[ReportPolicyOut]


class LegalHoldIn(Schema):
    case_type: str
    number: str
    reason: str


class LegalHoldReleaseIn(Schema):
    reason: str


class LegalHoldOut(Schema):
    id: UUID
    case_type: str
    case_id: str
    case_label: str
    reason: str
    placed_by: str
    placed_at: datetime
    released_at: datetime | None
    released_by: str
    release_reason: str


WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


@router.get("/data-inventory", response={200: list[InventoryRowOut], **ERRORS})
def data_inventory(request: HiqcRequest, data_class: DataClassCode | None = None):
    """Every declared personal-data field of HIQC (the record of processing activities), generated
    from the declarations in the code; `data_class` filters by class."""
    require(request.actor, VIEW)
    return [
        {
            **r.__dict__,
            "data_class_label": r.data_class_label(),
            "basis_label": r.basis_label(),
        }
        for r in inventory(data_class or "")
    ]


@router.get("/retention/schedules", response={200: list[RetentionPolicyOut], **ERRORS})
def retention_schedules(request: HiqcRequest):
    """What each domain keeps, for how long and how it is removed when the period ends."""
    require(request.actor, VIEW)
    return [
        {
            "code": p.code,
            "label": str(p.label),
            "model": p.model,
            "method": p.method,
            "method_label": str(METHODS[p.method]),
            "basis": str(p.basis),
            "hold_type": p.hold_type if p.number_field else "",
        }
        for p in retention_kinds()
    ]


@router.get("/retention/reports", response={200: list[RetentionReportOut], **ERRORS})
@paginate
def retention_reports(request: HiqcRequest):
    """The dry runs and what each removed, newest day first (counts and case numbers only)."""
    return [
        {
            "id": r.pk,
            "created_at": r.created_at,
            "as_of": r.as_of,
            "made_by": r.made_by,
            "applied_at": r.applied_at,
            "superseded": r.superseded,
            "schedules": [
                {
                    "policy": code,
                    "listed": len(item.get("ids", [])),
                    "held": item.get("held", 0),
                    "refs": item.get("refs", []),
                    "removed": r.applied.get(code) if r.applied_at else None,
                }
                for code, item in r.items.items()
            ],
        }
        for r in reports(request.actor)[:200]
    ]


def _hold(h: Any) -> dict[str, Any]:
    return {
        "id": h.pk,
        "case_type": h.case_type,
        "case_id": h.case_id,
        "case_label": h.case_label,
        "reason": h.reason,
        "placed_by": h.placed_by,
        "placed_at": h.created_at,
        "released_at": h.released_at,
        "released_by": h.released_by,
        "release_reason": h.release_reason,
    }


@router.get("/legal-holds", response={200: list[LegalHoldOut], **ERRORS})
@paginate
def list_legal_holds(request: HiqcRequest, standing: bool | None = None):
    """Legal holds in scope; `standing=true` only those not released."""
    return [_hold(h) for h in legal_holds(request.actor, standing=standing)]


@router.post("/legal-holds", response={201: LegalHoldOut, **WRITE_ERRORS})
def place_legal_hold(request: HiqcRequest, payload: LegalHoldIn):
    """Hold a case by its type (`claims.claim`, `complaints.complaint`) and number: its data is
    kept whatever its retention until released (privacy.hold over the case)."""
    hold = legal_hold_place(actor=request.actor, **payload.dict())
    return Status(201, _hold(hold))


@router.post("/legal-holds/{hold_id}/release", response={200: LegalHoldOut, **WRITE_ERRORS})
def release_legal_hold(request: HiqcRequest, hold_id: UUID, payload: LegalHoldReleaseIn):
    """Release a standing hold, with the reason (privacy.hold over the case)."""
    return _hold(legal_hold_release(actor=request.actor, hold_id=hold_id, reason=payload.reason))
