"""Demo claims (issue 5 §11): ~50,000 claims over the last 12 months on the demo policies (from
``hiqc/policies/demo.py``, which runs first), scaled down with the number of policies.

The mix is realistic: medical reimbursement dominates and most amounts are small (≤ 3,000 yuan,
the CL-11 fast track); critical illness, disability and care claims are few and large. About one
claim in six needs a supplement (a one-time notice, CL-1: delivered, then fulfilled — the decision
clock pauses in between, CL-3); about 7 % are refused with a reason code, a refusal notice and
its letter (CL-6); the rest are paid in full or in part. A few cases run late: decisions after the
30 days, refusal notices after 3 days, payments after 10 days — and some of the recent ones are
still open and already past their limit. **One branch (成都中心支公司) reviews documents slowly**:
there the step start_review → documents_complete takes about a week of working time instead of
about a day, and the timeliness dashboard shows it without being told. In the last
``IMPROVED_DAYS`` (90) days its review takes about a day and a half: the effect of the improvement
plan the quality demo records, which its effect evaluation measures (still slower than elsewhere,
so the dashboard still finds it).

Rows are written in bulk (claims, clocks, events, supplements, payments, refusal letters, the
documents of open claims): running 350,000 transitions one by one would take an hour. Clocks are
the kernel's: ``deadline_build`` plus ``CLOCKS.pause`` / ``resume`` / ``stop`` (``hiqc.core.clockmath``)
on unsaved rows. Building a clock reads the process version and the roll-over rule; to keep 200,000
clocks fast, a clock that closes without a pause is copied from one built for the same clock and
start day (the due day depends only on the start day for day clocks; hour clocks are shifted by
the start time). Such a copy keeps the warning schedule computed for that day's first start — it
never fires, since the clock is closed. Open and paused clocks are built one by one, exactly.

Numbers are deterministic (``LP<date>9<nnnnn>``, a range live registration does not reach in a
day), so a re-run creates nothing. Indicator rows (month granularity) are computed at the end.
"""

from __future__ import annotations

import random
import time as clock_time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models.base import ModelState
from django.template.loader import render_to_string
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.bulkwrite import Table, rendered, store
from hiqc.core.calendar import BEIJING, Unit, years_after
from hiqc.core.clockmath import CLOCKS
from hiqc.core.deadlines import deadline_build
from hiqc.core.models import CaseEvent, Deadline, ProcessVersion
from hiqc.core.rules import rule_value
from hiqc.core.workflow import Clock
from hiqc.customers.models import Customer
from hiqc.organisations.models import OrgUnit, User
from hiqc.policies.enums import ClaimType
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured

from .enums import ClaimChannel, Outcome, PaymentChannel, PaymentKind, ReasonCode, Status
from .indicators import claims_indicators_compute
from .models import Claim, ClaimDocument, ClaimLetter, Payment, SupplementRequest
from .rules import retention_years
from .services import CASE_TYPE
from .workflow import ADVANCE, DECIDE, FAST_TRACK, NOTICE, PAYMENT, REFUSAL_NOTICE

TARGET = 50_000
PER_POLICY = 1.4  # claims over the year per demo policy (~36,000 policies with 20,000 customers)
DAYS = 365
SLOW_CITY = "SC-CD"  # the branch whose document review is slow
IMPROVED_DAYS = 90  # …until its improvement plan took effect, this many days before the demo's end
TYPE_WEIGHT = {
    ClaimType.MEDICAL_REIMBURSEMENT: 70, ClaimType.HOSPITAL_CASH: 14, ClaimType.CARE: 6,
    ClaimType.CRITICAL_ILLNESS: 6, ClaimType.DISABILITY: 4,
}  # fmt: skip
CHANNELS = [(ClaimChannel.APP, 36), (ClaimChannel.ONLINE, 18), (ClaimChannel.COUNTER, 14),
            (ClaimChannel.AGENT, 14), (ClaimChannel.CORE_SYSTEM, 18)]  # fmt: skip
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


