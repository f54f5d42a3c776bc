from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from django.apps import apps
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from .access import get_in_scope, require
from .calendar import BEIJING, MAX_AMOUNT, Unit, compute_due
from .errors import NotFound, ValidationFailed
from .http import HiqcRequest
from .indicators import INDICATORS, rolled_up
from .schemas import ERRORS, AuditEventOut, DueOut, IsoDatetime, RuleOut
from .selectors import audit_event_list, rule_list
from .targets import status as target_status
from .targets import target_for

router = Router(tags=["audit"])


class AuditFilter(Schema):
    action: str = ""
    actor_name: str = ""
    subject_type: str = ""
    subject_id: str = ""
    since: IsoDatetime | None = None
    until: IsoDatetime | None = None


@router.get(
    "/audit-events",
    response={200: list[AuditEventOut], **ERRORS},
)
@paginate
def list_audit_events(request: HiqcRequest, filters: Query[AuditFilter]):
    require(request.actor, "audit.view")
    return audit_event_list(request.actor, **filters.dict())


@router.get("/rules", response={200: list[RuleOut], **ERRORS}, tags=["rules"])
def list_rules(request: HiqcRequest):
    require(request.actor, "rules.view")
    return rule_list()


@router.get("/calendar/due", auth=None, response={200: DueOut, **ERRORS}, tags=["calendar"])
def calendar_due(
    request: HiqcRequest,
    start: IsoDatetime,
    amount: Annotated[int, Field(ge=1, le=MAX_AMOUNT)],
    unit: Unit,
):
    """When a period ends on the official calendar (Civil Code counting; public, no login).

    `due_at` is the exclusive end: 24:00 Beijing time of `due_date`. `rolled_over_from` is set when
    the last day fell on a rest day (rule calendar.rollover). `warnings` names years whose holiday
    schedule is not loaded (counted as Mon–Fri)."""
    try:
        due = compute_due(start, amount, unit)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"amount": [str(exc)]}) from exc
    return {
        "due_at": due.due_at,
        "due_date": due.last_day,
        "unit": due.unit.value,
        "rolled_over_from": due.rolled_over_from,
        "warnings": list(due.warnings),
    }


class IndicatorOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    clauses: list[str]
    formula: str
    source: str
    granularities: list[str]


class IndicatorValueOut(Schema):
    period_start: datetime
    numerator: float
    denominator: float
    value: float | None
    target: float | None = None
    warning: float | None = None
    status: Literal["green", "amber", "red"] | None = None


class IndicatorValuesOut(Schema):
    code: str
    org_unit_path: str
    granularity: str
    values: list[IndicatorValueOut]


class IndicatorQuery(Schema):
    org_unit: UUID | None = None
    granularity: Literal["15min", "day", "month", "quarter"] = "day"
    from_: Annotated[IsoDatetime | None, Field(alias="from")] = None
    to: IsoDatetime | None = None


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, tags=["indicators"])
def list_indicators(request: HiqcRequest):
    """Every declared indicator: names, unit, direction, clauses, formula and source."""
    require(request.actor, "indicators.view")
    return [
        {**i.__dict__, "clauses": list(i.clauses), "granularities": list(i.granularities)}
        for i in INDICATORS.values()
    ]


@router.get(
    "/indicators/{code}/values", response={200: IndicatorValuesOut, **ERRORS}, tags=["indicators"]
)
def indicator_values(request: HiqcRequest, code: str, q: Query[IndicatorQuery]):
    """Per period, Σnumerator ÷ Σdenominator over the org unit's subtree (default: the actor's
    first subtree holding indicators.view; `from` defaults to 30 days ago, `to` to now)."""
    actor = request.actor
    require(actor, "indicators.view")
    if code not in INDICATORS:
        raise NotFound()
    if q.org_unit is not None:
        unit = get_in_scope(
            actor,
            apps.get_model("organisations", "OrgUnit")._default_manager.all(),
            q.org_unit,
            "indicators.view",
        )
        path = str(getattr(unit, "path", ""))
    else:
        path = actor.paths_for("indicators.view")[0]
    end = q.to or timezone.now()
    start = q.from_ or end - timedelta(days=30)
    rows = rolled_up(code, granularity=q.granularity, org_path=path, start=start, end=end)
    for row in rows:  # the target in force at the unit on the period's first day
        target = target_for(code, path, row["period_start"].astimezone(BEIJING).date())
        row.update(target=target.target if target else None,
                   warning=target.warning if target else None,
                   status=target_status(code, row["value"], target))  # fmt: skip
    return {"code": code, "org_unit_path": path, "granularity": q.granularity, "values": rows}
