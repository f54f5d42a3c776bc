"""Demo claims (issue 5 §11): claims over the last 12 months on the demo policies in force (from
``hiqc/policies/demo.py``, which runs first), as many as each policy's premium pays for at its
product's loss ratio (``LOSS_RATIO``; at most 50,000) — medical products claim often and small,
critical-illness and disability cover rarely and large, so the products' payout ratios are those
of a real book (issue 17 §5).

The mix is realistic: medical reimbursement dominates and most amounts are small (≤ 3,000 yuan,
the CL-11 fast track); critical illness, disability and care claims are few and large. About one
claim in six needs a supplement (a one-time notice, CL-1: delivered, then fulfilled — the decision
clock pauses in between, CL-3); about 7 % are refused with a reason code and a refusal notice
(CL-6); the rest are paid in full or in part. A few cases run late: decisions after the 30 days,
refusal notices after 3 days, payments after 10 days — and some of the recent ones are still open
and already past their limit. **One branch (成都中心支公司) reviews documents slowly**: there the
step start_review → documents_complete takes about a week of working time instead of about a day,
and the timeliness dashboard shows it without being told. In the last ``IMPROVED_DAYS`` (90) days
its review takes about a day and a half: the effect of the improvement plan the quality demo
records, which its effect evaluation measures (still slower than elsewhere, so the dashboard
still finds it).

**Through the engine** (issue 15 §3, ADR 0015): the demo is the insurer's core claims system
(``CORE``) reporting what happened to its claims — each claim a ``create`` line with what arrived
with the application (every required document but those the one-time notice will ask for), then
its steps with their original times, all in time order — and imports the feed through the one
events door on its bulk path (``claim_events_import_bulk``: ``case_events_import(bulk=True)``):
the engine's executor on claims held in memory, the same checks as a page, clocks started, paused
and stopped by the workflow, rows written in batches with ``COPY`` / ``executemany``. Its events'
actor is the feed's integration (``IMPORTER``, a system actor; source ``import``); the claims keep
the core system's numbers as ``external_ref`` (``HX<date>9<nnnnn>``) and get HIQC's own, their
channel is how the claimant applied (online and app a growing share), and no letters are issued
(the core system sent its own notices).
Only policies in force are claimed on: the application check asks a reason — and records a
finding — for a claim on a policy that no longer is. Idempotent: a claim whose core number is
already imported is not sent again. Indicator rows (month granularity) are computed at the end.

**One deliberately non-conforming sequence** (issue 16 §9): the feed reports, for one recent
claim, a payment while the claim is still in document review — a move the designed process does
not allow. The events door refuses that line (the demo's one rejection) and records it as an
out-of-design finding, which the claims process's conformance view lists under
导入数据中违背设计的流转. Sent once: not again when such a finding exists.
"""

from __future__ import annotations

import json
import random
import time as clock_time
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.findings import OUT_OF_DESIGN
from hiqc.core.models import CaseEvent, Deadline, Finding
from hiqc.core.rules import rule_value
from hiqc.organisations.models import OrgUnit, User
from hiqc.policies.enums import ClaimType, PolicyStatus
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured

from .enums import ClaimChannel, Outcome, PaymentChannel, ReasonCode, Status
from .events import claim_events_import_bulk
from .indicators import claims_indicators_compute
from .models import Claim, Payment, SupplementRequest
from .services import CASE_TYPE

