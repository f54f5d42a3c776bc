from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from .access import Actor, require
from .calendar import BEIJING, MAX_AMOUNT, Unit, compute_due
from .errors import NotFound, ValidationFailed
from .http import HiqcRequest
from .indicator_cases import cases_behind, period_bounds, supported
from .indicators import INDICATORS, rolled_up
from .schemas import ERRORS, AuditEventOut, DueOut, IsoDatetime, RuleOut
from .selectors import audit_event_list, org_unit_path_in_scope, rule_list
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
    formula: str = Field(description="the definition (口径), in the request's language")
    source: str = Field(description="the data source, in the request's language")
    granularities: list[str]
    owner: str = Field(description="the role accountable for the figure, e.g. quality_lead")


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


class IndicatorCaseOut(Schema):
    record_type: str
    name: str = Field(description="what the record is: the case kind, or 来电, 质检评分 …")
    label: str = Field(description="case number or record label; — when the case is not visible")
    url: str = Field(description="its page, when the caller may see it")
    when: datetime | None
    counted: str = Field(description="what the figure counted for it: 按时 / 超时, days, score …")
    bad: bool = Field(description="counted against the figure")
    unit: str = Field(description="the org unit the record belongs to")


class IndicatorCasesOut(Schema):
    code: str
    org_unit_path: str
    period_start: datetime
    period_end: datetime
    cases: list[IndicatorCaseOut]


class IndicatorCasesQuery(Schema):
    org_unit: UUID | None = None
    period: str = Field(
        description="YYYY-MM (a month), YYYYQn (a quarter) or YYYY-MM-DD (a day), Beijing time"
    )


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, tags=["indicators"])
def list_indicators(request: HiqcRequest):
    """Every declared indicator: names, unit, direction, clauses, formula and source."""
    require(request.actor, "indicators.view")
    return [
        {
            **i.__dict__,
            "clauses": list(i.clauses),
            "granularities": list(i.granularities),
            "formula": i.formula_text(),
            "source": i.source_text(),
        }
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
    path = _indicator_path(actor, q.org_unit)
    end = q.to or timezone.now()
    start = q.from_ or end - timedelta(days=30)
    rows = rolled_up(code, granularity=q.granularity, org_path=path, start=start, end=end)
    for row in rows:  # the target in force at the unit on the period's first day
        target = target_for(code, path, row["period_start"].astimezone(BEIJING).date())
        row.update(target=target.target if target else None,
                   warning=target.warning if target else None,
                   status=target_status(code, row["value"], target))  # fmt: skip
    return {"code": code, "org_unit_path": path, "granularity": q.granularity, "values": rows}


def _indicator_path(actor: Actor, org_unit: UUID | None) -> str:
    """The subtree asked for (in the actor's indicators.view scope), else the actor's first one."""
    if org_unit is None:
        return actor.paths_for("indicators.view")[0]
    return org_unit_path_in_scope(actor, org_unit, "indicators.view")


@router.get(
    "/indicators/{code}/cases", response={200: IndicatorCasesOut, **ERRORS}, tags=["indicators"]
)
def indicator_cases(request: HiqcRequest, code: str, q: Query[IndicatorCasesQuery]):
    """The records one figure counted — a unit's subtree and a month or a day — those counted
    against it first (at most 500); each case shows its number and page only when the caller may
    see it. 404 when the indicator does not list its records."""
    actor = request.actor
    require(actor, "indicators.view")
    if code not in INDICATORS or not supported(code):
        raise NotFound()
    try:
        start, end = period_bounds(q.period)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"period": [str(exc)]}) from exc
    path = _indicator_path(actor, q.org_unit)
    rows = cases_behind(actor, code, path, start, end) or []
    return {"code": code, "org_unit_path": path, "period_start": start, "period_end": end,
            "cases": [r.__dict__ for r in rows]}  # fmt: skip


# The privacy endpoints (inventory, retention, legal holds; issue 21) under the kernel's router.
from .privacy_api import router as privacy_router  # noqa: E402

router.add_router("", privacy_router)
