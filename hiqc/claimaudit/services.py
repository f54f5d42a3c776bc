"""Writes for claims accuracy audits (standard 5.1.2(3), 5.3): creating a round (frame, sample
size, seeded draw), the blind re-adjudication, recording error types (each error a compliance
finding) and completing a round. Rounds and items are case kinds (``workflow.py``): every status
change goes through the case engine (event, audit, version 409). Every write is audited with ids
and codes only."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.claims.enums import Outcome, ReasonCode
from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import (
    Source,
    case_allowed_actions,
    case_opened,
    case_transition,
    cases_opened,
)
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.findings import finding_record
from hiqc.core.models import CaseModel
from hiqc.core.stats import sample_size
from hiqc.organisations.selectors import unit_in_scope, units_by_id

from . import selectors
from .enums import CONFIDENCE_LEVELS, ErrorType, ItemStatus, Method, RoundStatus
from .indicators import accuracy_recompute
from .models import AuditItem, AuditRound
from .sampling import DEFAULT_BANDS, draw
from .workflow import AUDIT, ITEM, ITEM_LABEL, ROUND, ROUND_LABEL

MAX_PERIOD_DAYS = 366
AMOUNT_TOLERANCE = Decimal("1.00")  # yuan: rounding differences are not amount errors
FINDING_RULE = "5.1.2(3)"
FINDING_KIND = "claims.audit_error"


# --- the case kinds (registered in apps.py) -------------------------------------------------------


def _round_blocked(case: CaseModel, action: str, actor: Actor, at: datetime) -> str | None:
    """A round is completed only once every sampled claim is fully reviewed."""
    assert isinstance(case, AuditRound)
    if action == "complete":
        left = AuditItem.objects.filter(round_id=case.pk).exclude(status=ItemStatus.DONE).count()
        if left:
            return _("还有 {n} 件抽检案件未完成复核。").format(n=left)
    return None


def _item_blocked(case: CaseModel, action: str, actor: Actor, at: datetime) -> str | None:
    """Why ``actor`` may not take ``action`` on this item now: its round is completed, they
    handled the claim (recusal), or the errors are for the reviewer who gave the decision."""
    assert isinstance(case, AuditItem)
    if case.round.status != RoundStatus.OPEN:
        return _("该抽检轮次已完成，不能再修改。")
    if selectors.handled_by(case, actor):
        return _("不能复核本人经办或核定的理赔案件。")
    if action == "record_errors" and case.reviewer_id != actor.user_id:
        return _("差错须由给出复核结论的复核人判定。")
    return None


ROUND_KIND = CaseKind(
    label=ROUND_LABEL,
    workflow=ROUND,
    access=selectors.access_round,
    name=gettext_lazy("理赔抽检轮次"),
    view_perm=AUDIT,  # my work: the auditors over the unit complete it (the workflow's)
    url_for=lambda case_id: reverse("claimaudit:detail", args=[case_id]),
    blocked=_round_blocked,
)
ITEM_KIND = CaseKind(
    label=ITEM_LABEL,
    workflow=ITEM,
    access=selectors.access_item,
    name=gettext_lazy("抽检案件"),
    view_perm=AUDIT,
    work_in_scope=False,
    url_for=lambda case_id: reverse("claimaudit:item", args=[case_id]),
    blocked=_item_blocked,
)


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=BEIJING),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=BEIJING),
    )


def _fraction(value: Any, field: str, low: str, high: str, errors: dict[str, list[str]]) -> Any:
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite() or not Decimal(low) <= number <= Decimal(high):
            raise InvalidOperation
        return number.quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        errors[field] = [
            _("请输入 {low} 至 {high} 之间的小数（例如 0.05 表示 5%）。").format(low=low, high=high)
        ]
        return None


def _bands(raw: Iterable[Any] | None, errors: dict[str, list[str]]) -> list[Decimal]:
    if not raw:
        return list(DEFAULT_BANDS)
    try:
        bands = [Decimal(str(b).replace(",", "").strip()) for b in raw]
    except InvalidOperation:
        bands = []
    if (
        not bands
        or len(bands) > 8
        or any(not b.is_finite() or b <= 0 for b in bands)
        or bands != sorted(set(bands))
    ):
        errors["bands"] = [_("分层界限须为递增的正数金额（元），最多 8 个。")]
        return []
    return bands


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    name: str,
    org_unit_id: Any,
    period_start: date,
    period_end: date,
    method: str = Method.SIMPLE,
    confidence: int = 95,
    margin: Any = "0.05",
    expected_rate: Any = None,
    bands: Iterable[Any] | None = None,
    seed: int | None = None,
    at: datetime | None = None,
) -> AuditRound:
    """Sample decided claims of the unit's subtree and period: the sample size follows from the
    wanted margin of error and confidence (finite-population corrected); the draw is seeded."""
    require(actor, AUDIT)  # 403 without the permission; 404 for a unit outside the scope
    unit = unit_in_scope(actor, org_unit_id, AUDIT)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("请填写名称（不超过 100 个字）。")]
    if period_end < period_start:
        errors["period_end"] = [_("结束日期不能早于开始日期。")]
    elif (period_end - period_start).days >= MAX_PERIOD_DAYS:
        errors["period_end"] = [_("核定期间不能超过 {n} 天。").format(n=MAX_PERIOD_DAYS)]
    if method not in Method.values:
        errors["method"] = [_("请选择抽样方法。")]
    if confidence not in CONFIDENCE_LEVELS:
        errors["confidence"] = [_("置信水平须为 90%、95% 或 99%。")]
    e = _fraction(margin, "margin", "0.01", "0.20", errors)
    p = (
        _fraction(expected_rate, "expected_rate", "0.01", "0.50", errors)
        if expected_rate not in (None, "")
        else None
    )
    cuts = _bands(bands, errors) if method == Method.STRATIFIED else []
    if seed is not None and not 0 <= seed < 2**62:
        errors["seed"] = [_("随机种子须为非负整数。")]
    if errors:
        raise ValidationFailed(_("抽检设置有误。"), fields=errors)
    if seed is None:
        seed = secrets.randbelow(2**31)
    start, end = _period(period_start, period_end)
    frame = selectors.sampling_frame(unit, start, end)
    n = sample_size(len(frame), margin=float(e), confidence=confidence, p=float(p or 0.5))
    picked, strata = draw(selectors.frame_rows(frame), n=n, seed=seed, bands=cuts if cuts else None)
    round_obj = AuditRound.objects.create(
        name=name, org_unit=unit, period_start=period_start, period_end=period_end,
        method=method, confidence=confidence, margin=e, expected_rate=p,
        bands=[str(b) for b in cuts], population=len(frame), sample_size=len(picked),
        strata=[{"index": s.index, "label": s.label, "population": s.population,
                 "sample": s.sample} for s in strata],
        seed=seed, created_by=actor.username, status=ROUND.initial,
    )  # fmt: skip
    if at is not None:  # a round recorded after the fact (demo, migration) keeps its time
        AuditRound.objects.filter(pk=round_obj.pk).update(created_at=at)
        round_obj.created_at = at
    opened = at or timezone.now()
    case_opened(kind=ROUND_KIND, case=round_obj, actor=actor, at=opened, data={
        "population": len(frame), "sample_size": len(picked), "seed": seed})  # fmt: skip
    by_id = {d.claim_id: d for d in frame}
    handlers = selectors.deciders([c for c, _s in picked])
    names = selectors.user_names(
        [d.assignee_id for d in frame if d.claim_id not in handlers and d.assignee_id]
    )
    units = units_by_id({by_id[c].org_unit_id for c, _s in picked})
    items = []
    for claim_id, stratum in picked:
        d = by_id[claim_id]
        handler_id, handler_name = handlers.get(
            claim_id, (d.assignee_id, names.get(d.assignee_id, ""))
        )
        items.append(
            AuditItem(
                round=round_obj, claim_id=claim_id, org_unit=units[d.org_unit_id], stratum=stratum,
                handler_id=handler_id, handler_name=handler_name or "",
                original_outcome=d.outcome, original_amount=d.amount_approved,
                original_reason=d.reason_code or "", original_decided_at=d.decided_at,
                status=ITEM.initial,
            )
        )  # fmt: skip
    AuditItem.objects.bulk_create(items, batch_size=500)
    # each sampled claim is a case: its first event (never the original decision), in one write
    cases_opened(kind=ITEM_KIND, cases=items, actor=actor, at=opened,
                 data=lambda item: {"round": str(round_obj.pk), "stratum": item.stratum})  # fmt: skip
    audit_record(
        actor=actor,
        action="claimaudit.round_create",
        subject=round_obj,
        fields=["org_unit", "period_start", "period_end", "method", "confidence", "margin", "seed"],
        data={"population": len(frame), "sample_size": len(picked), "seed": seed},
        at=at,
    )
    return round_obj


# --- the blind re-adjudication --------------------------------------------------------------------


def _item_for(actor: Actor, item_id: Any, action: str) -> AuditItem:
    """The item, locked, after the refusals that are about the person rather than the case (403,
    as the page and the API have always answered): no ``claims.audit`` over it, a claim they
    handled, or errors of a decision someone else gave. The same conditions are the kind's
    domain guard, so the pages and ``allowed_actions`` never offer what would be refused."""
    item = selectors.access_item(actor, item_id, for_update=True)
    require(actor, AUDIT, item)
    if item.status != ItemStatus.DONE and selectors.handled_by(item, actor):
        raise Forbidden(_("不能复核本人经办或核定的理赔案件。"))
    if (
        action == "record_errors"
        and item.status == ItemStatus.COMPARED
        and item.reviewer_id != actor.user_id
    ):
        raise Forbidden(_("差错须由给出复核结论的复核人判定。"))
    return item


def _will_apply(
    kind: CaseKind, case: CaseModel, action: str, actor: Actor, version: int | None, at: datetime
) -> bool:
    """Will the engine accept ``action`` now (version, state, permission, domain guard)? Inputs
    are checked only then, so a stale or impossible action answers 409 before any input error."""
    return (version is None or version == case.version) and action in case_allowed_actions(
        kind, case, actor, now=at
    )


def suggested_errors(item: AuditItem) -> list[str]:
    """Error types the comparison suggests (the reviewer confirms or changes them)."""
    if not item.review_outcome:
        return []
    original_pays = item.original_outcome != Outcome.REFUSE
    review_pays = item.review_outcome != Outcome.REFUSE
    review_amount = item.review_amount or Decimal(0)
    if not original_pays and review_pays:
        return [ErrorType.WRONG_REFUSAL]
    if original_pays and not review_pays:
        return [ErrorType.OVER_PAYMENT]
    if not original_pays:
        return []
    gap = item.original_amount - review_amount
    if gap > AMOUNT_TOLERANCE:
        return [ErrorType.OVER_PAYMENT, ErrorType.WRONG_AMOUNT]
    if gap < -AMOUNT_TOLERANCE:
        return [ErrorType.MISSED_PAYMENT, ErrorType.WRONG_AMOUNT]
    return []


def _review_inputs(
    item: AuditItem, outcome: str, amount: Any, reason_code: str, note: str
) -> tuple[Decimal, str, str]:
    """(amount, reason code, note) of a blind decision, or ValidationFailed naming the fields."""
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("请选择复核结论。")]
    value = Decimal(0)
    if outcome in (Outcome.APPROVE, Outcome.PARTIAL):
        try:
            value = Decimal(str(amount).replace(",", "").strip())
            if not value.is_finite() or value < 0:
                raise InvalidOperation
            value = value.quantize(Decimal("0.01"))
            if value > item.claim.amount_claimed:
                errors["amount"] = [_("复核金额不能超过申请金额。")]
        except (InvalidOperation, ValueError):
            errors["amount"] = [_("请输入复核认定的赔付金额（元）。")]
    if outcome in (Outcome.PARTIAL, Outcome.REFUSE) and reason_code not in ReasonCode.values:
        errors["reason_code"] = [_("部分赔付或拒赔须选择理由。")]
    if len(note or "") > 500:
        errors["note"] = [_("不能超过 {n} 个字。").format(n=500)]
    if errors:
        raise ValidationFailed(_("复核结论有误。"), fields=errors)
    return value, (reason_code if reason_code in ReasonCode.values else ""), (note or "").strip()


@transaction.atomic
def item_readjudicate(
    *,
    actor: Actor,
    item_id: Any,
    outcome: str,
    amount: Any = None,
    reason_code: str = "",
    note: str = "",
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
) -> AuditItem:
    """The reviewer's own decision, given without seeing the original (``readjudicate``);
    afterwards the original decision is shown beside it and the item is theirs (assignee) until
    they record its errors. The event keeps no decision: the comparison lives on the item."""
    now = at or timezone.now()
    item = _item_for(actor, item_id, "readjudicate")
    value, reason, text = Decimal(0), "", ""
    if _will_apply(ITEM_KIND, item, "readjudicate", actor, version, now):
        value, reason, text = _review_inputs(item, outcome, amount, reason_code, note)
    review = {
        "reviewer_id": actor.user_id, "assignee_id": actor.user_id, "review_outcome": outcome,
        "review_amount": value, "review_reason": reason, "review_note": text,
        "readjudicated_at": now,
    }  # fmt: skip
    case = case_transition(
        kind=ITEM_KIND, actor=actor, case_id=item.pk, action="readjudicate",
        data={"outcome": outcome}, version=version, at=now, source=source, record={},
        updates=review,  # written and audited (by name) with the step: one audit record
    )  # fmt: skip
    assert isinstance(case, AuditItem)
    return case


@transaction.atomic
def item_record_errors(
    *,
    actor: Actor,
    item_id: Any,
    error_types: Iterable[str],
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
) -> AuditItem:
    """Record none, one or more error types after the comparison (``record_errors``); each
    audited claim with an error becomes one compliance finding (5.1.2(3))."""
    now = at or timezone.now()
    item = _item_for(actor, item_id, "record_errors")
    types = list(dict.fromkeys(str(t) for t in error_types))
    if _will_apply(ITEM_KIND, item, "record_errors", actor, version, now) and any(
        t not in ErrorType.values for t in types
    ):
        raise ValidationFailed(
            _("差错类型有误。"), fields={"error_types": [_("请从列出的差错类型中选择。")]}
        )
    errors = [t for t in ErrorType.values if t in types]
    case = case_transition(
        kind=ITEM_KIND, actor=actor, case_id=item.pk, action="record_errors",
        data={"error_types": errors}, version=version, at=now, source=source,
        record={"errors": errors}, audit={"errors": errors},
        updates={"errors": errors, "has_error": bool(types), "reviewed_at": now},
    )  # fmt: skip
    assert isinstance(case, AuditItem)
    item = case
    if item.has_error:
        labels = dict(ErrorType.choices)
        finding_record(
            rule=FINDING_RULE,
            kind=FINDING_KIND,
            title=_("理赔 {n}：抽检发现核赔差错（{types}）").format(
                n=item.claim.number, types="、".join(str(labels[t]) for t in item.errors)
            ),
            org_path=item.org_unit.path,
            case_type=selectors.CASE_TYPE,
            case_id=str(item.claim_id),
            dedupe_key=f"claimaudit:{item.claim_id}",
            data={
                "round": str(item.round_id), "item": str(item.pk), "errors": item.errors,
                "original_outcome": item.original_outcome, "review_outcome": item.review_outcome,
                "amount_difference": str(item.original_amount - (item.review_amount or 0)),
            },
        )  # fmt: skip
    accuracy_recompute(now)
    return item


@transaction.atomic
def round_complete(
    *,
    actor: Actor,
    round_id: Any,
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
) -> AuditRound:
    """Close a round once every sampled claim has been reviewed (``complete``)."""
    now = at or timezone.now()
    case = case_transition(
        kind=ROUND_KIND, actor=actor, case_id=round_id, action="complete", version=version,
        at=now, source=source, updates={"completed_at": now},
    )  # fmt: skip
    assert isinstance(case, AuditRound)
    return case
