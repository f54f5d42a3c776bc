"""Compliance API (issue 20 §7 part): obligations, controls with their results, on-demand runs and
attestations, regulatory changes and the impact-assessment case actions. Scope before anything is
said: another unit's id is the same 404 as a missing one; permission before the body is judged.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import case_representation
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from . import selectors
from .controls import check_get
from .enums import ATTEST, VIEW
from .schemas import (
    AssessmentCaseOut,
    AttestationOut,
    ControlDetailOut,
    ControlOut,
    ControlResultOut,
    ControlRunIn,
    ObligationDetailOut,
    ObligationOut,
    RegulatoryChangeIn,
    RegulatoryChangeOut,
)
from .services import KIND, assessment_act, attestation_record, change_record, control_run_by_id

router = Router(tags=["compliance"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def _control(c) -> dict:
    return {**{f: getattr(c, f) for f in (
        "id", "code", "name", "description", "kind", "owner_role", "unit_path", "frequency",
        "check_code", "finding_kinds", "active", "obligation_id")},
        "obligation_code": c.obligation.code}  # fmt: skip


def _result(r) -> dict:
    return {**{f: getattr(r, f) for f in (
        "id", "control_id", "org_unit_id", "period_start", "population", "failures",
        "effectiveness", "status", "failing_refs", "run_at", "run_by")},
        "org_unit_name": r.org_unit.name}  # fmt: skip


def _change(c) -> dict:
    assessment = getattr(c, "assessment", None)
    return {"id": c.id, "law_code": c.law.code, "title": c.title, "effective_on": c.effective_on,
            "summary": c.summary, "recorded_by": c.recorded_by,
            "assessment_id": assessment.pk if assessment is not None else None}  # fmt: skip


@router.get("/obligations", response={200: list[ObligationOut], **ERRORS})
@paginate
def list_obligations(request: HiqcRequest, domain: str = "", law: str = ""):
    """The obligations register (9.1.2(2)) with each obligation's law and citation."""
    require(request.actor, VIEW)
    return selectors.obligation_list(request.actor, domain=domain[:20], law=law[:40])


@router.get("/obligations/{obligation_id}", response={200: ObligationDetailOut, **ERRORS})
def get_obligation(request: HiqcRequest, obligation_id: UUID):
    ob = selectors.access_obligation(request.actor, obligation_id)
    controls = selectors.control_list(request.actor).filter(obligation=ob)
    return {**ObligationOut.from_orm(ob).dict(),
            "controls": [{"id": c.id, "code": c.code, "name": c.name, "kind": c.kind}
                         for c in controls]}  # fmt: skip


@router.get("/controls", response={200: list[ControlOut], **ERRORS})
@paginate
def list_controls(request: HiqcRequest, kind: str = ""):
    require(request.actor, VIEW)
    return [_control(c) for c in selectors.control_list(request.actor, kind=kind[:10])]


@router.get("/controls/{control_id}", response={200: ControlDetailOut, **ERRORS})
def get_control(request: HiqcRequest, control_id: UUID):
    c = selectors.access_control(request.actor, control_id)
    check = check_get(c.check_code)
    return {
        **_control(c),
        "formula": str(check.formula) if check else "",
        "effectiveness_by_period": selectors.effectiveness_by_period(request.actor, c),
    }


@router.get("/controls/{control_id}/results", response={200: list[ControlResultOut], **ERRORS})
@paginate
def list_control_results(request: HiqcRequest, control_id: UUID):
    """Per unit and month within the actor's scope, newest first, with the failing records."""
    c = selectors.access_control(request.actor, control_id)
    return [_result(r) for r in selectors.result_list(request.actor, c)]


@router.post("/controls/{control_id}/run", response={200: list[ControlResultOut], **ERRORS})
def run_control(request: HiqcRequest, control_id: UUID, payload: ControlRunIn):
    """Test an automatic control now on one month (``period`` YYYY-MM; compliance.manage)."""
    results = control_run_by_id(actor=request.actor, control_id=control_id,
                                period=payload.period)  # fmt: skip
    return [_result(r) for r in results]


@router.post("/controls/{control_id}/attestations",
             response={201: AttestationOut, **CASE_ERRORS, 413: ErrorOut},
             url_name="compliance_attestation_upload")  # fmt: skip
def create_attestation(
    request: HiqcRequest,
    control_id: UUID,
    evidence: File[UploadedFile] = None,  # type: ignore[assignment]  # missing: 422 at `evidence`
    org_unit: Form[str] = "",
    period: Form[str] = "",
    statement: Form[str] = "",
    effective: Form[bool] = True,
):
    """A manual control's statement for a unit and month with its evidence (JPEG, PNG or PDF,
    judged by content; compliance.attest over the unit). One per control, unit and month."""
    if evidence is None:  # the door and the permission first
        selectors.access_control(request.actor, control_id)
        require(request.actor, ATTEST)
        raise ValidationFailed(_("请上传证据文件。"), fields={"evidence": [_("此项必填。")]})
    data = {"org_unit": org_unit, "period": period, "statement": statement,
            "effective": effective}  # fmt: skip
    return Status(201, attestation_record(actor=request.actor, control_id=control_id, data=data,
                                          evidence=evidence))  # fmt: skip


@router.get("/regulatory-changes", response={200: list[RegulatoryChangeOut], **ERRORS})
@paginate
def list_changes(request: HiqcRequest):
    require(request.actor, VIEW)
    return [_change(c) for c in selectors.change_list(request.actor)]


@router.post("/regulatory-changes", response={201: RegulatoryChangeOut, **ERRORS})
def create_change(request: HiqcRequest, payload: RegulatoryChangeIn):
    """Record a change (law code, effective date, what changes): it opens its impact assessment
    with a 30-day internal clock (compliance.manage at head office)."""
    change = change_record(actor=request.actor, data=payload.dict())
    return Status(201, _change(change))


@router.get("/impact-assessments/{case_id}", response={200: AssessmentCaseOut, **ERRORS})
def get_assessment(request: HiqcRequest, case_id: UUID):
    case = selectors.access_assessment(request.actor, case_id)
    return {**case_representation(KIND, case, request.actor), "assessment": case}


@router.post("/impact-assessments/{case_id}/actions/{action}",
             response={200: AssessmentCaseOut, **CASE_ERRORS})  # fmt: skip
def assessment_action(request: HiqcRequest, case_id: UUID, action: str, payload: CaseActionIn):
    """start (analysis), note (type obligation|control|rule, ref, note), conclude (outcome),
    cancel (reason) at ``version``: 409 when stale or not allowed now, 422 for missing inputs."""
    assessment_act(actor=request.actor, case_id=case_id, action=action[:60], data=payload.data,
                   version=payload.version)  # fmt: skip
    case = selectors.access_assessment(request.actor, case_id)
    return {**case_representation(KIND, case, request.actor), "assessment": case}
