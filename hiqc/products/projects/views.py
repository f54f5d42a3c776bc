"""Product R&D project pages (standard 3.1.2, 3.3.2, 3.1.1(3); issue 17 §2–§4): the list with
its filters, the new-project form (prefilled from the query: ``?product=<code>&kind=update&
reason=…``, as the monitoring page links here), and the project page — the six gates as a
stepper, each with its inputs, attachments, sign-off and clock, the history, and the forms of
the actions the reader may take now (the design gate edits the draft version's terms, the
compliance gate answers the checklist)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines, case_events
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.policies.models import ClaimType, PremiumBasis, ProductLine, Renewal

from . import checklist, selectors
from .models import Gate, ProjectKind
from .services import (
    ATTACHMENT_GATES,
    ATTACHMENT_NAMES,
    KIND,
    access_project,
    attachment_add,
    attachment_open,
    gates_of,
    project_act,
    project_attachments,
    project_open,
)
from .workflow import ACTION_LABELS, DEVELOP, PROJECT, RECORDER, VIEW

T = "products/projects/"


@login_required
def projects_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    products = selectors.product_choices()
    form = ChoiceFilters(
        request.GET,
        fields={
            "gate": (_("阶段"), Gate.choices),
            "kind": (_("项目类型"), ProjectKind.choices),
            "product": (_("产品"), products),
        },
    )
    f = list_filters(form)
    gate, kind, product = f.get("gate") or "", f.get("kind") or "", f.get("product") or ""
    qs = selectors.projects(actor, gate=gate, kind=kind, product=product)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    clocks = selectors.open_clocks([p.pk for p in page])
    rows = [
        {"p": p, "clocks": [{"d": d, "left": countdown(d, now)} for d in clocks.get(str(p.pk), [])]}
        for p in page
    ]
    return render(
        request,
        T + "list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "gate": gate,
            "kind": kind,
            "product": product,
            "gates": Gate.choices,
            "kinds": ProjectKind.choices,
            "products": products,
            "can_open": actor.can(DEVELOP),
        },
    )


@login_required
def project_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, DEVELOP)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        k: request.GET.get(k, "")[:2000] for k in ("product", "kind", "reason", "title")
    }
    if values["product"] and not values["kind"]:
        values["kind"] = ProjectKind.UPDATE
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        try:
            project = project_open(actor=actor, data=values)
        except (ValidationFailed, Forbidden) as exc:
            errors, status = getattr(exc, "fields", None) or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已立项：{n}。").format(n=project.number))
            return redirect("products:project", project.pk)
    return render(
        request,
        T + "new.html",
        {
            "values": values,
            "errors": errors,
            "kinds": ProjectKind.choices,
            "lines": ProductLine.choices,
            "products": selectors.product_choices(),
        },
        status=status,
    )


def _lines(rows: Any, *keys: str) -> str:
    return "\n".join(" | ".join(str(r.get(k, "")) for k in keys) for r in rows or [])


def _design_values(version: Any) -> dict[str, Any]:
    """The design form's fields from the draft version's terms."""
    if version is None:
        return {}
    checklists: dict[str, str] = {}
    for d in version.documents.all():
        line = f"{d.code} | {d.name} | {'是' if d.required else '否'}"
        checklists[d.claim_type] = (checklists.get(d.claim_type, "") + "\n" + line).strip()
    return {
        "coverage": _lines(version.coverage, "code", "name", "description"),
        "sum_insured_options": ", ".join(str(v) for v in version.sum_insured_options or []),
        "term_years": version.term_years or "",
        "premium_basis": version.premium_basis or "",
        "net_premium_yuan": version.net_premium_yuan
        if version.net_premium_yuan is not None
        else "",
        "waiting_period_days": version.waiting_period_days
        if version.waiting_period_days is not None
        else "",
        "renewal": version.renewal or "",
        "health_services": _lines(version.health_services, "name", "cost_yuan"),
        "claim_types": list(version.claim_types or []),
        "change_summary": version.change_summary,
        "claim_type_labels": [dict(ClaimType.choices).get(t, t) for t in version.claim_types or []],
        "checklists": checklists,
    }


def _context(
    request: HiqcRequest,
    project: Any,
    refused: RefusedAction | None = None,
    upload_errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    actor = request.actor
    now = timezone.now()
    forms = case_action_forms(KIND, project, actor, {}, refused=refused)
    allowed = {a["name"] for a in forms["actions"]}
    submitted: dict[str, Any] = dict(refused.data) if refused is not None else {}
    fields = refused.error.fields if refused is not None else {}
    version = project.product_version if project.product_version_id else None
    design = _design_values(version)
    if refused is not None and refused.action == "record_design":
        design.update({k: v for k, v in submitted.items() if k != "claim_types"})
        if "claim_types" in submitted:
            design["claim_types"] = submitted["claim_types"]
    attachments = project_attachments(project)
    by_gate: dict[str, list[Any]] = {}
    for a in attachments:
        by_gate.setdefault(a.gate, []).append(a)
    clocks = {d.clock: {"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, project)}
    gates = gates_of(project)
    for g in gates:
        g["attachments"] = by_gate.get(g["gate"], [])
        g["clock"] = clocks.get(f"products.gate_{g['gate']}")
        g["attachment_name"] = ATTACHMENT_NAMES.get(g["gate"], "")
    rows = checklist.evaluate(version, project.checklist_answers)
    for r in rows:
        code = r["code"]
        r["errors"] = [
            m for k in ("result", "note", "attachment") for m in fields.get(f"{k}_{code}", [])
        ]
        if refused is not None and refused.action == "record_compliance":
            r["result"] = (
                submitted.get(f"result_{code}", r["result"]) if not r["auto"] else r["result"]
            )
            r["note"] = submitted.get(f"note_{code}", r["note"])
    docs = design.get("checklists", {})
    design["claim_checklists"] = [
        {
            "value": v,
            "label": label,
            "text": submitted.get(f"checklist_{v}", docs.get(v, ""))
            if refused is not None and refused.action == "record_design"
            else docs.get(v, ""),
        }
        for v, label in ClaimType.choices
    ]
    gate = project.status
    can_upload = gate in ATTACHMENT_GATES and actor.can(RECORDER[gate], project.org_unit.path)
    return {
        **forms,
        "p": project,
        "version": version,
        "gates": gates,
        "allowed": allowed,
        "submitted": submitted,
        "fields": fields,
        "design": design,
        "checklist": rows,
        "compliance_files": by_gate.get(Gate.COMPLIANCE, []),
        "risks_text": "\n".join(f"{r['risk']} | {r['control']}" for r in project.risks),
        "premium_bases": PremiumBasis.choices,
        "renewals": Renewal.choices,
        "claim_types": ClaimType.choices,
        "results": [(checklist.PASS, _("通过")), (checklist.FAIL, _("不通过"))],
        "can_upload": can_upload,
        "upload_errors": upload_errors or {},
        "pass_action": "launch" if gate == Gate.LAUNCH else f"pass_{gate}",
        "reject_action": f"reject_{gate}",
        "record_action": f"record_{gate}",
        "today": timezone.localdate().isoformat(),
        "events": [
            {
                "e": e,
                "label": _(ACTION_LABELS.get(e.activity, e.activity)),
                "to": dict(Gate.choices).get(e.to_state, e.to_state),
            }
            for e in case_events(KIND, project)
        ],
    }


@login_required
def project_page(request: HiqcRequest, project_id: str) -> HttpResponse:
    project = access_project(request.actor, project_id)
    return render(request, T + "project.html", _context(request, project))


def _posted(request: HiqcRequest) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.POST:
        if key in ("csrfmiddlewaretoken", "version"):
            continue
        values = request.POST.getlist(key)
        data[key] = values if key == "claim_types" else values[-1]
    return data


@login_required
@require_POST
def project_action(request: HiqcRequest, project_id: str, action: str) -> HttpResponse:
    actor = request.actor
    data = _posted(request)
    if action == "record_design" and "claim_types" not in data:
        data["claim_types"] = []
    return post_case_action(
        request, case_id=project_id, action=action[:60], workflow=PROJECT, data=data,
        apply=lambda **kw: project_act(actor=actor, project_id=project_id, action=action[:60], **kw),
        reload=lambda: access_project(actor, project_id), context=_context,
        template=T + "project.html", url_name="products:project",
    )  # fmt: skip


@login_required
@require_POST
def attachment_upload(request: HiqcRequest, project_id: str) -> HttpResponse:
    actor = request.actor
    try:
        attachment_add(
            actor=actor,
            project_id=project_id,
            gate=request.POST.get("gate", ""),
            upload=request.FILES.get("file"),
            name=request.POST.get("name", ""),
        )
    except (ValidationFailed, Forbidden) as exc:
        messages.error(request, exc.message)
        ctx = _context(
            request,
            access_project(actor, project_id),
            upload_errors=getattr(exc, "fields", None) or {},
        )
        return render(request, T + "project.html", ctx, status=exc.status)
    messages.success(request, _("已上传附件。"))
    return redirect("products:project", project_id)


@login_required
def attachment_file(request: HiqcRequest, attachment_id: str) -> FileResponse:
    """An attachment for those who may see the project; every opening is audited. Served as a
    download under a generated name."""
    doc = attachment_open(actor=request.actor, attachment_id=attachment_id)
    ext = doc.file.name.rsplit(".", 1)[-1] if "." in doc.file.name else "bin"
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=f"{doc.project.number}-{doc.gate}-{str(doc.pk)[:8]}.{ext}",
        content_type=doc.content_type,
    )
