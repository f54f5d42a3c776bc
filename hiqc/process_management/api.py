"""Process management API (standard chapter 2): the catalogue and process mining. Thin: one
selector per endpoint, scope before anything is said (an unknown process is a 404)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hiqc.core.calendar import WorkingTime
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, IsoDate

from . import selectors
from .conformance import ProcessFit, conformance
from .mining import ProcessMap, Stats, discover
from .schemas import MiningOut, ProcessOut
from .selectors import Period

router = Router(tags=["processes"])
VARIANTS_SHOWN = 50


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


def _duration(stats: Stats | None) -> dict[str, float] | None:
    return None if stats is None else {"mean": stats.mean, "median": stats.median, "p90": stats.p90}


@router.get("/processes/{code}/mining", response={200: MiningOut, **ERRORS})
def process_mining(request: HiqcRequest, code: str, q: Query[MiningQuery]):
    """The discovered process (2.2.2(1)) of the cases that started in the period (Beijing days,
    both included; default the last twelve months) within the org subtree: directly-follows
    `nodes` and `edges` with frequencies and durations (seconds, calendar and working time),
    `variants`, `bottlenecks` (slowest wait first), rework, and conformance to the design."""
    actor = request.actor
    kind = selectors.access_process(actor, code)
    period = selectors.mining_period(q.from_, q.to, timezone.localdate())
    path = selectors.subtree_path(actor, q.org_unit)
    traces = list(selectors.traces(actor, kind, period, path))
    worktime = WorkingTime()
    pm = discover(traces, worktime=worktime)
    fit = conformance(kind.workflow, traces)
    return _mining_out(kind.label, path, period, pm, fit, selectors.activity_labels(kind))


def _mining_out(
    code: str, path: str, period: Period, pm: ProcessMap, fit: ProcessFit, labels: dict[str, str]
) -> dict[str, Any]:
    def label(activity: str) -> str:
        return labels.get(activity, activity)

    return {
        "code": code,
        "org_unit_path": path,
        "period_from": period.first.isoformat(),
        "period_to": period.last.isoformat(),
        "cases": pm.cases,
        "events": pm.events,
        "nodes": [
            {
                "activity": n.activity,
                "label": label(n.activity),
                "frequency": n.frequency,
                "cases": n.cases,
            }
            for n in pm.nodes
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "frequency": e.frequency,
                "cases": e.cases,
                "calendar": _duration(e.calendar),
                "working": _duration(e.working),
            }
            for e in pm.edges
        ],
        "variants": [
            {
                "activities": list(v.activities),
                "cases": v.cases,
                "share": v.share,
                "calendar": _duration(v.calendar),
                "working": _duration(v.working),
            }
            for v in pm.variants[:VARIANTS_SHOWN]
        ],
        "bottlenecks": [
            {
                "activity": w.activity,
                "label": label(w.activity),
                "calendar": _duration(w.calendar),
                "working": _duration(w.working),
            }
            for w in pm.bottlenecks
        ],
        "rework": [
            {"activity": r.activity, "cases": r.cases, "repeats": r.repeats} for r in pm.rework
        ],
        "rework_rate": pm.rework_rate,
        "conformance": {
            "fitness": fit.fitness,
            "fitting_cases": fit.fitting_cases,
            "deviations": [
                {
                    "activity": g.activity,
                    "kind": g.kind,
                    "replay_state": g.replay_state,
                    "count": g.count,
                    "cases": len(g.case_ids),
                }
                for g in fit.groups
            ],
        },
        "warnings": [
            _("{year} 年的节假日安排尚未加载，工作时间按周一至周五计算。").format(year=y)
            for y in sorted(pm.fallback_years)
        ],
    }