TARGET = 50_000
# A demo much smaller than the default (a test's few hundred customers) would get a few dozen
# claims, none of them still open: it gets at least this many (with payout ratios to match).
MIN_CLAIMS = 400
# The loss ratio each demo product runs at (claims paid ÷ premium): a policy's yearly claim
# frequency is its premium × this ratio ÷ the mean amount of a claim of its product's types, so
# the payout ratio the product monitoring computes (issue 17 §5) comes out near these figures for
# the products with many claims (城市惠民保 near break-even); a product with a handful of claims a
# year (医疗意外, 少儿重疾) reads whatever its few large claims make it.
LOSS_RATIO = {
    "MED-BW01": 0.58, "MED-ZD02": 0.72, "MED-HM03": 0.92, "HC-JT01": 0.52, "CI-ZJ20": 0.48,
    "CI-SE20": 0.38, "LTC-HL30": 0.62, "DI-SN05": 0.42, "MA-YW01": 0.22,
}  # fmt: skip
DEFAULT_LOSS_RATIO = 0.6  # a product the demo catalogue does not name
# What is claimed is not what is paid within the demo year: partial approvals, refusals and claims
# still open pay about three quarters of it, and a renewed one-year policy's predecessor earns
# premium in the year that no demo claim is drawn on (claims go to policies in force). Measured
# on the demo (payout ratio ÷ loss ratio: 0.74–0.83 for multi-year products, 0.45–0.53 for
# one-year ones), the frequencies are raised by these factors so the ratios land near the table.
CLAIMED_PER_PAID = {1: 1.9}  # by term in years; other terms:
CLAIMED_PER_PAID_DEFAULT = 1.27
DAYS = 365
SLOW_CITY = "SC-CD"  # the branch whose document review is slow
IMPROVED_DAYS = 90  # …until its improvement plan took effect, this many days before the demo's end
TYPE_WEIGHT = {
    ClaimType.MEDICAL_REIMBURSEMENT: 70, ClaimType.HOSPITAL_CASH: 14, ClaimType.CARE: 6,
    ClaimType.CRITICAL_ILLNESS: 6, ClaimType.DISABILITY: 4,
}  # fmt: skip
SOURCE_SYSTEM = "CORE"  # the demo insurer's core claims system, whose feed the demo imports
CORE_PREFIX = "HX"  # its claim numbers: HX<day>9<nnnnn>
IMPORTER = "core_claims_feed"  # the integration the feed runs as (a system actor)
DIAGNOSES: dict[str, list[tuple[str, str]]] = {
    ClaimType.MEDICAL_REIMBURSEMENT: [
        ("J18.9", "肺炎"), ("K35.8", "急性阑尾炎"), ("J20.9", "急性支气管炎"), ("K80.2", "胆囊结石"),
        ("N20.0", "肾结石"), ("S52.5", "桡骨下端骨折"), ("A09", "感染性胃肠炎"), ("H25.9", "老年性白内障"),
    ],
    ClaimType.HOSPITAL_CASH: [("J18.9", "肺炎"), ("K35.8", "急性阑尾炎"), ("S82.2", "胫骨骨折")],
    ClaimType.CRITICAL_ILLNESS: [
        ("C34.9", "肺恶性肿瘤"), ("C50.9", "乳腺恶性肿瘤"), ("I21.9", "急性心肌梗死"), ("I63.9", "脑梗死"),
    ],
    ClaimType.DISABILITY: [("S06.9", "颅脑损伤"), ("I69.3", "脑梗死后遗症")],
    ClaimType.CARE: [("G30.9", "阿尔茨海默病"), ("I69.4", "脑卒中后遗症")],
}  # fmt: skip
REFUSALS = [
    (ReasonCode.NOT_COVERED, "所申请费用不属于合同约定的保险责任范围。"),
    (ReasonCode.EXCLUSION, "出险原因属于合同约定的责任免除情形。"),
    (ReasonCode.WAITING_PERIOD, "疾病确诊日期在合同约定的等待期内。"),
    (ReasonCode.NON_DISCLOSURE, "投保时未如实告知既往病史，足以影响承保决定。"),
    (ReasonCode.POLICY_LAPSED, "出险时保单处于效力中止期间。"),
]
PARTIALS = [ReasonCode.DEDUCTIBLE, ReasonCode.NON_MEDICAL, ReasonCode.LIMIT]
PAY_CHANNELS = (
    [PaymentChannel.BANK_TRANSFER] * 6
    + [PaymentChannel.E_WALLET] * 3
    + [PaymentChannel.DIRECT_BILLING]
)


def _days(value: float) -> timedelta:
    return timedelta(days=value)


def _amount(rng: random.Random, claim_type: str) -> Decimal:
    if claim_type == ClaimType.MEDICAL_REIMBURSEMENT:
        value = min(300_000.0, max(60.0, rng.lognormvariate(7.25, 1.05)))  # median ≈ 1,400 yuan
    elif claim_type == ClaimType.HOSPITAL_CASH:
        value = rng.choice((100, 150, 200)) * max(1, round(rng.triangular(1, 25, 5)))
    elif claim_type == ClaimType.CARE:
        value = rng.choice((3000, 4500, 6000)) * rng.randrange(1, 7)
    elif claim_type == ClaimType.DISABILITY:
        value = rng.randrange(20, 201) * 1000
    else:
        value = rng.choice((100_000, 200_000, 300_000, 500_000))
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


@cache
def _application_channel(seed: Any, ref: str, received: date, today: date) -> str:
    """How the claimant applied, as the core system recorded it: online (web and app) takes a
    share growing by a point a month, about 45 % in the latest month (standard 5.1.2(1), 10.3.3);
    the rest at the counter or through an agent."""
    months_ago = (today.year - received.year) * 12 + today.month - received.month
    online = max(0.15, 0.45 - 0.01 * months_ago)
    draw = random.Random(f"{seed}:{ref}:channel").random()
    if draw < online:
        return ClaimChannel.APP if draw < online * 0.55 else ClaimChannel.ONLINE
    return ClaimChannel.COUNTER if draw < online + (1 - online) * 0.7 else ClaimChannel.AGENT


