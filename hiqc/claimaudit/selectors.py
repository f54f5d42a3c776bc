"""Reads for claims accuracy audits, always through the actor's ``claims.audit`` scope (DESIGN
rule 2), and the round results (error rates with Wilson intervals; standard 5.1.2(3), 5.3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from hiqc.claims.models import Claim, ClaimDocument
from hiqc.claims.selectors import ClaimWithheld
from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.models import CaseEvent
from hiqc.core.stats import wilson
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import unit_names

from .enums import ErrorType, ItemStatus, RoundStatus
from .models import AuditItem, AuditRound
from .sampling import FrameRow

AUDIT = "claims.audit"
CASE_TYPE = "claims.claim"
DECISION_ACTIVITIES = ("decide", "refuse")
MIN_GROUP_N = 10  # below this many reviews a branch or handler shows 样本不足, not a rate


# --- doors and lists ------------------------------------------------------------------------------


def access_round(actor: Actor, round_id: Any, *, for_update: bool = False) -> AuditRound:
    return get_in_scope(
        actor, AuditRound.objects.select_related("org_unit"), round_id, AUDIT, for_update=for_update
    )


def round_list(actor: Actor, *, status: str = "") -> QuerySet[AuditRound]:
    qs = scope(actor, AuditRound.objects.select_related("org_unit"), AUDIT).annotate(
        n_items=Count("items"),
        n_done=Count("items", filter=Q(items__status=ItemStatus.DONE)),
        n_errors=Count("items", filter=Q(items__has_error=True)),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def access_item(actor: Actor, item_id: Any, *, for_update: bool = False) -> AuditItem:
    return get_in_scope(
        actor,
        AuditItem.objects.select_related(
            "round", "org_unit", "claim", "claim__policy", "claim__policy__product", "reviewer"
        ),
        item_id,
        AUDIT,
        for_update=for_update,
    )


def item_list(actor: Actor, round_obj: AuditRound, *, status: str = "") -> QuerySet[AuditItem]:
    qs = scope(
        actor,
        AuditItem.objects.filter(round=round_obj).select_related(
            "round", "claim", "org_unit", "reviewer"
        ),
        AUDIT,
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("stratum", "claim__number")


def next_pending(actor: Actor, round_obj: AuditRound) -> AuditItem | None:
    """The next claim this actor may review blind: pending, and not one they handled."""
    for item in item_list(actor, round_obj, status=ItemStatus.PENDING)[:200]:
        if not handled_by(item, actor):
            return item
    return None


def handled_by(item: AuditItem, actor: Actor) -> bool:
    """Did the actor handle this claim (its assignee, or who decided it)?"""
    if actor.user_id is None:
        return False
    if item.handler_id == actor.user_id or item.claim.assignee_id == actor.user_id:
        return True
    return CaseEvent.objects.filter(
        case_type=CASE_TYPE,
        case_id=str(item.claim_id),
        activity__in=DECISION_ACTIVITIES,
        actor_id=actor.user_id,
    ).exists()


# --- blindness: the claim's own pages stay closed to whoever still has to review it ---------------


def blind_review_pending(actor: Actor, claim: Claim) -> AuditItem | None:
    """A sampled item of ``claim`` this actor could still re-adjudicate blind: pending, in an
    open round, within their audit scope, and not a claim they handled (those they may never
    review, so they keep their usual access). Items are not assigned ahead, so anyone who may
    review the item has it pending until somebody submits a decision for it."""
    if actor.user_id is None or not actor.can(AUDIT):
        return None
    items = scope(
        actor,
        AuditItem.objects.filter(
            claim_id=claim.pk, status=ItemStatus.PENDING, round__status=RoundStatus.OPEN
        ),
        AUDIT,
    )
    for item in items:
        item.claim = claim
        if not handled_by(item, actor):
            return item
    return None


def blind_pending_claim_ids(actor: Actor) -> set[str]:
    """The claims whose decision is withheld from this actor in lists (``claims.claim_list``):
    those ``blind_review_pending`` would refuse them, found for all items at once."""
    if actor.user_id is None or not actor.can(AUDIT):
        return set()
    items = list(scope(actor, AuditItem.objects.filter(
        status=ItemStatus.PENDING, round__status=RoundStatus.OPEN
    ).select_related("claim"), AUDIT))  # fmt: skip
    decided = set(CaseEvent.objects.filter(
        case_type=CASE_TYPE, case_id__in=[str(i.claim_id) for i in items],
        activity__in=DECISION_ACTIVITIES, actor_id=actor.user_id,
    ).values_list("case_id", flat=True))  # fmt: skip
    return {
        str(i.claim_id) for i in items
        if actor.user_id not in (i.handler_id, i.claim.assignee_id) and str(i.claim_id) not in decided
    }  # fmt: skip


def claim_read_guard(actor: Actor, claim: Claim) -> None:
    """Registered with the claims doors (``access_claim``, ``access_claim_letter``): refuse the
    claim's page, API read, actions and letters while its blind review is pending."""
    item = blind_review_pending(actor, claim)
    if item is not None:
        raise ClaimWithheld(
            _(
                "该理赔案件在抽检中，您的盲审复核尚未提交。为保证复核独立，提交复核结论之前"
                "不能查看案件详情、原核定结论和告知文书。"
            ),
            code="blind_review_pending",
            url=reverse("claimaudit:item", args=[item.pk]),
            link_label=_("返回我的复核"),
        )


# --- the sampling frame ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    claim_id: str
    org_unit_id: Any
    amount_claimed: Decimal
    outcome: str
    amount_approved: Decimal
    reason_code: str
    decided_at: datetime
    assignee_id: Any


