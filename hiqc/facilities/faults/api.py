"""Fault ticket API (issue 19 §5, §9): ``GET/POST /api/v1/faults``, ``GET /api/v1/faults/{id}``,
``POST /api/v1/faults/{id}/actions/{action}``, ``POST /api/v1/faults/import``. Scope before
anything is said: another unit's id is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any, Literal
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import Source, case_representation
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from ..enums import MANAGE, VIEW
from . import selectors
from .enums import FAULT_REPORT, FaultSource
from .schemas import FaultCaseOut, FaultImportOut, FaultIn, FaultOut
from .services import KIND, fault_act, fault_report, faults_import

router = Router(tags=["facilities"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def fault_out(f, breached: bool = False) -> dict:
    hours = None
    if f.down_until is not None:
        hours = round((f.down_until - f.down_from).total_seconds() / 3600, 2)
    return {**{k: getattr(f, k) for k in (
        "id", "number", "status", "severity", "category", "equipment_id", "org_unit_id", "title",
        "description", "source", "alarm_id", "reported_at", "reported_by", "responded_at",
        "down_from", "down_until", "cause", "resolution", "repaired_at", "closed_at",
        "assignee_id")}, "asset_number": f.equipment.asset_number, "downtime_hours": hours,
        "breached": breached}  # fmt: skip


def _case(request: HiqcRequest, case) -> dict:
    rep = case_representation(KIND, case, request.actor)
    breached = any(d["state"] == "breached" for d in rep["deadlines"])
    return {**rep, "fault": fault_out(case, breached)}


@router.get("/faults", response={200: list[FaultOut], **ERRORS})
@paginate
def list_faults(request: HiqcRequest, status: str = "", severity: str = "",
                state: Literal["", "open"] = ""):  # fmt: skip
    """Fault tickets in scope. `state=open`: the open ones, breached clocks first, then by
    severity (critical first), then the oldest; otherwise newest report first."""
    require(request.actor, VIEW)
    qs = selectors.fault_list(request.actor, status=status[:20], severity=severity[:10],
                              open_only=state == "open")  # fmt: skip
    if state == "open":
        qs = selectors.fault_queue(qs)
        return [fault_out(f, bool(getattr(f, "breached", False))) for f in qs]
    return [fault_out(f) for f in qs]


@router.post("/faults", response={201: FaultCaseOut, **CASE_ERRORS})
def report_fault(request: HiqcRequest, payload: FaultIn):
    """Report a fault of a piece of equipment (`facilities.fault_report` over its unit):
    severity critical (service stopped) | major (degraded) | minor, what is wrong, since when the
    service is down (`down_from`, default now). Starts the severity's response and repair clocks;
    the equipment goes under repair. 409 for disposed equipment."""
    require(request.actor, FAULT_REPORT)
    data = payload.dict()
    data["equipment"] = str(data["equipment"])
    if data.get("down_from") is None:
        data.pop("down_from")
    case = fault_report(actor=request.actor, data=data, source=FaultSource.API,
                        at=timezone.now())  # fmt: skip
    return Status(201, _case(request, selectors.access_fault(request.actor, case.pk)))


@router.post(
    "/faults/import", response={200: FaultImportOut, **ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}},
    }}},
)  # fmt: skip
def import_faults(request: HiqcRequest):
    """Import a monitoring system's alarms as fault tickets: a CSV body (UTF-8 or GB18030) or an
    Excel workbook, header row first; columns asset_number, alarm_id, start, end (empty: still
    down), severity (critical/major/minor or 紧急/严重/一般), description. Times are Beijing time.
    Idempotent by alarm id (an alarm that has since ended fills in its ticket's end); bad rows
    are listed by line, field and problem and the good rows are kept. Needs `facilities.manage`."""
    require(request.actor, MANAGE)
    if not request.body:
        raise ValidationFailed(_("请求体为空：请提供 CSV 或 Excel 文件。"),
                               fields={"body": [_("此项必填。")]})  # fmt: skip
    return faults_import(actor=request.actor, source=[request.body], origin="api").as_dict()


@router.get("/faults/{fault_id}", response={200: FaultCaseOut, **ERRORS})
def get_fault(request: HiqcRequest, fault_id: UUID):
    return _case(request, selectors.access_fault(request.actor, fault_id))


@router.post("/faults/{fault_id}/actions/{action}", response={200: FaultCaseOut, **CASE_ERRORS})
def fault_action(request: HiqcRequest, fault_id: UUID, action: str, payload: CaseActionIn):
    """accept, assign (`assignee`: a user id holding facilities.fault_repair over the unit),
    repair (`resolution`, `cause`, `down_until`), confirm, reopen (`reason`), cancel (`reason`)
    at ``version``: 409 when stale or not allowed now, 422 for missing or bad inputs."""
    fault_act(actor=request.actor, fault_id=fault_id, action=action[:60], data=payload.data,
              version=payload.version, source=Source.API)  # fmt: skip
    return _case(request, selectors.access_fault(request.actor, fault_id))