class _ClockBuilder:
    """The kernel's clock computations on unsaved rows, with the copy-per-start-day shortcut
    described in the module docstring."""

    def __init__(self, *, per_path: bool) -> None:
        self.per_path = per_path  # a process version exists: warning thresholds vary by unit
        self.templates: dict[tuple[str, str, date | None], Deadline] = {}

    def build(
        self,
        clock: Clock,
        *,
        case_id: str,
        org_path: str,
        at: datetime,
        pauses: Sequence[tuple[datetime, datetime | None]] = (),
        closed_at: datetime | None = None,
        cancelled_at: datetime | None = None,
    ) -> Deadline:
        if closed_at is None and cancelled_at is None and not pauses:  # open: built exactly
            d = deadline_build(
                case_type=CASE_TYPE, case_id=case_id, org_path=org_path, clock=clock, at=at
            )
        else:
            d = self._copy(clock, case_id=case_id, org_path=org_path, at=at)
        for p_from, p_to in pauses:
            if d.state != Deadline.State.RUNNING or p_from >= d.due_at:
                break  # a clock that has run out is not paused (the breach stays)
            CLOCKS.pause(d, p_from)
            if p_to is None:
                break
            CLOCKS.resume(d, p_to)
        if closed_at is not None:
            CLOCKS.stop(d, closed_at)
        elif cancelled_at is not None:
            CLOCKS.cancel(d, cancelled_at)
        return d

    def _copy(self, clock: Clock, *, case_id: str, org_path: str, at: datetime) -> Deadline:
        hours = clock.unit == Unit.HOURS
        key = (
            clock.code,
            org_path if self.per_path else "",
            None if hours else at.astimezone(BEIJING).date(),
        )
        template = self.templates.get(key)
        if template is None:
            template = deadline_build(
                case_type=CASE_TYPE, case_id="", org_path=org_path, clock=clock, at=at
            )
            self.templates[key] = template
        d = Deadline.__new__(Deadline)  # copy.copy of a model instance is several times slower
        d.__dict__.update(template.__dict__)
        d._state = ModelState()
        d.case_id, d.org_path = case_id, org_path
        d.pauses, d.extensions = [], []
        d.calendar_warnings = list(template.calendar_warnings)
        shift = at - template.started_at
        d.started_at = at
        if hours:  # an hours clock is translation-invariant: shift every time
            d.due_at = template.due_at + shift
            d.warning_times = [
                {**w, "at": (datetime.fromisoformat(w["at"]) + shift).isoformat()}
                for w in template.warning_times
            ]
        else:
            d.warning_times = [dict(w) for w in template.warning_times]
        return d


@dataclass
class _Story:
    claim: Claim
    now: datetime
    actor_name: str
    events: list[tuple[str, str, str, datetime, dict[str, Any]]] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    supplements: list[SupplementRequest] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    required: list[tuple[str, str]] = field(default_factory=list)  # the checklist's musts
    refusal_letter: bool = False
    documents: bool = False

    def step(self, action: str, to: str, at: datetime, data: dict[str, Any] | None = None) -> bool:
        if at >= self.now:
            return False
        self.events.append((action, self.claim.status, to, at, data or {}))
        self.claim.status = to
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
        for p in Policy.objects.filter(end_date__gte=first_day, start_date__lt=today)
        .select_related("product", "org_unit")
        .order_by("number")
        if p.product.claim_types
    ]
    if not policies:
        return {}
    insured: dict[Any, Any] = {}
    for policy_id, customer_id in PolicyInsured.objects.order_by(
        "policy_id", "created_at"
    ).values_list("policy_id", "customer_id"):
        insured.setdefault(policy_id, customer_id)
    policies = [p for p in policies if p.pk in insured]
    checklists: dict[tuple[Any, str], list[tuple[str, str, bool]]] = {}
    for product_id, claim_type, code, name, required in DocumentRequirement.objects.order_by(
        "position", "code"
    ).values_list("product_id", "claim_type", "code", "name", "required"):
        checklists.setdefault((product_id, claim_type), []).append((code, name, required))
    slow = org_units.get(SLOW_CITY)
    handler = users.get("claims_handler_bj")
    rng = random.Random(seed * 11 + 5)
    target = min(TARGET, round(len(policies) * PER_POLICY))
    small_limit = Decimal(int(rule_value("claims.small_claim_yuan")))
    existing = set(Claim.objects.filter(number__startswith="LP").values_list("number", flat=True))
    builder = _ClockBuilder(per_path=ProcessVersion.objects.filter(process=CASE_TYPE).exists())
    seq: dict[date, int] = {}
    stories: list[_Story] = []
    for _i in range(target):
        policy = rng.choice(policies)
        lo = max(policy.start_date, first_day)
        hi = min(policy.end_date, today - timedelta(days=1))
        span = (hi - lo).days
        weights = [TYPE_WEIGHT[t] for t in policy.product.claim_types]
        claim_type = rng.choices(policy.product.claim_types, weights=weights)[0]
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
        number = f"LP{received_day:%Y%m%d}9{seq[received_day]:05d}"
        if number in existing or received >= now:
            continue
        srng = random.Random(f"{seed}:{number}:{story_seed}")
        amount = _amount(srng, claim_type)
        code, text = srng.choice(DIAGNOSES[claim_type])
        unit: OrgUnit = policy.org_unit
        in_bj = (
            handler is not None
            and handler.org_unit is not None
            and unit.path.startswith(handler.org_unit.path)
        )
        claim = Claim(
            number=number, policy=policy, insured_id=insured[policy.pk],
            claimant_id=insured[policy.pk], claim_type=claim_type, incident_date=incident,
            diagnosis_code=code, diagnosis_text=text, amount_claimed=amount,
            channel=srng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0],
            org_unit=unit, received_at=received, small_claim=amount <= small_limit,
            status=Status.RECEIVED, assignee=handler if in_bj else None,
        )  # fmt: skip
        story = _Story(claim, now, handler.username if in_bj and handler else "demo")
        checklist = checklists.get((policy.product_id, claim_type), [])
        story.required = [(code, name) for code, name, req in checklist if req]
        _play(story, srng, builder, slow=slow is not None and unit.path.startswith(slow.path))
        stories.append(story)
    _write(stories)
    rows = claims_indicators_compute(
        start=datetime.combine(first_day.replace(day=1), time.min, tzinfo=BEIJING), end=now,
        granularities=("month",),
    ) if stories else 0  # fmt: skip
    return {
        "claims": len(stories),
        "events": sum(len(s.events) for s in stories),
        "clocks": sum(len(s.deadlines) for s in stories),
        "supplements": sum(len(s.supplements) for s in stories),
        "payments": sum(len(s.payments) for s in stories),
        "refusal_letters": sum(s.refusal_letter for s in stories),
        "indicator_rows": rows,
        "milliseconds": round((clock_time.perf_counter() - started) * 1000),
    }


