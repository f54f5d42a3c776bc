import json
from datetime import timedelta
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hiqc.core.access import require
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.rules import rule_value
from hiqc.core.schemas import ERRORS
from hiqc.organisations.selectors import unit_in_scope

from . import selectors, services
from .enums import ImportSource
from .erlang import MAX_AGENTS, agents_needed, erlang_c, with_shrinkage
from .schemas import CallImportOut, ForecastOut, ForecastQuery

router = Router(tags=["call centre"])


class ErlangIn(Schema):
    calls: Annotated[float, Field(gt=0, le=1_000_000, description="calls offered in the interval")]
    interval_s: Annotated[int, Field(gt=0, le=86_400, description="interval length, seconds")] = 900
    aht_s: Annotated[float, Field(gt=0, le=36_000, description="average handling time, seconds")]
    threshold_s: Annotated[
        float | None,
        Field(
            ge=0,
            le=3_600,
            description="answer within T s; default: rule callcentre.answer_threshold_s",
        ),
    ] = None
    agents: Annotated[
        int | None, Field(gt=0, le=MAX_AGENTS, description="evaluate this many agents")
    ] = None
    target: Annotated[
        float | None,
        Field(
            gt=0,
            lt=1,
            description="agents for this service level; default: rule callcentre.service_level_target",
        ),
    ] = None
    shrinkage: Annotated[
        float, Field(ge=0, lt=1, description="share of paid time not on calls")
    ] = 0.0


class ErlangOut(Schema):
    traffic: float
    agents: int
    p_wait: float
    service_level: float
    asa_s: float | None
    occupancy: float
    agents_needed: int | None = None
    agents_scheduled: int | None = None


@router.get("/staffing/erlang-c", response={200: ErlangOut, **ERRORS})
def staffing_erlang_c(request: HiqcRequest, q: Query[ErlangIn]):
    """Erlang C (CC-4). With `agents`: the expected service level, P(wait), ASA and occupancy. With
    `target` (or neither: the configured target): the fewest agents reaching it (`agents_needed`)
    and, with `shrinkage`, the agents to schedule — both null when more than 20,000 agents would
    be needed. Both questions may be asked at once."""
    rule_threshold = rule_value("callcentre.answer_threshold_s")
    threshold = q.threshold_s if q.threshold_s is not None else rule_threshold
    extra: dict[str, int | None] = {"agents_needed": None, "agents_scheduled": None}
    agents = q.agents or MAX_AGENTS
    if q.target is not None or q.agents is None:
        target = (
            q.target
            if q.target is not None
            else rule_value("callcentre.service_level_target") / 100
        )
        try:
            needed = agents_needed(
                calls=q.calls,
                interval_s=q.interval_s,
                aht_s=q.aht_s,
                threshold_s=threshold,
                target=target,
            )
            extra = {
                "agents_needed": needed.agents,
                "agents_scheduled": with_shrinkage(needed.agents, q.shrinkage),
            }
            agents = q.agents or needed.agents
        except ValueError:
            pass  # beyond the largest centre modelled: evaluate MAX_AGENTS, no count
    result = erlang_c(
        calls=q.calls, interval_s=q.interval_s, aht_s=q.aht_s, agents=agents, threshold_s=threshold
    )
    return {**result.__dict__, **extra}


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}
FORMATS = {
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json": "jsonl",  # one call as a JSON object: a one-line JSON-lines file
}


@router.post(
    "/calls/import",
    response={200: CallImportOut, **ERRORS},
    openapi_extra=IMPORT_BODY,
    tags=["call centre"],
)
def import_calls(request: HiqcRequest):
    """Import call records (issue 4 §2): a CSV body with a header row (`text/csv`) or JSON lines
    (`application/x-ndjson`; one call may be sent as a JSON object) with the keys call_id, queue, org_unit (unit code), offered_at,
    answered_at, ended_at, agent, abandoned, ivr_only. Idempotent by call_id (re-sent calls are
    counted as duplicates); bad rows are listed with line, field and problem (the first 1,000;
    `rejected_more` counts the rest) while the good rows are kept. Needs `calls.import`; rows for
    units outside its scope are rejected."""
    require(request.actor, "calls.import")
    content_type = request.content_type or ""
    file_format = FORMATS.get(content_type)
    if file_format is None:
        raise ValidationFailed(
            _("请求体须为 text/csv 或 application/x-ndjson。"),
            fields={"content_type": [content_type or "—"]},
        )
    if content_type == "application/json":  # one call: the body must be a JSON object
        try:
            one = json.loads(request.body or b"null")
        except ValueError:
            one = None
        if not isinstance(one, dict):
            raise ValidationFailed(
                _("application/json 请求体须为一个呼叫记录对象；多条请用 application/x-ndjson。"),
                fields={"body": [_("不是 JSON 对象。")]},
            )
    report = services.calls_import(
        actor=request.actor, source=request, file_format=file_format, origin=ImportSource.API
    )
    return {
        "import_id": report.import_id,
        "rows_read": report.rows_read,
        "inserted": report.inserted,
        "duplicates": report.duplicates,
        "rejected_total": report.rejected_total,
        "rejected": [r.__dict__ for r in report.rejected],
        "rejected_more": report.rejected_more,
    }


@router.get("/staffing/forecast", response={200: ForecastOut, **ERRORS}, tags=["call centre"])
def staffing_forecast(request: HiqcRequest, q: Query[ForecastQuery]):
    """CC-4 staffing plan for a day (default tomorrow): calls per 15-minute interval forecast as
    the mean of the same weekday over the last 4 weeks, AHT from the same calls, agents needed
    for the target service level (Erlang C) and agents to schedule with shrinkage, for a queue
    (empty: all) and an org unit's subtree (default: the top of the caller's `calls.view` scope)."""
    actor = request.actor
    require(actor, "calls.view")
    unit = (
        unit_in_scope(actor, q.org_unit, "calls.view")
        if q.org_unit
        else selectors.default_call_unit(actor)
    )
    if unit is None:
        raise NotFound()
    day = q.date or timezone.localdate() + timedelta(days=1)
    return selectors.staffing_forecast(actor, unit=unit, queue=q.queue, day=day).__dict__
