"""Facilities API (issue 19 §1–§3, §9): outlets with their facilities and inspections, inspections
(plan, perform, trend), rectification cases on the case API contract, equipment with its history
and import. Scope before anything is said: another unit's id is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any, Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from . import selectors
from .enums import MANAGE, VIEW
from .equipment.services import (
    equipment_create,
    equipment_event_record,
    equipment_import,
)
from .schemas import (
    EquipmentDetailOut,
    EquipmentEventIn,
    EquipmentEventOut,
    EquipmentImportOut,
    EquipmentIn,
    EquipmentOut,
    FacilityInspectionDetailOut,
    FacilityInspectionIn,
    FacilityInspectionOut,
    FacilityInspectionPerformIn,
    FacilityTrendOut,
    OutletFacilityIn,
    OutletOut,
    RectificationCaseOut,
    RectificationOut,
)
from .services import (
    KIND,
    inspection_perform,
    inspection_plan,
    outlet_facility_save,
    rectification_act,
)

router = Router(tags=["facilities"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _facility(record) -> dict | None:
    if record is None:
        return None
    return {**{f: getattr(record, f) for f in (
        "address", "floor_area", "opening_hours", "has_reception", "reception_seats",
        "has_business", "private_windows", "has_rest", "has_water", "has_consultation",
        "has_signage", "barrier_free", "note")}, "gaps": record.gaps()}  # fmt: skip


def _outlet(row: dict) -> dict:
    u = row["unit"]
    return {"id": u.pk, "code": u.code, "name": u.name, "path": u.path,
            "facility": _facility(row["facility"]), "last_inspection": row["last"],
            "inspections": row["inspections"],
            "open_rectifications": row["open_rectifications"]}  # fmt: skip


def _outlet_row(request: HiqcRequest, outlet_id: UUID) -> dict:
    unit = selectors.access_outlet(request.actor, outlet_id)
    return next(r for r in selectors.results_by_outlet(request.actor) if r["unit"].pk == unit.pk)


def _inspection(i) -> dict:
    return {**{f: getattr(i, f) for f in (
        "id", "org_unit_id", "kind", "checklist_id", "due_date", "planned_by", "performed_at",
        "performed_by", "score", "max_score", "percent", "passed", "notes")},
        "checklist_code": i.checklist.code, "checklist_version": i.checklist.version}  # fmt: skip


def _inspection_detail(i) -> dict:
    marks = [{"item_id": m.item_id, "category": m.item.category, "text": m.item.text,
              "points": m.item.points, "critical": m.item.critical, "mark": m.mark,
              "note": m.note} for m in selectors.inspection_marks(i)]  # fmt: skip
    return {**_inspection(i), "marks": marks, "photos": len(selectors.inspection_photos(i)),
            "rectification_ids": [r.pk for r in i.rectifications.all()]}  # fmt: skip


def _case(request: HiqcRequest, case) -> dict:
    return {**case_representation(KIND, case, request.actor), "rectification": case}


def _equipment_detail(e) -> dict:
    return {**EquipmentOut.from_orm(e).dict(),
            "history": list(selectors.equipment_history(e))}  # fmt: skip


# --- outlets -------------------------------------------------------------------------------------


@router.get("/outlets", response={200: list[OutletOut], **ERRORS})
@paginate
def list_outlets(request: HiqcRequest):
    """Every outlet-level org unit in the caller's scope with its facilities record (8.1.2–8.1.7;
    `gaps` names what it lacks), its last inspection and its open rectifications."""
    require(request.actor, VIEW)
    return [_outlet(r) for r in selectors.results_by_outlet(request.actor)]


@router.get("/outlets/{outlet_id}", response={200: OutletOut, **ERRORS})
def get_outlet(request: HiqcRequest, outlet_id: UUID):
    return _outlet(_outlet_row(request, outlet_id))


@router.put("/outlets/{outlet_id}/facility", response={200: OutletOut, **ERRORS})
def put_outlet_facility(request: HiqcRequest, outlet_id: UUID, payload: OutletFacilityIn):
    """Create or replace the outlet's facilities record (facilities.manage over the outlet)."""
    outlet_facility_save(actor=request.actor, org_unit_id=outlet_id, data=payload.dict())
    return _outlet(_outlet_row(request, outlet_id))


@router.get("/outlets/{outlet_id}/inspections",
            response={200: list[FacilityInspectionOut], **ERRORS})  # fmt: skip
def list_outlet_inspections(request: HiqcRequest, outlet_id: UUID):
    unit = selectors.access_outlet(request.actor, outlet_id)
    return [_inspection(i) for i in selectors.inspection_list(request.actor, org_unit_id=unit.pk)]


# --- inspections ---------------------------------------------------------------------------------


@router.get("/facility-inspections", response={200: list[FacilityInspectionOut], **ERRORS})
@paginate
def list_inspections(request: HiqcRequest, state: Literal["", "planned", "done"] = ""):
    """Inspections in scope, newest due first; `state` planned | done."""
    require(request.actor, VIEW)
    return [_inspection(i) for i in selectors.inspection_list(request.actor, state=state)]


