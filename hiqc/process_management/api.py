"""Process management API (standard chapter 2): the catalogue and process mining. Thin: one
selector per endpoint, scope before anything is said (an unknown process is a 404)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, IsoDate

from . import selectors
from .mining_sql import mine_sql
from .results import mine, relabel
from .schemas import MiningOut, NeedsAnalysisIn, NeedsAnalysisOut, ProcessOut

router = Router(tags=["processes"])


class MiningQuery(Schema):
    from_: Annotated[IsoDate | None, Field(alias="from")] = None
    to: IsoDate | None = None
    org_unit: UUID | None = None


@router.get("/processes", response={200: list[ProcessOut], **ERRORS})
def list_processes(request: HiqcRequest):
    """Every service process (2.1.1): each registered workflow with its states and steps, its
    owner role, customers and channels, and the versions in force per unit."""
    from .catalogue import profiles_in_force, versions_in_force

    profiles = profiles_in_force()
    today = timezone.localdate()
    return [
        {
            "code": k.label,
            "name": str(k.name) or k.label,
            "states": dict(k.workflow.states),
            "initial": k.workflow.initial,
            "final": sorted(k.workflow.final),
            "steps": [
                {
                    "name": t.name,
                    "label": str(t.label),
                    "from": list(t.sources),
                    "to": t.target,
                    "permission": t.perm,
                }
                for t in k.workflow.transitions
            ],
            "owner_role": getattr(profiles.get(k.label), "owner_role", ""),
            "customers": getattr(profiles.get(k.label), "customers", ""),
            "channels": getattr(profiles.get(k.label), "channels", ""),
            "versions_in_force": [
                {
                    "org_path": r.org_path,
                    "unit": str(r.unit),
                    "version": r.version.number if r.version else None,
                    "effective_from": r.version.effective_from if r.version else None,
                }
                for r in versions_in_force(request.actor, k.label, today)
            ],
        }
        for k in selectors.process_list(request.actor)
    ]


@router.get("/processes/{code}/mining", response={200: MiningOut, **ERRORS})
def process_mining(request: HiqcRequest, code: str, q: Query[MiningQuery]):
    """The discovered process (2.2.2(1)) of the cases that started in the period (Beijing days,
    both included; default the last twelve months) within the org subtree: directly-follows
    `nodes` and `edges` with frequencies and durations (seconds, calendar and working time),
    `variants`, `bottlenecks` (slowest wait first), `hotspots` (a step slow at one unit against
    the same step elsewhere, most excess waiting first), rework, conformance to the design, and
    `refused_imports` (imported events the design refused, never in the log). Without `from` and `to` the answer may be the nightly figures: `computed_at` says when."""
    actor = request.actor
    kind = selectors.access_process(actor, code)
    period = selectors.mining_period(q.from_, q.to, timezone.localdate())
    path = selectors.subtree_path(actor, q.org_unit)
    result = None
    if q.from_ is None and q.to is None:
        snapshot = selectors.snapshot_for(actor, kind, path, period)
        if snapshot is not None:
            result = relabel(kind, snapshot.result)
    if result is None:
        result = mine_sql(actor, kind, period, path, at=timezone.now())
    if result is None:
        traces = selectors.traces(actor, kind, period, path)
        result = mine(kind, traces, path=path, period=period, at=timezone.now())
    # imported moves the design refused: never in the event log, read live (issue 16 §4)
    moves = selectors.refused_moves(selectors.refused_imports(actor, kind, period, path))
    return {**result, "refused_imports": selectors.refused_dicts(kind, moves)}


def _analysis(request: HiqcRequest, analysis, evidence) -> dict:
    return {
        "id": analysis.pk, "process": analysis.process, "version": analysis.version_id,
        "version_number": analysis.version.number, "summary": analysis.summary,
        "needs": analysis.needs, "other_evidence": analysis.other_evidence,
        "evidence": [
            {"case_type": e.row.case_type, "case_id": e.row.case_id, "url": e.url}
            for e in evidence if e.visible
        ],
        "hidden": sum(1 for e in evidence if not e.visible),
        "created_by": analysis.created_by, "created_at": analysis.created_at,
    }  # fmt: skip


@router.get("/processes/{code}/needs-analyses", response={200: list[NeedsAnalysisOut], **ERRORS})
def list_needs_analyses(request: HiqcRequest, code: str):
    """The needs analyses (2.1.2(1)) behind the process's versions, newest first, with the cases
    they cite that the caller may open."""
    from .catalogue import analyses

    kind = selectors.access_process(request.actor, code)
    return [_analysis(request, a, ev) for a, ev in analyses(request.actor, kind.label)]


@router.post("/processes/{code}/needs-analyses", response={201: NeedsAnalysisOut, **ERRORS})
def create_needs_analysis(request: HiqcRequest, code: str, payload: NeedsAnalysisIn):
    """Record a needs analysis for one version of the process (``process.manage`` at head
    office), citing cases of any kind: a case not found (or not the caller's) refuses it all."""
    from .catalogue import analyses
    from .services import analysis_create

    kind = selectors.access_process(request.actor, code)
    row = analysis_create(
        actor=request.actor, process=kind.label, version_id=str(payload.version),
        summary=payload.summary, needs=payload.needs, other_evidence=payload.other_evidence,
        evidence=[(e.case_type, e.case_id) for e in payload.evidence],
    )  # fmt: skip
    evidence = next(ev for a, ev in analyses(request.actor, kind.label) if a.pk == row.pk)
    return Status(201, _analysis(request, row, evidence))
