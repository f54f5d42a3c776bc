"""Risk register API (issue 20 §4, §5, §7): ``/risks``, the heat map, KRIs and the treatment plan
case. Scope before anything: another unit's risk is the same 404 as a missing one; permission
before the body is judged (``require`` in each service before its inputs).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from ..enums import VIEW
from . import selectors
from .enums import RISK_MANAGE
from .scale import appetite, bands
from .schemas import (
    KriIn,
    KriOut,
    RegisterRiskOut,
    RiskDetailOut,
    RiskHeatmapOut,
    RiskIn,
    RiskPatchIn,
    RiskReviewIn,
    RiskTreatmentCaseOut,
    RiskTreatmentIn,
    RiskTreatmentOut,
)
from .services import (
    TREATMENT_KIND,
    kri_create,
    risk_create,
    risk_review,
    risk_update,
    treatment_act,
    treatment_open,
)

router = Router(tags=["risks"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def risk_out(r: Any) -> dict:
    limit = appetite()
    return {**{f: getattr(r, f) for f in (
        "id", "number", "org_unit_id", "category", "title", "cause", "event", "consequence",
        "owner_role", "inherent_likelihood", "inherent_impact", "inherent_rating",
        "residual_likelihood", "residual_impact", "residual_rating", "control_effectiveness",
        "qualitative", "review_status", "review_reason")},
        "org_unit_name": r.org_unit.name, "owner": r.owner.username if r.owner else "",
        "residual_band": bands().of(r.residual_rating),
        "above_appetite": r.residual_rating > limit}  # fmt: skip


def _detail(r: Any, actor: Any) -> dict:
    return {
        **risk_out(r),
        "controls": [{"id": t["control"].pk, "code": t["control"].code,
                      "name": t["control"].name, "status": t["status"],
                      "effectiveness": t["effectiveness"], "period": t["period"],
                      "credit": t["credit"]} for t in selectors.control_tests(r)],
        "ratings": list(selectors.ratings_of(r)),
        "treatment_ids": list(selectors.treatment_list(actor).filter(risk=r)
                              .values_list("pk", flat=True)),
    }  # fmt: skip


@router.get("/risks", response={200: list[RegisterRiskOut], **ERRORS})
@paginate
def list_risks(request: HiqcRequest, category: str = "", band: str = "", cell: str = "",
               above_appetite: bool = False):  # fmt: skip
    """The register in the actor's scope (9.2.1); ``cell`` = inherent-L-I or residual-L-I."""
    require(request.actor, VIEW)
    return [risk_out(r) for r in selectors.risk_list(
        request.actor, category=category[:20], band=band[:10], cell=cell[:20],
        above_appetite=above_appetite)]  # fmt: skip


@router.post("/risks", response={201: RiskDetailOut, **ERRORS})
def create_risk(request: HiqcRequest, payload: RiskIn):
    """A register entry: inherent likelihood × impact 1..5, linked controls by code; the residual
    is derived from the controls' latest tests (compliance.risk_manage over the unit)."""
    require(request.actor, RISK_MANAGE)
    risk = risk_create(actor=request.actor, data=payload.dict())
    return Status(201, _detail(selectors.access_risk(request.actor, risk.pk), request.actor))


@router.get("/risks/heatmap", response={200: RiskHeatmapOut, **ERRORS})
def risk_heatmap(request: HiqcRequest):
    """How many risks sit in each likelihood × impact cell, inherent and residual."""
    require(request.actor, VIEW)
    return {**selectors.heatmap(request.actor), "appetite": appetite()}


@router.get("/risks/{risk_id}", response={200: RiskDetailOut, **ERRORS})
def get_risk(request: HiqcRequest, risk_id: UUID):
    return _detail(selectors.access_risk(request.actor, risk_id), request.actor)


@router.patch("/risks/{risk_id}", response={200: RiskDetailOut, **ERRORS})
def patch_risk(request: HiqcRequest, risk_id: UUID, payload: RiskPatchIn):
    """Description, category, owner or linked controls (the rating: ``/review``)."""
    risk = selectors.access_risk(request.actor, risk_id)
    require(request.actor, RISK_MANAGE, path=risk.org_unit.path)
    risk_update(actor=request.actor, risk_id=risk_id, data=payload.dict(exclude_unset=True))
    return _detail(selectors.access_risk(request.actor, risk_id), request.actor)


@router.post("/risks/{risk_id}/review", response={200: RiskDetailOut, **ERRORS})
def review_risk(request: HiqcRequest, risk_id: UUID, payload: RiskReviewIn):
    """A new rating with its reason (clears "review needed"); recorded in the history."""
    risk = selectors.access_risk(request.actor, risk_id)
    require(request.actor, RISK_MANAGE, path=risk.org_unit.path)
    risk_review(actor=request.actor, risk_id=risk_id, data=payload.dict())
    return _detail(selectors.access_risk(request.actor, risk_id), request.actor)


@router.get("/risks/{risk_id}/kris", response={200: list[KriOut], **ERRORS})
def list_kris(request: HiqcRequest, risk_id: UUID):
    return list(selectors.access_risk(request.actor, risk_id).kris.all())


@router.post("/risks/{risk_id}/kris", response={201: KriOut, **CASE_ERRORS})
def create_kri(request: HiqcRequest, risk_id: UUID, payload: KriIn):
    """A KRI: an indicator code of the engine with warning and limit (direction defaults to the
    indicator's); read at once and daily for the risk's unit."""
    risk = selectors.access_risk(request.actor, risk_id)
    require(request.actor, RISK_MANAGE, path=risk.org_unit.path)
    return Status(201, kri_create(actor=request.actor, risk_id=risk_id, data=payload.dict()))


@router.post("/risks/{risk_id}/treatments", response={201: RiskTreatmentCaseOut, **ERRORS})
def open_treatment(request: HiqcRequest, risk_id: UUID, payload: RiskTreatmentIn):
    risk = selectors.access_risk(request.actor, risk_id)
    require(request.actor, RISK_MANAGE, path=risk.org_unit.path)
    case = treatment_open(actor=request.actor, risk_id=risk_id, data=payload.dict())
    return Status(201, _case(request, case.pk))


def _case(request: HiqcRequest, case_id: Any) -> dict:
    case = selectors.access_treatment(request.actor, case_id)
    return {**case_representation(TREATMENT_KIND, case, request.actor), "treatment": case}


@router.get("/risk-treatments", response={200: list[RiskTreatmentOut], **ERRORS})
@paginate
def list_treatments(request: HiqcRequest, status: str = ""):
    """Treatment plans in the actor's scope (newest first)."""
    require(request.actor, VIEW)
    qs = selectors.treatment_list(request.actor)
    return qs.filter(status=status[:20]) if status else qs


@router.get("/risk-treatments/{case_id}", response={200: RiskTreatmentCaseOut, **ERRORS})
def get_treatment(request: HiqcRequest, case_id: UUID):
    return _case(request, case_id)


@router.post("/risk-treatments/{case_id}/actions/{action}",
             response={200: RiskTreatmentCaseOut, **CASE_ERRORS})  # fmt: skip
def treatment_action(request: HiqcRequest, case_id: UUID, action: str, payload: CaseActionIn):
    """start (plan), add_action (title, owner, due YYYY-MM-DD), complete_action (index from 1),
    complete (outcome), cancel (reason) at ``version``: 409 when stale or not allowed now."""
    treatment_act(actor=request.actor, case_id=case_id, action=action[:60], data=payload.data,
                  version=payload.version)  # fmt: skip
    return _case(request, case_id)
