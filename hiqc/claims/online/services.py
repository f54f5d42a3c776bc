"""Online claims without an HIQC login (standard 5.1.2(1); issue 5 §5): services and reads.

1. Identification: policy number + the resident ID number of the policy's holder or an insured
   person (matched through the keyed hash, never in clear) → a six-digit one-time code, sent to
   the e-mail on file, else to the mobile through the SMS gateway. The code is stored only as a
   keyed hash, lives 10 minutes, allows 5 attempts; a new one can be asked for after 60 s.
2. A verified code opens a short signed session (``django.core.signing``) scoped to that policy
   and that person: they see and submit only claims where they are the claimant or the insured.
3. Claims are registered through ``claim_register`` by the system actor ``online-claims`` (the
   audit trail carries the request id and the address); documents are size-limited (the request
   body too, before it is read: ``hiqc.core.bodylimit``), checked by content — JPEG, PNG or PDF
   parsed whole, polyglots and active content refused (``hiqc.core.filecheck``) — and stored
   under a generated name with their SHA-256.
4. Every public action is rate-limited per address and per policy number (the Django cache).

Numbers here are service settings, not legal limits: each has a setting to tune it (below).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.debug import sensitive_variables

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.crypto import keyed_hash
from hiqc.core.errors import Conflict, HiqcError, NotFound, ValidationFailed
from hiqc.core.filecheck import FileRefused, inspect_document
from hiqc.core.models import CaseEvent, Notification
from hiqc.core.notifications import notify
from hiqc.core.ratelimit import RateLimited
from hiqc.core.ratelimit import rate_check as core_rate_check
from hiqc.customers.messaging import deliver, route_for
from hiqc.customers.models import Customer
from hiqc.customers.selectors import id_number_hash
from hiqc.customers.validation import normalise_id_number, resident_id_problem
from hiqc.policies.enums import ClaimType
from hiqc.policies.models import Policy, PolicyInsured

from ..enums import ClaimChannel, Status
from ..models import Claim, ClaimDocument, ClaimLetter
from ..services import CASE_TYPE, KIND, checklist, claim_register, letter_read
from .models import OnlineCode

logger = logging.getLogger(__name__)
SYSTEM_NAME = "online-claims"
CODE_CONTEXT = "claims.online_code"
SESSION_SALT = "hiqc.claims.online.session"
MB = 1024 * 1024
NOT_MATCHED = _lazy("保单号与证件号码不匹配。请核对后重试，或联系客服。")
NO_CHALLENGE = _lazy("验证码已失效，请重新获取。")

# Service settings (override in Django settings). Not legal limits: operational safeguards.
DEFAULTS: dict[str, Any] = {
    "HIQC_ONLINE_CLAIMS_CODE_MINUTES": 10,  # life of a one-time code
    "HIQC_ONLINE_CLAIMS_CODE_ATTEMPTS": 5,  # wrong entries before the code is dead
    "HIQC_ONLINE_CLAIMS_RESEND_SECONDS": 60,  # cooldown before another code is sent
    "HIQC_ONLINE_CLAIMS_SESSION_MINUTES": 30,  # life of the signed session
    "HIQC_ONLINE_CLAIMS_MAX_UPLOAD_BYTES": 10 * MB,  # per file
    "HIQC_ONLINE_CLAIMS_MAX_FILES_PER_UPLOAD": 10,  # files in one submission of the page
    "HIQC_ONLINE_CLAIMS_MAX_FILES_PER_CLAIM": 60,
}
# what a multipart request adds around its files (boundaries, part headers, the other fields)
FORM_OVERHEAD_BYTES = 64 * 1024
# bucket → (requests, window in seconds); per client address ("ip") and per policy number
LIMITS: dict[str, tuple[int, int]] = {
    "code:ip": (10, 3600),
    "code:policy": (5, 3600),
    "verify:ip": (30, 3600),
    "verify:policy": (15, 3600),
    "submit:ip": (10, 3600),
    "submit:policy": (10, 86400),
    "upload:ip": (120, 3600),
    "upload:policy": (120, 3600),
}
OPEN_FOR_DOCUMENTS = (Status.RECEIVED, Status.REVIEW, Status.AWAITING_SUPPLEMENT)


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def max_upload_bytes() -> int:
    """The per-file limit: the one source of every size check on claim documents."""
    return int(setting("HIQC_ONLINE_CLAIMS_MAX_UPLOAD_BYTES"))


def max_files_per_upload() -> int:
    return int(setting("HIQC_ONLINE_CLAIMS_MAX_FILES_PER_UPLOAD"))


def upload_body_limit(*, files: int) -> int:
    """The largest request body that can carry ``files`` documents of the per-file limit:
    larger ones are refused before they are read (``hiqc.core.bodylimit``)."""
    return max_upload_bytes() * files + FORM_OVERHEAD_BYTES


def limit(bucket: str) -> tuple[int, int]:
    return {**LIMITS, **getattr(settings, "HIQC_ONLINE_CLAIMS_LIMITS", {})}[bucket]


class SessionInvalid(HiqcError):
    status = 401
    code = "unauthenticated"

    def __init__(self) -> None:
        super().__init__(_("身份验证已失效，请重新验证。"))


# --- rate limits ----------------------------------------------------------------------------------


def rate_check(bucket: str, key: str) -> None:
    """Count one request in its bucket's window; 429 beyond the limit (``hiqc.core.ratelimit``)."""
    core_rate_check("online-claims", bucket, key, limit=limit(bucket))


