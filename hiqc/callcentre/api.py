from typing import Annotated

from ninja import Field, Query, Router, Schema

from hiqc.core.http import HiqcRequest
from hiqc.core.rules import rule_value
from hiqc.core.schemas import ERRORS

from .erlang import MAX_AGENTS, agents_needed, erlang_c, with_shrinkage

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
