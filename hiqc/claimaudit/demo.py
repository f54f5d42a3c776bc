"""Demo claims accuracy audits (contract in hiqc/demo/domains.py; standard 5.1.2(3), 5.3).

Runs after the claims demo (INSTALLED_APPS order) and audits the claims it decided:

* a **completed** round over the month before last, stratified by claimed amount, 95 % ± 7 %
  (n ≈ 196 before the finite-population correction), every sampled claim re-adjudicated blind
  by ``claims_reviewer`` (``quality_lead`` for the claims the reviewer handled) in the first
  weeks of the following month, about 4 % of them with errors — each a compliance finding;
* an **open** round over last month, simple random, 95 % ± 10 %, with its first 15 claims
  reviewed.

Everything goes through the services (round creation, the two review steps, completion), with
review times in the past, so the data, findings, audit trail and ``claims.accuracy_rate`` rows
are what the pages would have produced. Idempotent: a round is keyed by its name. With few or no
decided claims (small demo runs) the rounds are small or are not created at all.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hiqc.claims.enums import Outcome
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, month_first
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from . import selectors, services
from .enums import ErrorType, Method
from .models import AuditItem, AuditRound

ERROR_SHARE = 0.04
OPEN_REVIEWED = 15


def _month(day: date, back: int) -> tuple[date, date]:
    first = month_first(day, -back)
    return first, month_first(first, 1) - timedelta(days=1)


def _own_decision(item: AuditItem, rng: random.Random, wrong: bool) -> dict[str, Any]:
    """The reviewer's decision: the original one, or (for an error) a different one."""
    same = {
        "outcome": item.original_outcome,
        "amount": item.original_amount,
        "reason_code": item.original_reason
        or ("" if item.original_outcome == Outcome.APPROVE else "other"),
    }
    if not wrong or rng.random() < 0.25:  # a quarter of the errors are procedural only
        return same
    claimed = item.claim.amount_claimed
    if item.original_outcome == Outcome.REFUSE:  # 错误拒赔
        return {"outcome": Outcome.APPROVE, "amount": claimed, "reason_code": ""}
    if item.original_outcome == Outcome.PARTIAL and item.original_amount < claimed:  # 漏赔
        return {"outcome": Outcome.APPROVE, "amount": claimed, "reason_code": ""}
    cut = (item.original_amount * Decimal("0.8")).quantize(Decimal("0.01"))  # 超赔
    return {"outcome": Outcome.PARTIAL, "amount": cut, "reason_code": "deductible"}


def _review(
    item: AuditItem, rng: random.Random, wrong: bool, at: datetime, reviewers: list[Actor]
) -> bool:
    actor = next((a for a in reviewers if not selectors.handled_by(item, a)), None)
    if actor is None:
        return False
    own = _own_decision(item, rng, wrong)
    item = services.item_readjudicate(actor=actor, item_id=item.pk, at=at, **own)
    errors = [str(t) for t in services.suggested_errors(item)]
    if wrong and (not errors or rng.random() < 0.2):
        errors.append(ErrorType.PROCEDURE)
    services.item_record_errors(
        actor=actor, item_id=item.pk, error_types=errors, at=at + timedelta(minutes=4)
    )
    return True


def _round(
    *,
    name: str,
    root: OrgUnit,
    first: date,
    last: date,
    method: str,
    margin: str,
    seed: int,
    creator: Actor,
    at: datetime,
) -> AuditRound | None:
    existing = AuditRound.objects.filter(name=name).first()
    if existing is not None:
        return None
    start = datetime.combine(first, time.min, tzinfo=BEIJING)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=BEIJING)
    if not selectors.sampling_frame(root, start, end):
        return None
    return services.round_create(
        actor=creator, name=name, org_unit_id=root.pk, period_start=first, period_end=last,
        method=method, confidence=95, margin=margin, seed=seed, at=at,
    )  # fmt: skip


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    counts = {"rounds": 0, "reviews": 0, "errors": 0}
    root = org_units.get("HO")
    lead = users.get("quality_lead")
    if root is None or lead is None:
        return counts
    reviewers = [actor_for_user(u) for u in (users.get("claims_reviewer"), lead) if u is not None]
    creator = actor_for_user(lead)
    today = timezone.localdate()
    rng = random.Random(f"hiqc-demo-claimaudit:{seed}")

    first, last = _month(today, 2)
    done = _round(
        name=f"{first:%Y-%m} 理赔质量抽检（分层）", root=root, first=first, last=last,
        method=Method.STRATIFIED, margin="0.07", seed=seed * 1000 + 1, creator=creator,
        at=datetime.combine(last + timedelta(days=2), time(9), tzinfo=BEIJING),
    )  # fmt: skip
    if done is not None:
        counts["rounds"] += 1
        items = list(done.items.select_related("claim", "round").order_by("claim_id"))
        base = datetime.combine(last + timedelta(days=3), time(9, 30), tzinfo=BEIJING)
        span = max(1, min(18, (timezone.now() - base).days - 1))
        for i, item in enumerate(items):
            wrong = rng.random() < ERROR_SHARE
            at = base + timedelta(days=i * span // max(len(items), 1), minutes=7 * (i % 40))
            if _review(item, rng, wrong, at, reviewers):
                counts["reviews"] += 1
                counts["errors"] += wrong
        if not done.items.exclude(status="done").exists():
            services.round_complete(
                actor=creator, round_id=done.pk, at=base + timedelta(days=span, hours=8)
            )

    first, last = _month(today, 1)
    now = timezone.now()
    # on the 1st before 10:00 the round is opened "an hour ago", never in the future
    opened = min(now - timedelta(hours=1), datetime.combine(today, time(9), tzinfo=BEIJING))
    open_round = _round(
        name=f"{first:%Y-%m} 理赔质量抽检", root=root, first=first, last=last,
        method=Method.SIMPLE, margin="0.10", seed=seed * 1000 + 2, creator=creator,
        at=min(opened, datetime.combine(last + timedelta(days=1), time(9), tzinfo=BEIJING)),
    )  # fmt: skip
    if open_round is not None:
        counts["rounds"] += 1
        items = list(open_round.items.select_related("claim", "round").order_by("claim_id"))
        base = min(opened, datetime.combine(last + timedelta(days=1), time(9), tzinfo=BEIJING))
        base += timedelta(hours=1)
        for i, item in enumerate(items[:OPEN_REVIEWED]):
            wrong = rng.random() < ERROR_SHARE
            at = min(now - timedelta(minutes=5), base + timedelta(minutes=9 * i))
            if _review(item, rng, wrong, at, reviewers):
                counts["reviews"] += 1
                counts["errors"] += wrong
    return counts
