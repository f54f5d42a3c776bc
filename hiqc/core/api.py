from ninja import Query, Router, Schema
from ninja.pagination import paginate

from .access import require
from .http import HiqcRequest
from .schemas import ERRORS, AuditEventOut, IsoDatetime, RuleOut
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
