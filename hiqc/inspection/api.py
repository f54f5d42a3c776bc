"""Quality-inspection API (standard 4.1.3(2), 4.2.3(2), 7.2): thin — one selector or service per
endpoint."""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import Actor, require
from hiqc.core.casework import case_allowed_actions
from hiqc.core.http import HiqcRequest
from hiqc.core.models import Checklist
from hiqc.core.schemas import ERRORS, ErrorOut

from . import selectors, services
from .models import Dispute, Score
from .schemas import (
    DecideIn,
    DisputeIn,
    DisputeOut,
    SampleIn,
    SampleOut,
    ScoreIn,
    ScoreOut,
    SheetOut,
    TaskOut,
)

router = Router(tags=["inspection"])
CONFLICT = {**ERRORS, 409: ErrorOut}


def _score(s: Score, actor: Actor) -> dict:
    s.refresh_from_db()
    return {
        "id": s.pk, "task_id": s.task_id, "sheet_id": s.sheet_id, "sheet_code": s.sheet.code,
        "sheet_version": s.sheet.version, "agent_id": s.agent_id, "scorer_id": s.scorer_id,
        "scored_at": s.scored_at, "total": s.total, "fatal": s.fatal,
        "final_total": s.final_total, "final_fatal": s.final_fatal, "status": s.status,
        "status_label": s.get_status_display(), "version": s.version,
        "allowed_actions": case_allowed_actions(services.SCORE_KIND, s, actor),
        "dispute_until": s.dispute_until, "lines": list(s.lines.all()),
    }  # fmt: skip


def _dispute(d: Dispute, actor: Actor) -> dict:
    d.refresh_from_db()
    return {
        "id": d.pk, "score_id": d.score_id, "status": d.status,
        "status_label": d.get_status_display(), "version": d.version,
        "allowed_actions": case_allowed_actions(services.DISPUTE_KIND, d, actor),
        "raised_at": d.raised_at, "decided_at": d.decided_at, "previous_total": d.previous_total,
        "final_total": d.score.final_total, "final_fatal": d.score.final_fatal,
    }  # fmt: skip


def _sheet(s: Checklist) -> dict:
    """A sheet version (a kernel checklist, ADR 0023) in the API's terms: ``kinds`` are its
    ``applies_to``, an item's ``fatal`` is its ``critical``."""
    return {
        "id": s.pk, "code": s.code, "version": s.version, "name": s.name, "kinds": s.applies_to,
        "active": s.active,
        "items": [{"id": i.pk, "position": i.position, "category": i.category, "text": i.text,
                   "points": i.points, "fatal": i.critical} for i in s.items.all()],
    }  # fmt: skip


@router.get("/inspection/tasks", response={200: list[TaskOut], **ERRORS})
@paginate
def list_tasks(request: HiqcRequest, status: str = "", kind: str = "", agent: str = ""):
    """Sampled interactions in the caller's scope (qa.view), pending first."""
    require(request.actor, "qa.view")
    return selectors.task_list(request.actor, status=status, kind=kind, agent=agent)


@router.post("/inspection/samples", response={201: SampleOut, **ERRORS})
def draw_sample(request: HiqcRequest, payload: SampleIn):
    """Draw a sample per agent (random + targeted rules); re-sampling never duplicates."""
    sample = services.sample_draw(actor=request.actor, **payload.dict())
    return Status(201, sample)


@router.post("/inspection/tasks/{task_id}/score", response={201: ScoreOut, **CONFLICT})
def score_task(request: HiqcRequest, task_id: UUID, payload: ScoreIn):
    """Score a task with the sheet's items; the total is computed by the service."""
    data = payload.dict()
    score = services.task_score(
        actor=request.actor,
        task_id=task_id,
        lines=data["lines"],
        comment=data["comment"],
        sheet_id=data["sheet_id"],
        version=data["version"],
    )
    return Status(201, _score(score, request.actor))


@router.post("/inspection/scores/{score_id}/dispute", response={201: DisputeOut, **CONFLICT})
def dispute_score(request: HiqcRequest, score_id: UUID, payload: DisputeIn):
    """The scored agent disputes their own score within the dispute window."""
    dispute = services.score_dispute(
        actor=request.actor, score_id=score_id, reason=payload.reason, version=payload.version
    )
    return Status(201, _dispute(dispute, request.actor))


@router.post("/inspection/disputes/{dispute_id}/decide", response={200: DisputeOut, **CONFLICT})
def decide_dispute(request: HiqcRequest, dispute_id: UUID, payload: DecideIn):
    """Uphold or amend (re-score the items); the final score feeds the QA indicator."""
    data = payload.dict()
    dispute = services.dispute_decide(
        actor=request.actor,
        dispute_id=dispute_id,
        decision=data["decision"],
        note=data["note"],
        lines=data["lines"],
        version=data["version"],
    )
    return _dispute(dispute, request.actor)


@router.get("/inspection/sheets", response={200: list[SheetOut], **ERRORS})
def list_sheets(request: HiqcRequest, active: bool = False):
    """Scoring sheets, every version (or only the active ones)."""
    require(request.actor, "qa.view")
    return [_sheet(s) for s in selectors.sheet_list(active_only=active)]