def _play(
    story: _Story,
    rng: random.Random,
    builder: _ClockBuilder,
    *,
    slow: bool,
) -> None:
    c, now = story.claim, story.now
    case_id, path = str(c.pk), c.org_unit.path
    received = c.received_at
    story.events.append(("create", "", Status.RECEIVED, received,
                         {"channel": c.channel, "claim_type": c.claim_type}))  # fmt: skip
    big = c.claim_type in (ClaimType.CRITICAL_ILLNESS, ClaimType.DISABILITY)
    late_decision = rng.random() < 0.015
    pauses: list[tuple[datetime, datetime | None]] = []
    decided_at: datetime | None = None
    notice_closed: datetime | None = None
    withdrawn_at: datetime | None = None
    fast_closed: datetime | None = None

    def clocks() -> None:
        ends = decided_at or withdrawn_at
        story.deadlines.append(builder.build(
            DECIDE, case_id=case_id, org_path=path, at=received, pauses=pauses,
            closed_at=decided_at, cancelled_at=withdrawn_at))  # fmt: skip
        story.deadlines.append(builder.build(
            ADVANCE, case_id=case_id, org_path=path, at=received, pauses=pauses,
            cancelled_at=ends))  # fmt: skip
        story.deadlines.append(builder.build(
            NOTICE, case_id=case_id, org_path=path, at=received,
            closed_at=notice_closed, cancelled_at=None if notice_closed else withdrawn_at))  # fmt: skip
        if c.small_claim:
            story.deadlines.append(builder.build(
                FAST_TRACK, case_id=case_id, org_path=path, at=received, closed_at=fast_closed,
                cancelled_at=None if fast_closed else withdrawn_at))  # fmt: skip
        story.documents = c.status not in (Status.CLOSED, Status.WITHDRAWN)

    # intake → review
    # small claims are on the 24-hour fast track (CL-11): every step takes hours, not days
    at = received + timedelta(hours=rng.uniform(0.2, 3) if c.small_claim else rng.uniform(2, 30))
    if not story.step("start_review", Status.REVIEW, at):
        clocks()
        return
    # one-time notice for a share of claims (more often for large ones)
    required = [code for code, _n in story.required]
    if required and rng.random() < (0.3 if big else 0.03 if c.small_claim else 0.15):
        items = rng.sample(required, k=min(len(required), rng.choice((1, 1, 2, 3))))
        asked = at + _days(rng.uniform(0.2, 1.5) * (4 if slow else 1))
        if story.step(
            "request_supplement", Status.AWAITING_SUPPLEMENT, asked, {"items": items, "first": True}
        ):
            notice_closed = asked
            request = SupplementRequest(claim=c, items=items, requested_at=asked, first=True,
                                        requested_by=story.actor_name)  # fmt: skip
            story.supplements.append(request)
            delivered = asked + _days(rng.uniform(0.05, 2))
            if story.step("notice_delivered", Status.AWAITING_SUPPLEMENT, delivered):
                request.delivered_at = delivered
                back = delivered + _days(rng.triangular(1, 20, 4))
                if story.step("supplement_received", Status.REVIEW, back):
                    request.fulfilled_at = back
                    pauses.append((delivered, back))
                    at = back
                else:
                    pauses.append((delivered, None))
                    clocks()
                    return
            else:
                clocks()
                return
        else:
            clocks()
            return
    # document review: the slow branch takes about a week, elsewhere about a day; the slow
    # branch's improvement plan (the quality demo) took effect IMPROVED_DAYS ago: about 1.5 days
    if slow and received >= now - timedelta(days=IMPROVED_DAYS):
        review = rng.triangular(0.5, 4, 1.5)
    else:
        review = rng.triangular(3, 14, 7) if slow else rng.triangular(0.1, 3, 0.6)
    if c.small_claim and not slow:
        review = rng.uniform(0.02, 0.25)
    at = at + _days(review)
    if rng.random() < 0.01:  # withdrawn during review
        if story.step("withdraw", Status.WITHDRAWN, at, {"reason": "申请人撤回"}):
            withdrawn_at = at
        clocks()
        return
    if not story.step("documents_complete", Status.ADJUDICATION, at):
        clocks()
        return
    notice_closed = notice_closed or at
    # adjudication: past the 30 days for a few
    if late_decision:
        span_days = rng.uniform(31, 50) + sum(((p[1] or now) - p[0]).days for p in pauses)
        decided = received + _days(span_days)
    else:
        work = rng.uniform(0.02, 0.3) if c.small_claim else rng.triangular(0.5, 12 if big else 6, 2)
        decided = at + _days(work)
    refuse = rng.random() < 0.07
    if refuse:
        reason, text = rng.choice(REFUSALS)
        if not story.step(
            "refuse", Status.DECIDED, decided, {"outcome": Outcome.REFUSE, "reason_code": reason}
        ):
            clocks()
            return
        decided_at = decided
        c.outcome, c.amount_approved, c.reason_code, c.reason_text = (
            Outcome.REFUSE,
            Decimal(0),
            reason,
            text,
        )
        c.decided_at = decided
        sent = decided + _days(rng.uniform(3.2, 6) if rng.random() < 0.03 else
                               rng.uniform(0.01, 0.2) if c.small_claim else rng.uniform(0.05, 2))  # fmt: skip
        if story.step("send_refusal_notice", Status.DECIDED, sent):
            story.refusal_letter = True
            story.deadlines.append(builder.build(REFUSAL_NOTICE, case_id=case_id, org_path=path,
                                                 at=decided, closed_at=sent))  # fmt: skip
            closed = sent + _days(rng.uniform(0.005, 0.1) if c.small_claim else rng.uniform(0.5, 5))
            if story.step("close", Status.CLOSED, closed):
                c.closed_at = fast_closed = closed
        else:
            story.deadlines.append(
                builder.build(REFUSAL_NOTICE, case_id=case_id, org_path=path, at=decided)
            )
        clocks()
        return
    partial = rng.random() < 0.2
    approved = (c.amount_claimed * Decimal(str(round(rng.uniform(0.55, 0.95), 2)))).quantize(
        Decimal("0.01")
    ) if partial else c.amount_claimed  # fmt: skip
    outcome = Outcome.PARTIAL if partial else Outcome.APPROVE
    if not story.step("decide", Status.DECIDED, decided,
                      {"outcome": outcome, "amount_approved": str(approved)}):  # fmt: skip
        clocks()
        return
    decided_at = decided
    c.outcome, c.amount_approved, c.decided_at = outcome, approved, decided
    c.reason_code = rng.choice(PARTIALS) if partial else ""
    agreed = decided + _days(rng.uniform(0.01, 0.15) if c.small_claim else rng.uniform(0.1, 3))
    if not story.step("agree_amount", Status.PAYING, agreed):
        clocks()
        return
    c.agreed_at = agreed
    late_pay = rng.random() < 0.01
    paid = agreed + _days(
        rng.uniform(11, 16) if late_pay else rng.uniform(0.01, 0.2) if c.small_claim else rng.uniform(0.5, 6)
    )  # fmt: skip
    channel = rng.choice(PAY_CHANNELS)
    reference = f"DEMO-{c.number}"
    if not story.step("pay", Status.PAID, paid, {"channel": channel, "reference": reference}):
        story.deadlines.append(builder.build(PAYMENT, case_id=case_id, org_path=path, at=agreed))
        clocks()
        return
    story.deadlines.append(
        builder.build(PAYMENT, case_id=case_id, org_path=path, at=agreed, closed_at=paid)
    )
    story.payments.append(Payment(claim=c, kind=PaymentKind.BENEFIT, amount=approved,
                                  channel=channel, paid_at=paid, reference=reference))  # fmt: skip
    closed = paid + _days(rng.uniform(0.005, 0.1) if c.small_claim else rng.uniform(0.2, 3))
    if story.step("close", Status.CLOSED, closed):
        c.closed_at = fast_closed = closed
    clocks()


