from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from .access import require
from .schemas import AuditEventOut, ErrorOut, RuleOut
from .selectors import audit_event_list, rule_list

router = Router(tags=["audit"])


class AuditFilter(Schema):
    action: str = ""
    actor_name: str = ""
    subject_type: str = ""
    subject_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


@router.get("/audit-events", response={200: list[AuditEventOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
@paginate
def list_audit_events(request: HttpRequest, filters: Query[AuditFilter]):  # type: ignore[no-untyped-def]
    require(request.actor, "audit.view")  # type: ignore[attr-defined]
    return audit_event_list(request.actor, **filters.dict())  # type: ignore[attr-defined]


@router.get("/rules", response={200: list[RuleOut], 401: ErrorOut, 403: ErrorOut}, tags=["rules"])
def list_rules(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(request.actor, "rules.view")  # type: ignore[attr-defined]
    return rule_list()
