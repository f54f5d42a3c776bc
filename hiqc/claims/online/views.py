"""Public online-claim pages (standard 5.1.2(1); issue 5 §5) — no HIQC login.

Identify (policy number + ID number) → one-time code → the person's claims on that policy:
submit a claim, upload documents against the checklist, follow the status, read the notices.
The signed session token lives in the (anonymous) Django session; every write goes through
``hiqc.claims.online.services``, which applies the rate limits and acts as the ``online-claims``
system actor.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.http import HiqcRequest

from ..models import ClaimDocument
from . import services as online
from .services import OnlineSession, RateLimited

TOKEN = "hiqc.online_claims.token"
CHALLENGE = "hiqc.online_claims.challenge"
SENT_TO = "hiqc.online_claims.sent_to"
CLAIM_FIELDS = ("claim_type", "insured_id", "incident_date", "amount_claimed", "diagnosis_text")


def _ids(request: HiqcRequest) -> dict[str, str]:
    return {
        "request_id": getattr(request, "request_id", ""),
        "ip": getattr(request, "client_ip", ""),
    }


def _limited(request: HiqcRequest, exc: RateLimited, template: str, ctx: dict) -> HttpResponse:
    response = render(request, template, {**ctx, "error": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _current(request: HiqcRequest) -> OnlineSession | None:
    token = request.session.get(TOKEN)
    if not token:
        return None
    try:
        return online.online_session_open(token)
    except online.SessionInvalid:
        request.session.pop(TOKEN, None)
        return None


def claimant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page needs a verified claimant; otherwise back to identification."""

    @wraps(view)
    def wrapper(request: HiqcRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = _current(request)
        if session is None:
            messages.info(request, _("请先验证身份。"))
            return redirect("claims_online:start")
        return view(request, session, *args, **kwargs)

    return wrapper


@sensitive_post_parameters("id_number")
def start_page(request: HiqcRequest) -> HttpResponse:
    """Step 1: policy number and the resident ID number of the holder or an insured person."""
    template = "claims/online/start.html"
    ctx: dict[str, Any] = {"values": {}, "errors": {}}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:60] for k in ("policy_number",)}
        ctx["values"] = values
        try:
            issued = online.online_code_request(
                policy_number=values["policy_number"],
                id_number=request.POST.get("id_number", ""),
                **_ids(request),
            )
        except RateLimited as exc:
            return _limited(request, exc, template, ctx)
        except (ValidationFailed, NotFound) as exc:  # not matched: the form again, not a 404
            ctx.update(error=exc.message, errors=exc.fields)
            return render(request, template, ctx)
        request.session[CHALLENGE] = str(issued.challenge_id)
        request.session[SENT_TO] = [issued.channel, issued.destination]
        return redirect("claims_online:verify")
    elif _current(request) is not None:
        return redirect("claims_online:claims")
    return render(request, template, ctx)


@sensitive_post_parameters("code")
def verify_page(request: HiqcRequest) -> HttpResponse:
    """Step 2: the six-digit code; success opens the session scoped to that policy and person."""
    template = "claims/online/verify.html"
    challenge = request.session.get(CHALLENGE)
    if not challenge:
        return redirect("claims_online:start")
    channel, destination = request.session.get(SENT_TO) or ["", ""]
    ctx: dict[str, Any] = {"channel": channel, "destination": destination, "errors": {}}
    if request.method == "POST":
        try:
            token = online.online_code_verify(
                challenge_id=challenge, code=request.POST.get("code", ""), **_ids(request)
            )
        except RateLimited as exc:
            return _limited(request, exc, template, ctx)
        except NotFound as exc:
            messages.error(request, exc.message)
            return redirect("claims_online:start")
        except ValidationFailed as exc:
            ctx.update(error=exc.message, errors=exc.fields, dead=exc.code != "code_wrong")
            return render(request, template, ctx)
        request.session.cycle_key()  # a new session id once the person is identified
        request.session.pop(CHALLENGE, None)
        request.session.pop(SENT_TO, None)
        request.session[TOKEN] = token
        return redirect("claims_online:claims")
    return render(request, template, ctx)