def _policy_key(number: str) -> str:
    return number.strip().upper()


# --- identification -------------------------------------------------------------------------------


def online_actor(*, request_id: str, ip: str) -> Actor:
    """The system actor for the public page: the audit trail names it with the request id."""
    return dataclasses.replace(Actor.system(SYSTEM_NAME), request_id=request_id[:64], ip=ip)


def _code_hash(row_id: Any, code: str) -> str:
    return keyed_hash(f"{row_id}:{code}", context=CODE_CONTEXT)


@dataclass(frozen=True)
class CodeIssued:
    challenge_id: uuid.UUID
    channel: str
    destination: str
    expires_at: datetime
    resend_after: int


@sensitive_variables("id_number")
def _match(policy_number: str, id_number: str) -> tuple[Policy, Customer] | None:
    number = policy_number.strip()
    if not number or len(number) > 40:
        return None
    policy = Policy.objects.select_related("org_unit", "product").filter(number=number).first()
    if policy is None:
        return None
    people = {policy.holder_id, *PolicyInsured.objects.filter(policy=policy).values_list(
        "customer_id", flat=True
    )}  # fmt: skip
    customer = Customer.objects.filter(
        pk__in=people, id_number_hash=id_number_hash(id_number)
    ).first()
    return (policy, customer) if customer is not None else None


@sensitive_variables("id_number")
def online_code_request(
    *, policy_number: str, id_number: str, request_id: str = "", ip: str = ""
) -> CodeIssued:
    """Identify the claimant and send a one-time code to the contact details on file."""
    rate_check("code:ip", ip)
    policy_number = str(policy_number or "")[:60]
    id_number = normalise_id_number(str(id_number or ""))[:30]
    errors: dict[str, list[str]] = {}
    if not policy_number.strip():
        errors["policy_number"] = [_("请输入保单号。")]
    if resident_id_problem(id_number) == "format":
        errors["id_number"] = [_("请输入 18 位居民身份证号码。")]
    if errors:
        raise ValidationFailed(_("请按提示填写。"), fields=errors)
    rate_check("code:policy", _policy_key(policy_number))
    found = None if resident_id_problem(id_number) else _match(policy_number, id_number)
    if found is None:  # an unknown policy, a wrong person and a mistyped number look the same
        raise NotFound(NOT_MATCHED)
    policy, customer = found
    return _issue(policy=policy, customer=customer, request_id=request_id, ip=ip)


def online_code_resend(*, challenge_id: Any, request_id: str = "", ip: str = "") -> CodeIssued:
    """Send a fresh code to whoever an earlier, still unverified challenge identified."""
    rate_check("code:ip", ip)
    try:
        key = uuid.UUID(str(challenge_id))
    except ValueError:
        raise NotFound(NO_CHALLENGE) from None
    row = (
        OnlineCode.objects.select_related("policy", "customer")
        .filter(pk=key, verified_at__isnull=True)
        .first()
    )
    if row is None:
        raise NotFound(NO_CHALLENGE)
    rate_check("code:policy", _policy_key(row.policy.number))
    return _issue(policy=row.policy, customer=row.customer, request_id=request_id, ip=ip)


