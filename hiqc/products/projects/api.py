"""Product R&D project API (standard 3.1.2, 3.3.2; issue 17 §2, §3) on the case API contract:
``/api/v1/product-projects``. Scope before anything is said: another unit's id is the same 404 as
a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.casework import Source, case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, CaseDeadlineOut, CaseEventOut, ErrorOut

from . import checklist, selectors
from .models import Gate, ProjectKind
from .services import (
    KIND,
    access_project,
    attachment_add,
    gates_of,
    project_act,
    project_attachments,
    project_open,
)
from .workflow import VIEW

router = Router(tags=["product-projects"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


class ProductProjectIn(Schema):
    kind: str
    title: str
    reason: str
    product: str = ""  # update: the product's code
    code: str = ""  # new: the new product's code, name, line and description
    name: str = ""
    line: str = ""
    description: str = ""


class ProductProjectRowOut(Schema):
    id: UUID
    number: str
    kind: str
    title: str
    status: str
    product_code: str
    product_name: str
    version_number: int | None
    owner: str
    opened_at: datetime
    effective_from: date | None


class RiskOut(Schema):
    risk: str
    control: str


class ChecklistRowOut(Schema):
    code: str
    title: str
    citation: str
    source: str
    auto: bool
    result: str
    detail: str
    note: str
    attachment: str


class AttachmentOut(Schema):
    id: UUID
    gate: str
    name: str
    content_type: str
    size: int
    uploaded_by: str
    created_at: datetime


class GateOut(Schema):
    gate: str
    label: str
    state: str  # done | current | waiting | (cancelled/launched projects: done/waiting)
    problems: list[str]
    signoff: dict[str, str] | None


class ProductProjectDetailOut(ProductProjectRowOut):
    reason: str
    org_unit_id: UUID
    needs_analysis: str
    design_summary: str
    risks: list[RiskOut]
    compliance_opinion: str
    test_result: str
    test_passed: bool
    launched_at: datetime | None
    rejections: list[dict[str, str]]
    cancel_reason: str


class ProductProjectCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    project: ProductProjectDetailOut
    gates: list[GateOut]
    checklist: list[ChecklistRowOut]
    attachments: list[AttachmentOut]


def _row(p) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "kind": p.kind,
        "title": p.title,
        "status": p.status,
        "product_code": p.product.code,
        "product_name": p.product.name,
        "version_number": p.product_version.number if p.product_version_id else None,
        "owner": p.owner,
        "opened_at": p.opened_at,
        "effective_from": p.effective_from,
    }


def _case(request: HiqcRequest, project) -> dict:
    detail = {
        **_row(project),
        "reason": project.reason,
        "org_unit_id": project.org_unit_id,
        "needs_analysis": project.needs_analysis,
        "design_summary": project.design_summary,
        "risks": project.risks,
        "compliance_opinion": project.compliance_opinion,
        "test_result": project.test_result,
        "test_passed": project.test_passed,
        "launched_at": project.launched_at,
        "rejections": [{k: str(v) for k, v in r.items()} for r in project.rejections],
        "cancel_reason": project.cancel_reason,
    }
    return {
        **case_representation(KIND, project, request.actor),
        "project": detail,
        "gates": gates_of(project),
        "checklist": checklist.evaluate(project.product_version, project.checklist_answers),
        "attachments": project_attachments(project),
    }


@router.get("/product-projects", response={200: list[ProductProjectRowOut], **ERRORS})
@paginate
def list_projects(
    request: HiqcRequest,
    gate: Gate | None = None,
    kind: ProjectKind | None = None,
    product: str = "",
):
    """Projects in the caller's scope (products.view), newest first; `gate` (a state such as
    `compliance` or `launched`), `kind` (`new` / `update`) and `product` (a product code) filter.
    A value outside the declared ones is refused with 422 at its field."""
    require(request.actor, VIEW)
    rows = selectors.projects(
        request.actor, gate=gate.value if gate else "", kind=kind.value if kind else "",
        product=product[:40],
    )  # fmt: skip
    return [_row(p) for p in rows]


@router.post("/product-projects", response={201: ProductProjectCaseOut, **ERRORS})
def create_project(request: HiqcRequest, payload: ProductProjectIn):
    """Open a project (products.develop): `kind` `new` with `code`, `name`, `line`
    (`description`) — the product and its first draft version are created — or `update` with
    `product` (its code) — the next version is drafted from the current one; `title` and `reason`
    always. The project belongs to the caller's head office and starts at 需求分析."""
    project = project_open(actor=request.actor, data=payload.dict())
    return Status(201, _case(request, access_project(request.actor, project.pk)))


@router.get("/product-projects/{project_id}", response={200: ProductProjectCaseOut, **ERRORS})
def get_project(request: HiqcRequest, project_id: UUID):
    """The project with its gates (what the current one lacks), checklist (auto results
    computed now), attachments, clocks and history."""
    return _case(request, access_project(request.actor, project_id))


@router.post(
    "/product-projects/{project_id}/actions/{action}",
    response={200: ProductProjectCaseOut, **CASE_ERRORS},
)
def project_action(request: HiqcRequest, project_id: UUID, action: str, payload: CaseActionIn):
    """A gate action at `version` (409 when stale, not allowed now, or the gate lacks inputs —
    the message says what; 403 for the wrong role; 422 with field errors for bad inputs):

    * `record_needs` {needs_analysis}; `record_design` {design_summary, coverage,
      sum_insured_options, term_years, premium_basis, net_premium_yuan, waiting_period_days,
      renewal, health_services, claim_types, change_summary, checklist_<claim type>} (the draft
      version's terms); `record_risk` {risks: [{risk, control}]}; `record_compliance`
      {result_<item>: pass|fail, note_<item>, attachment_<item>}; `record_testing`
      {test_result, test_passed};
    * `pass_needs`, `pass_design`, `pass_risk`, `pass_compliance` {opinion}, `pass_testing`,
      `launch` {effective_from: YYYY-MM-DD} — the sign-offs;
    * `reject_design` … `reject_launch` {reason} — back to the gate before; `cancel` {reason}."""
    project_act(
        actor=request.actor,
        project_id=project_id,
        action=action[:60],
        data=payload.data,
        version=payload.version,
        source=Source.API,
    )
    return _case(request, access_project(request.actor, project_id))


@router.post(
    "/product-projects/{project_id}/attachments",
    response={201: AttachmentOut, **ERRORS, 413: ErrorOut},
    url_name="product_project_attachment_upload",  # its body limit is registered under this name
)
def upload_attachment(
    request: HiqcRequest,
    project_id: UUID,
    file: File[UploadedFile] = None,  # type: ignore[assignment]  # missing: 422 at `file`
    gate: Form[str] = "",
    name: Form[str] = "",
):
    """A file for the project's current `gate` (empty: the current one): PDF, JPEG or PNG by content (anything else,
    a damaged file or a PDF with active content is refused with 422), at most 10 MB."""
    doc = attachment_add(
        actor=request.actor, project_id=project_id, gate=gate, upload=file, name=name
    )
    return Status(201, doc)
