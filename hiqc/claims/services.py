"""Every write to claims (DESIGN rules 1 and 3; standard 5.1; CL-1…CL-11).

``claim_register`` records a claim and starts its clocks; ``claim_act`` applies one workflow
action after the domain's checks — above all the one-time notice (CL-1): the first supplement
request must list everything missing, and a later request for an item that was already missing
then is refused unless a supervisor overrides it with a reason, which is recorded as a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.casework import (
    CaseKind,
    External,
    case_allowed_actions,
    case_opened,
    case_transition,
)
from hiqc.core.deadlines import BREACH_LEVEL, deadline_start
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.findings import finding_record
from hiqc.core.identifiers import create_numbered, is_uuid
from hiqc.core.models import CaseEvent, Deadline
from hiqc.core.rules import rule_value
from hiqc.core.workflow import NotAllowed
from hiqc.customers.models import Customer
from hiqc.organisations.models import OrgUnit
from hiqc.policies.enums import ClaimType, PolicyStatus
from hiqc.policies.models import DocumentRequirement, Policy

from .enums import ClaimChannel, Outcome, PaymentChannel, PaymentKind, ReasonCode
from .models import (
    AdvancePaymentTask,
    Claim,
    ClaimDocument,
    ClaimLetter,
    Payment,
    SupplementRequest,
)
from .selectors import access_claim, access_claim_document
from .workflow import FAST_TRACK, OVERRIDE, WORKFLOW

ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,63}$")
CASE_TYPE = "claims.claim"
FINDING_CLOCKS = {  # a breach of these opens a compliance finding (CL-8)
    "claims.decide": "CL-2",
    "claims.refusal_notice": "CL-6",
    "claims.payment": "CL-5",
}


def _url(case_id: str) -> str:
    from django.urls import reverse

    return reverse("claims:detail", args=[case_id])


KIND = CaseKind(
    label=CASE_TYPE,
    workflow=WORKFLOW,
    access=access_claim,
    name=gettext_lazy("理赔"),
    view_perm="claims.view",
    work_perm="claims.handle",
    url_for=_url,
    blocked=lambda case, action, actor, at: _blocked(case, action, actor, at),
)


# --- registration ---------------------------------------------------------------------------------


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
            raise InvalidOperation
        return amount.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("请输入大于 0 的金额（元）。"))
        return None


def cover_problems(*, start: date, end: date, status: str, incident: date | None) -> list[str]:
    """Why the policy may not cover an incident on ``incident`` (period and status); the claim
    type and the insured person are checked beside this in ``claim_clean``."""
    problems = []
    if incident is not None and not start <= incident <= end:
        problems.append(
            _("出险日期 {day} 不在保险期间（{start} 至 {end}）内。").format(
                day=incident, start=start, end=end
            )
        )
    if status != PolicyStatus.IN_FORCE:
        problems.append(
            _("保单状态为“{status}”，请核实出险时保单是否有效。").format(
                status=PolicyStatus(status).label if status in PolicyStatus.values else status
            )
        )
    return problems


def cover_check(
    actor: Actor,
    data: Mapping[str, Any],
    problems: list[str],
    err: Callable[[str, str], None],
    path: str,
) -> str:
    """Refuse a claim the policy may not cover, unless someone holding ``claims.override`` gives
    the reason for accepting it anyway (``cover_override_reason``); returns that reason."""
    if not problems:
        return ""
    reason = str(data.get("cover_override_reason") or "").strip()[:300]
    if not reason:
        for problem in problems:
            err("incident_date", problem)
        if actor.can(OVERRIDE, path):
            err("cover_override_reason", _("如确需受理，请填写例外受理理由。"))
    elif not actor.can(OVERRIDE, path):
        err(
            "cover_override_reason",
            _("例外受理须由有“例外审批”权限（claims.override）的人员办理。"),
        )
    return reason


def claim_clean(
    actor: Actor, data: Mapping[str, Any], *, now: datetime
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a claim application; every problem is named by its field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    policy = None
    policy_ref = data.get("policy_id") or data.get("policy_number")
    if policy_ref:
        qs = Policy.objects.select_related("product", "org_unit")
        key = "pk" if data.get("policy_id") else "number"
        try:
            policy = qs.filter(**{key: str(policy_ref).strip()}).first()
        except (ValueError, TypeError):
            policy = None
    if policy is None or not actor.can("claims.handle", policy.org_unit.path):
        # another branch's policy is a missing one: nothing below may depend on it (its product's
        # claim types, its insured persons, its period and status), DESIGN rule 2
        err("policy_number", _("未找到该保单，或不在您的权限范围内。"))
        policy = None
    out["policy"] = policy
    claim_type = str(data.get("claim_type") or "")
    if claim_type not in ClaimType.values:
        err("claim_type", _("请选择理赔类型。"))
    elif policy is not None and claim_type not in (policy.product.claim_types or []):
        err("claim_type", _("该产品不承保此理赔类型。"))
    out["claim_type"] = claim_type
    insured = None
    insured_ids: set[Any] = set()
    if policy is not None:
        insured_ids = set(policy.insured.values_list("customer_id", flat=True))
        raw = data.get("insured_id")
        insured = (
            Customer.objects.filter(pk=str(raw)).first()
            if raw and is_uuid(raw)
            else (
                Customer.objects.filter(pk__in=insured_ids).first()
                if len(insured_ids) == 1
                else None
            )
        )
        if insured is None or insured.pk not in insured_ids:
            err("insured_id", _("请选择该保单的被保险人。"))
    out["insured"] = insured
    raw_claimant = data.get("claimant_id")
    claimant = insured
    if raw_claimant and is_uuid(raw_claimant):
        # The claimant is a person on the policy (holder or insured) or a customer the handler
        # may see: another branch's customer answers as a missing one (DESIGN rule 2).
        people = (
            Customer.objects.filter(pk__in=[policy.holder_id, *insured_ids])
            if policy is not None
            else Customer.objects.none()
        )
        candidates = people | scope(actor, Customer.objects.all(), "claims.handle")
        claimant = candidates.filter(pk=str(raw_claimant)).first()
    if claimant is None:
        err("claimant_id", _("请选择申请人。"))
    out["claimant"] = claimant
    try:
        incident = date.fromisoformat(str(data.get("incident_date") or "").strip())
        if incident > now.astimezone(BEIJING).date():
            err("incident_date", _("出险日期不能晚于今天。"))
        out["incident_date"] = incident
    except ValueError:
        err("incident_date", _("请输入出险日期，例如 2026-10-08。"))
    if policy is not None:  # cover: the policy period and status at the incident
        problems = cover_problems(start=policy.start_date, end=policy.end_date,
                                  status=policy.status, incident=out.get("incident_date"))  # fmt: skip
        out["cover_override_reason"] = cover_check(actor, data, problems, err, policy.org_unit.path)
    out["amount_claimed"] = _money(data.get("amount_claimed"), "amount_claimed", errors)
    channel = str(data.get("channel") or "")
    if channel not in ClaimChannel.values:
        err("channel", _("请选择申请渠道。"))
    out["channel"] = channel
    code = str(data.get("diagnosis_code") or "").strip().upper()
    if code and not ICD10.match(code):
        err("diagnosis_code", _("ICD-10 编码格式应如 K35.8 或 I21。"))
    out["diagnosis_code"] = code
    text = str(data.get("diagnosis_text") or "").strip()
    if len(text) > 500:
        err("diagnosis_text", _("不能超过 {n} 个字。").format(n=500))
    out["diagnosis_text"] = text
    return out, errors


@dataclass(frozen=True)
class ClaimApplication:
    """An application ``claim_application_check`` has accepted: the cleaned fields, the reason
    for a cover override (or ""), and the org unit the claim is to be registered at."""

    clean: dict[str, Any]
    override: str
    unit: OrgUnit


def claim_application_check(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    now: datetime,
    org_unit_id: Any = None,
    org_unit_code: str = "",
) -> ClaimApplication:
    """Everything ``claim_register`` checks before it writes, in its order: the permission, the
    application (``ValidationFailed`` naming every field; another branch's policy answers as a
    missing one), then the unit (``org_unit_id`` or ``org_unit_code``, by default the policy's): a
    unit that is missing or outside the actor's scope is ``NotFound``."""
    require(actor, "claims.handle")
    clean, errors = claim_clean(actor, data, now=now)
    if errors:
        raise ValidationFailed(_("理赔申请信息有误，请按提示修改。"), fields=errors)
    policy: Policy = clean["policy"]
    override = clean.pop("cover_override_reason", "")
    if org_unit_code:
        unit = scope(actor, OrgUnit.objects.filter(code=org_unit_code), "claims.handle").first()
        if unit is None:
            raise NotFound()
    elif org_unit_id:
        unit = get_in_scope(actor, OrgUnit.objects.all(), org_unit_id, "claims.handle")
    else:
        unit = policy.org_unit
    return ClaimApplication(clean=clean, override=override, unit=unit)


@transaction.atomic
def claim_register(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
    org_unit_id: Any = None,
    external: External | None = None,
    checked: ClaimApplication | None = None,
) -> Claim:
    """Accept a claim (5.1.1): the 30-day decision and 60-day advance clocks run from receipt.
    ``checked``: what ``claim_application_check`` returned for ``data`` (it is not checked
    again)."""
    now = at or timezone.now()
    if checked is None:
        checked = claim_application_check(actor=actor, data=data, now=now, org_unit_id=org_unit_id)
    clean, override, unit = dict(checked.clean), checked.override, checked.unit
    small = clean["amount_claimed"] <= Decimal(int(rule_value("claims.small_claim_yuan")))
    claim = create_numbered(
        Claim, field="number", letters="LP", at=now, digits=6,
        org_unit=unit, status=WORKFLOW.initial, received_at=now, small_claim=small, **clean,
    )  # fmt: skip
    opened = {"channel": claim.channel, "claim_type": claim.claim_type}
    if override:
        opened["cover_override_reason"] = override
    case_opened(kind=KIND, case=claim, actor=actor, at=now, source=source, data=opened,
                external=external)  # fmt: skip
    if override:
        cover_override_finding(number=claim.number, org_path=unit.path, case_id=claim.pk,
                               by=actor.username)  # fmt: skip
    if small:  # CL-11: the fast track's 24-hour commitment
        deadline_start(case_type=CASE_TYPE, case_id=str(claim.pk), org_path=unit.path,
                       clock=FAST_TRACK, at=now)  # fmt: skip
    audit_record(actor=actor, action="claims.register", subject=claim)
    return claim


def cover_override_finding(*, number: str, org_path: str, case_id: Any, by: str) -> None:
    """A claim accepted although the policy may not cover it is a finding to look at (5.1.1);
    the reason stays in the claim's opening event."""
    finding_record(
        rule="5.1.1", kind="claims.cover_override",
        title=_("理赔 {n}：保单可能不承保，经例外受理").format(n=number),
        org_path=org_path, case_type=CASE_TYPE, case_id=str(case_id),
        dedupe_key=f"claims:{case_id}:cover_override", data={"approved_by": by},
    )  # fmt: skip


def claim_document_open(*, actor: Actor, document_id: Any) -> ClaimDocument:
    """A received document's file, for those who may see its claim; every opening is audited.
    A document without a file (paper, core system) answers as a missing one."""
    doc = access_claim_document(actor, document_id)
    if not doc.file:
        raise NotFound()
    audit_record(actor=actor, action="claims.document.open", subject=doc,
                 data={"claim": doc.claim.number, "requirement": doc.requirement_code})  # fmt: skip
    return doc


# --- checklist and the one-time notice (CL-1) -----------------------------------------------------


def checklist(claim: Claim) -> list[dict[str, Any]]:
    """The product's documents for the claim type, each with whether it has been received."""
    received = set(claim.documents.values_list("requirement_code", flat=True))
    return [
        {"code": r.code, "name": r.name, "required": r.required, "received": r.code in received}
        for r in DocumentRequirement.objects.filter(
            product_id=claim.policy.product_id, claim_type=claim.claim_type
        ).order_by("position", "code")
    ]


def missing_required(claim: Claim) -> list[str]:
    return [i["code"] for i in checklist(claim) if i["required"] and not i["received"]]


def _check_supplement(
    actor: Actor, claim: Claim, items: list[str], override_reason: str, at: datetime
) -> tuple[bool, list[str]]:
    """(first notice?, items asked again that should have been in the first notice)."""
    known = {i["code"]: i for i in checklist(claim)}
    unknown = [c for c in items if c not in known]
    if unknown:
        raise ValidationFailed(
            _("清单中没有这些材料：{codes}").format(codes=", ".join(unknown)),
            fields={"items": [_("请从该产品的理赔材料清单中选择。")]},
        )
    received = [c for c in items if known[c]["received"]]
    if received:
        raise ValidationFailed(
            _("这些材料已经收到：{codes}").format(codes=", ".join(received)),
            fields={"items": [_("不能要求补充已收到的材料。")]},
        )
    earlier = list(claim.supplements.order_by("requested_at"))
    if not earlier:
        missing = missing_required(claim)
        left_out = [c for c in missing if c not in items]
        if left_out:
            raise ValidationFailed(
                _("一次性告知须列明全部缺少的材料（《保险法》第22条，CL-1），还缺：{names}").format(
                    names="、".join(known[c]["name"] for c in left_out)
                ),
                fields={"items": [_("请一次性勾选全部缺少的必需材料。")]},
            )
        return True, []
    first = earlier[0]
    asked_first = set(first.items)
    # missing at the first notice = on the checklist and not received before it was sent
    received_before = set(
        claim.documents.filter(received_at__lte=first.requested_at).values_list(
            "requirement_code", flat=True
        )
    )
    again = [c for c in items if c not in asked_first and c not in received_before]
    if again and not override_reason:
        raise Forbidden(
            _("以下材料在首次审核时已缺少，应在首次通知中一并告知，不得再次要求（CL-1）：{names}。"
              "确需补充的，须由主管说明理由批准。").format(
                names="、".join(known[c]["name"] for c in again)
            )
        )  # fmt: skip
    if again and not actor.can(OVERRIDE, claim.org_unit.path):
        raise Forbidden(_("例外补充请求须由理赔主管批准（claims.override）。"))
    return False, again


# --- actions ----------------------------------------------------------------------------------------


def _refuse(message: str, claim: Claim, code: str, actor: Actor) -> Conflict:
    """409 with the actions ``actor`` may take on the claim now (permission, scope, state and
    the domain guard: never an action the caller could not perform)."""
    allowed = case_allowed_actions(KIND, claim, actor)
    return Conflict(
        message, code=code, state=claim.status, version=claim.version, allowed_actions=allowed
    )


def _held(claim: Claim, action: str) -> tuple[str, str] | None:
    """(code, reason) when the claim's own data stop ``action`` now; the page offers and the API
    allows only actions for which this is None."""
    if action == "notice_delivered":
        if not claim.supplements.filter(delivered_at__isnull=True).exists():
            return "action_refused", _("没有待送达的补充通知。")
    elif action == "supplement_received":
        pending = (
            claim.supplements.filter(fulfilled_at__isnull=True).order_by("requested_at").last()
        )
        if pending is None or pending.delivered_at is None:
            return "action_refused", _("请先登记补充通知的送达时间（CL-3：自通知到达之日起扣除）。")
    elif action == "documents_complete":
        missing = missing_required(claim)
        if missing:
            names = {i["code"]: i["name"] for i in checklist(claim)}
            return "documents_missing", _(
                "资料尚不齐全：{names}。请先一次性告知补充（CL-1）。"
            ).format(names="、".join(names[c] for c in missing))
    elif action == "send_refusal_notice" and claim.outcome != Outcome.REFUSE:
        return "action_refused", _("只有拒赔案件需要发出拒赔通知书。")
    elif action == "agree_amount" and claim.outcome not in (Outcome.APPROVE, Outcome.PARTIAL):
        return "action_refused", _("拒赔案件没有赔付金额。")
    elif action == "request_human_review" and not claim.decided_automatically:
        return "action_refused", _("该案件不是系统自动核定的，无需申请人工复核（CL-10）。")
    return None


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | None:
    held = _held(case, action)
    return None if held is None else held[1]


def _when(data: Mapping[str, Any], key: str, default: datetime, not_before: datetime) -> datetime:
    raw = data.get(key)
    if raw in (None, ""):
        return default
    try:
        value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        raise ValidationFailed(_("时间格式有误。"), fields={key: [_("请输入日期时间。")]}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    if value > default + timedelta(minutes=5) or value < not_before:
        raise ValidationFailed(
            _("时间须在通知发出之后、不晚于现在。"), fields={key: [_("时间不在有效范围内。")]}
        )
    return value


def _prepare(
    actor: Actor,
    claim: Claim,
    action: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    letters: bool = True,
) -> tuple[dict[str, Any], dict[str, Any], datetime, Any]:
    """Domain checks: (field updates, event record, effective time, after-hook). ``letters``:
    issue the notices (not for events imported from a core system, which sent its own)."""
    updates: dict[str, Any] = {}
    record: dict[str, Any] = {}
    after = None
    held = _held(claim, action)
    if held is not None:
        raise _refuse(held[1], claim, held[0], actor)
    if action == "request_supplement":
        items = data.get("items") or []
        if isinstance(items, str):
            items = [i for i in items.split(",") if i]
        items = [str(i) for i in items]
        override = str(data.get("override_reason") or "").strip()
        first, again = _check_supplement(actor, claim, items, override, at)
        record = {"items": items, "first": first}

        def after(c: Claim) -> None:
            SupplementRequest.objects.create(
                claim=c, items=items, requested_at=at, first=first,
                override_reason=override if again else "",
                override_by=actor.username if again else "", requested_by=actor.username,
            )  # fmt: skip
            if letters:
                letter_issue(
                    actor=actor, claim=c, kind="supplement", at=at, context={"items": items}
                )
            if again:
                finding_record(
                    rule="CL-1", kind="claims.supplement_override",
                    title=_("理赔 {n}：首次通知后再次要求补充材料（经批准）").format(n=c.number),
                    org_path=c.org_unit.path, case_type=CASE_TYPE, case_id=str(c.pk),
                    dedupe_key=f"claims:{c.pk}:supplement:{at.isoformat()}",
                    data={"items": again, "approved_by": actor.username},
                )  # fmt: skip
    elif action == "notice_delivered":
        pending = (
            claim.supplements.filter(delivered_at__isnull=True).order_by("requested_at").last()
        )
        assert pending is not None  # _held
        at = _when(data, "delivered_at", at, pending.requested_at)
        updates_on = pending

        def after(c: Claim) -> None:
            updates_on.delivered_at = at
            updates_on.save(update_fields=["delivered_at", "updated_at"])
    elif action == "supplement_received":
        pending = (
            claim.supplements.filter(fulfilled_at__isnull=True).order_by("requested_at").last()
        )
        assert pending is not None and pending.delivered_at is not None  # _held
        at = _when(data, "received_at", at, pending.delivered_at)
        request = pending

        def after(c: Claim) -> None:
            request.fulfilled_at = at
            request.save(update_fields=["fulfilled_at", "updated_at"])
            names = {i["code"]: i["name"] for i in checklist(c)}
            ClaimDocument.objects.bulk_create(
                ClaimDocument(
                    claim=c, requirement_code=code, name=names.get(code, code), received_at=at
                )
                for code in request.items
                if not c.documents.filter(requirement_code=code).exists()
            )
    elif action == "decide":
        errors: dict[str, list[str]] = {}
        outcome = str(data.get("outcome") or "")
        if outcome not in (Outcome.APPROVE, Outcome.PARTIAL):
            errors["outcome"] = [_("请选择全额或部分赔付；拒赔请用“核定拒赔”。")]
        amount = _money(data.get("amount_approved"), "amount_approved", errors)
        reason = str(data.get("reason_code") or "")
        if outcome == Outcome.PARTIAL and reason not in ReasonCode.values:
            errors["reason_code"] = [_("部分赔付须选择理由。")]
        if amount is not None and amount > claim.amount_claimed:
            errors["amount_approved"] = [_("核定金额不能超过申请金额。")]
        if errors:
            raise ValidationFailed(_("核定信息有误。"), fields=errors)
        updates.update(outcome=outcome, amount_approved=amount, reason_code=reason,
                       reason_text=str(data.get("reason_text") or "")[:2000], decided_at=at,
                       decided_automatically=bool(data.get("automated")))  # fmt: skip
        record = {"outcome": outcome, "amount_approved": str(amount), "reason_code": reason,
                  "automated": bool(data.get("automated"))}  # fmt: skip

        def after(c: Claim) -> None:
            if letters:
                letter_issue(actor=actor, claim=c, kind="decision", at=at, context={})
    elif action == "refuse":
        reason = str(data.get("reason_code") or "")
        text = str(data.get("reason_text") or "").strip()
        errors = {}
        if reason not in ReasonCode.values:
            errors["reason_code"] = [_("拒赔须选择理由（CL-6）。")]
        if not text:
            errors["reason_text"] = [_("拒赔须说明理由（CL-6）。")]
        if errors:
            raise ValidationFailed(_("拒赔须载明理由。"), fields=errors)
        updates.update(outcome=Outcome.REFUSE, amount_approved=Decimal(0), reason_code=reason,
                       reason_text=text[:2000], decided_at=at,
                       decided_automatically=bool(data.get("automated")))  # fmt: skip
        record = {"outcome": Outcome.REFUSE, "reason_code": reason,
                  "automated": bool(data.get("automated"))}  # fmt: skip
    elif action == "send_refusal_notice":

        def after(c: Claim) -> None:
            if letters:
                letter_issue(actor=actor, claim=c, kind="refusal", at=at, context={})
    elif action == "agree_amount":
        updates["agreed_at"] = at
    elif action == "pay":
        errors = {}
        channel = str(data.get("channel") or "")
        if channel not in PaymentChannel.values:
            errors["channel"] = [_("请选择支付方式。")]
        reference = str(data.get("reference") or "").strip()
        if not REFERENCE.match(reference):
            errors["reference"] = [_("请填写支付流水号（字母、数字和 - _ / .）。")]
        elif Payment.objects.filter(reference=reference).exists():
            errors["reference"] = [_("该支付流水号已登记。")]
        paid = sum(p.amount for p in claim.payments.all())
        amount = (claim.amount_approved or Decimal(0)) - paid
        if amount <= 0:
            errors["amount"] = [_("没有待支付的金额。")]
        if errors:
            raise ValidationFailed(_("支付信息有误。"), fields=errors)
        record = {"channel": channel, "reference": reference, "amount": str(amount)}

        def after(c: Claim) -> None:
            Payment.objects.create(claim=c, kind=PaymentKind.BENEFIT, amount=amount,
                                   channel=channel, paid_at=at, reference=reference)  # fmt: skip
    elif action == "close":
        years = 10 if claim.policy.product.term_years > 1 else 5  # CL-9
        end = max(at.astimezone(BEIJING).date(), claim.policy.end_date)
        updates.update(closed_at=at, retain_until=years_after(end, years))
    elif action == "request_human_review":
        record = {"reason": str(data.get("reason") or "")[:300]}
        updates.update(human_review_requested_at=at)
    elif action == "withdraw":
        record = {"reason": str(data.get("reason") or "")[:300]}
    return updates, record, at, after


def claim_act(
    *,
    actor: Actor,
    claim_id: Any,
    action: str,
    data: Mapping[str, Any] | None = None,
    version: int | None = None,
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
    external: External | None = None,
) -> Claim:
    data = dict(data or {})
    at = at or timezone.now()
    with transaction.atomic():
        claim = access_claim(actor, claim_id, for_update=True)
        updates: dict[str, Any] = {}
        record: dict[str, Any] | None = None
        after = None
        try:
            step = (
                None
                if version not in (None, claim.version)
                else WORKFLOW.step(action, from_state=claim.status)
            )
        except NotAllowed:
            step = None
        if step is not None:
            require(actor, step.perm, claim)
            updates, record, at, after = _prepare(
                actor, claim, action, data, at, letters=source != CaseEvent.Source.IMPORT
            )
        case_transition(kind=KIND, actor=actor, case_id=claim.pk, action=action, data=data,
                        version=version, at=at, source=source, record=record,
                        external=external)  # fmt: skip
        claim.refresh_from_db()
        for field, value in updates.items():
            setattr(claim, field, value)
        if updates:
            claim.save(update_fields=[*updates, "updated_at"])
        if after is not None:
            after(claim)
    return claim


@transaction.atomic
def advance_pay(
    *, actor: Actor, claim_id: Any, amount: Any, channel: str, reference: str,
    at: datetime | None = None,
) -> Payment:  # fmt: skip
    """Pay the part of the amount that can already be determined (先予支付, CL-7)."""
    claim = access_claim(actor, claim_id, for_update=True)
    require(actor, "claims.handle", claim)
    errors: dict[str, list[str]] = {}
    value = _money(amount, "amount", errors)
    if channel not in PaymentChannel.values:
        errors["channel"] = [_("请选择支付方式。")]
    if not REFERENCE.match(str(reference or "")):
        errors["reference"] = [_("请填写支付流水号。")]
    elif Payment.objects.filter(reference=reference).exists():
        errors["reference"] = [_("该支付流水号已登记。")]
    if value is not None and value > claim.amount_claimed:
        errors["amount"] = [_("先予支付金额不能超过申请金额。")]
    if errors:
        raise ValidationFailed(_("先予支付信息有误。"), fields=errors)
    assert value is not None
    at = at or timezone.now()
    payment = Payment.objects.create(claim=claim, kind=PaymentKind.ADVANCE, amount=value,
                                     channel=channel, paid_at=at, reference=reference)  # fmt: skip
    AdvancePaymentTask.objects.filter(claim=claim, done_at__isnull=True).update(done_at=at)
    audit_record(actor=actor, action="claims.advance_pay", subject=claim,
                 data={"amount": str(value), "reference": reference})  # fmt: skip
    return payment


# --- letters ----------------------------------------------------------------------------------------

LETTER_TITLES = {
    "supplement": "补充理赔资料通知书",
    "decision": "理赔核定通知书",
    "refusal": "拒绝赔付通知书",
}


def letter_issue(
    *, actor: Actor, claim: Claim, kind: str, at: datetime, context: Mapping[str, Any]
) -> ClaimLetter:
    names = {i["code"]: i["name"] for i in checklist(claim)}
    body = (
        render_to_string(
            f"claims/letters/{kind}.txt",
            {
                "claim": claim,
                "claimant_name": claim.claimant.name,
                "unit_name": claim.org_unit.name,
                "items": [names.get(c, c) for c in context.get("items", [])],
                "reason": claim.get_reason_code_display() if claim.reason_code else "",
                "today": f"{at.astimezone(BEIJING):%Y年%-m月%-d日}",
                "received": f"{claim.received_at.astimezone(BEIJING):%Y年%-m月%-d日}",
            },
        ).strip()
        + "\n"
    )
    letter = ClaimLetter.objects.create(
        claim=claim, kind=kind, title=LETTER_TITLES[kind], body=body, issued_by=actor.username
    )
    audit_record(actor=actor, action="claims.letter.issue", subject=letter,
                 data={"kind": kind, "claim": claim.number})  # fmt: skip
    return letter


# --- clocks that open tasks and findings (CL-7, CL-8) ---------------------------------------------


def on_claim_deadline(sender: Any, deadline: Deadline, level: int, **kwargs: Any) -> None:
    """A breach of the decision, refusal-notice or payment limit opens a finding (CL-8); the
    60-day advance clock running out opens the advance-payment task (CL-7)."""
    if deadline.case_type != CASE_TYPE or level != BREACH_LEVEL:
        return
    if deadline.clock == "claims.advance":
        AdvancePaymentTask.objects.get_or_create(
            claim_id=deadline.case_id, defaults={"opened_at": deadline.due_at}
        )
        return
    rule = FINDING_CLOCKS.get(deadline.clock)
    if rule is None:
        return
    number = Claim.objects.filter(pk=deadline.case_id).values_list("number", flat=True).first()
    finding_record(
        rule="CL-8",
        kind=f"{deadline.clock}.breach",
        title=_("理赔 {n}：{label}超过法定时限（{rule}）").format(
            n=number or deadline.case_id, label=deadline.label, rule=rule
        ),
        org_path=deadline.org_path,
        case_type=CASE_TYPE,
        case_id=deadline.case_id,
        dedupe_key=f"{deadline.clock}:{deadline.case_id}:{deadline.restarts}",
        data={"clock": deadline.clock, "due_at": deadline.due_at.isoformat(), "rule": rule},
    )


def letter_read(*, actor: Actor, letter: ClaimLetter) -> str:
    """A notice's text; every reading is audited (it names the claimant)."""
    audit_record(actor=actor, action="claims.letter.read", subject=letter,
                 data={"kind": letter.kind, "claim": letter.claim.number})  # fmt: skip
    return str(letter.body)


def diagnosis_masked(claim: Claim) -> str:
    from hiqc.customers.masking import masked

    return masked("diagnosis", claim.diagnosis_code or claim.diagnosis_text)


def diagnosis_reveal(*, actor: Actor, claim_id: Any, purpose: str) -> tuple[str, str]:
    """The diagnosis in clear (health data, PI-1): needs claims.handle and a purpose; audited."""
    claim = access_claim(actor, claim_id)
    require(actor, "claims.handle", claim)
    purpose = (purpose or "").strip()
    if len(purpose) < 4 or len(purpose) > 200:
        raise ValidationFailed(
            _("请说明查看用途。"), fields={"purpose": [_("查看用途至少 4 个字，最多 200 个字。")]}
        )
    audit_record(actor=actor, action="claims.diagnosis.reveal", subject=claim,
                 fields=["diagnosis_code", "diagnosis_text"], data={"purpose": purpose})  # fmt: skip
    return str(claim.diagnosis_code), str(claim.diagnosis_text)