def after_commit(fn: Any) -> None:
    """Send only once the code row is committed (tests run it at once)."""
    transaction.on_commit(fn)


@sensitive_variables("code", "text", "route")
def _issue(*, policy: Policy, customer: Customer, request_id: str, ip: str) -> CodeIssued:
    now = timezone.now()
    cooldown = int(setting("HIQC_ONLINE_CLAIMS_RESEND_SECONDS"))
    last = OnlineCode.objects.filter(policy=policy, customer=customer).order_by("-sent_at").first()
    if last is not None and (now - last.sent_at).total_seconds() < cooldown:
        wait = cooldown - int((now - last.sent_at).total_seconds())
        raise RateLimited(
            _("验证码已发送，请 {s} 秒后再重新获取。").format(s=wait), retry_after=wait
        )
    route = route_for(customer)
    if route is None:
        raise ValidationFailed(
            _("该客户未登记手机号码或电子邮箱，无法发送验证码。请联系客服或前往柜面办理。"),
            code="no_contact",
        )
    channel = OnlineCode.Channel.EMAIL if route.channel == "email" else OnlineCode.Channel.SMS
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = int(setting("HIQC_ONLINE_CLAIMS_CODE_MINUTES"))
    with transaction.atomic():
        OnlineCode.objects.filter(policy=policy, customer=customer, revoked_at__isnull=True).update(
            revoked_at=now
        )  # one live code (and session) per person and policy
        row = OnlineCode(
            policy=policy,
            customer=customer,
            channel=channel,
            destination=route.masked,
            sent_at=now,
            expires_at=now + timedelta(minutes=minutes),
            request_id=request_id[:64],
        )
        row.code_hash = _code_hash(row.pk, code)
        row.save(force_insert=True)
        audit_record(actor=online_actor(request_id=request_id, ip=ip),
                     action="claims.online.code_sent", subject=row,
                     data={"channel": channel})  # fmt: skip
    text = _("您的在线理赔验证码为 {code}，{minutes} 分钟内有效。请勿告诉他人。").format(
        code=code, minutes=minutes
    )
    subject = _("在线理赔验证码")
    after_commit(lambda: deliver(route, subject, text))  # a failure is logged without the code
    return CodeIssued(row.pk, channel, row.destination, row.expires_at, cooldown)


