"""Survey API (issue 6 §6): plans and their results for the caller's scope — thin, one selector
or analysis call per endpoint. Figures carry their 95 % intervals; cells below the minimum count
carry counts only; no respondent identity or free text is returned."""

from datetime import datetime, time
from typing import Any
from uuid import UUID

from ninja import Router

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, IsoDate

from . import staff_selectors as selectors
from .analysis import NPS, Share, plan_results
from .schemas import SurveyPlanOut, SurveyResultsOut

router = Router(tags=["surveys"])
VIEW = "surveys.view"


def _share(s: Share) -> dict[str, Any]:
    low, high = s.interval or (None, None)
    return {"numerator": s.x, "denominator": s.n, "value": s.value, "low": low, "high": high}


def _nps(n: NPS) -> dict[str, Any]:
    low, high = n.interval or (None, None)
    return {"promoters": n.promoters, "passives": n.passives, "detractors": n.detractors,
            "value": n.value, "low": low, "high": high}  # fmt: skip


@router.get("/surveys/plans", response={200: list[SurveyPlanOut], **ERRORS})
def list_plans(request: HiqcRequest):
    """Survey plans whose scope lies in the caller's view (surveys.view), with invitation counts."""
    require(request.actor, VIEW)
    return list(selectors.plans(request.actor))


@router.get("/surveys/plans/{plan_id}/results", response={200: SurveyResultsOut, **ERRORS})
def plan_results_read(request: HiqcRequest, plan_id: UUID, sent_from: IsoDate | None = None,
                      sent_to: IsoDate | None = None):  # fmt: skip
    """Response rate, CSAT and NPS with 95 % intervals, mean scores, and the breakdowns by org
    unit, channel, product, case type and handler for invitations sent in [sent_from, sent_to]."""
    require(request.actor, VIEW)
    plan = selectors.plan(request.actor, plan_id)
    start = datetime.combine(sent_from, time.min, BEIJING) if sent_from else None
    end = datetime.combine(sent_to, time.max, BEIJING) if sent_to else None
    r = plan_results(plan, start=start, end=end, org_path=plan.org_unit.path)
    return {
        "plan_id": plan.pk, "invited": r.invited, "answered": r.answered,
        "response_rate": _share(r.response), "csat": _share(r.csat), "nps": _nps(r.nps),
        "questions": [{"code": q.question.code, "text": q.question.text, "kind": q.question.kind,
                       "n": q.n, "mean": q.mean, "low": q.low, "high": q.high}
                      for q in r.questions],
        "breakdowns": {dim: [{"key": c.key, "name": c.name, "invited": c.invited,
                              "answered": c.answered, "suppressed": c.suppressed,
                              "csat": None if c.suppressed else _share(c.csat),
                              "nps": None if c.suppressed else _nps(c.nps)}
                             for c in cells] for dim, cells in r.breakdowns.items()},
        "min_cell": r.min_cell,
    }  # fmt: skip