def _mean_amount(claim_type: str) -> float:
    """The mean amount claimed for ``claim_type`` (4,000 draws of ``_amount``, fixed seed)."""
    rng = random.Random(f"mean:{claim_type}")
    return sum(float(_amount(rng, claim_type)) for _i in range(4000)) / 4000


def _expected_claims(policy: Policy, first_day: date, today: date) -> float:
    """Claims the demo expects on ``policy`` over its cover within the demo year: its yearly
    premium × its product's loss ratio × ``CLAIMED_PER_PAID`` ÷ the mean claim of its covered
    types (weighted as the types are drawn), times the share of the year it was in force."""
    covered = policy.product_version.claim_types
    weights = [TYPE_WEIGHT[t] for t in covered]
    mean = sum(w * _mean_amount(t) for w, t in zip(weights, covered, strict=True)) / sum(weights)
    ratio = LOSS_RATIO.get(policy.product_version.product.code, DEFAULT_LOSS_RATIO)
    lo, hi = max(policy.start_date, first_day), min(policy.end_date, today - timedelta(days=1))
    years = max(0, (hi - lo).days + 1) / 365
    scale = CLAIMED_PER_PAID.get(policy.product_version.term_years, CLAIMED_PER_PAID_DEFAULT)
    return float(policy.premium_yuan) * ratio * scale / mean * years