def _rows(objs: list[Any], now: datetime) -> list[dict[str, Any]]:
    out = []
    for obj in objs:
        row = dict(obj.__dict__)
        row.pop("_state", None)
        if "created_at" in row:
            row["created_at"] = row["updated_at"] = now
        out.append(row)
    return out


def _write(stories: list[_Story]) -> None:
    """Every row in one transaction: ``executemany`` on SQLite, ``COPY`` on PostgreSQL (the
    claims bulk import's writer, ``events.write._Table``), not ``bulk_create`` — its per-value
    preparation cost a minute for 7,000 claims here."""

    now = timezone.now()
    names = dict(
        Customer.objects.filter(
            pk__in={s.claim.claimant_id for s in stories if s.refusal_letter}
        ).values_list("pk", "name")
    )
    keep = {long: retention_years(2 if long else 1) for long in (False, True)}  # CL-9 rules
    for s in stories:
        if s.claim.closed_at is not None:
            years = keep[s.claim.policy.product.term_years > 1]
            end = max(s.claim.closed_at.astimezone(BEIJING).date(), s.claim.policy.end_date)
            s.claim.retain_until = years_after(end, years)
    letters = [
        ClaimLetter(claim=s.claim, kind="refusal", title="拒绝赔付通知书",
                    body=_refusal_letter(s.claim, names.get(s.claim.claimant_id, "")),
                    issued_by=s.actor_name)
        for s in stories if s.refusal_letter
    ]  # fmt: skip
    documents = []
    for s in stories:
        if not s.documents:
            continue
        asked = {code for r in s.supplements for code in r.items if r.fulfilled_at is None}
        documents += [
            ClaimDocument(claim=s.claim, requirement_code=code, name=name,
                          received_at=s.claim.received_at)
            for code, name in s.required if code not in asked
        ]  # fmt: skip
    events: list[dict[str, Any]] = [  # rows, not model instances: 350,000 of them
        {"case_type": CASE_TYPE, "case_id": str(s.claim.pk), "org_path": s.claim.org_unit.path,
         "activity": a, "from_state": f, "to_state": t, "at": at, "recorded_at": now,
         "actor_id": None, "actor_name": s.actor_name, "source": CaseEvent.Source.IMPORT,
         "source_system": "demo", "external_id": f"{s.claim.number}:{i}", "data": d}
        for s in stories
        for i, (a, f, t, at, d) in enumerate(s.events)
    ]  # fmt: skip
    tables = []
    for model, rows in (
        (Claim, _rows([s.claim for s in stories], now)),
        (CaseEvent, events),
        (Deadline, _rows([d for s in stories for d in s.deadlines], now)),
        (SupplementRequest, _rows([r for s in stories for r in s.supplements], now)),
        (Payment, _rows([p for s in stories for p in s.payments], now)),
        (ClaimLetter, _rows(letters, now)),
        (ClaimDocument, _rows(documents, now)),
    ):
        table = Table(model)
        table.add_dicts(rows)
        tables.append(table)
    postgres = connection.vendor == "postgresql"
    store(rendered(tables, postgres), postgres)


def _refusal_letter(c: Claim, claimant_name: str) -> str:
    assert c.decided_at is not None
    return (
        render_to_string(
            "claims/letters/refusal.txt",
            {
                "claim": c,
                "claimant_name": claimant_name,
                "unit_name": c.org_unit.name,
                "reason": c.get_reason_code_display(),
                "today": f"{c.decided_at.astimezone(BEIJING):%Y年%-m月%-d日}",
                "received": f"{c.received_at.astimezone(BEIJING):%Y年%-m月%-d日}",
            },
        ).strip()
        + "\n"
    )
