"""Every write to claims (DESIGN rules 1 and 3; standard 5.1; CL-1…CL-11).

``claim_register`` records a claim and starts its clocks; ``claim_act`` applies one workflow
action after the domain's checks — above all the one-time notice (CL-1): the first supplement
request must list everything missing, and a later request for an item that was already missing
then is refused unless a supervisor overrides it with a reason, which is recorded as a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, object_path, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind, Prepared, Refusal
from hiqc.core.casework import (
    CaseStore,
    External,
    case_opened,
    case_transition,
)
from hiqc.core.deadlines import deadline_start
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.findings import finding_record
from hiqc.core.identifiers import create_numbered, is_uuid
from hiqc.core.models import BREACH_LEVEL, CaseEvent, Deadline
from hiqc.core.rules import rule_value
from hiqc.customers.models import Customer
from hiqc.organisations.selectors import unit_by_code_in_scope, unit_in_scope
from hiqc.policies.enums import ClaimType, PolicyStatus
from hiqc.policies.models import DocumentRequirement, Policy

from .actions import (
    CASE_TYPE,
    REFERENCE,
    HeldNotice,
    Notice,
    held,
    prepare,
)
from .actions import money as _money
from .enums import ClaimChannel, PaymentChannel, PaymentKind
from .models import (
    AdvancePaymentTask,
    Claim,
    ClaimDocument,
    ClaimLetter,
    Payment,
    SupplementRequest,
)
from .rules import retention_years
from .selectors import access_claim, access_claim_document
from .workflow import FAST_TRACK, OVERRIDE, WORKFLOW

ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
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
    view_perm="claims.view",  # my work: the workflow's permissions per state (claims.handle)
    url_for=_url,
    blocked=lambda case, action, actor, at: _blocked(case, action, actor, at),
    prepare=lambda *args: _prepare(*args),
)


# --- registration ---------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class PolicyFacts:
    """What an application is checked against about its policy. ``row`` is what the cleaned
    application carries as its ``policy`` (a ``Policy`` row, or the backfill's own record)."""

    row: Any
    pk: Any
    path: str
    claim_types: Sequence[str]
    start_date: date
    end_date: date
    status: str
    holder_id: Any


class ApplicationLookups(Protocol):
    """Where ``claim_clean`` and ``claim_application_check`` read the related rows: the database
    (``STORED``) for pages, the API and single imported events, look-ups preloaded per chunk for
    the claim-event backfill. The checks are written once, against this."""

    def policy(self, ref: str, *, by_pk: bool) -> PolicyFacts | None: ...

    def insured_ids(self, policy: PolicyFacts) -> set[Any]: ...

    def customer(self, pk: str) -> tuple[Any, Any, str] | None:
        """An existing customer: (what the application carries, its pk, its org unit's path)."""

    def policy_unit(self, policy: PolicyFacts) -> Any:
        """The unit a claim on ``policy`` is registered at by default."""

    def unit(self, actor: Actor, code: str) -> Any:
        """The unit with this code in the actor's ``claims.handle`` scope, or ``NotFound``."""


class StoredLookups:
    """``ApplicationLookups`` in the database."""

    def policy(self, ref: str, *, by_pk: bool) -> PolicyFacts | None:
        qs = Policy.objects.select_related("product_version", "org_unit")
        try:
            p = qs.filter(**{"pk" if by_pk else "number": ref}).first()
        except (ValueError, TypeError, DjangoValidationError):
            return None
        if p is None:
            return None
        return PolicyFacts(row=p, pk=p.pk, path=p.org_unit.path,
                           claim_types=p.product_version.claim_types or [], start_date=p.start_date,
                           end_date=p.end_date, status=p.status, holder_id=p.holder_id)  # fmt: skip

    def insured_ids(self, policy: PolicyFacts) -> set[Any]:
        return set(policy.row.insured.values_list("customer_id", flat=True))

    def customer(self, pk: str) -> tuple[Any, Any, str] | None:
        c = Customer.objects.select_related("org_unit").filter(pk=pk).first()
        return None if c is None else (c, c.pk, object_path(c))

    def policy_unit(self, policy: PolicyFacts) -> Any:
        return policy.row.org_unit

    def unit(self, actor: Actor, code: str) -> Any:
        return unit_by_code_in_scope(actor, code, "claims.handle")


STORED = StoredLookups()


def claim_clean(
    actor: Actor,
    data: Mapping[str, Any],
    *,
    now: datetime,
    lookups: ApplicationLookups = STORED,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a claim application; every problem is named by its field. ``lookups``: where the
    policy, its insured persons and the customers are read (the database by default)."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    policy = None
    policy_ref = data.get("policy_id") or data.get("policy_number")
    if policy_ref:
        policy = lookups.policy(str(policy_ref).strip(), by_pk=bool(data.get("policy_id")))
    if policy is None or not actor.can("claims.handle", policy.path):
        # another branch's policy is a missing one: nothing below may depend on it (its product's
        # claim types, its insured persons, its period and status), DESIGN rule 2
        err("policy_number", _("未找到该保单，或不在您的权限范围内。"))
        policy = None
    out["policy"] = policy.row if policy is not None else None
    out["policy_facts"] = policy
    claim_type = str(data.get("claim_type") or "")
    if claim_type not in ClaimType.values:
        err("claim_type", _("请选择理赔类型。"))
    elif policy is not None and claim_type not in policy.claim_types:
        err("claim_type", _("该产品不承保此理赔类型。"))
    out["claim_type"] = claim_type
    insured = None
    insured_ids: set[Any] = set()
    if policy is not None:
        insured_ids = lookups.insured_ids(policy)
        raw = data.get("insured_id")
        if raw and is_uuid(raw):
            insured = lookups.customer(str(raw))
        elif len(insured_ids) == 1:
            insured = lookups.customer(str(next(iter(insured_ids))))
        if insured is None or insured[1] not in insured_ids:
            err("insured_id", _("请选择该保单的被保险人。"))
    out["insured"] = insured[0] if insured is not None else None
    raw_claimant = data.get("claimant_id")
    claimant = insured
    if raw_claimant and is_uuid(raw_claimant):
        # The claimant is a person on the policy (holder or insured) or a customer the handler
        # may see: another branch's customer answers as a missing one (DESIGN rule 2).
        claimant = lookups.customer(str(raw_claimant))
        if claimant is not None:
            _row, pk, path = claimant
            on_policy = policy is not None and (pk == policy.holder_id or pk in insured_ids)
            if not (on_policy or actor.can("claims.handle", path)):
                claimant = None
    if claimant is None:
        err("claimant_id", _("请选择申请人。"))
    out["claimant"] = claimant[0] if claimant is not None else None
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
        out["cover_override_reason"] = cover_check(actor, data, problems, err, policy.path)
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
    for a cover override (or ""), and the org unit the claim is to be registered at (an ``OrgUnit``
    from the database look-ups; the backfill's own record from its preloaded ones)."""

    clean: dict[str, Any]
    override: str
    unit: Any


def claim_application_check(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    now: datetime,
    org_unit_id: Any = None,
    org_unit_code: str = "",
    lookups: ApplicationLookups = STORED,
) -> ClaimApplication:
    """Everything ``claim_register`` checks before it writes, in its order: the permission, the
    application (``ValidationFailed`` naming every field; another branch's policy answers as a
    missing one), then the unit (``org_unit_id`` or ``org_unit_code``, by default the policy's): a
    unit that is missing or outside the actor's scope is ``NotFound``."""
    require(actor, "claims.handle")
    clean, errors = claim_clean(actor, data, now=now, lookups=lookups)
    if errors:
        raise ValidationFailed(_("理赔申请信息有误，请按提示修改。"), fields=errors)
    override = clean.pop("cover_override_reason", "")
    facts = clean.pop("policy_facts")
    if org_unit_code:
        unit = lookups.unit(actor, org_unit_code)
    elif org_unit_id:
        unit = unit_in_scope(actor, org_unit_id, "claims.handle")
    else:
        unit = lookups.policy_unit(facts)
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
    """The documents of the policy's product version for the claim type (ADR 0019), each with
    whether it has been received."""
    received = set(claim.documents.values_list("requirement_code", flat=True))
    return [
        {"code": r.code, "name": r.name, "required": r.required, "received": r.code in received}
        for r in DocumentRequirement.objects.filter(
            version_id=claim.policy.product_version_id, claim_type=claim.claim_type
        ).order_by("position", "code")
    ]


class StoredClaim:
    """A ``Claim`` row and its related rows as the action rules read and change them
    (``hiqc.claims.actions.ClaimFile``). ``letters``: issue the notices (not for events imported
    from a core system, which sent its own)."""

    def __init__(self, claim: Claim, actor: Actor, *, letters: bool = True) -> None:
        self.claim, self.actor, self.letters = claim, actor, letters
        self._checklist: dict[str, tuple[str, bool]] | None = None
        self._notices: list[SupplementRequest] | None = None

    @property
    def id(self) -> Any:
        return self.claim.pk

    @property
    def number(self) -> str:
        return self.claim.number

    @property
    def org_path(self) -> str:
        return self.claim.org_unit.path

    @property
    def outcome(self) -> str:
        return self.claim.outcome

    @property
    def amount_claimed(self) -> Decimal:
        return self.claim.amount_claimed

    @property
    def amount_approved(self) -> Decimal | None:
        return self.claim.amount_approved

    @property
    def decided_automatically(self) -> bool:
        return self.claim.decided_automatically

    @property
    def term_years(self) -> int:
        return self.claim.policy.product_version.term_years

    @property
    def policy_end(self) -> date:
        return self.claim.policy.end_date

    def checklist(self) -> dict[str, tuple[str, bool]]:
        if self._checklist is None:
            self._checklist = {
                r.code: (r.name, r.required)
                for r in DocumentRequirement.objects.filter(
                    version_id=self.claim.policy.product_version_id,
                    claim_type=self.claim.claim_type,
                ).order_by("position", "code")
            }
        return self._checklist

    def documents(self) -> dict[str, datetime]:
        received: dict[str, datetime] = {}
        for code, at in self.claim.documents.order_by("received_at").values_list(
            "requirement_code", "received_at"
        ):
            received.setdefault(code, at)
        return received

    def notices(self) -> list[SupplementRequest]:
        if self._notices is None:
            self._notices = list(self.claim.supplements.order_by("requested_at"))
        return self._notices

    def retention_years(self) -> int:
        return retention_years(self.term_years)

    def paid(self) -> Decimal:
        return sum((p.amount for p in self.claim.payments.all()), Decimal(0))

    def reference_taken(self, reference: str) -> bool:
        return Payment.objects.filter(reference=reference).exists()

    def notice_add(self, notice: HeldNotice) -> None:
        SupplementRequest.objects.create(
            claim=self.claim, items=notice.items, requested_at=notice.requested_at,
            first=notice.first, override_reason=notice.override_reason,
            override_by=notice.override_by, requested_by=notice.requested_by,
        )  # fmt: skip

    def notice_delivered(self, notice: Notice, at: datetime) -> None:
        assert isinstance(notice, SupplementRequest)
        notice.delivered_at = at
        notice.save(update_fields=["delivered_at", "updated_at"])

    def notice_fulfilled(self, notice: Notice, at: datetime) -> None:
        assert isinstance(notice, SupplementRequest)
        notice.fulfilled_at = at
        notice.save(update_fields=["fulfilled_at", "updated_at"])
        names = self.checklist()
        have = set(self.claim.documents.values_list("requirement_code", flat=True))
        ClaimDocument.objects.bulk_create(
            ClaimDocument(claim=self.claim, requirement_code=code,
                          name=names[code][0] if code in names else code, received_at=at)
            for code in dict.fromkeys(notice.items)
            if code not in have
        )  # fmt: skip

    def payment_add(self, amount: Decimal, channel: str, at: datetime, reference: str) -> None:
        Payment.objects.create(claim=self.claim, kind=PaymentKind.BENEFIT, amount=amount,
                               channel=channel, paid_at=at, reference=reference)  # fmt: skip

    def letter_issue(self, kind: str, at: datetime, context: dict[str, Any]) -> None:
        if self.letters:
            letter_issue(actor=self.actor, claim=self.claim, kind=kind, at=at, context=context)


# --- actions ----------------------------------------------------------------------------------------


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> Refusal | None:
    """The claims guard (CL-1 documents, notices, outcomes), with its own error codes."""
    return held(StoredClaim(case, actor), action)


def _prepare(
    store: CaseStore, case: Any, actor: Actor, action: str, data: Mapping[str, Any], at: datetime,
    source: str,
) -> Prepared:  # fmt: skip
    """The claims kind's ``prepare`` hook: the action rules on the claim as this store holds it
    (a batch store of claims hands out its own files)."""
    file_for = getattr(store, "claim_file", None)
    file = (
        file_for(case)
        if file_for is not None
        else StoredClaim(case, actor, letters=source != CaseEvent.Source.IMPORT)
    )
    return prepare(actor, file, action, data, at)


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
    """One workflow action on a claim: the engine's executor with the claims rules
    (``hiqc.claims.actions``) as the kind's ``prepare`` hook."""
    claim = case_transition(kind=KIND, actor=actor, case_id=claim_id, action=action,
                            data=dict(data or {}), version=version, at=at or timezone.now(),
                            source=source, external=external)  # fmt: skip
    assert isinstance(claim, Claim)
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
