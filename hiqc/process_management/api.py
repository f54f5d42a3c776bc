"""Process management API (standard chapter 2): the catalogue and process mining. Thin: one
selector per endpoint, scope before anything is said (an unknown process is a 404)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, IsoDate

from . import selectors
from .mining_sql import mine_sql
from .results import mine, relabel
from .schemas import MiningOut, ProcessOut

router = Router(tags=["processes"])


class MiningQuery(Schema):
    from_: Annotated[IsoDate | None, Field(alias="from")] = None
    to: IsoDate | None = None
    org_unit: UUID | None = None


@router.get("/processes", response={200: list[ProcessOut], **ERRORS})
def list_processes(request: HiqcRequest):
    """Every service process (2.1.1): each registered workflow with its states and steps."""
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
        }
        for k in selectors.process_list(request.actor)
    ]


@router.get("/processes/{code}/mining", response={200: MiningOut, **ERRORS})
def process_mining(request: HiqcRequest, code: str, q: Query[MiningQuery]):
    """The discovered process (2.2.2(1)) of the cases that started in the period (Beijing days,
    both included; default the last twelve months) within the org subtree: directly-follows
    `nodes` and `edges` with frequencies and durations (seconds, calendar and working time),
    `variants`, `bottlenecks` (slowest wait first), rework, and conformance to the design.
    Without `from` and `to` the answer may be the nightly figures: `computed_at` says when."""
    actor = request.actor
    kind = selectors.access_process(actor, code)
    period = selectors.mining_period(q.from_, q.to, timezone.localdate())
    path = selectors.subtree_path(actor, q.org_unit)
    if q.from_ is None and q.to is None:
        snapshot = selectors.snapshot_for(actor, kind, path, period)
        if snapshot is not None:
            return relabel(kind, snapshot.result)
    fast = mine_sql(actor, kind, period, path, at=timezone.now())
    if fast is not None:
        return fast
    traces = selectors.traces(actor, kind, period, path)
    return mine(kind, traces, path=path, period=period, at=timezone.now())
