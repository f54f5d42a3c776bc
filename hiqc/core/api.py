from typing import Annotated

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from .access import require
from .calendar import MAX_AMOUNT, Unit, compute_due
from .errors import ValidationFailed
from .http import HiqcRequest
from .schemas import ERRORS, AuditEventOut, DueOut, IsoDatetime, RuleOut
from .selectors import audit_event_list, rule_list

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