def sampling_frame(unit: OrgUnit, start: datetime, end: datetime) -> list[Decided]:
    """Every claim of the subtree decided in [start, end) (5.1.2(3): the population audited)."""
    rows = (
        Claim.objects.filter(
            org_unit__path__startswith=unit.path, decided_at__gte=start, decided_at__lt=end
        )
        .exclude(outcome="")
        .values_list(
            "pk", "org_unit_id", "amount_claimed", "outcome", "amount_approved", "reason_code",
            "decided_at", "assignee_id",
        )
    )  # fmt: skip
    return [
        Decided(str(pk), org, claimed, outcome, approved or Decimal(0), reason, at, assignee)
        for pk, org, claimed, outcome, approved, reason, at, assignee in rows
        if at is not None
    ]


def frame_rows(frame: Iterable[Decided]) -> list[FrameRow]:
    return [FrameRow(d.claim_id, d.amount_claimed) for d in frame]


def deciders(claim_ids: list[str]) -> dict[str, tuple[Any, str]]:
    """Claim id → (user id, name) of the last decide / refuse event (the handler audited)."""
    out: dict[str, tuple[Any, str]] = {}
    for i in range(0, len(claim_ids), 500):
        for case_id, actor_id, name in (
            CaseEvent.objects.filter(
                case_type=CASE_TYPE,
                case_id__in=claim_ids[i : i + 500],
                activity__in=DECISION_ACTIVITIES,
            )
            .order_by("at", "id")
            .values_list("case_id", "actor_id", "actor_name")
        ):
            out[case_id] = (actor_id, name)
    return out


def user_names(ids: Iterable[Any]) -> dict[Any, str]:
    from hiqc.organisations.models import User

    return {
        pk: (display or username)
        for pk, display, username in User.objects.filter(pk__in=[i for i in ids if i]).values_list(
            "pk", "display_name", "username"
        )
    }


def claim_documents(item: AuditItem) -> list[ClaimDocument]:
    return list(ClaimDocument.objects.filter(claim_id=item.claim_id).order_by("received_at"))


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    label: str
    n: int
    errors: int
    rate: float | None
    low: float | None
    high: float | None
    enough: bool

    @classmethod
    def of(cls, label: str, errors: int, n: int, *, minimum: int = 1) -> Rate:
        if n == 0:
            return cls(label, 0, 0, None, None, None, False)
        low, high = wilson(errors, n)
        return cls(label, n, errors, errors / n, low, high, n >= minimum)


@dataclass(frozen=True)
class Results:
    sample_size: int
    done: int
    compared: int
    pending: int
    overall: Rate
    by_type: list[tuple[str, int]]
    by_stratum: list[Rate]
    by_branch: list[Rate]
    by_handler: list[Rate]
    amount_error: float | None  # Σ|original − re-adjudicated| ÷ Σ re-adjudicated amount
    amount_diff: Decimal
    min_group_n: int


def _branch_of(path: str, root: str) -> str:
    """The unit one level below the round's root that ``path`` lies in (the root itself for
    claims of the root unit)."""
    depth = len(root) + 5  # PATH_SEGMENT digits and the slash
    return path[:depth] if len(path) >= depth else root


def round_results(round_obj: AuditRound) -> Results:
    """Error rate with a Wilson 95 % interval, overall and per stratum, branch and handler
    (rates only where at least ``MIN_GROUP_N`` claims were reviewed), error types, and the
    amount-weighted error. Counts every finished review of the round (not scoped: a round's
    results are a property of the round, readable by whoever may open it)."""
    items = list(
        AuditItem.objects.filter(round=round_obj).values_list(
            "status", "has_error", "errors", "stratum", "org_unit__path", "handler_id",
            "handler_name", "original_amount", "review_amount",
        )
    )  # fmt: skip
    done = [i for i in items if i[0] == ItemStatus.DONE]
    errors = sum(1 for i in done if i[1])
    types: dict[str, int] = defaultdict(int)
    for i in done:
        for t in i[2]:
            types[t] += 1
    labels = dict(ErrorType.choices)
    strata_labels = {s["index"]: s["label"] for s in round_obj.strata}
    by_stratum: dict[int, list[bool]] = defaultdict(list)
    by_branch: dict[str, list[bool]] = defaultdict(list)
    by_handler: dict[str, list[bool]] = defaultdict(list)
    diff = Decimal(0)
    correct = Decimal(0)
    root = round_obj.org_unit.path
    for _status, err, _t, stratum, path, _hid, hname, original, review in done:
        by_stratum[stratum].append(err)
        by_branch[_branch_of(path, root)].append(err)
        by_handler[hname or "—"].append(err)
        diff += abs(original - (review or Decimal(0)))
        correct += review or Decimal(0)
    names = unit_names(by_branch)
    return Results(
        sample_size=len(items),
        done=len(done),
        compared=sum(1 for i in items if i[0] == ItemStatus.COMPARED),
        pending=sum(1 for i in items if i[0] == ItemStatus.PENDING),
        overall=Rate.of(str(round_obj.name), errors, len(done)),
        by_type=[(str(labels[t]), types[t]) for t in ErrorType.values if types.get(t)],
        by_stratum=[
            Rate.of(strata_labels.get(s, str(s)), sum(v), len(v), minimum=MIN_GROUP_N)
            for s, v in sorted(by_stratum.items())
        ],
        by_branch=[
            Rate.of(names.get(p, p), sum(v), len(v), minimum=MIN_GROUP_N)
            for p, v in sorted(by_branch.items())
        ],
        by_handler=[
            Rate.of(h, sum(v), len(v), minimum=MIN_GROUP_N) for h, v in sorted(by_handler.items())
        ],
        amount_error=float(diff / correct) if correct else None,
        amount_diff=diff,
        min_group_n=MIN_GROUP_N,
    )
