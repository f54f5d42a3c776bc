"""Assessment API (standard 7.2, 7.3.1; issue 18 §4–§5, §7; ADR 0021) on the case API contract.
``/assessments`` are the cycles (their scheme, actions, raters, results);
``/assessment-results`` are one's own results plus those in scope, with their evidence, the
appeal and its decision, and the incentives; ``/assessment-ratings`` are the 360° ratings the
caller owes (a rater's scores are theirs alone). Scope before anything is said: another unit's
id, or someone else's rating, is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
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
    CYCLE_KIND,
    access_cycle,
    access_result,
    appeal_decide,
    appeal_file,
    cycle_act,
    cycle_create,
    incentive_record,
    raters_assign,
    rating_submit,
    ratings_of,
)
from .workflow import MANAGE, VIEW

router = Router(tags=["assessments"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


class AssessmentMeasureIn(Schema):
    code: str
    weight: int
    target: float


class AssessmentCycleIn(Schema):
    org_unit: UUID
    title: str
    kind: str
    period_start: date
    period_end: date
    w_ability: int
    w_performance: int
    w_teamwork: int
    w_ethics: int
    measures: dict[str, list[AssessmentMeasureIn]] = {}


class AssessmentCycleListOut(Schema):
    id: UUID
    title: str
    kind: str
    org_unit_id: UUID
    period_start: date
    period_end: date
    status: str
    published_at: datetime | None
    computed_at: datetime | None
    appeal_until: datetime | None


class AssessmentCycleOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    title: str
    kind: str
    org_unit_id: UUID
    period_start: date
    period_end: date
    weights: dict[str, int]
    measures: dict[str, list[dict[str, Any]]]
    published_at: datetime | None
    published_by: str
    computed_at: datetime | None
    computed_by: str
    appeal_until: datetime | None
    results: int


class AssessmentMeasureOut(Schema):
    code: str
    label: str
    weight: int
    target: float
    value: float | None
    numerator: float | None
    denominator: float | None
    score: float | None
    evidence: list[str]
    evidence_links: list[str]


class AssessmentRaterGroupOut(Schema):
    group: str
    raters: int
    shown: bool
    teamwork: float | None
    ethics: float | None


class AssessmentAppealOut(Schema):
    reason: str
    filed_at: datetime
    decision: str
    decision_note: str
    revised_total: Decimal | None
    decided_by: str
    decided_at: datetime | None


class AssessmentIncentiveOut(Schema):
    id: UUID
    kind: str
    title: str
    amount: Decimal | None
    note: str
    recorded_by: str


class AssessmentResultListOut(Schema):
    id: UUID
    cycle_id: UUID
    user: str
    role: str
    total: Decimal | None
    grade: str

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.username)


class AssessmentResultOut(Schema):
    id: UUID
    cycle_id: UUID
    cycle_status: str
    user: str
    org_unit_id: UUID
    role: str
    ability: Decimal | None
    ability_evidence: list[str]
    performance: Decimal | None
    measures: list[AssessmentMeasureOut]
    teamwork: Decimal | None
    ethics: Decimal | None
    groups: list[AssessmentRaterGroupOut]
    computed_total: Decimal | None
    total: Decimal | None
    grade: str
    pay_band_percent: int | None
    appeal: AssessmentAppealOut | None
    incentives: list[AssessmentIncentiveOut]


class AssessmentRaterIn(Schema):
    subject: UUID
    rater: UUID
    group: str


class AssessmentRatersIn(Schema):
    rows: list[AssessmentRaterIn]


class AssessmentRatingOut(Schema):
    id: UUID
    cycle_id: UUID
    cycle_title: str
    subject: str
    group: str
    teamwork: int | None
    ethics: int | None
    submitted_at: datetime | None


class AssessmentRatingIn(Schema):
    teamwork: int
    ethics: int


class AssessmentAppealIn(Schema):
    reason: str


class AssessmentAppealDecisionIn(Schema):
    decision: str
    note: str
    revised_total: float | None = None


class AssessmentIncentiveIn(Schema):
    kind: str
    title: str
    amount: float | None = None
    note: str = ""


def _cycle(request: HiqcRequest, cycle: Any) -> dict[str, Any]:
    return {
        **case_representation(CYCLE_KIND, cycle, request.actor),
        "title": cycle.title, "kind": cycle.kind, "org_unit_id": cycle.org_unit_id,
        "period_start": cycle.period_start, "period_end": cycle.period_end,
        "weights": cycle.weights(), "measures": cycle.measures,
        "published_at": cycle.published_at, "published_by": cycle.published_by,
        "computed_at": cycle.computed_at, "computed_by": cycle.computed_by,
        "appeal_until": cycle.appeal_until, "results": cycle.results.count(),
    }  # fmt: skip


def _result(result: Any) -> dict[str, Any]:
    appeal = getattr(result, "appeal", None) if hasattr(result, "appeal") else None
    return {
        "id": result.pk, "cycle_id": result.cycle_id, "cycle_status": result.cycle.status,
        "user": result.user.username, "org_unit_id": result.org_unit_id, "role": result.role,
        "ability": result.ability, "ability_evidence": result.ability_evidence,
        "performance": result.performance,
        "measures": [{**{k: m.get(k) for k in ("code", "weight", "target", "value", "numerator",
                                               "denominator", "score", "evidence")},
                      "label": m["label"], "evidence_links": [u for _e, u in m["links"] if u]}
                     for m in selectors.evidence_rows(result)],
        "teamwork": result.teamwork, "ethics": result.ethics,
        "groups": [{"group": g, **{k: v.get(k) for k in ("raters", "shown", "teamwork",
                                                         "ethics")}}
                   for g, v in result.groups.items()],
        "computed_total": result.computed_total, "total": result.total, "grade": result.grade,
        "pay_band_percent": dict(selectors.pay_bands()).get(result.grade),
        "appeal": appeal, "incentives": list(result.incentives.all()),
    }  # fmt: skip


def _rating(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "cycle_id": r.cycle_id, "cycle_title": r.cycle.title,
            "subject": r.subject.username, "group": r.group, "teamwork": r.teamwork,
            "ethics": r.ethics, "submitted_at": r.submitted_at}  # fmt: skip


@router.get("/assessments", response={200: list[AssessmentCycleListOut], **ERRORS})
@paginate
def list_cycles(request: HiqcRequest, status: str = ""):
    """Assessment cycles in the caller's scope (assessments.view); filter by `status` (draft /
    published / computed / final)."""
    require(request.actor, VIEW)
    return selectors.cycle_list(request.actor, status=status[:20])


@router.post("/assessments", response={201: AssessmentCycleOut, **ERRORS})
def create_cycle(request: HiqcRequest, payload: AssessmentCycleIn):
    """A draft cycle and its scheme (assessments.manage): the four weights (sum 100) and per role
    the measures (codes of the person-measure registry that apply to the role; weights sum 100;
    a target > 0). Publish it before the period starts."""
    require(request.actor, MANAGE)
    data = payload.dict()
    data["measures"] = {role: [dict(m) for m in items] for role, items in data["measures"].items()}
    cycle = cycle_create(actor=request.actor, data=data)
    return Status(201, _cycle(request, access_cycle(request.actor, cycle.pk)))


@router.get("/assessments/{cycle_id}", response={200: AssessmentCycleOut, **ERRORS})
def get_cycle(request: HiqcRequest, cycle_id: UUID):
    return _cycle(request, access_cycle(request.actor, cycle_id))


@router.post("/assessments/{cycle_id}/actions/{action}",
             response={200: AssessmentCycleOut, **CASE_ERRORS})  # fmt: skip
def cycle_action(request: HiqcRequest, cycle_id: UUID, action: str, payload: CaseActionIn):
    """publish (only before the period starts), compute (only after it ends; opens the appeal
    window) or finalise (after the window, every appeal decided), at `version`: 409 when stale
    or not allowed now."""
    cycle_act(actor=request.actor, cycle_id=cycle_id, action=action[:60],
              version=payload.version, source=Source.API)  # fmt: skip
    return _cycle(request, access_cycle(request.actor, cycle_id))


@router.post("/assessments/{cycle_id}/raters", response={200: AssessmentCycleOut, **CASE_ERRORS})
def assign_raters(request: HiqcRequest, cycle_id: UUID, payload: AssessmentRatersIn):
    """Name 360° raters (subject, rater, group: superior / peer / subordinate) before the results
    are computed; a pair already named is kept (a re-run adds nothing)."""
    raters_assign(actor=request.actor, cycle_id=cycle_id,
                  rows=[{k: str(v) for k, v in r.dict().items()} for r in payload.rows])  # fmt: skip
    return _cycle(request, access_cycle(request.actor, cycle_id))


@router.get("/assessment-results", response={200: list[AssessmentResultListOut], **ERRORS})
@paginate
def list_results(request: HiqcRequest, cycle: UUID | None = None, mine: bool = False):
    """The caller's own results and the results in their scope (assessments.view)."""
    return selectors.result_list(request.actor, cycle_id=cycle, mine=mine)