@dataclass
class _Story:
    """One claim as the core claims system reports it: its events, in order, up to ``now``."""

    ref: str
    now: datetime
    received: datetime
    amount: Decimal
    small: bool
    big: bool
    required: list[str]  # the checklist's musts
    state: str = Status.RECEIVED  # where the story has taken the claim so far
    events: list[tuple[str, datetime, dict[str, Any]]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # the documents the one-time notice asks for

    def step(self, action: str, to: str, at: datetime, data: dict[str, Any] | None = None) -> bool:
        if at >= self.now:
            return False
        self.events.append((action, at, data or {}))
        self.state = to
        return True


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    started = clock_time.perf_counter()
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    first_day = today - timedelta(days=DAYS)
    policies = [
        p
        # in force: the application check asks a reason (and records a finding) for a claim on
        # a policy no longer in force, which the core system's feed would not have
        for p in Policy.objects.filter(
            end_date__gte=first_day, start_date__lt=today, status=PolicyStatus.IN_FORCE
        )
        .select_related("product_version__product", "org_unit")
        .order_by("number")
        if p.product_version.claim_types
    ]
    if not policies:
        return {}
    insured: dict[Any, Any] = {}
    for policy_id, customer_id in PolicyInsured.objects.order_by(
        "policy_id", "created_at"
    ).values_list("policy_id", "customer_id"):
        insured.setdefault(policy_id, customer_id)
    policies = [p for p in policies if p.pk in insured]
    checklists: dict[tuple[Any, str], list[str]] = {}
    for version_id, claim_type, code, required in DocumentRequirement.objects.order_by(
        "position", "code"
    ).values_list("version_id", "claim_type", "code", "required"):
        if required:
            checklists.setdefault((version_id, claim_type), []).append(code)
    slow = org_units.get(SLOW_CITY)
    rng = random.Random(seed * 11 + 5)
    cumulative = list(accumulate(_expected_claims(p, first_day, today) for p in policies))
    target = min(TARGET, max(MIN_CLAIMS, round(cumulative[-1]))) if cumulative else 0
    small_limit = Decimal(int(rule_value("claims.small_claim_yuan")))
    existing = set(
        Claim.objects.filter(source_system=SOURCE_SYSTEM).values_list("external_ref", flat=True)
    )
    seq: dict[date, int] = {}
    stories: list[_Story] = []
    for _i in range(target):
        policy = policies[min(len(policies) - 1,
                              bisect_right(cumulative, rng.random() * cumulative[-1]))]  # fmt: skip
        lo = max(policy.start_date, first_day)
        hi = min(policy.end_date, today - timedelta(days=1))
        span = (hi - lo).days
        covered = policy.product_version.claim_types
        weights = [TYPE_WEIGHT[t] for t in covered]
        claim_type = rng.choices(covered, weights=weights)[0]
        story_seed = rng.random()
        if span < 0:
            continue
        incident = lo + timedelta(days=rng.randrange(span + 1))
        received_day = incident + timedelta(days=rng.choice((0, 1, 1, 2, 3, 5, 8, 14, 21)))
        if received_day >= today or received_day < first_day:
            continue
        if received_day.weekday() >= 5 and rng.random() < 0.6:
            received_day += timedelta(days=7 - received_day.weekday())
            if received_day >= today:
                continue
        received = datetime.combine(
            received_day, time(min(20, max(8, int(rng.gauss(12.5, 2.8)))), rng.randrange(60)),
            tzinfo=BEIJING,
        )  # fmt: skip
        seq[received_day] = seq.get(received_day, 0) + 1
        ref = f"{CORE_PREFIX}{received_day:%Y%m%d}9{seq[received_day]:05d}"
        if ref in existing or received >= now:
            continue
        srng = random.Random(f"{seed}:{ref}:{story_seed}")
        amount = _amount(srng, claim_type)
        code, text = srng.choice(DIAGNOSES[claim_type])
        unit: OrgUnit = policy.org_unit
        story = _Story(
            ref=ref, now=now, received=received, amount=amount, small=amount <= small_limit,
            big=claim_type in (ClaimType.CRITICAL_ILLNESS, ClaimType.DISABILITY),
            required=checklists.get((policy.product_version_id, claim_type), []),
        )  # fmt: skip
        # the claim as the core system registered it, with how the claimant applied
        story.events.append(("create", received, {
            "policy_number": policy.number, "claim_type": claim_type,
            "incident_date": incident.isoformat(), "amount_claimed": str(amount),
            "diagnosis_code": code, "diagnosis_text": text,
            "insured_id": str(insured[policy.pk]), "claimant_id": str(insured[policy.pk]),
            "channel": _application_channel(seed, ref, received_day, today),
        }))  # fmt: skip
        _play(story, srng, slow=slow is not None and unit.path.startswith(slow.path))
        # what arrived with the application: every required document but those the one-time
        # notice will ask for
        story.events[0][2]["documents"] = [c for c in story.required if c not in story.asked]
        stories.append(story)
    off_design = 0
    if not Finding.objects.filter(kind=OUT_OF_DESIGN, case_type=CASE_TYPE).exists():
        off_design = _off_design(stories)
    before = _created()
    report = claim_events_import_bulk(actor=Actor.system(IMPORTER), lines=_lines(stories))
    rows = claims_indicators_compute(
        start=datetime.combine(first_day.replace(day=1), time.min, tzinfo=BEIJING), end=now,
        granularities=("month",),
    ) if stories else 0  # fmt: skip
    return {
        **{k: v - before[k] for k, v in _created().items()},
        "rejected": report.rejected_total - off_design,
        "off_design_sent": off_design,
        "indicator_rows": rows,
        "milliseconds": round((clock_time.perf_counter() - started) * 1000),
    }


def _created() -> dict[str, int]:
    return {
        "claims": Claim.objects.filter(source_system=SOURCE_SYSTEM).count(),
        "events": CaseEvent.objects.filter(
            case_type=CASE_TYPE, source_system=SOURCE_SYSTEM
        ).count(),
        "clocks": Deadline.objects.filter(case_type=CASE_TYPE).count(),
        "supplements": SupplementRequest.objects.count(),
        "payments": Payment.objects.count(),
    }


def _off_design(stories: Sequence[_Story]) -> int:
    """Adds to the most recent story reviewed to the end a payment reported halfway through its
    document review (the core system paying before the decision): 1 if added."""
    for story in sorted(stories, key=lambda s: (s.received, s.ref), reverse=True):
        actions = [action for action, _at, _data in story.events]
        if "start_review" in actions and "documents_complete" in actions:
            begun = story.events[actions.index("start_review")][1]
            ended = story.events[actions.index("documents_complete")][1]
            data = {"channel": PaymentChannel.BANK_TRANSFER, "reference": f"DEMO-{story.ref}-X"}
            # last in the story's list (its event id follows the others'), in time order in the feed
            story.events.append(("pay", begun + (ended - begun) / 2, data))
            return 1
    return 0


def _lines(stories: Sequence[_Story]) -> Iterator[str]:
    """The stories as the core system's feed: JSON lines in the order the events happened."""
    events = sorted(
        ((at, s.ref, n, action, data) for s in stories
         for n, (action, at, data) in enumerate(s.events)),
        key=lambda e: e[0],
    )  # fmt: skip
    for at, ref, n, action, data in events:
        yield json.dumps(
            {"source_system": SOURCE_SYSTEM, "external_id": f"{ref}:{n}", "claim": ref,
             "action": action, "at": at.isoformat(), "data": data},
            ensure_ascii=False,
        )  # fmt: skip


def _play(story: _Story, rng: random.Random, *, slow: bool) -> None:
    now, received, small = story.now, story.received, story.small
    late_decision = rng.random() < 0.015
    pauses: list[tuple[datetime, datetime | None]] = []
    # intake → review
    # small claims are on the 24-hour fast track (CL-11): every step takes hours, not days
    at = received + timedelta(hours=rng.uniform(0.2, 3) if small else rng.uniform(2, 30))
    if not story.step("start_review", Status.REVIEW, at):
        return
    # one-time notice for a share of claims (more often for large ones)
    required = story.required
    if required and rng.random() < (0.3 if story.big else 0.03 if small else 0.15):
        items = rng.sample(required, k=min(len(required), rng.choice((1, 1, 2, 3))))
        asked = at + _days(rng.uniform(0.2, 1.5) * (4 if slow else 1))
        if not story.step("request_supplement", Status.AWAITING_SUPPLEMENT, asked,
                          {"items": items}):  # fmt: skip
            return
        story.asked = items
        delivered = asked + _days(rng.uniform(0.05, 2))
        if not story.step("notice_delivered", Status.AWAITING_SUPPLEMENT, delivered):
            return
        back = delivered + _days(rng.triangular(1, 20, 4))
        if not story.step("supplement_received", Status.REVIEW, back):
            return
        pauses.append((delivered, back))
        at = back
    # document review: the slow branch takes about a week, elsewhere about a day; the slow
    # branch's improvement plan (the quality demo) took effect IMPROVED_DAYS ago: about 1.5 days
    if slow and received >= now - timedelta(days=IMPROVED_DAYS):
        review = rng.triangular(0.5, 4, 1.5)
    else:
        review = rng.triangular(3, 14, 7) if slow else rng.triangular(0.1, 3, 0.6)
    if small and not slow:
        review = rng.uniform(0.02, 0.25)
    at = at + _days(review)
    if rng.random() < 0.01:  # withdrawn during review
        story.step("withdraw", Status.WITHDRAWN, at, {"reason": "申请人撤回"})
        return
    if not story.step("documents_complete", Status.ADJUDICATION, at):
        return
    # adjudication: past the 30 days for a few
    if late_decision:
        span_days = rng.uniform(31, 50) + sum(((p[1] or now) - p[0]).days for p in pauses)
        decided = received + _days(span_days)
    else:
        work = rng.uniform(0.02, 0.3) if small else rng.triangular(0.5, 12 if story.big else 6, 2)
        decided = at + _days(work)
    refuse = rng.random() < 0.07
    if refuse:
        reason, text = rng.choice(REFUSALS)
        if not story.step("refuse", Status.DECIDED, decided,
                          {"reason_code": reason, "reason_text": text}):  # fmt: skip
            return
        sent = decided + _days(rng.uniform(3.2, 6) if rng.random() < 0.03 else
                               rng.uniform(0.01, 0.2) if small else rng.uniform(0.05, 2))  # fmt: skip
        if story.step("send_refusal_notice", Status.DECIDED, sent):
            closed = sent + _days(rng.uniform(0.005, 0.1) if small else rng.uniform(0.5, 5))
            story.step("close", Status.CLOSED, closed)
        return
    partial = rng.random() < 0.2
    approved = (story.amount * Decimal(str(round(rng.uniform(0.55, 0.95), 2)))).quantize(
        Decimal("0.01")
    ) if partial else story.amount  # fmt: skip
    decision = {"outcome": Outcome.PARTIAL if partial else Outcome.APPROVE,
                "amount_approved": str(approved),
                "reason_code": rng.choice(PARTIALS) if partial else ""}  # fmt: skip
    if not story.step("decide", Status.DECIDED, decided, decision):
        return
    agreed = decided + _days(rng.uniform(0.01, 0.15) if small else rng.uniform(0.1, 3))
    if not story.step("agree_amount", Status.PAYING, agreed):
        return
    late_pay = rng.random() < 0.01
    paid = agreed + _days(
        rng.uniform(11, 16) if late_pay else rng.uniform(0.01, 0.2) if small else rng.uniform(0.5, 6)
    )  # fmt: skip
    payment = {"channel": rng.choice(PAY_CHANNELS), "reference": f"DEMO-{story.ref}"}
    if not story.step("pay", Status.PAID, paid, payment):
        return
    closed = paid + _days(rng.uniform(0.005, 0.1) if small else rng.uniform(0.2, 3))
    story.step("close", Status.CLOSED, closed)
