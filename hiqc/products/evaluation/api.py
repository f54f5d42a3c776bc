"""Adaptability evaluation API (standard 3.2; issue 17 §4) on the case API contract. Scope before
anything is said: another unit's round, or one the caller is not named in, is the same 404 as a
missing one. Expert scores are blind: an expert's own only, until every expert has submitted or
the round is closed.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import Source, case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, CaseDeadlineOut, CaseEventOut, ErrorOut

from . import selectors
from .services import (
    ROUND_KIND,
    access_round,
    compute_results,
    my_scores,
    round_act,
    round_create,
    scores_save,
    scores_visible,
    visible_scores,
)
from .workflow import VIEW

router = Router(tags=["product-evaluations"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


class EvaluationCriterionIn(Schema):
    name: str
    dimension: str
    weight: int
    kind: str
    figure: str = ""
    worst: float | None = None
    best: float | None = None


class EvaluationRoundIn(Schema):
    title: str
    line: str
    products: list[str]
    org_unit: UUID | None = None
    period_start: date
    period_end: date
    experts: list[str] = []
    criteria: list[EvaluationCriterionIn] = []


class EvaluationCriterionOut(Schema):
    id: UUID
    position: int
    dimension: str
    name: str
    weight: int
    kind: str
    figure: str
    worst: float | None
    best: float | None


class EvaluationExpertOut(Schema):
    username: str
    submitted: bool


class EvaluationRoundListOut(Schema):
    id: UUID
    title: str
    line: str
    status: str
    org_unit_id: UUID
    period_start: date
    period_end: date
    organiser: str
    created_at: datetime
    closed_at: datetime | None


class EvaluationScoreOut(Schema):
    criterion: str
    product: str
    score: int
    comment: str
    expert: str = ""


class EvaluationRoundOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    title: str
    line: str
    products: list[str]
    period_start: date
    period_end: date
    organiser: str
    criteria: list[EvaluationCriterionOut]
    experts: list[EvaluationExpertOut]
    scores_visible: bool
    my_scores: list[EvaluationScoreOut]
    scores: list[EvaluationScoreOut]
    results: dict[str, Any] | None


class EvaluationScoreIn(Schema):
    criterion: UUID
    product: str
    score: int | None = None
    comment: str = ""


class EvaluationScoresIn(Schema):
    scores: list[EvaluationScoreIn]
    submit: bool = False


def _round(request: HiqcRequest, rnd) -> dict:
    actor = request.actor
    visible = scores_visible(rnd)
    all_scores = [{"criterion": str(s.criterion_id), "product": s.product.code,
                   "score": s.score, "comment": s.comment, "expert": s.expert.user.username}
                  for s in visible_scores(rnd)]  # fmt: skip
    results = rnd.results if rnd.results else (compute_results(rnd) if visible else None)
    return {
        **case_representation(ROUND_KIND, rnd, actor),
        "title": rnd.title, "line": rnd.line, "period_start": rnd.period_start,
        "period_end": rnd.period_end, "organiser": rnd.organiser,
        "products": sorted(p.code for p in rnd.products.all()),
        "criteria": list(rnd.criteria.all()),
        "experts": [{"username": e.user.username, "submitted": e.submitted_at is not None}
                    for e in rnd.experts.select_related("user")],
        "scores_visible": visible,
        "my_scores": [{"criterion": c, "product": p, "score": s.score, "comment": s.comment}
                      for (c, p), s in my_scores(actor, rnd).items()],
        "scores": all_scores, "results": results,
    }  # fmt: skip


@router.get("/product-evaluations", response={200: list[EvaluationRoundListOut], **ERRORS})
@paginate
def list_rounds(request: HiqcRequest, product: str = "", line: str = "", status: str = ""):
    """Rounds in the caller's scope (products.view) and those naming the caller as an expert;
    filter by `product` code, `line`, `status` (draft / scoring / closed)."""
    actor = request.actor
    require(actor, VIEW)
    return selectors.round_list(actor, product=product[:40], line=line[:30], status=status[:20])


@router.post("/product-evaluations", response={201: EvaluationRoundOut, **ERRORS})
def create_round(request: HiqcRequest, payload: EvaluationRoundIn):
    """A draft round (products.evaluate): products of one line, the data period, the experts
    (usernames holding products.evaluation.score) and the weighted criteria (default set when
    empty; weights must sum to 100)."""
    data = payload.dict()
    data["org_unit"] = data["org_unit"] or ""
    rnd = round_create(actor=request.actor, data=data)
    return Status(201, _round(request, access_round(request.actor, rnd.pk)))


@router.get("/product-evaluations/{round_id}", response={200: EvaluationRoundOut, **ERRORS})
def get_round(request: HiqcRequest, round_id: UUID):
    return _round(request, access_round(request.actor, round_id))


@router.post("/product-evaluations/{round_id}/actions/{action}",
             response={200: EvaluationRoundOut, **CASE_ERRORS})  # fmt: skip
def round_action(request: HiqcRequest, round_id: UUID, action: str, payload: CaseActionIn):
    """open (draft → scoring) or close (scoring → closed, results frozen) at `version`: 409
    when stale or not allowed now."""
    round_act(actor=request.actor, round_id=round_id, action=action[:60], data=payload.data,
              version=payload.version, source=Source.API)  # fmt: skip
    return _round(request, access_round(request.actor, round_id))


@router.post(
    "/product-evaluations/{round_id}/scores", response={200: EvaluationRoundOut, **CASE_ERRORS}
)
def save_scores(request: HiqcRequest, round_id: UUID, payload: EvaluationScoresIn):
    """The caller's own expert scores (0–100) per expert criterion and product; `submit` ends
    their scoring (every criterion of every product scored). Only experts named in the round."""
    scores_save(actor=request.actor, round_id=round_id,
                scores=[s.dict() for s in payload.scores], submit=payload.submit)  # fmt: skip
    return _round(request, access_round(request.actor, round_id))