@router.get("/assessment-results/{result_id}", response={200: AssessmentResultOut, **ERRORS})
def get_result(request: HiqcRequest, result_id: UUID):
    """One result with every part's evidence (measure figures with the records behind them, the
    exam papers, the 360° groups — a group under the anonymity floor is hidden)."""
    return _result(access_result(request.actor, result_id))


@router.post("/assessment-results/{result_id}/appeal",
             response={201: AssessmentResultOut, **CASE_ERRORS})  # fmt: skip
def file_appeal(request: HiqcRequest, result_id: UUID, payload: AssessmentAppealIn):
    """The person appeals their own result once, within the appeal window (409 otherwise)."""
    appeal_file(actor=request.actor, result_id=result_id, data=payload.dict())
    return Status(201, _result(access_result(request.actor, result_id)))


@router.post("/assessment-results/{result_id}/appeal/decision",
             response={200: AssessmentResultOut, **CASE_ERRORS})  # fmt: skip
def decide_appeal(request: HiqcRequest, result_id: UUID, payload: AssessmentAppealDecisionIn):
    """Decide the appeal (assessments.appeal_decide): upheld with a revised total, or dismissed;
    refused (403) to the person and to whoever computed the results."""
    appeal_decide(actor=request.actor, result_id=result_id, data=payload.dict())
    return _result(access_result(request.actor, result_id))


@router.post("/assessment-results/{result_id}/incentives",
             response={201: AssessmentResultOut, **CASE_ERRORS})  # fmt: skip
def record_incentive(request: HiqcRequest, result_id: UUID, payload: AssessmentIncentiveIn):
    """An honour or reward against a final result (7.3.1; assessments.incentives)."""
    incentive_record(actor=request.actor, result_id=result_id, data=payload.dict())
    return Status(201, _result(access_result(request.actor, result_id)))


@router.get("/assessment-ratings", response={200: list[AssessmentRatingOut], **ERRORS})
@paginate
def list_ratings(request: HiqcRequest):
    """The 360° ratings the caller has been asked to give (their own scores only)."""
    return [_rating(r) for r in ratings_of(request.actor).order_by("-cycle__period_start")]


@router.post("/assessment-ratings/{rating_id}", response={200: AssessmentRatingOut, **CASE_ERRORS})
def submit_rating(request: HiqcRequest, rating_id: UUID, payload: AssessmentRatingIn):
    """The rater's own scores (0–100) while the scheme is published; nobody else reads them."""
    return _rating(rating_submit(actor=request.actor, rating_id=rating_id, data=payload.dict()))