@router.post("/facility-inspections", response={201: FacilityInspectionOut, **ERRORS})
def plan_inspection(request: HiqcRequest, payload: FacilityInspectionIn):
    """Plan an inspection of an outlet (`kind` facility | environment) by `due_date`
    (facilities.inspect over the outlet)."""
    data = payload.dict()
    data["due_date"] = data["due_date"].isoformat()
    return Status(201, _inspection(inspection_plan(actor=request.actor, data=data)))


@router.get("/facility-inspection-trend", response={200: list[FacilityTrendOut], **ERRORS})
def inspection_trend(request: HiqcRequest):
    """Per month: Σscore ÷ Σmax as a percent, the pass rate and the count of inspections."""
    require(request.actor, VIEW)
    return selectors.inspection_trend(request.actor)


@router.get("/facility-inspections/{inspection_id}",
            response={200: FacilityInspectionDetailOut, **ERRORS})  # fmt: skip
def get_inspection(request: HiqcRequest, inspection_id: UUID):
    return _inspection_detail(selectors.access_inspection(request.actor, inspection_id))


@router.post("/facility-inspections/{inspection_id}/perform",
             response={200: FacilityInspectionDetailOut, **CASE_ERRORS})  # fmt: skip
def perform_inspection(request: HiqcRequest, inspection_id: UUID,
                       payload: FacilityInspectionPerformIn):  # fmt: skip
    """Record the inspection: a mark for every item of the current checklist version (points or
    "na"), notes by item, a summary. Failed items open rectification cases. 409 once performed.
    Photos are added on the inspection page (multipart)."""
    inspection_perform(actor=request.actor, inspection_id=inspection_id, marks=payload.marks,
                       notes=payload.notes, summary=payload.summary)  # fmt: skip
    return _inspection_detail(selectors.access_inspection(request.actor, inspection_id))


# --- rectifications ------------------------------------------------------------------------------


@router.get("/facility-rectifications", response={200: list[RectificationOut], **ERRORS})
@paginate
def list_rectifications(request: HiqcRequest, status: str = ""):
    require(request.actor, VIEW)
    return selectors.rectification_list(request.actor, status=status)


@router.get("/facility-rectifications/{case_id}", response={200: RectificationCaseOut, **ERRORS})
def get_rectification(request: HiqcRequest, case_id: UUID):
    return _case(request, selectors.access_rectification(request.actor, case_id))


@router.post("/facility-rectifications/{case_id}/actions/{action}",
             response={200: RectificationCaseOut, **CASE_ERRORS})  # fmt: skip
def rectification_action(request: HiqcRequest, case_id: UUID, action: str,
                         payload: CaseActionIn):  # fmt: skip
    """rectify (correction), verify (verification), reject (reason), cancel (reason) at
    ``version``: 409 when stale or not allowed now, 422 for missing inputs."""
    rectification_act(actor=request.actor, case_id=case_id, action=action[:60],
                      data=payload.data, version=payload.version)  # fmt: skip
    return _case(request, selectors.access_rectification(request.actor, case_id))


# --- equipment -----------------------------------------------------------------------------------


@router.get("/equipment", response={200: list[EquipmentOut], **ERRORS})
@paginate
def list_equipment(request: HiqcRequest, category: str = "", state: str = "", q: str = ""):
    require(request.actor, VIEW)
    return selectors.equipment_list(request.actor, category=category, state=state, q=q[:60])


@router.post("/equipment", response={201: EquipmentOut, **ERRORS})
def create_equipment(request: HiqcRequest, payload: EquipmentIn):
    """A new equipment file (facilities.manage over its unit)."""
    return Status(201, equipment_create(actor=request.actor, data=payload.dict()))


@router.post(
    "/equipment/import", response={200: EquipmentImportOut, **ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}},
    }}},
)  # fmt: skip
def import_equipment(request: HiqcRequest):
    """Import an equipment list: a CSV body (UTF-8 or GB18030) or an Excel workbook, header row
    first; columns asset_number, name, category, org_unit (code), location, model_name,
    serial_number, supplier, purchase_date, purchase_cost, warranty_end, safety_certificate,
    environmental_certificate, state, note. Idempotent by asset number; bad rows are listed by
    line, field and problem and the good rows are kept. Needs `facilities.manage`."""
    require(request.actor, MANAGE)
    if not request.body:
        raise ValidationFailed(_("请求体为空：请提供 CSV 或 Excel 文件。"),
                               fields={"body": [_("此项必填。")]})  # fmt: skip
    return equipment_import(actor=request.actor, source=[request.body], origin="api").as_dict()


@router.get("/equipment/{equipment_id}", response={200: EquipmentDetailOut, **ERRORS})
def get_equipment(request: HiqcRequest, equipment_id: UUID):
    return _equipment_detail(selectors.access_equipment(request.actor, equipment_id))


@router.post("/equipment/{equipment_id}/events",
             response={201: EquipmentEventOut, **CASE_ERRORS})  # fmt: skip
def create_equipment_event(request: HiqcRequest, equipment_id: UUID, payload: EquipmentEventIn):
    """One history entry: use, check, maintenance, fault, repair, repaired, idle, relocated (with
    `org_unit`), disposed. 409 once disposed."""
    data = payload.dict()
    data["happened_on"] = data["happened_on"].isoformat()
    if data.get("org_unit") is None:
        data.pop("org_unit")
    return Status(201, equipment_event_record(actor=request.actor, equipment_id=equipment_id,
                                              data=data))  # fmt: skip
