"""Claim pages (issue 5 §10): the claims queue with clocks and a claim's detail — timeline,
checklist, documents, notices, decision, payment and the actions allowed now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.casework import RefusedAction, case_action_forms
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import list_filters, posted_version
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown

from . import selectors, services
from .enums import Outcome, PaymentChannel, ReasonCode, Status
from .forms import ClaimFilterForm
from .workflow import WORKFLOW

ACTION_INPUTS: dict[str, list[tuple[str, str, str]]] = {
    "request_supplement": [("items", "checklist", gettext_noop("一次性列明全部缺少的材料")),
                           ("override_reason", "text", gettext_noop("例外补充理由（仅主管批准时填写）"))],
    "notice_delivered": [("delivered_at", "datetime", gettext_noop("通知送达时间（不填为现在）"))],
    "supplement_received": [("received_at", "datetime", gettext_noop("补充材料送达时间（不填为现在）"))],
    "decide": [("outcome", "outcome", gettext_noop("核定结论")), ("amount_approved", "text", gettext_noop("核定金额（元）")),
               ("reason_code", "reason", gettext_noop("核减理由（部分赔付时必选）")),
               ("reason_text", "textarea", gettext_noop("说明"))],
    "refuse": [("reason_code", "reason", gettext_noop("拒赔理由")), ("reason_text", "textarea", gettext_noop("拒赔理由说明"))],
    "pay": [("channel", "channel", gettext_noop("支付方式")), ("reference", "text", gettext_noop("支付流水号"))],
    "request_human_review": [("reason", "text", gettext_noop("申请理由"))],
    "withdraw": [("reason", "text", gettext_noop("撤回说明"))],
}  # fmt: skip


@login_required
def claim_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "claims.view")
    form = ClaimFilterForm(request.GET or None)
    f = list_filters(form)  # a bad filter is shown at its field; the valid ones still apply
    qs = selectors.claim_list(
        actor,
        q=f.get("q") or "",
        status=f.get("status") or "",
        claim_type=f.get("claim_type") or "",
    )
    page = Paginator(qs.select_related("assignee"), 25).get_page(request.GET.get("page"))
    now = timezone.now()
    clocks = selectors.open_clocks([c.pk for c in page])
    rows = [
        {"c": c, "clocks": [{"d": d, "left": countdown(d, now)} for d in clocks.get(str(c.pk), [])]}
        for c in page
    ]
    return render(
        request,
        "claims/list.html",
        {
            "rows": rows,
            "page": page,
            "form": form,
        },
    )


def _context(
    request: HiqcRequest, claim: Any, refused: RefusedAction | None = None
) -> dict[str, Any]:
    now = timezone.now()
    labels = {"create": gettext_noop("受理"), **{t.name: t.label for t in WORKFLOW.transitions}}
    states = dict(Status.choices)
    checklist = services.checklist(claim)
    names = {i["code"]: i["name"] for i in checklist}
    return {
        "c": claim,
        "diagnosis": services.diagnosis_masked(claim),
        "clocks": [{"d": d, "left": countdown(d, now)} for d in selectors.claim_clocks(claim)],
        "checklist": checklist,
        "supplements": [
            {"s": s, "names": [names.get(code, code) for code in s.items]}
            for s in claim.supplements.all()
        ],
        "documents": list(claim.documents.all()),
        "payments": list(claim.payments.all()),
        "letters": list(claim.letters.all()),
        "events": [
            {
                "e": e,
                "label": _(labels[e.activity]) if e.activity in labels else e.activity,
                "from": states.get(e.from_state, e.from_state),
                "to": states.get(e.to_state, e.to_state),
            }
            for e in selectors.claim_events(claim)
        ],
        "outcomes": [(v, label) for v, label in Outcome.choices if v != Outcome.REFUSE],
        "reasons": ReasonCode.choices,
        "channels": PaymentChannel.choices,
        **case_action_forms(
            services.KIND,
            claim,
            request.actor,
            ACTION_INPUTS,
            refused=refused,
        ),
    }


@login_required
def claim_detail_page(request: HiqcRequest, claim_id: str) -> HttpResponse:
    claim = selectors.access_claim(request.actor, claim_id)
    return render(request, "claims/detail.html", _context(request, claim))


@login_required
@require_POST
def claim_action(request: HiqcRequest, claim_id: str, action: str) -> HttpResponse:
    """Apply one action; a refused one re-renders the page with the form as the user filled it
    in, its field errors beside the fields, and the service's status (422, 409 or 403)."""
    data: dict[str, Any] = {
        k: str(v).strip()
        for k, v in request.POST.items()
        if k not in ("csrfmiddlewaretoken", "version", "items")
    }
    data["items"] = request.POST.getlist("items")
    try:
        services.claim_act(
            actor=request.actor,
            claim_id=claim_id,
            action=action,
            data=data,
            version=posted_version(request.POST),
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        if isinstance(exc, selectors.ClaimWithheld):
            raise
        claim = selectors.access_claim(request.actor, claim_id)
        context = _context(request, claim, RefusedAction(action, exc, data))
        return render(request, "claims/detail.html", context, status=exc.status)
    label = next((_(t.label) for t in WORKFLOW.transitions if t.name == action), action)
    messages.success(request, _("已完成：{action}。").format(action=label))
    return redirect("claims:detail", claim_id=claim_id)


@login_required
def claim_letter_page(request: HiqcRequest, letter_id: str) -> HttpResponse:
    letter = selectors.access_claim_letter(request.actor, letter_id)
    body = services.letter_read(actor=request.actor, letter=letter)
    return render(request, "claims/letter.html", {"letter": letter, "body": body})


@login_required
def claim_document_file(request: HiqcRequest, document_id: str) -> FileResponse:
    """A document the claimant uploaded (or the counter scanned), for those who may see the
    claim; every opening is audited. Served as a download under a generated name."""
    doc = services.claim_document_open(actor=request.actor, document_id=document_id)
    ext = doc.file.name.rsplit(".", 1)[-1] if "." in doc.file.name else "bin"
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=f"{doc.claim.number}-{doc.requirement_code}.{ext}",
        content_type=doc.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def diagnosis_reveal(request: HiqcRequest, claim_id: str) -> HttpResponse:
    """HTMX: the diagnosis in clear after a stated purpose (audited)."""
    purpose = request.POST.get("purpose", "")
    try:
        code, text = services.diagnosis_reveal(
            actor=request.actor, claim_id=claim_id, purpose=purpose
        )
    except ValidationFailed as exc:
        claim = selectors.access_claim(request.actor, claim_id)
        return render(
            request,
            "claims/_diagnosis.html",
            {"c": claim, "diagnosis": services.diagnosis_masked(claim), "errors": exc.fields},
            status=422,
        )
    return render(
        request,
        "claims/_diagnosis.html",
        {"c": None, "revealed": f"{code} {text}".strip(), "purpose": purpose},
    )