@sensitive_variables("code")
def online_code_verify(*, challenge_id: Any, code: str, request_id: str = "", ip: str = "") -> str:
    """Check a one-time code; on success return the signed session token."""
    rate_check("verify:ip", ip)
    code = str(code or "").strip()
    try:
        key = uuid.UUID(str(challenge_id))
    except ValueError:
        raise NotFound(NO_CHALLENGE) from None
    actor = online_actor(request_id=request_id, ip=ip)
    now = timezone.now()
    failure: ValidationFailed | None = None
    with transaction.atomic():  # a wrong entry is counted even though the request fails
        row = (
            OnlineCode.objects.select_for_update()
            .select_related("policy")
            .filter(pk=key, verified_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if row is None:
            raise NotFound(NO_CHALLENGE)
        rate_check("verify:policy", _policy_key(row.policy.number))
        if row.expires_at <= now:
            raise ValidationFailed(
                _("验证码已过期，请重新获取。"),
                code="code_expired",
                fields={"code": [_("验证码已过期。")]},
            )
        allowed = int(setting("HIQC_ONLINE_CLAIMS_CODE_ATTEMPTS"))
        if row.attempts >= allowed:
            raise ValidationFailed(
                _("验证码错误次数过多，请重新获取。"),
                code="code_locked",
                fields={"code": [_("错误次数过多。")]},
            )
        row.attempts += 1
        if len(code) == 6 and hmac.compare_digest(_code_hash(row.pk, code), row.code_hash):
            row.verified_at = now
            row.session_ends_at = now + timedelta(
                minutes=int(setting("HIQC_ONLINE_CLAIMS_SESSION_MINUTES"))
            )
            row.save(update_fields=["attempts", "verified_at", "session_ends_at", "updated_at"])
            audit_record(actor=actor, action="claims.online.verified", subject=row)
        else:
            row.save(update_fields=["attempts", "updated_at"])
            audit_record(actor=actor, action="claims.online.code_failed", subject=row,
                         data={"attempts": row.attempts})  # fmt: skip
            left = allowed - row.attempts
            message = (
                _("验证码不正确，还可尝试 {n} 次。").format(n=left)
                if left
                else _("验证码错误次数过多，请重新获取。")
            )
            failure = ValidationFailed(message, code="code_wrong" if left else "code_locked",
                                       fields={"code": [message]})  # fmt: skip
    if failure is not None:
        raise failure
    return signing.dumps({"k": str(row.pk)}, salt=SESSION_SALT)


# --- the session ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnlineSession:
    """Who is acting on the public page: one person on one policy."""

    key: uuid.UUID
    policy: Policy
    customer: Customer
    ends_at: datetime
    is_holder: bool
    is_insured: bool


def online_session_open(token: str) -> OnlineSession:
    max_age = int(setting("HIQC_ONLINE_CLAIMS_SESSION_MINUTES")) * 60
    try:
        data = signing.loads(str(token or ""), salt=SESSION_SALT, max_age=max_age)
        key = uuid.UUID(str(data["k"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise SessionInvalid() from None
    row = (
        OnlineCode.objects.select_related(
            "policy", "policy__product", "policy__org_unit", "customer"
        )
        .filter(pk=key, verified_at__isnull=False, revoked_at__isnull=True)
        .first()
    )
    if row is None or row.session_ends_at is None or row.session_ends_at <= timezone.now():
        raise SessionInvalid()
    insured = set(
        PolicyInsured.objects.filter(policy=row.policy).values_list("customer_id", flat=True)
    )
    return OnlineSession(
        key=row.pk,
        policy=row.policy,
        customer=row.customer,
        ends_at=row.session_ends_at,
        is_holder=row.policy.holder_id == row.customer_id,
        is_insured=row.customer_id in insured,
    )


def online_session_end(*, token: str, request_id: str = "", ip: str = "") -> None:
    try:
        session = online_session_open(token)
    except SessionInvalid:
        return
    OnlineCode.objects.filter(pk=session.key).update(revoked_at=timezone.now())
    audit_record(actor=online_actor(request_id=request_id, ip=ip),
                 action="claims.online.session_end", subject=session.policy)  # fmt: skip


def masked_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def insured_choices(session: OnlineSession) -> list[dict[str, Any]]:
    """Whom the person may claim for: themselves if insured; the holder also for the insured."""
    rows = PolicyInsured.objects.filter(policy=session.policy).select_related("customer")
    if not session.is_holder:
        rows = rows.filter(customer=session.customer)
    return [
        {
            "id": r.customer_id,
            "name": r.customer.name if r.customer_id == session.customer.pk
            else masked_name(r.customer.name),
            "relation": r.get_relation_display(),
        }
        for r in rows.order_by("created_at")
    ]  # fmt: skip


def claim_type_choices(session: OnlineSession) -> list[tuple[str, str]]:
    covered = set(session.policy.product_version.claim_types or [])
    return [(v, str(label)) for v, label in ClaimType.choices if v in covered]


# --- reads ----------------------------------------------------------------------------------------


def _claims(session: OnlineSession) -> Any:
    person = session.customer.pk
    return Claim.objects.filter(policy=session.policy).filter(
        Q(claimant_id=person) | Q(insured_id=person)
    )


def online_claim_list(session: OnlineSession) -> list[Claim]:
    """The person's claims on this policy: as claimant or as insured, newest first."""
    return list(_claims(session).select_related("insured").order_by("-received_at"))


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def online_claim_get(session: OnlineSession, claim_id: Any) -> Claim:
    """The door for the public page: someone else's claim and a missing one look the same."""
    key = _uuid(claim_id)
    claim = (
        _claims(session)
        .select_related("policy", "policy__product", "org_unit", "insured", "claimant")
        .filter(pk=key)
        .first()
        if key
        else None
    )
    if claim is None:
        raise NotFound()
    return claim


def online_claim_documents(claim: Claim) -> list[ClaimDocument]:
    return list(claim.documents.order_by("received_at"))


def online_claim_letters(claim: Claim) -> list[ClaimLetter]:
    return list(claim.letters.order_by("created_at"))


def online_pending_items(claim: Claim) -> list[str]:
    """The items the open supplement notice asks for (CL-1), if the claim is awaiting them."""
    if claim.status != Status.AWAITING_SUPPLEMENT:
        return []
    pending = claim.supplements.filter(fulfilled_at__isnull=True).order_by("requested_at").last()
    return list(pending.items) if pending else []


def online_claim_view(session: OnlineSession, claim: Claim) -> dict[str, Any]:
    """What the claimant sees: state, checklist received / missing, documents, notices."""
    items = checklist(claim)
    pending = set(online_pending_items(claim))
    for item in items:
        item["requested"] = item["code"] in pending
    return {
        "claim": claim,
        "status_label": claim.get_status_display(),
        "insured_name": claim.insured.name
        if claim.insured_id == session.customer.pk
        else masked_name(claim.insured.name),
        "checklist": items,
        "missing": [i for i in items if i["required"] and not i["received"]],
        "documents": online_claim_documents(claim),
        "letters": online_claim_letters(claim),
        "accepts_documents": claim.status in OPEN_FOR_DOCUMENTS,
    }


def online_letter_read(
    *, session: OnlineSession, claim: Claim, letter_id: Any, request_id: str = "", ip: str = ""
) -> tuple[ClaimLetter, str]:
    key = _uuid(letter_id)
    letter = claim.letters.filter(pk=key).first() if key else None
    if letter is None:
        raise NotFound()
    body = letter_read(actor=online_actor(request_id=request_id, ip=ip), letter=letter)
    return letter, body


# --- writes ---------------------------------------------------------------------------------------


def online_claim_submit(
    *,
    session: OnlineSession,
    data: Mapping[str, Any],
    request_id: str = "",
    ip: str = "",
    channel: str = ClaimChannel.ONLINE,
) -> Claim:
    """Register a claim for the identified person (claimant) and an insured person they may
    claim for; the claim's clocks start now (CL-2)."""
    rate_check("submit:ip", ip)
    rate_check("submit:policy", _policy_key(session.policy.number))
    allowed = {str(c["id"]) for c in insured_choices(session)}
    insured = str(data.get("insured_id") or "")
    if not insured and session.is_insured:
        insured = str(session.customer.pk)  # by default the person claims for themselves
    elif not insured and len(allowed) == 1:
        insured = next(iter(allowed))
    if insured not in allowed:
        raise ValidationFailed(
            _("理赔申请信息有误，请按提示修改。"),
            fields={"insured_id": [_("请选择被保险人。")]},
        )
    payload = {
        "policy_id": str(session.policy.pk),
        "insured_id": insured,
        "claimant_id": str(session.customer.pk),
        "claim_type": data.get("claim_type") or "",
        "incident_date": data.get("incident_date") or "",
        "amount_claimed": data.get("amount_claimed") or "",
        "diagnosis_code": data.get("diagnosis_code") or "",
        "diagnosis_text": data.get("diagnosis_text") or "",
        "channel": channel,
    }
    source = CaseEvent.Source.PAGE if channel == ClaimChannel.ONLINE else CaseEvent.Source.API
    return claim_register(actor=online_actor(request_id=request_id, ip=ip), data=payload,
                          source=source)  # fmt: skip


def _digest(stream: IO[bytes], limit_bytes: int) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(64 * 1024):
        size += len(chunk)
        if size > limit_bytes:
            break
        sha.update(chunk)
    stream.seek(0)
    return sha.hexdigest(), size


def online_document_upload(
    *,
    session: OnlineSession,
    claim_id: Any,
    requirement_code: str,
    upload: UploadedFile,
    request_id: str = "",
    ip: str = "",
    notify_handler: bool = True,
) -> ClaimDocument:
    """Receive one document against an item of the product's checklist. The type is read from
    the content, which must parse whole as that type (``hiqc.core.filecheck``: no polyglot, no
    active content); the stored name is generated (the sender's file name never reaches the path).
    The claim's handler is told (``online_documents_notify``) unless ``notify_handler`` is off
    because the caller receives several files at once and tells them once for all."""
    rate_check("upload:ip", ip)
    rate_check("upload:policy", _policy_key(session.policy.number))
    claim = online_claim_get(session, claim_id)
    if claim.status not in OPEN_FOR_DOCUMENTS:
        raise Conflict(
            _("该案件当前状态（{state}）不再接收材料。").format(state=claim.get_status_display()),
            code="closed_for_documents",
            state=claim.status,
            version=claim.version,
        )
    items = {i["code"]: i for i in checklist(claim)}
    code = str(requirement_code or "").strip()
    if code not in items:
        raise ValidationFailed(
            _("请选择材料类别。"),
            fields={"requirement_code": [_("请从该理赔类型的材料清单中选择。")]},
        )
    max_bytes = max_upload_bytes()
    max_mb = max_bytes // MB or 1
    sha256, size = _digest(upload, max_bytes)
    if size > max_bytes:
        raise ValidationFailed(
            _("文件过大：每个文件不超过 {n} MB。").format(n=max_mb),
            code="file_too_large",
            fields={"file": [_("文件不超过 {n} MB。").format(n=max_mb)]},
        )
    upload.seek(0)
    try:
        kind = inspect_document(upload.read(max_bytes + 1))
    except FileRefused as exc:
        message = exc.message
        if exc.code == "file_type":
            message = _("只接受 JPEG、PNG 图片或 PDF 文件。")
        raise ValidationFailed(message, code=exc.code, fields={"file": [exc.message]}) from exc
    upload.seek(0)
    if claim.documents.filter(sha256=sha256).exists():
        raise ValidationFailed(
            _("该文件已经上传过。"), code="duplicate", fields={"file": [_("重复的文件。")]}
        )
    if claim.documents.count() >= int(setting("HIQC_ONLINE_CLAIMS_MAX_FILES_PER_CLAIM")):
        raise ValidationFailed(_("该案件上传的文件已达上限，请联系客服。"), code="too_many_files")
    content_type, ext = kind.content_type, kind.extension
    now = timezone.now()
    actor = online_actor(request_id=request_id, ip=ip)
    with transaction.atomic():
        doc = ClaimDocument(
            claim=claim, requirement_code=code, name=items[code]["name"], received_at=now,
            content_type=content_type, size=size, sha256=sha256,
        )  # fmt: skip
        doc.file.save(f"{uuid.uuid4().hex}.{ext}", upload, save=False)
        doc.save(force_insert=True)
        supplement = claim.status == Status.AWAITING_SUPPLEMENT
        audit_record(actor=actor, action="claims.online.document", subject=doc,
                     data={"claim": claim.number, "requirement": code, "size": size,
                           "content_type": content_type, "supplement": supplement})  # fmt: skip
        if notify_handler:
            online_documents_notify(claim=claim, documents=[doc])
    return doc


def online_documents_notify(*, claim: Claim, documents: Sequence[ClaimDocument]) -> list[int]:
    """Tell the claim's handler (its assignee) that the claimant uploaded documents online: one
    inbox message, with its e-mail copy, per upload, naming the claim number and the checklist
    items received — nothing personal. A claim nobody handles yet notifies nobody: it waits in
    the claims queue, where its checklist shows what has arrived."""
    if not documents or claim.assignee_id is None:
        return []
    names = "、".join(dict.fromkeys(d.name for d in documents))
    if claim.status == Status.AWAITING_SUPPLEMENT:
        title = _("理赔 {number}：申请人在线补充了材料（{names}）")
        body = _("共 {n} 个文件。请核对材料；补充材料齐全后登记“补充材料送达”以恢复计时（CL-3）。")
    else:
        title = _("理赔 {number}：申请人在线上传了材料（{names}）")
        body = _("共 {n} 个文件。请在案件页面核对材料。")
    return notify(
        user_ids=[claim.assignee_id],
        kind=Notification.Kind.DOCUMENTS_RECEIVED,
        title=title.format(number=claim.number, names=names),
        body=body.format(n=len(documents)),
        url=KIND.url_for(str(claim.pk)) if KIND.url_for else "",
        case_type=CASE_TYPE,
        case_id=str(claim.pk),
        dedupe_key=f"claim:{claim.pk}:documents:{documents[0].pk}",
    )