@require_POST
def resend_code(request: HiqcRequest) -> HttpResponse:
    challenge = request.session.get(CHALLENGE)
    if not challenge:
        return redirect("claims_online:start")
    try:
        issued = online.online_code_resend(challenge_id=challenge, **_ids(request))
    except RateLimited as exc:
        channel, destination = request.session.get(SENT_TO) or ["", ""]
        ctx = {"channel": channel, "destination": destination, "errors": {}}
        return _limited(request, exc, "claims/online/verify.html", ctx)
    except (ValidationFailed, NotFound) as exc:
        messages.error(request, exc.message)
        return redirect("claims_online:start")
    request.session[CHALLENGE] = str(issued.challenge_id)
    request.session[SENT_TO] = [issued.channel, issued.destination]
    messages.success(request, _("新的验证码已发送。"))
    return redirect("claims_online:verify")


@require_POST
def end_session(request: HiqcRequest) -> HttpResponse:
    token = request.session.pop(TOKEN, None)
    if token:
        online.online_session_end(token=token, **_ids(request))
    messages.success(request, _("您已安全退出。"))
    return redirect("claims_online:start")


@claimant_required
def claims_page(request: HiqcRequest, session: OnlineSession) -> HttpResponse:
    """Step 3: the person's claims on this policy."""
    return render(
        request,
        "claims/online/claims.html",
        {"s": session, "claims": online.online_claim_list(session)},
    )


@claimant_required
def new_claim_page(request: HiqcRequest, session: OnlineSession) -> HttpResponse:
    template = "claims/online/new.html"
    ctx: dict[str, Any] = {
        "s": session,
        "claim_types": online.claim_type_choices(session),
        "insured": online.insured_choices(session),
        "values": {},
        "errors": {},
    }
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:500] for k in CLAIM_FIELDS}
        ctx["values"] = values
        try:
            claim = online.online_claim_submit(session=session, data=values, **_ids(request))
        except RateLimited as exc:
            return _limited(request, exc, template, ctx)
        except ValidationFailed as exc:
            ctx.update(error=exc.message, errors=exc.fields)
            return render(request, template, ctx)
        messages.success(
            request,
            _("理赔申请已受理，案号 {number}。请按清单上传理赔材料。").format(number=claim.number),
        )
        return redirect("claims_online:detail", claim_id=claim.pk)
    return render(request, template, ctx)


def _detail(session: OnlineSession, claim: Any) -> dict[str, Any]:
    ctx = {"s": session, **online.online_claim_view(session, claim)}
    ctx["max_mb"] = online.max_upload_bytes() // online.MB
    ctx["max_files"] = online.max_files_per_upload()
    return ctx


@claimant_required
def claim_page(request: HiqcRequest, session: OnlineSession, claim_id: Any) -> HttpResponse:
    claim = online.online_claim_get(session, claim_id)
    return render(request, "claims/online/detail.html", _detail(session, claim))


@require_POST
@claimant_required
def upload_documents(request: HiqcRequest, session: OnlineSession, claim_id: Any) -> HttpResponse:
    claim = online.online_claim_get(session, claim_id)
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("claims_online:detail", claim_id=claim.pk)
    done: list[ClaimDocument] = []
    limited: RateLimited | None = None
    most = online.max_files_per_upload()
    for upload in files[most:]:  # named, not dropped unseen: the claimant sends them again
        messages.error(
            request,
            _("{name}：未上传（每次最多上传 {n} 个文件），请再次上传。").format(
                name=(upload.name or "")[:80], n=most
            ),
        )
    for upload in files[:most]:
        try:
            done.append(
                online.online_document_upload(
                    session=session,
                    claim_id=claim.pk,
                    requirement_code=request.POST.get("requirement_code", ""),
                    upload=upload,
                    notify_handler=False,  # once below, for every file of this upload
                    **_ids(request),
                )
            )
        except RateLimited as exc:
            limited = exc
            break
        except (ValidationFailed, Conflict) as exc:
            # the sender's file name is shown back to them only, never stored or logged
            messages.error(request, f"{(upload.name or '')[:80]}：{exc.message}")
    online.online_documents_notify(claim=claim, documents=done)
    if limited is not None:
        ctx = _detail(session, claim)
        return _limited(request, limited, "claims/online/detail.html", ctx)
    if done:
        messages.success(request, _("已上传 {n} 个文件。").format(n=len(done)))
    return redirect("claims_online:detail", claim_id=claim.pk)


@claimant_required
def letter_page(
    request: HiqcRequest, session: OnlineSession, claim_id: Any, letter_id: Any
) -> HttpResponse:
    claim = online.online_claim_get(session, claim_id)
    letter, body = online.online_letter_read(
        session=session, claim=claim, letter_id=letter_id, **_ids(request)
    )
    return render(
        request,
        "claims/online/letter.html",
        {"s": session, "claim": claim, "letter": letter, "paragraphs": body.split("\n")},
    )
