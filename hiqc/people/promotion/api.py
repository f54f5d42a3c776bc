"""Promotion API (standard 7.3.2–7.3.3; issue 18 §6, §7) on the case API contract.

* ``/promotions`` — the handlers' cases (``promotions.view`` scope) and the caller's own;
  ``/promotions/{id}/actions/{action}`` the workflow's actions.
* ``/promotion-notices`` — the notices of the caller's unit and the units above it;
  ``/promotion-notices/{id}/objections`` lodges an objection while the notice runs.

Scope before anything is said: another unit's promotion is the same 404 as a missing one. The
objector's name is given only to the handlers (``objector`` is null for everyone else).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hiqc.core.casework import Source, case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, CaseDeadlineOut, CaseEventOut, ErrorOut

from . import selectors
from .services import (
    KIND,
    access_notice,
    access_promotion,
    notice_open,
    objection_lodge,
    objections_for,
    promotion_act,
    promotion_create,
)

router = Router(tags=["promotions"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


class PromotionIn(Schema):
    route: str
    candidate: str = ""
    position: str
    grade: str = ""
    current_position: str = ""
    reason: str


class PromotionListOut(Schema):
    id: UUID
    status: str
    candidate: str
    org_unit_id: UUID
    route: str
    position: str
    grade: str
    nominated_at: datetime
    notice_until: datetime | None

    @staticmethod
    def resolve_candidate(obj) -> str:
        return _name(obj.candidate)


class PromotionObjectionOut(Schema):
    id: UUID
    text: str
    lodged_at: datetime
    outcome: str
    outcome_label: str
    answer: str
    answered_at: datetime | None
    objector: str | None


class PromotionOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    candidate: str
    org_unit_id: UUID
    route: str
    current_position: str
    position: str
    grade: str
    reason: str
    nominated_by: str
    nominated_at: datetime
    scores: dict[str, Any]
    overall: Decimal | None
    assessment_ref: str
    ability_evidence: list[dict[str, Any]]
    evaluator: str
    notice_days: int | None
    notice_from: datetime | None
    notice_until: datetime | None
    notice_text: str
    effective_on: date | None
    decision_note: str
    objections: list[PromotionObjectionOut]


class PromotionNoticeOut(Schema):
    id: UUID
    status: str
    candidate: str
    org_unit: str
    position: str
    grade: str
    notice_text: str
    notice_days: int | None
    notice_from: datetime | None
    notice_until: datetime | None
    open: bool
    my_objections: list[PromotionObjectionOut]


class PromotionObjectionIn(Schema):
    text: str


def _name(user) -> str:
    return user.display_name or user.username


def _promotion(request: HiqcRequest, p) -> dict:
    actor = request.actor
    return {
        **case_representation(KIND, p, actor),
        "candidate": _name(p.candidate), "org_unit_id": p.org_unit_id, "route": p.route,
        "current_position": p.current_position, "position": p.position, "grade": p.grade,
        "reason": p.reason, "nominated_by": p.nominated_by, "nominated_at": p.nominated_at,
        "scores": p.scores, "overall": p.overall, "assessment_ref": p.assessment_ref,
        "ability_evidence": p.ability_evidence, "evaluator": p.evaluator,
        "notice_days": p.notice_days, "notice_from": p.notice_from,
        "notice_until": p.notice_until, "notice_text": p.notice_text,
        "effective_on": p.effective_on, "decision_note": p.decision_note,
        "objections": objections_for(actor, p),
    }  # fmt: skip


def _notice(request: HiqcRequest, p) -> dict:
    actor = request.actor
    return {
        "id": p.pk, "status": p.status, "candidate": _name(p.candidate),
        "org_unit": p.org_unit.localized_name, "position": p.position, "grade": p.grade,
        "notice_text": p.notice_text, "notice_days": p.notice_days,
        "notice_from": p.notice_from, "notice_until": p.notice_until,
        "open": notice_open(p, timezone.now()),
        "my_objections": [o for o in objections_for(actor, p) if o["mine"]],
    }  # fmt: skip


@router.get("/promotions", response={200: list[PromotionListOut], **ERRORS})
@paginate
def list_promotions(request: HiqcRequest, status: str = ""):
    """Promotions in the caller's scope (promotions.view) and the caller's own; filter by
    `status`."""
    return selectors.promotion_list(request.actor, status=status[:20])


@router.post("/promotions", response={201: PromotionOut, **ERRORS})
def create_promotion(request: HiqcRequest, payload: PromotionIn):
    """员工自荐 (`route` self: the caller for themself) or 部门推荐 (`route` department: the
    `candidate` username, of a unit in the caller's promotions.nominate scope)."""
    p = promotion_create(actor=request.actor, data=payload.dict(), source=Source.API)
    return Status(201, _promotion(request, access_promotion(request.actor, p.pk)))


@router.get("/promotions/{promotion_id}", response={200: PromotionOut, **ERRORS})
def get_promotion(request: HiqcRequest, promotion_id: UUID):
    return _promotion(request, access_promotion(request.actor, promotion_id))


@router.post("/promotions/{promotion_id}/actions/{action}",
             response={200: PromotionOut, **CASE_ERRORS})  # fmt: skip
def promotion_action(request: HiqcRequest, promotion_id: UUID, action: str,
                     payload: CaseActionIn):  # fmt: skip
    """evaluate (performance, ability, conduct 0–100, their `_note`s, assessment_ref), publish
    (notice_text), end_notice, dismiss_objection / uphold_objection (objection, reasons),
    appoint (effective_on, note), reject (reasons) at `version`: 409 when stale or not allowed
    now."""
    promotion_act(actor=request.actor, promotion_id=promotion_id, action=action[:60],
                  data=payload.data, version=payload.version, source=Source.API)  # fmt: skip
    return _promotion(request, access_promotion(request.actor, promotion_id))


@router.get("/promotion-notices", response={200: list[PromotionNoticeOut], **ERRORS})
@paginate
def list_notices(request: HiqcRequest, current: bool = False):
    """The promotion notices of the caller's unit and the units above it (`current`: still in
    notice)."""
    return [_notice(request, p) for p in selectors.notice_list(request.actor, current=current)]


@router.get("/promotion-notices/{promotion_id}", response={200: PromotionNoticeOut, **ERRORS})
def get_notice(request: HiqcRequest, promotion_id: UUID):
    return _notice(request, access_notice(request.actor, promotion_id))


@router.post("/promotion-notices/{promotion_id}/objections",
             response={201: PromotionNoticeOut, **CASE_ERRORS})  # fmt: skip
def lodge_objection(request: HiqcRequest, promotion_id: UUID, payload: PromotionObjectionIn):
    """An objection while the notice runs (409 `notice_closed` after it). The objector is
    recorded and shown only to the handlers."""
    objection_lodge(actor=request.actor, promotion_id=promotion_id, text=payload.text)
    return Status(201, _notice(request, access_notice(request.actor, promotion_id)))
