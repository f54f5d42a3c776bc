"""Sharing API (issue 21 §7, §8, §9): ``/sharing-agreements``, ``/data-shares`` on the case
contract with ``/{case_id}/file``, ``/incoming-exchanges``, ``/pi-impact-assessments``. Scope
before anything: another unit's id is the same 404 as a missing one; permission before the body.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

import base64
import hashlib
from typing import Any
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.datasets import dataset_get
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from ..enums import VIEW
from . import selectors
from .enums import SHARE_COMPLIANCE, SHARE_REQUEST
from .schemas import (
    DataShareCaseOut,
    DataShareFileOut,
    DataShareIn,
    DataShareOut,
    IncomingExchangeIn,
    IncomingExchangeOut,
    PiaIn,
    PiaOut,
    SharingAgreementDetailOut,
    SharingAgreementIn,
    SharingAgreementOut,
    SharingConsentIn,
    SharingConsentOut,
    SharingPartnerIn,
    SharingPartnerOut,
)
from .services import (
    AGREEMENT_KIND,
    KIND,
    agreement_act,
    agreement_activate,
    agreement_create,
    assessment_record,
    consent_record,
    incoming_record,
    partner_create,
    share_act,
    share_file,
    share_request,
)

router = Router(tags=["information"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _agreement(a) -> dict:
    return {"id": a.pk, "number": a.number, "org_unit_id": a.org_unit_id,
            "partner_id": a.partner_id, "partner_name": a.partner.name,
            "partner_kind": a.partner.kind, "title": a.title, "dataset": a.dataset,
            "purpose": a.purpose, "legal_basis": a.legal_basis, "frequency": a.frequency,
            "effective_on": a.effective_on, "expires_on": a.expires_on, "sensitive": a.sensitive,
            "separate_consent": a.separate_consent, "status": a.status}  # fmt: skip


def agreement_columns(a) -> list[dict]:
    dataset = dataset_get(a.dataset)
    if dataset is None:
        return []
    return [{"code": c.code, "label": str(c.label), "data_class": str(c.data_class),
             "method": a.profile.get(c.code, "drop")} for c in dataset.columns]  # fmt: skip


def _agreement_detail(request: HiqcRequest, a) -> dict:
    """The agreement with the case contract's fields (``version``, ``allowed_actions``,
    ``events``; it is a case on the engine, ``information.sharingagreement``)."""
    case = case_representation(AGREEMENT_KIND, a, request.actor)
    return {**_agreement(a), "columns": agreement_columns(a),
            "assessment_ids": [p.pk for p in a.assessments.all()],
            **{k: case[k] for k in ("status_label", "version", "allowed_actions", "events")},
            "activated_at": a.activated_at, "ended_at": a.ended_at, "end_reason": a.end_reason}  # fmt: skip


@router.get("/sharing-agreements", response={200: list[SharingAgreementOut], **ERRORS})
@paginate
def list_agreements(request: HiqcRequest, status: str = ""):
    require(request.actor, VIEW)
    return [_agreement(a) for a in selectors.agreement_list(request.actor, status=status[:20])]


@router.post("/sharing-agreements", response={201: SharingAgreementDetailOut, **CASE_ERRORS})
def create_agreement(request: HiqcRequest, payload: SharingAgreementIn):
    """A draft agreement with a partner over a registered dataset: the masking profile names a
    method (keep, mask, hash, year, drop) per column; columns not named are never sent."""
    require(request.actor, SHARE_COMPLIANCE)
    a = agreement_create(actor=request.actor, data=payload.dict())
    return Status(201, _agreement_detail(request, selectors.access_agreement(request.actor, a.pk)))


@router.get("/sharing-agreements/{agreement_id}",
            response={200: SharingAgreementDetailOut, **ERRORS})  # fmt: skip
def get_agreement(request: HiqcRequest, agreement_id: UUID):
    return _agreement_detail(request, selectors.access_agreement(request.actor, agreement_id))


@router.post("/sharing-agreements/{agreement_id}/activate",
             response={200: SharingAgreementDetailOut, **CASE_ERRORS})  # fmt: skip
def activate_agreement(request: HiqcRequest, agreement_id: UUID):
    """Bring a draft into force (the ``activate`` action): 409 ``pia_missing`` when it covers
    sensitive data without a concluded impact assessment, 409 ``agreement_expired``, 409 when it
    is not a draft."""
    a = agreement_activate(actor=request.actor, agreement_id=agreement_id)
    return _agreement_detail(request, selectors.access_agreement(request.actor, a.pk))


@router.post("/sharing-agreements/{agreement_id}/actions/{action}",
             response={200: SharingAgreementDetailOut, **CASE_ERRORS})  # fmt: skip
def agreement_action(request: HiqcRequest, agreement_id: UUID, action: str, payload: CaseActionIn):
    """activate, end (reason), withdraw (a draft; reason) at ``version``: 409 when stale or not
    allowed now, 422 for a missing reason."""
    agreement_act(actor=request.actor, agreement_id=agreement_id, action=action[:60],
                  data=payload.data, version=payload.version, source="api")  # fmt: skip
    return _agreement_detail(request, selectors.access_agreement(request.actor, agreement_id))


@router.post("/sharing-agreements/{agreement_id}/consents",
             response={201: SharingConsentOut, **CASE_ERRORS})  # fmt: skip
def record_consents(request: HiqcRequest, agreement_id: UUID, payload: SharingConsentIn):
    """Record data subjects' separate consent to the provision under the agreement (PIPL arts.
    23, 29): a key already recorded is not added twice (``added`` counts the new ones)."""
    added = consent_record(actor=request.actor, agreement_id=agreement_id,
                           subject_keys=payload.subject_keys, evidence=payload.evidence)  # fmt: skip
    agreement = selectors.access_agreement(request.actor, agreement_id)
    return Status(201, {"added": added, "total": agreement.consents.count()})


def _partner(p) -> dict:
    return {"id": p.pk, "org_unit_id": p.org_unit_id, "name": p.name, "kind": p.kind,
            "description": p.description}  # fmt: skip


@router.get("/sharing-partners", response={200: list[SharingPartnerOut], **ERRORS})
@paginate
def list_partners(request: HiqcRequest):
    require(request.actor, VIEW)
    return [_partner(p) for p in selectors.partner_list(request.actor)]


@router.post("/sharing-partners", response={201: SharingPartnerOut, **CASE_ERRORS})
def create_partner(request: HiqcRequest, payload: SharingPartnerIn):
    """A business partner, regulator or industry platform data may be provided to (6.3)."""
    require(request.actor, SHARE_COMPLIANCE)
    return Status(201, _partner(partner_create(actor=request.actor, data=payload.dict())))


def _share(s) -> dict:
    return {"id": s.pk, "number": s.number, "status": s.status, "org_unit_id": s.org_unit_id,
            "agreement_id": s.agreement_id, "agreement_number": s.agreement.number,
            "partner_name": s.agreement.partner.name, "params": s.params, "note": s.note,
            "sensitive": s.sensitive, "requested_at": s.requested_at,
            "requested_by": s.requested_by, "owner_approved_by": s.owner_approved_by,
            "compliance_approved_by": s.compliance_approved_by, "reason": s.reason}  # fmt: skip


def _share_case(request: HiqcRequest, case) -> dict:
    return {**case_representation(KIND, case, request.actor), "share": _share(case),
            "record": selectors.share_record(case)}  # fmt: skip


@router.get("/data-shares", response={200: list[DataShareOut], **ERRORS})
@paginate
def list_shares(request: HiqcRequest, status: str = ""):
    require(request.actor, VIEW)
    return [_share(s) for s in selectors.share_list(request.actor, status=status[:20])]


@router.post("/data-shares", response={201: DataShareCaseOut, **CASE_ERRORS})
def create_share(request: HiqcRequest, payload: DataShareIn):
    """Request a share under an agreement in force (409 when it is not: ``agreement_inactive``,
    ``agreement_expired``); parameters per dataset, e.g. ``{"period": "2026Q3"}``."""
    require(request.actor, SHARE_REQUEST)
    s = share_request(actor=request.actor, data=payload.dict(), source="api")
    return Status(201, _share_case(request, selectors.access_share(request.actor, s.pk)))


@router.get("/data-shares/{case_id}", response={200: DataShareCaseOut, **ERRORS})
def get_share(request: HiqcRequest, case_id: UUID):
    return _share_case(request, selectors.access_share(request.actor, case_id))


@router.post("/data-shares/{case_id}/actions/{action}",
             response={200: DataShareCaseOut, **CASE_ERRORS})  # fmt: skip
def share_action(request: HiqcRequest, case_id: UUID, action: str, payload: CaseActionIn):
    """approve, approve_owner, approve_compliance, reject / reject_compliance (reason), export,
    send (channel), cancel (reason) at ``version``: 409 when stale or not allowed now (an
    export before approval, or after the agreement's expiry), 422 for missing inputs."""
    share_act(actor=request.actor, case_id=case_id, action=action[:60], data=payload.data,
              version=payload.version)  # fmt: skip
    return _share_case(request, selectors.access_share(request.actor, case_id))


@router.get("/data-shares/{case_id}/file", response={200: DataShareFileOut, **CASE_ERRORS})
def share_download(request: HiqcRequest, case_id: UUID):
    """The produced, masked CSV file (audited), base64-encoded with its name and sha256 (the
    page ``/information/shares/{id}/file/`` serves the file itself); 409 ``not_exported``
    before the export, 403 to whoever may not download it."""
    name, body = share_file(actor=request.actor, case_id=case_id)
    return {"filename": name, "media_type": "text/csv", "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body), "content_base64": base64.b64encode(body).decode()}  # fmt: skip


def _incoming(i) -> dict:
    return {"id": i.pk, "org_unit_id": i.org_unit_id, "partner_id": i.partner_id,
            "partner_name": i.partner.name, "description": i.description,
            "legal_basis": i.legal_basis, "received_at": i.received_at,
            "row_count": i.row_count, "sha256": i.sha256, "recorded_by": i.recorded_by,
            "note": i.note}  # fmt: skip


@router.get("/incoming-exchanges", response={200: list[IncomingExchangeOut], **ERRORS})
@paginate
def list_incoming(request: HiqcRequest):
    require(request.actor, VIEW)
    return [_incoming(i) for i in selectors.incoming_list(request.actor)]


@router.post("/incoming-exchanges", response={201: IncomingExchangeOut, **CASE_ERRORS})
def create_incoming(request: HiqcRequest, payload: IncomingExchangeIn):
    require(request.actor, SHARE_REQUEST)
    data = payload.dict()
    data["received_at"] = payload.received_at.isoformat() if payload.received_at else ""
    return Status(201, _incoming(incoming_record(actor=request.actor, data=data)))


@router.get("/pi-impact-assessments", response={200: list[PiaOut], **ERRORS})
@paginate
def list_assessments(request: HiqcRequest):
    require(request.actor, VIEW)
    return selectors.assessment_list(request.actor)


@router.post("/pi-impact-assessments", response={201: PiaOut, **CASE_ERRORS})
def create_assessment(request: HiqcRequest, payload: PiaIn):
    """A PIA (PIPL art. 56) of a processing activity (an inventory model label, with
    ``org_unit``) or of an agreement; kept at least three years."""
    require(request.actor, SHARE_COMPLIANCE)
    return Status(201, assessment_record(actor=request.actor, data=payload.dict()))
