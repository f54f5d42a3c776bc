"""What each claim action checks and changes, once, for every store (issue 15 §1; standard 5.1;
CL-1, CL-3, CL-5, CL-6, CL-9, CL-10).

The rules read a claim through ``ClaimFile`` — its fields, the product's document checklist, the
documents received, the supplement notices, the payments — and change it only through the file's
methods, after the workflow step has been accepted. Two files implement it: ``StoredClaim`` (a
``Claim`` row and its related rows, used by ``claim_act`` for pages, the API and single imported
events) and the claims held in memory by the claim-event backfill (``events/rules.py``). So a
page, the API, an imported event and a backfilled one get the same checks, in the same order,
with the same messages, and make the same changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, clock_skew, years_after
from hiqc.core.casekinds import Prepared, Refusal
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.findings import finding_record

from .enums import Outcome, PaymentChannel, ReasonCode
from .workflow import OVERRIDE

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,63}$")
CASE_TYPE = "claims.claim"


def money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    """An amount in yuan (> 0, two decimals), or None with the problem added to ``errors``."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
            raise InvalidOperation
        return amount.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("请输入大于 0 的金额（元）。"))
        return None


def when(data: Mapping[str, Any], key: str, default: datetime, not_before: datetime) -> datetime:
    """The time given in ``data[key]`` (default: the event's), never before ``not_before`` nor
    later than ``default`` by more than the clock skew allowed (``core.calendar.clock_skew``)."""
    raw = data.get(key)
    if raw in (None, ""):
        return default
    try:
        value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        raise ValidationFailed(_("时间格式有误。"), fields={key: [_("请输入日期时间。")]}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    if value > default + clock_skew() or value < not_before:
        raise ValidationFailed(
            _("时间须在通知发出之后、不晚于现在。"), fields={key: [_("时间不在有效范围内。")]}
        )
    return value


class Notice(Protocol):
    """A supplement notice (``SupplementRequest`` or one held in memory)."""

    items: list[str]
    requested_at: datetime
    first: bool
    delivered_at: datetime | None
    fulfilled_at: datetime | None


@dataclass
class HeldNotice:
    """A supplement notice held in memory (the backfill's counterpart of ``SupplementRequest``)."""

    items: list[str]
    requested_at: datetime
    first: bool
    override_reason: str
    override_by: str
    requested_by: str
    delivered_at: datetime | None = None
    fulfilled_at: datetime | None = None


class ClaimFile(Protocol):
    """A claim as the action rules read and change it."""

    @property
    def id(self) -> Any: ...
    @property
    def number(self) -> str: ...
    @property
    def org_path(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def amount_claimed(self) -> Decimal: ...
    @property
    def amount_approved(self) -> Decimal | None: ...
    @property
    def decided_automatically(self) -> bool: ...
    @property
    def term_years(self) -> int: ...
    @property
    def policy_end(self) -> date: ...

    def checklist(self) -> dict[str, tuple[str, bool]]:
        """The product's documents for the claim type, in order: code → (name, required)."""

    def documents(self) -> dict[str, datetime]:
        """The documents received: code → when the first one arrived."""

    def notices(self) -> Sequence[Notice]:
        """The supplement notices, oldest first."""

    def retention_years(self) -> int:
        """How long the file is kept after the contract ends (CL-9, the rule in force)."""

    def paid(self) -> Decimal:
        """What has been paid so far."""

    def reference_taken(self, reference: str) -> bool:
        """Whether a payment with this reference is already on record (any claim)."""

    # changes, made once the step has been accepted
    def notice_add(self, notice: HeldNotice) -> None: ...
    def notice_delivered(self, notice: Notice, at: datetime) -> None: ...
    def notice_fulfilled(self, notice: Notice, at: datetime) -> None:
        """The notice's items have arrived (each recorded as received, unless it already was)."""

    def payment_add(self, amount: Decimal, channel: str, at: datetime, reference: str) -> None: ...
    def letter_issue(self, kind: str, at: datetime, context: dict[str, Any]) -> None:
        """Issue a notice to the claimant (not for events a core system reports: it sent its own)."""


def missing_required(file: ClaimFile) -> list[str]:
    received = file.documents()
    return [
        c for c, (_name, required) in file.checklist().items() if required and c not in received
    ]


def _pending(notices: Sequence[Notice], attribute: str) -> Notice | None:
    """The latest notice whose ``attribute`` (delivered_at / fulfilled_at) is not set yet."""
    open_ = [n for n in notices if getattr(n, attribute) is None]
    return max(open_, key=lambda n: n.requested_at) if open_ else None


def held(file: ClaimFile, action: str) -> Refusal | None:
    """Why the claim's own data stop ``action`` now, with the error code (the claims kind's domain
    guard, run once by the executor before ``prepare``); the page offers and the API allows only
    actions for which this is None."""
    if action == "notice_delivered":
        if _pending(file.notices(), "delivered_at") is None:
            return Refusal(_("没有待送达的补充通知。"))
    elif action == "supplement_received":
        pending = _pending(file.notices(), "fulfilled_at")
        if pending is None or pending.delivered_at is None:
            return Refusal(_("请先登记补充通知的送达时间（CL-3：自通知到达之日起扣除）。"))
    elif action == "documents_complete":
        missing = missing_required(file)
        if missing:
            names = file.checklist()
            return Refusal(
                _("资料尚不齐全：{names}。请先一次性告知补充（CL-1）。").format(
                    names="、".join(names[c][0] for c in missing)
                ),
                "documents_missing",
            )
    elif action == "send_refusal_notice" and file.outcome != Outcome.REFUSE:
        return Refusal(_("只有拒赔案件需要发出拒赔通知书。"))
    elif action == "agree_amount" and file.outcome not in (Outcome.APPROVE, Outcome.PARTIAL):
        return Refusal(_("拒赔案件没有赔付金额。"))
    elif action == "request_human_review" and not file.decided_automatically:
        return Refusal(_("该案件不是系统自动核定的，无需申请人工复核（CL-10）。"))
    return None


def check_supplement(
    actor: Actor, file: ClaimFile, items: list[str], override_reason: str
) -> tuple[bool, list[str]]:
    """(first notice?, items asked again that should have been in the first notice) — CL-1."""
    known = file.checklist()
    received = file.documents()
    unknown = [c for c in items if c not in known]
    if unknown:
        raise ValidationFailed(
            _("清单中没有这些材料：{codes}").format(codes=", ".join(unknown)),
            fields={"items": [_("请从该产品的理赔材料清单中选择。")]},
        )
    already = [c for c in items if c in received]
    if already:
        raise ValidationFailed(
            _("这些材料已经收到：{codes}").format(codes=", ".join(already)),
            fields={"items": [_("不能要求补充已收到的材料。")]},
        )
    notices = file.notices()
    if not notices:
        left_out = [c for c in missing_required(file) if c not in items]
        if left_out:
            raise ValidationFailed(
                _("一次性告知须列明全部缺少的材料（《保险法》第22条，CL-1），还缺：{names}").format(
                    names="、".join(known[c][0] for c in left_out)
                ),
                fields={"items": [_("请一次性勾选全部缺少的必需材料。")]},
            )
        return True, []
    first = min(notices, key=lambda n: n.requested_at)
    asked_first = set(first.items)
    # missing at the first notice = on the checklist and not received before it was sent
    before = {c for c, at in received.items() if at <= first.requested_at}
    again = [c for c in items if c not in asked_first and c not in before]
    if again and not override_reason:
        raise Forbidden(
            _("以下材料在首次审核时已缺少，应在首次通知中一并告知，不得再次要求（CL-1）：{names}。"
              "确需补充的，须由主管说明理由批准。").format(
                names="、".join(known[c][0] for c in again)
            )
        )  # fmt: skip
    if again and not actor.can(OVERRIDE, file.org_path):
        raise Forbidden(_("例外补充请求须由理赔主管批准（claims.override）。"))
    return False, again


def prepare(
    actor: Actor, file: ClaimFile, action: str, data: Mapping[str, Any], at: datetime
) -> Prepared:
    """The domain's checks of ``action`` on the claim (raising with the problem and the field)
    and what it changes: the claims kind's ``prepare`` hook, run by the engine's executor on
    every store (``after`` makes its changes through ``file``). The domain guard (``held``) has
    passed: the executor runs it once, before this hook."""
    out = Prepared(at=at, record={})
    change: Callable[[ClaimFile], None] | None = None
    if action == "request_supplement":
        raw = data.get("items") or []
        items = [i for i in raw.split(",") if i] if isinstance(raw, str) else raw
        items = [str(i) for i in items]
        override = str(data.get("override_reason") or "").strip()
        first, again = check_supplement(actor, file, items, override)
        out.record = {"items": items, "first": first}

        def supplement(f: ClaimFile) -> None:
            f.notice_add(
                HeldNotice(items, at, first, override if again else "",
                           actor.username if again else "", actor.username)
            )  # fmt: skip
            f.letter_issue("supplement", at, {"items": items})
            if again:
                finding_record(
                    rule="CL-1", kind="claims.supplement_override",
                    title=_("理赔 {n}：首次通知后再次要求补充材料（经批准）").format(n=f.number),
                    org_path=f.org_path, case_type=CASE_TYPE, case_id=str(f.id),
                    dedupe_key=f"claims:{f.id}:supplement:{at.isoformat()}",
                    data={"items": again, "approved_by": actor.username},
                )  # fmt: skip

        change = supplement
    elif action == "notice_delivered":
        notice = _pending(file.notices(), "delivered_at")
        assert notice is not None  # held()
        out.at = delivered = when(data, "delivered_at", at, notice.requested_at)
        change = lambda f: f.notice_delivered(notice, delivered)  # noqa: E731
    elif action == "supplement_received":
        request = _pending(file.notices(), "fulfilled_at")
        assert request is not None and request.delivered_at is not None  # held()
        out.at = received = when(data, "received_at", at, request.delivered_at)
        change = lambda f: f.notice_fulfilled(request, received)  # noqa: E731
    elif action == "decide":
        errors: dict[str, list[str]] = {}
        outcome = str(data.get("outcome") or "")
        if outcome not in (Outcome.APPROVE, Outcome.PARTIAL):
            errors["outcome"] = [_("请选择全额或部分赔付；拒赔请用“核定拒赔”。")]
        amount = money(data.get("amount_approved"), "amount_approved", errors)
        code = str(data.get("reason_code") or "")
        if outcome == Outcome.PARTIAL and code not in ReasonCode.values:
            errors["reason_code"] = [_("部分赔付须选择理由。")]
        if amount is not None and amount > file.amount_claimed:
            errors["amount_approved"] = [_("核定金额不能超过申请金额。")]
        if errors:
            raise ValidationFailed(_("核定信息有误。"), fields=errors)
        out.updates = {"outcome": outcome, "amount_approved": amount, "reason_code": code,
                       "reason_text": str(data.get("reason_text") or "")[:2000], "decided_at": at,
                       "decided_automatically": bool(data.get("automated"))}  # fmt: skip
        out.record = {"outcome": outcome, "amount_approved": str(amount), "reason_code": code,
                      "automated": bool(data.get("automated"))}  # fmt: skip
        change = lambda f: f.letter_issue("decision", at, {})  # noqa: E731
    elif action == "refuse":
        code = str(data.get("reason_code") or "")
        text = str(data.get("reason_text") or "").strip()
        errors = {}
        if code not in ReasonCode.values:
            errors["reason_code"] = [_("拒赔须选择理由（CL-6）。")]
        if not text:
            errors["reason_text"] = [_("拒赔须说明理由（CL-6）。")]
        if errors:
            raise ValidationFailed(_("拒赔须载明理由。"), fields=errors)
        out.updates = {"outcome": Outcome.REFUSE, "amount_approved": Decimal(0),
                       "reason_code": code, "reason_text": text[:2000], "decided_at": at,
                       "decided_automatically": bool(data.get("automated"))}  # fmt: skip
        out.record = {"outcome": Outcome.REFUSE, "reason_code": code,
                      "automated": bool(data.get("automated"))}  # fmt: skip
    elif action == "send_refusal_notice":
        change = lambda f: f.letter_issue("refusal", at, {})  # noqa: E731
    elif action == "agree_amount":
        out.updates = {"agreed_at": at}
    elif action == "pay":
        errors = {}
        channel = str(data.get("channel") or "")
        if channel not in PaymentChannel.values:
            errors["channel"] = [_("请选择支付方式。")]
        reference = str(data.get("reference") or "").strip()
        if not REFERENCE.match(reference):
            errors["reference"] = [_("请填写支付流水号（字母、数字和 - _ / .）。")]
        elif file.reference_taken(reference):
            errors["reference"] = [_("该支付流水号已登记。")]
        due = (file.amount_approved or Decimal(0)) - file.paid()
        if due <= 0:
            errors["amount"] = [_("没有待支付的金额。")]
        if errors:
            raise ValidationFailed(_("支付信息有误。"), fields=errors)
        out.record = {"channel": channel, "reference": reference, "amount": str(due)}
        change = lambda f: f.payment_add(due, channel, at, reference)  # noqa: E731
    elif action == "close":
        years = file.retention_years()  # CL-9, by the product's term
        end = max(at.astimezone(BEIJING).date(), file.policy_end)
        out.updates = {"closed_at": at, "retain_until": years_after(end, years)}
    elif action == "request_human_review":
        out.record = {"reason": str(data.get("reason") or "")[:300]}
        out.updates = {"human_review_requested_at": at}
    elif action == "withdraw":
        out.record = {"reason": str(data.get("reason") or "")[:300]}
    if change is not None:
        done = change
        out.after = lambda _case: done(file)
    return out
