"""Full recompute of every registered indicator at 10× the demo's yearly volume, against the same
aggregations written as hand-tuned SQL (a benchmark, not a test).

    .venv/bin/python bench/bench_recompute_all.py [--scale 10] [--months 12]
        [--engines sqlite,postgresql] [--per-code] [--profile]

Issue 7 §9 asks for a full recompute of all indicators for 12 months at 10× the demo volume on
PostgreSQL and SQLite, compared with the same aggregation as one hand-tuned SQL query on the same
database. Per engine, in a fresh interpreter on a throw-away database (a temporary SQLite file;
PostgreSQL ``HIQC_BENCH_DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/
hiqc_bench_recompute_all``, whose ``test_`` database is created and dropped), the script:

1. loads the demo org tree and writes synthetic source rows with ``hiqc.core.bulkwrite`` (COPY /
   executemany, in batches) for every table a registered indicator reads. The demo's yearly
   volumes (``hiqc/*/demo.py``) times ``--scale`` (10) for ``--months`` (12) months:

   ======================== ========== ==============================================
   source                   1× a year  as generated
   ======================== ========== ==============================================
   claims                   50,000     claims.Claim; one benefit Payment per paid claim;
                                       one ClaimStep per completed step (~4.8 a claim);
                                       their clocks (decide, advance, notice, fast track,
                                       refusal notice, payment: ~4.5 a claim) as Deadline;
                                       as in the demo the advance clock is always
                                       cancelled, so its on-time rate has no rows
   call records             200,000    callcentre.CallRecord (8 % IVR-only by day, all
                                       at night; short abandons; 10 call sites)
   complaints               3,000      complaints.Complaint + decide / internal-reply clocks
   consultations            30,000     consultations.Consultation + reply clocks
   survey invitations       15,000     surveys.Invitation; ~1/3 answered → SurveyResponse
   inspection scores        810        inspection.Score (+ its InspectionTask): 3 agents ×
                                       25 a month × 90 % scored
   claim audit items        2,400      claimaudit.AuditItem: a ~200-claim round a month
   mystery-shopping visits  120        surveys.MysteryVisit, scored (pass mark 80, 3 % fatal)
   business volume          10 a month organisations.BusinessVolume, one per city a month
                                       (not scaled: one row per unit and month)
   ======================== ========== ==============================================

   Customers, policies and insured persons (2,000 × scale) exist only as foreign-key parents.
   ``ClaimStep`` rows are written directly and no ``CaseEvent`` exists, so
   ``claim_steps_refresh`` (which replays the claims with events newer than the highest
   ``last_event_id``) finds nothing to replay;

2. times ``indicators_compute`` over the months for every registered indicator, one call per app
   (the code's prefix) and granularity — day and month, and 15 min where an indicator declares it
   (the call centre) — percentile indicators store nothing and are skipped by the engine;

3. runs the same aggregations as hand-written SQL with a raw cursor, one query per source table
   and granularity (Beijing periods: ``date_trunc(…, ts AT TIME ZONE 'Asia/Shanghai')`` on
   PostgreSQL, ``strftime(fmt, ts, '+8 hours')`` on SQLite, which stores naive UTC text), checks
   for every code that the rows, Σ denominators and Σ numerators equal what the engine stored,
   and prints engine ÷ SQL per app and overall. Exits non-zero on a mismatch.

``--per-code`` also times each code alone (to find which one dominates an app's time);
``--profile`` runs each app's engine call that took more than 5× its SQL again under cProfile and
prints where the time went.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/hiqc_bench_recompute_all"
BEIJING = timezone(timedelta(hours=8))
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
YEARLY = {  # the demo's volume a year (see the docstring)
    "claims": 50_000,
    "calls": 200_000,
    "complaints": 3_000,
    "consultations": 30_000,
    "invitations": 15_000,
    "scores": 810,
    "audit_items": 2_400,
    "mystery_visits": 120,
}
CLAIM_BATCH = 40_000  # claims per transaction (~450,000 rows over four tables)
ROW_BATCH = 200_000
SLOW_CITY = "SC-CD"  # document review takes a week there, as in the claims demo
# the hand-written queries produce these codes (the engine's own modules are not read)
ON_TIME = {  # clock → its on-time rate
    "claims.decide": "claims.decided_on_time_rate",
    "claims.refusal_notice": "claims.refusal_notice_on_time_rate",
    "claims.payment": "claims.paid_on_time_rate",
    "claims.notice": "claims.notice_on_time_rate",
    "claims.advance": "claims.advance_on_time_rate",
    "claims.fast_track": "claims.fast_track_on_time_rate",
    "complaints.decide": "complaints.decided_on_time_rate",
    "consultation.reply": "consultations.replied_on_time_rate",
}
STEPS = ("intake", "review", "adjudication", "agreement", "payment")
QUEUES = (("consultation", 0.55), ("claims", 0.2), ("complaint", 0.12), ("other", 0.13))
CALL_METRICS = (  # code key, numerator, denominator (positions in the call query's row)
    ("service_level", 1, 0),
    ("abandon_rate", 2, 0),
    ("asa", 4, 3),
    ("aht", 5, 3),
)
MERGED = {f"callcentre.{key}" for key, _n, _d in CALL_METRICS}  # the all-queues codes
COVERED = {  # the codes the hand-written queries compute
    "core.deadlines_met_rate", *ON_TIME.values(), "claims.days_to_payment", "claims.payout_ratio",
    *(f"claims.step.{step}.working_days" for step in STEPS), "claims.step.review.waiting_days",
    "claims.accuracy_rate", "claims.satisfaction", "complaints.decided_on_time_rate",
    "complaints.avg_days_to_decision", "complaints.repeat_rate", "complaints.regulator_share",
    "complaints.per_100m_premium", "complaints.per_10k_policies", "complaints.per_10k_insured",
    "complaints.satisfaction", "consultations.fcr_rate", *MERGED,
    *(f"{code}.{queue}" for code in MERGED for queue, _w in QUEUES),
    "inspection.agent_qa_score", "inspection.fatal_error_rate", "surveys.csat", "surveys.nps",
    "surveys.response_rate", "surveys.mystery_pass_rate", "surveys.mystery_score",
}  # fmt: skip
MISSING = object()


# --- writing rows ---------------------------------------------------------------------------------


class Writer:
    """Rows of one model as dicts over its defaults; ``flush`` writes them with bulkwrite."""

    def __init__(self, model: Any, **fixed: Any) -> None:
        from hiqc.core.bulkwrite import model_columns

        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        base: dict[str, Any] = {}
        for name in model_columns(model):
            f = fields[name]
            if name in fixed:
                value = fixed[name]
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.get_internal_type() in ("CharField", "TextField", "SlugField"):
                value = ""
            else:
                value = MISSING
            base[name] = str(value) if isinstance(value, str) else value  # enums → plain text
        self.base = base
        self.rows: list[dict[str, Any]] = []
        self.written = 0

    def add(self, **values: Any) -> None:
        row = self.base.copy()
        row.update(values)
        self.rows.append(row)

    def derived(self, **fixed: Any) -> dict[str, Any]:
        """A base with more fixed columns (e.g. one per clock), for ``add_to``."""
        return {**self.base, **{k: str(v) if isinstance(v, str) else v for k, v in fixed.items()}}

    def add_to(self, base: dict[str, Any], **values: Any) -> None:
        row = base.copy()
        row.update(values)
        self.rows.append(row)


def flush(*writers: Writer) -> None:
    """Write the pending rows of ``writers`` (parents first) in one transaction."""
    from django.db import connection

    from hiqc.core.bulkwrite import Table, rendered, store

    tables = []
    for w in writers:
        if not w.rows:
            continue
        missing = [k for k, v in w.rows[0].items() if v is MISSING]
        if missing:
            raise AssertionError(f"{w.model.__name__}: no value for {missing}")
        table = Table(w.model)
        table.add_dicts(w.rows)
        tables.append(table)
        w.written += len(w.rows)
        w.rows = []
    postgres = connection.vendor == "postgresql"
    store(rendered(tables, postgres), postgres)


def uid(tag: int, n: int) -> uuid.UUID:
    """Ordered keys per table (appended to the primary-key index, unlike uuid4)."""
    return uuid.UUID(int=(tag << 64) | n)


@dataclass
class Window:
    start: datetime  # Beijing, first day of a month
    end: datetime
    now: datetime  # created_at of the rows

    @property
    def span(self) -> timedelta:
        return self.end - self.start

    def months(self) -> list[date]:
        out, day = [], self.start.date()
        while day < self.end.date():
            out.append(day)
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out


# --- the synthetic year -------------------------------------------------------------------------


def generate(scale: float, months: int, window: Window) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from hiqc.callcentre.models import CallRecord
    from hiqc.claimaudit.models import AuditItem, AuditRound
    from hiqc.claims import workflow as claims_flow
    from hiqc.claims.models import Claim, ClaimStep, Payment
    from hiqc.complaints import workflow as complaints_flow
    from hiqc.complaints.models import Complaint
    from hiqc.consultations import workflow as consultations_flow
    from hiqc.consultations.models import Consultation, Topic
    from hiqc.core.models import Checklist, Deadline
    from hiqc.customers.models import Customer
    from hiqc.demo.org import load_org_tree
    from hiqc.inspection.models import InspectionTask, Score
    from hiqc.inspection.selectors import sheets as scoring_sheets
    from hiqc.organisations.enums import OrgLevel
    from hiqc.organisations.models import BusinessVolume
    from hiqc.policies.models import Policy, PolicyInsured
    from hiqc.policies.tests.factories import catalogue_product
    from hiqc.surveys.models import Invitation, Questionnaire, SurveyPlan, SurveyResponse
    from hiqc.surveys.mystery.models import MysteryScenario, MysteryVisit

    def volume(kind: str) -> int:
        return max(1, round(YEARLY[kind] * scale * months / 12))

    rnd = random.Random(2026)
    r, uniform, tri, randrange = rnd.random, rnd.uniform, rnd.triangular, rnd.randrange
    start, end, now = window.start.astimezone(UTC), window.end.astimezone(UTC), window.now
    span = window.span
    stamp = {"created_at": now, "updated_at": now}

    # reference rows: the ORM, a few dozen rows
    with transaction.atomic():
        tree = load_org_tree()
        units = list(tree.units.values())
        leaves = sorted(((u.pk, u.path) for u in units if u.level == OrgLevel.OUTLET),
                        key=lambda u: u[1])  # fmt: skip
        cities = sorted((u for u in units if u.level == OrgLevel.CITY), key=lambda u: u.path)
        head = tree.units["HO"]
        slow_paths = {u.path for u in units if u.path.startswith(tree.units[SLOW_CITY].path)}
        user_model = get_user_model()
        agents = [
            user_model.objects.create(username=f"bench_agent{i}", org_unit=cities[i * 3])
            for i in range(3)
        ]
        scorer = user_model.objects.create(username="bench_scorer", org_unit=head)
        product = catalogue_product(code="BENCH-MED", name="住院医疗", line="medical",
                                         claim_types=["medical_reimbursement"])  # fmt: skip
        topic = Topic.objects.order_by("code").first()
        sheet = scoring_sheets().order_by("code").first()
        if topic is None or sheet is None:
            raise AssertionError("the migrations' default topics and scoring sheets are missing")
        scenario = MysteryScenario.objects.create(
            code="bench", name="网点暗访", kind="outlet_visit", status="published",
            checklist=Checklist.objects.create(code="mystery-bench", name="网点暗访",
                                               purpose="surveys.mystery"),
        )  # fmt: skip
        questionnaire = Questionnaire.objects.create(
            code="bench", title="满意度", status="published"
        )
        plans = {
            case_type: SurveyPlan.objects.create(
                name=case_type, goal="bench", org_unit=head, frame=frame, method="online",
                questionnaire=questionnaire, start_date=window.start.date(), status="active",
            ).pk
            for case_type, frame in (("claims.claim", "claims_paid"),
                                     ("complaints.complaint", "complaints_decided"),
                                     ("consultations.consultation", "consultations_closed"))
        }  # fmt: skip
        rounds = {
            (m.year, m.month): AuditRound.objects.create(
                name=f"bench {m:%Y-%m}", org_unit=head, period_start=m, period_end=m,
                method="simple", confidence=95, margin=Decimal("0.05"), population=0,
                sample_size=0, seed=1, status="completed", created_by="bench",
            ).pk
            for m in window.months()
        }  # fmt: skip
        BusinessVolume.objects.bulk_create(
            BusinessVolume(org_unit=city, month=m,
                           premium_yuan=Decimal(int(1.6e8 * scale * uniform(0.9, 1.1))),
                           policies_in_force=int(330_000 * scale * uniform(0.95, 1.05)),
                           insured_persons=int(1_100_000 * scale * uniform(0.95, 1.05)))
            for m in window.months() for city in cities
        )  # fmt: skip

    counts: dict[str, int] = {"org units": len(units), "business volumes": len(cities) * months}

    # customers and policies: foreign-key parents only
    n_people = max(1_000, round(2_000 * scale))
    customers = Writer(Customer, **stamp)
    policies = Writer(Policy, product_id=product.pk,
                      product_version_id=product.versions.order_by("-number").first().pk,
                      start_date=window.start.date() - 365 * DAY,
                      end_date=window.end.date() + 365 * DAY, premium_yuan=Decimal("1200"),
                      **stamp)  # fmt: skip
    insured = Writer(PolicyInsured, **stamp)
    people = []
    for i in range(n_people):
        unit_id, path = leaves[i % len(leaves)]
        cid, pid = uid(1, i), uid(2, i)
        customers.add(id=cid, org_unit_id=unit_id, name=f"客户{i}")
        policies.add(id=pid, number=f"BENCH-{i:08d}", holder_id=cid, org_unit_id=unit_id)
        insured.add(id=uid(3, i), policy_id=pid, customer_id=cid)
        people.append((cid, pid, unit_id, path))
    flush(customers, policies, insured)
    counts.update(customers=customers.written, policies=policies.written,
                  **{"policy insured": insured.written})  # fmt: skip

    # clocks: one base row per clock
    deadlines = Writer(Deadline)
    clock_base = {}
    for case_type, spec in (
        ("claims.claim", claims_flow.DECIDE), ("claims.claim", claims_flow.ADVANCE),
        ("claims.claim", claims_flow.NOTICE), ("claims.claim", claims_flow.FAST_TRACK),
        ("claims.claim", claims_flow.REFUSAL_NOTICE), ("claims.claim", claims_flow.PAYMENT),
        ("complaints.complaint", complaints_flow.DECIDE),
        ("complaints.complaint", complaints_flow.INTERNAL_REPLY),
        ("consultations.consultation", consultations_flow.REPLY),
    ):  # fmt: skip
        clock_base[spec.code] = deadlines.derived(
            case_type=case_type, clock=spec.code, label=spec.label, source=spec.source,
            unit=str(spec.unit), amount=spec.amount, max_amount=spec.max_amount,
        )  # fmt: skip

    def clock(code: str, case_id: str, path: str, started: datetime, due: datetime,
              closed: datetime | None, *, cancelled: bool = False,
              paused: datetime | None = None) -> None:  # fmt: skip
        if closed is not None and closed >= end:
            closed = None
        if closed is not None:
            state = "cancelled" if cancelled else "met" if closed <= due else "breached"
        elif paused is not None and paused < end:
            state = "paused"
        else:
            state, paused = ("breached" if due < end else "running"), None
        deadlines.add_to(clock_base[code], case_id=case_id, org_path=path, started_at=started,
                         due_at=due, state=state, closed_at=closed, paused_at=paused,
                         breached_at=due if state == "breached" else None)  # fmt: skip

    # claims with their payments, steps and clocks
    began = time.perf_counter()
    claims = Writer(Claim, claim_type="medical_reimbursement", channel="app", **stamp)
    payments = Writer(Payment, kind="benefit", channel="bank_transfer", **stamp)
    steps = Writer(ClaimStep)
    n_claims = volume("claims")
    audit_share = min(1.0, volume("audit_items") / (0.9 * n_claims))
    audited: list[tuple[uuid.UUID, uuid.UUID, str, str, Decimal, datetime]] = []
    small_amounts = [Decimal(f"{60 + 29.4 * k:.2f}") for k in range(100)]
    large_amounts = [Decimal(f"{3_000 + 4_970 * k:.2f}") for k in range(100)]
    event_id = 0
    for i in range(n_claims):
        received = start + span * r()
        cid, pid, unit_id, path = people[randrange(n_people)]
        claim_id = uid(4, i)
        case_id = str(claim_id)
        small = r() < 0.55
        amount = rnd.choice(small_amounts if small else large_amounts)
        slow = path in slow_paths
        row: dict[str, Any] = {"status": "received", "decided_at": None, "agreed_at": None,
                               "closed_at": None, "outcome": "", "amount_approved": None}  # fmt: skip
        done: list[tuple[str, datetime, datetime, float]] = []  # step, begin, end, waiting days
        pause: tuple[datetime, datetime] | None = None
        notice_at: datetime | None = None
        decided = withdrawn = close = None
        while True:  # the story stops at the first event on or after the window's end
            review_at = received + HOUR * (uniform(0.5, 6) if small else uniform(2, 30))
            if review_at >= end:
                break
            done.append(("intake", received, review_at, 0.0))
            row["status"] = "review"
            docs_from = review_at
            if r() < 0.17:  # a one-time notice for missing documents, the decision clock pauses
                notice_at = review_at + DAY * uniform(0.2, 1.5) * (4 if slow else 1)
                delivered = notice_at + DAY * uniform(0.05, 2)
                back = delivered + DAY * tri(1, 20, 4)
                pause = (delivered, back)
                if back >= end:
                    row["status"] = "awaiting_supplement"
                    break
                docs_from = back
            docs = docs_from + DAY * (
                uniform(0.05, 0.6) if small and not slow
                else tri(3, 14, 7) if slow else tri(0.1, 3, 0.6)
            )  # fmt: skip
            if r() < 0.01:
                withdrawn = docs
                if docs < end:
                    row["status"] = "withdrawn"
                break
            if docs >= end:
                break
            waiting = (pause[1] - pause[0]).total_seconds() / 86400 if pause else 0.0
            done.append(("review", review_at, docs, waiting))
            notice_at = notice_at or docs
            row["status"] = "adjudication"
            paused_days = waiting
            if r() < 0.015:  # decided after the 30 days
                decided = received + DAY * (uniform(31, 50) + paused_days)
            else:
                decided = docs + DAY * (uniform(0.05, 1) if small else tri(0.5, 6, 2))
            if decided >= end:
                decided = None
                break
            refuse = r() < 0.07
            done.append(("adjudication", docs, decided, 0.0))
            row.update(status="decided", decided_at=decided,
                       outcome="refuse" if refuse else "partial" if r() < 0.2 else "approve",
                       amount_approved=Decimal(0) if refuse else amount)  # fmt: skip
            if r() < audit_share:
                audited.append((claim_id, unit_id, row["outcome"], path, amount, decided))
            if refuse:
                sent = decided + DAY * (uniform(3.2, 6) if r() < 0.03 else uniform(0.05, 2))
                clock("claims.refusal_notice", case_id, path, decided, decided + 3 * DAY, sent)
                close = sent + DAY * uniform(0.5, 5)
                if close < end:
                    row.update(status="closed", closed_at=close)
                break
            agreed = decided + DAY * (uniform(0.02, 0.5) if small else uniform(0.1, 3))
            if agreed >= end:
                break
            done.append(("agreement", decided, agreed, 0.0))
            row.update(status="paying", agreed_at=agreed)
            paid = agreed + DAY * (
                uniform(11, 16) if r() < 0.01 else uniform(0.02, 0.4) if small
                else uniform(0.5, 6)
            )  # fmt: skip
            clock("claims.payment", case_id, path, agreed, agreed + 10 * DAY, paid)
            if paid >= end:
                break
            done.append(("payment", agreed, paid, 0.0))
            payments.add(id=uid(5, i), claim_id=claim_id, amount=amount, paid_at=paid,
                         reference=f"BENCH-PAY-{i:09d}")  # fmt: skip
            row["status"] = "paid"
            close = paid + DAY * (uniform(0.01, 0.3) if small else uniform(0.2, 3))
            if close < end:
                row.update(status="closed", closed_at=close)
            break
        paused_for = (pause[1] - pause[0]) if pause else timedelta(0)
        ended = decided or withdrawn
        clock("claims.decide", case_id, path, received, received + 30 * DAY + paused_for,
              ended, cancelled=decided is None, paused=pause[0] if pause else None)  # fmt: skip
        clock("claims.advance", case_id, path, received, received + 60 * DAY, ended,
              cancelled=True)  # fmt: skip
        clock("claims.notice", case_id, path, received, received + 5 * DAY, notice_at or withdrawn,
              cancelled=notice_at is None)  # fmt: skip
        if small:
            clock("claims.fast_track", case_id, path, received, received + DAY, close or withdrawn,
                  cancelled=close is None)  # fmt: skip
        for step, begin, finish, waiting in done:
            event_id += 7
            total = (finish - begin).total_seconds() / 86400
            steps.add(case_id=case_id, step=step, org_path=path, ended_at=finish,
                      total_days=total, waiting_days=min(total, waiting),
                      last_event_id=event_id)  # fmt: skip
        claims.add(id=claim_id, number=f"BENCH{i:09d}", policy_id=pid, insured_id=cid,
                   claimant_id=cid, incident_date=(received - DAY * randrange(14)).date(),
                   amount_claimed=amount, org_unit_id=unit_id, received_at=received,
                   small_claim=small, **row)  # fmt: skip
        if len(claims.rows) >= CLAIM_BATCH:
            flush(claims, payments, steps, deadlines)
    flush(claims, payments, steps, deadlines)
    counts.update(claims=claims.written, payments=payments.written,
                  **{"claim steps": steps.written})  # fmt: skip
    print(f"  claims, payments, steps and clocks: {time.perf_counter() - began:.1f} s", flush=True)

    # claim audit items: a round per month of decision, reviewed some days later
    items = Writer(AuditItem, original_reason="", **stamp)
    for n, (claim_id, unit_id, outcome, _path, amount, decided) in enumerate(audited):
        reviewed: datetime | None = decided + DAY * uniform(3, 30)
        if reviewed is not None and reviewed >= end:
            reviewed = None
        wrong = r() < 0.04
        month = decided.astimezone(BEIJING)
        items.add(id=uid(6, n), round_id=rounds[(month.year, month.month)], claim_id=claim_id,
                  org_unit_id=unit_id, original_outcome=outcome, original_amount=amount,
                  original_decided_at=decided, status="done" if reviewed else "pending",
                  review_outcome=outcome if reviewed else "",
                  review_amount=amount if reviewed else None, readjudicated_at=reviewed,
                  errors=["amount"] if wrong and reviewed else [],
                  has_error=bool(wrong and reviewed), reviewed_at=reviewed)  # fmt: skip
    flush(items)
    counts["claim audit items"] = items.written

    # complaints (at the city branches) with their clocks
    began = time.perf_counter()
    complaints = Writer(Complaint, channel="phone", respondent_kind="branch", dispute_type="claims",
                        product_line="medical", nature="contract_dispute", **stamp)  # fmt: skip
    arrivals = sorted(start + span * r() for _ in range(volume("complaints")))
    earlier: list[uuid.UUID] = []
    for i, received in enumerate(arrivals):
        city = cities[randrange(len(cities))]
        complaint_id = uid(7, i)
        case_id = str(complaint_id)
        roll = r()
        decided = received + DAY * tri(2, 40, 10)
        dropped = r() < 0.05
        state = "withdrawn" if dropped else "decided" if decided < end else "investigating"
        complaints.add(id=complaint_id, reference=f"TB{i:09d}", org_unit_id=city.pk,
                       complainant_id=people[randrange(n_people)][0], received_at=received,
                       source="regulator" if roll < 0.17 else "association" if roll < 0.2
                       else "direct",
                       repeat_of_id=rnd.choice(earlier[-2000:]) if earlier and r() < 0.09
                       else None,
                       status=state, outcome="upheld" if state == "decided" else "",
                       decided_at=decided if state == "decided" else None)  # fmt: skip
        earlier.append(complaint_id)
        due = received + DAY * (30 if r() < 0.2 else 15)  # a fifth extended
        clock("complaints.decide", case_id, city.path, received, due, decided,
              cancelled=dropped)  # fmt: skip
        clock("complaints.internal_reply", case_id, city.path, received, received + 14 * DAY,
              min(decided, received + DAY * uniform(1, 16)), cancelled=dropped)  # fmt: skip
        if len(complaints.rows) >= ROW_BATCH:
            flush(complaints, deadlines)
    flush(complaints, deadlines)
    counts["complaints"] = complaints.written

    # consultations with their reply clocks
    consultations = Writer(Consultation, channel="phone", topic_id=topic.pk, question="咨询",
                           **stamp)  # fmt: skip
    for i in range(volume("consultations")):
        received = start + span * r()
        unit_id, path = leaves[randrange(len(leaves))]
        consultation_id = uid(8, i)
        fcr = r() < (0.68 if path in slow_paths else 0.76)
        resolved: datetime | None
        if fcr:
            answered = resolved = received + MINUTE * uniform(2, 20)
        else:
            answered = received + HOUR * uniform(1, 30)
            resolved = answered + DAY * uniform(0.1, 5)
        if r() < 0.03:
            resolved = None  # still open (a follow-up pending)
        status = ("resolved" if resolved is not None and resolved < end
                  else "answered" if answered < end else "received")  # fmt: skip
        consultations.add(id=consultation_id, number=f"ZB{i:09d}", org_unit_id=unit_id,
                          received_at=received, status=status,
                          answered_at=answered if answered < end else None,
                          resolved_at=resolved if status == "resolved" else None,
                          first_contact_resolution=fcr and status == "resolved")  # fmt: skip
        clock("consultation.reply", str(consultation_id), path, received, received + DAY,
              answered)  # fmt: skip
        if len(consultations.rows) >= ROW_BATCH:
            flush(consultations, deadlines)
    flush(consultations, deadlines)
    counts["consultations"] = consultations.written
    counts["deadlines (clocks)"] = deadlines.written
    print(f"  complaints, consultations and their clocks: {time.perf_counter() - began:.1f} s",
          flush=True)  # fmt: skip

    # call records at the ten city call sites
    began = time.perf_counter()
    calls = Writer(CallRecord, **stamp)
    hours = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 8, 10, 9, 6, 7, 9, 10, 9, 7, 4, 2.5, 1.5,
             0.9, 0.5, 0.3]  # fmt: skip
    hour_of = rnd.choices(range(24), weights=hours, k=4096)
    queue_of = rnd.choices([q for q, _w in QUEUES], weights=[w for _q, w in QUEUES], k=4096)
    handle_mean = {"consultation": 170, "claims": 290, "complaint": 420, "other": 140}
    days = span.days
    day0 = window.start  # Beijing midnight
    for i in range(volume("calls")):
        hour = hour_of[randrange(4096)]
        offered = (day0 + DAY * randrange(days) + HOUR * (hour + r())).astimezone(UTC)
        city = cities[randrange(len(cities))]
        queue = queue_of[randrange(4096)]
        ivr = hour < 8 or hour >= 20 or r() < 0.08
        answered_at = None
        abandoned = False
        wait_s = handle_s = None
        if ivr:
            ended = offered + timedelta(seconds=uniform(30, 180))
        else:
            wait = uniform(1, 15) if r() < 0.7 else rnd.expovariate(1 / 40)
            patience = rnd.expovariate(1 / 150)
            if wait > patience:
                abandoned, wait_s = True, int(patience) + 1
                ended = offered + timedelta(seconds=patience)
            else:
                wait_s = int(wait) + 1
                answered_at = offered + timedelta(seconds=wait)
                handle_s = round(rnd.lognormvariate(0, 0.5) * handle_mean[queue])
                ended = answered_at + timedelta(seconds=handle_s)
        calls.add(id=uid(9, i), call_id=f"BENCH-{i:010d}", queue=queue, org_unit_id=city.pk,
                  offered_at=offered, answered_at=answered_at, ended_at=ended,
                  agent="" if answered_at is None else f"A{randrange(300):03d}",
                  abandoned=abandoned, ivr_only=ivr, wait_s=wait_s, handle_s=handle_s,
                  offered_slot=int(offered.timestamp()) // 900)  # fmt: skip
        if len(calls.rows) >= ROW_BATCH:
            flush(calls)
    flush(calls)
    counts["call records"] = calls.written
    print(f"  call records: {time.perf_counter() - began:.1f} s", flush=True)

    # survey invitations and answers
    invitations = Writer(Invitation, token_encrypted="x", delivery="sms", **stamp)
    responses = Writer(SurveyResponse, questionnaire_id=questionnaire.pk, mode="online", **stamp)
    kinds = ["claims.claim"] * 5 + ["complaints.complaint"] + ["consultations.consultation"] * 4
    for i in range(volume("invitations")):
        sent = start + span * r()
        unit_id, path = leaves[randrange(len(leaves))]
        case_type = kinds[randrange(len(kinds))]
        invitation_id = uid(10, i)
        roll = r()
        submitted = sent + HOUR * uniform(0.1, 72) if roll < 0.34 else None
        if submitted is not None and submitted >= end:
            submitted = None
        status = ("failed" if roll > 0.97 else "answered" if submitted
                  else "expired" if sent + 14 * DAY < end else "sent")  # fmt: skip
        invitations.add(id=invitation_id, plan_id=plans[case_type], token_hash=f"{i:064x}",
                        customer_id=people[randrange(n_people)][0], case_type=case_type,
                        case_id=f"bench-{i}", org_unit_id=unit_id, org_path=path, status=status,
                        sent_at=sent, expires_at=sent + 14 * DAY,
                        answered_at=submitted)  # fmt: skip
        if submitted is not None:
            satisfaction = None if r() < 0.05 else rnd.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
            recommend = None if r() < 0.1 else randrange(11)
            responses.add(id=uid(11, i), invitation_id=invitation_id, submitted_at=submitted,
                          satisfaction=satisfaction, recommend=recommend,
                          org_path=path)  # fmt: skip
        if len(invitations.rows) >= ROW_BATCH:
            flush(invitations, responses)
    flush(invitations, responses)
    counts.update(**{"survey invitations": invitations.written,
                     "survey responses": responses.written})  # fmt: skip

    # inspection scores (each with its task)
    tasks = Writer(InspectionTask, kind="call", status="scored", **stamp)
    scores = Writer(Score, sheet_id=sheet.pk, scorer_id=scorer.pk, **stamp)
    for i in range(volume("scores")):
        agent = agents[i % len(agents)]
        scored = start + span * r()
        points = Decimal(f"{uniform(60, 100):.1f}")
        fatal = r() < 0.03
        tasks.add(id=uid(12, i), object_id=f"BENCH-{i}", agent_id=agent.pk,
                  org_unit_id=agent.org_unit_id, occurred_at=scored - DAY * uniform(1, 10))  # fmt: skip
        scores.add(id=uid(13, i), task_id=uid(12, i), agent_id=agent.pk,
                   org_unit_id=agent.org_unit_id, scored_at=scored, total=points, fatal=fatal,
                   final_total=points, final_fatal=fatal, dispute_until=scored + 7 * DAY)  # fmt: skip
    flush(tasks, scores)
    counts.update(**{"inspection scores": scores.written})

    # mystery-shopping visits, scored
    visits = Writer(MysteryVisit, scenario_id=scenario.pk, shopper_id=scorer.pk, status="done",
                    pass_mark=80, evidence=[], **stamp)  # fmt: skip
    for i in range(volume("mystery_visits")):
        unit_id, _path = leaves[randrange(len(leaves))]
        scored = start + span * r()
        fatal = r() < 0.03
        raw = Decimal(f"{uniform(60, 100):.1f}")
        total = Decimal(0) if fatal else raw
        visits.add(id=uid(14, i), org_unit_id=unit_id, planned_date=scored.date(),
                   visited_at=scored - HOUR, scored_at=scored, raw_total=raw, total=total,
                   fatal=fatal, passed=not fatal and total >= 80)  # fmt: skip
    flush(visits)
    counts.update(**{"mystery visits": visits.written})
    return counts


# --- the hand-written SQL -------------------------------------------------------------------------


Contribution = tuple[str, Any, str, float, float]  # code, period, org path, numerator, denominator


@dataclass(frozen=True)
class Query:
    app: str  # the code prefix whose engine call it stands for
    source: str
    granularities: tuple[str, ...]
    sql: Callable[[str], str]
    contributions: Callable[[tuple, str], Iterable[Contribution]]
    params: Callable[[str], list] | None = None  # default: [start, end]


def hand_queries(pg: bool, window: Window, threshold: int, short: int) -> list[Query]:
    """One query per source table (and granularity) for every code an app's engine call writes."""

    def bucket(col: str, g: str) -> str:
        if pg:
            return f"date_trunc('{g}', {col} AT TIME ZONE 'Asia/Shanghai')"
        return f"strftime('{'%Y-%m-%d' if g == 'day' else '%Y-%m'}', {col}, '+8 hours')"

    def days(later: str, earlier: str) -> str:
        if pg:
            return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0"
        return f"(julianday({later}) - julianday({earlier}))"

    unit = "JOIN organisations_orgunit u ON u.id = {}.org_unit_id"
    dm = ("day", "month")
    queries: list[Query] = []

    def on_time(app: str, clocks: list[str]) -> Query:
        """Clocks closed met ÷ closed met or breached: every clock (core) or the app's clocks,
        one rate per clock."""
        where = f"AND clock IN ({', '.join(repr(c) for c in clocks)}) " if clocks else ""
        by_clock, group = ("clock", "1, 2, 3") if len(clocks) > 1 else ("''", "1, 2")
        return Query(
            app, "core_deadline", dm,
            lambda g: f"SELECT {bucket('closed_at', g)}, org_path, {by_clock}, "
            "SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END), COUNT(*) FROM core_deadline "
            "WHERE closed_at >= %s AND closed_at < %s AND state IN ('met', 'breached') "
            f"{where}GROUP BY {group}",
            lambda row, g: [(ON_TIME[row[2] or clocks[0]] if clocks else "core.deadlines_met_rate",
                             row[0], row[1], row[3], row[4])],
        )  # fmt: skip

    def satisfaction(app: str, case_type: str) -> Query:
        return Query(
            app, "surveys_surveyresponse", dm,
            lambda g: f"SELECT {bucket('r.submitted_at', g)}, r.org_path, "
            "SUM(CASE WHEN r.satisfaction >= 4 THEN 1 ELSE 0 END), COUNT(r.satisfaction) "
            "FROM surveys_surveyresponse r JOIN surveys_invitation i ON i.id = r.invitation_id "
            f"WHERE r.submitted_at >= %s AND r.submitted_at < %s AND i.case_type = '{case_type}' "
            "GROUP BY 1, 2",
            lambda row, g: [(f"{app}.satisfaction", row[0], row[1], row[2], row[3])],
        )  # fmt: skip

    # core: every clock closed in the period (cancelled ones left out)
    queries.append(on_time("core", []))
    # claims
    queries.append(on_time("claims", [c for c in ON_TIME if c.startswith("claims.")]))
    queries.append(Query(
        "claims", "claims_payment", dm,
        lambda g: f"SELECT {bucket('f.first', g)}, u.path, "
        f"SUM({days('f.first', 'c.received_at')}), COUNT(*) FROM (SELECT claim_id, "
        "MIN(paid_at) AS first FROM claims_payment WHERE kind = 'benefit' GROUP BY claim_id "
        "HAVING MIN(paid_at) >= %s AND MIN(paid_at) < %s) f "
        f"JOIN claims_claim c ON c.id = f.claim_id {unit.format('c')} GROUP BY 1, 2",
        lambda row, g: [("claims.days_to_payment", row[0], row[1], row[2], row[3])],
    ))  # fmt: skip
    queries.append(Query(
        "claims", "claims_claim", dm,
        lambda g: f"SELECT {bucket('c.closed_at', g)}, u.path, SUM(CASE WHEN c.outcome IN "
        "('approve', 'partial') AND EXISTS (SELECT 1 FROM claims_payment p WHERE p.claim_id = "
        "c.id AND p.kind = 'benefit') THEN 1 ELSE 0 END), COUNT(*) FROM claims_claim c "
        f"{unit.format('c')} WHERE c.closed_at >= %s AND c.closed_at < %s GROUP BY 1, 2",
        lambda row, g: [("claims.payout_ratio", row[0], row[1], row[2], row[3])],
    ))  # fmt: skip

    def step_rows(row: tuple, g: str) -> list[Contribution]:
        out = [(f"claims.step.{row[2]}.working_days", row[0], row[1], row[3], row[5])]
        if row[2] == "review":
            out.append(("claims.step.review.waiting_days", row[0], row[1], row[4], row[5]))
        return out

    queries.append(Query(
        "claims", "claims_claimstep", dm,
        lambda g: f"SELECT {bucket('ended_at', g)}, org_path, step, "
        "SUM(total_days - waiting_days), SUM(waiting_days), COUNT(*) FROM claims_claimstep "
        "WHERE ended_at >= %s AND ended_at < %s GROUP BY 1, 2, 3",
        step_rows,
    ))  # fmt: skip
    queries.append(Query(
        "claims", "claimaudit_audititem", ("month",),
        lambda g: f"SELECT {bucket('i.reviewed_at', g)}, u.path, "
        "SUM(CASE WHEN i.has_error THEN 0 ELSE 1 END), COUNT(*) FROM claimaudit_audititem i "
        f"{unit.format('i')} WHERE i.status = 'done' AND i.reviewed_at >= %s "
        "AND i.reviewed_at < %s GROUP BY 1, 2",
        lambda row, g: [("claims.accuracy_rate", row[0], row[1], row[2], row[3])],
    ))  # fmt: skip
    queries.append(satisfaction("claims", "claims.claim"))
    # complaints
    queries.append(on_time("complaints", ["complaints.decide"]))

    def complaint_rows(row: tuple, g: str) -> list[Contribution]:
        if row[0] == "d":
            return [("complaints.avg_days_to_decision", row[1], row[2], row[3], row[5])]
        return [("complaints.repeat_rate", row[1], row[2], row[3], row[5]),
                ("complaints.regulator_share", row[1], row[2], row[4], row[5])]  # fmt: skip

    queries.append(Query(
        "complaints", "complaints_complaint", dm,
        lambda g: f"SELECT 'r', {bucket('c.received_at', g)}, u.path, "
        "SUM(CASE WHEN c.repeat_of_id IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.source = 'regulator' THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM complaints_complaint c {unit.format('c')} "
        "WHERE c.received_at >= %s AND c.received_at < %s GROUP BY 2, 3 "
        f"UNION ALL SELECT 'd', {bucket('c.decided_at', g)}, u.path, "
        f"SUM({days('c.decided_at', 'c.received_at')}), 0, COUNT(*) "
        f"FROM complaints_complaint c {unit.format('c')} "
        "WHERE c.decided_at >= %s AND c.decided_at < %s GROUP BY 2, 3",
        complaint_rows,
        lambda g: bounds(pg, window) * 2,
    ))  # fmt: skip
    month_of = ("date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')::date" if pg
                else "strftime('%Y-%m-01', c.received_at, '+8 hours')")  # fmt: skip
    queries.append(Query(
        "complaints", "complaints_complaint + organisations_businessvolume", ("month",),
        lambda g: "SELECT v.month, vu.path, COALESCE(SUM(cc.n), 0), "
        "v.premium_yuan / 100000000.0, v.policies_in_force / 10000.0, "
        "v.insured_persons / 10000.0 FROM organisations_businessvolume v "
        "JOIN organisations_orgunit vu ON vu.id = v.org_unit_id "
        f"LEFT JOIN (SELECT {month_of} AS m, u.path AS path, COUNT(*) AS n "
        f"FROM complaints_complaint c {unit.format('c')} "
        "WHERE c.received_at >= %s AND c.received_at < %s GROUP BY 1, 2) cc "
        "ON cc.m = v.month AND cc.path LIKE vu.path || '%%' "
        "WHERE v.month >= %s AND v.month < %s "
        "GROUP BY v.id, v.month, vu.path, v.premium_yuan, v.policies_in_force, v.insured_persons",
        lambda row, g: [
            (code, row[0], row[1], row[2], float(d)) for code, d in (
                ("complaints.per_100m_premium", row[3]), ("complaints.per_10k_policies", row[4]),
                ("complaints.per_10k_insured", row[5]))
        ],
        lambda g: [*bounds(pg, window), *(d if pg else d.isoformat()
                                          for d in (window.start.date(), window.end.date()))],
    ))  # fmt: skip
    queries.append(satisfaction("complaints", "complaints.complaint"))
    # consultations
    queries.append(Query(
        "consultations", "consultations_consultation", dm,
        lambda g: f"SELECT {bucket('c.resolved_at', g)}, u.path, "
        "SUM(CASE WHEN c.first_contact_resolution THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM consultations_consultation c {unit.format('c')} WHERE c.status = 'resolved' "
        "AND c.resolved_at >= %s AND c.resolved_at < %s GROUP BY 1, 2",
        lambda row, g: [("consultations.fcr_rate", row[0], row[1], row[2], row[3])],
    ))  # fmt: skip
    queries.append(on_time("consultations", ["consultation.reply"]))

    # call centre: per queue in SQL; the all-queues codes are the sums over queues
    def call_bucket(g: str) -> str:
        if g == "15min":
            return "c.offered_slot"
        if g == "day":  # the stored quarter-hour slot: Beijing days are whole slots
            return "(c.offered_slot + 32) / 96"
        return bucket("c.offered_at", g)

    def call_rows(row: tuple, g: str) -> list[Contribution]:
        out = []
        sums = row[3:]
        for key, n, d in CALL_METRICS:
            for queue in ("", row[2]):
                code = f"callcentre.{key}" + (f".{queue}" if queue else "")
                out.append((code, row[0], row[1], float(sums[n] or 0), float(sums[d] or 0)))
        return out

    queries.append(Query(
        "callcentre", "callcentre_callrecord", ("15min", "day", "month"),
        lambda g: f"SELECT {call_bucket(g)}, u.path, c.queue, COUNT(*), "
        "SUM(CASE WHEN c.answered_at IS NOT NULL AND c.wait_s <= "
        f"{int(threshold)} THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.abandoned THEN 1 ELSE 0 END), COUNT(c.answered_at), "
        "SUM(CASE WHEN c.answered_at IS NOT NULL THEN c.wait_s END), "
        "SUM(CASE WHEN c.answered_at IS NOT NULL THEN c.handle_s END) "
        f"FROM callcentre_callrecord c {unit.format('c')} "
        "WHERE c.offered_at >= %s AND c.offered_at < %s AND NOT c.ivr_only "
        f"AND NOT (c.abandoned AND c.wait_s IS NOT NULL AND c.wait_s <= {int(short)}) "
        "GROUP BY 1, 2, 3",
        call_rows,
    ))  # fmt: skip
    # inspection
    queries.append(Query(
        "inspection", "inspection_score", dm,
        lambda g: f"SELECT {bucket('s.scored_at', g)}, u.path, SUM(s.final_total), "
        "SUM(CASE WHEN s.final_fatal THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM inspection_score s {unit.format('s')} "
        "WHERE s.scored_at >= %s AND s.scored_at < %s GROUP BY 1, 2",
        lambda row, g: [("inspection.agent_qa_score", row[0], row[1], float(row[2]), row[4]),
                        ("inspection.fatal_error_rate", row[0], row[1], row[3], row[4])],
    ))  # fmt: skip
    # surveys
    queries.append(Query(
        "surveys", "surveys_surveyresponse", dm,
        lambda g: f"SELECT {bucket('submitted_at', g)}, org_path, "
        "SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END), COUNT(satisfaction), "
        "SUM(CASE WHEN recommend >= 9 THEN 1 WHEN recommend <= 6 THEN -1 ELSE 0 END), "
        "COUNT(recommend) FROM surveys_surveyresponse "
        "WHERE submitted_at >= %s AND submitted_at < %s GROUP BY 1, 2",
        lambda row, g: [("surveys.csat", row[0], row[1], row[2], row[3]),
                        ("surveys.nps", row[0], row[1], row[4], row[5])],
    ))  # fmt: skip
    queries.append(Query(
        "surveys", "surveys_invitation", dm,
        lambda g: f"SELECT {bucket('sent_at', g)}, org_path, "
        "SUM(CASE WHEN status = 'answered' THEN 1 ELSE 0 END), COUNT(*) "
        "FROM surveys_invitation WHERE sent_at >= %s AND sent_at < %s "
        "AND status <> 'failed' GROUP BY 1, 2",
        lambda row, g: [("surveys.response_rate", row[0], row[1], row[2], row[3])],
    ))  # fmt: skip
    queries.append(Query(
        "surveys", "surveys_mysteryvisit", dm,
        lambda g: f"SELECT {bucket('v.scored_at', g)}, u.path, "
        "SUM(CASE WHEN v.passed THEN 1 ELSE 0 END), SUM(v.total), COUNT(*) "
        f"FROM surveys_mysteryvisit v {unit.format('v')} WHERE v.status = 'done' "
        "AND v.scored_at >= %s AND v.scored_at < %s GROUP BY 1, 2",
        lambda row, g: [("surveys.mystery_pass_rate", row[0], row[1], row[2], row[4]),
                        ("surveys.mystery_score", row[0], row[1], float(row[3]), row[4])],
    ))  # fmt: skip
    return queries


def bounds(pg: bool, window: Window) -> list[Any]:
    if pg:
        return [window.start, window.end]
    # SQLite: Django's own text for an aware datetime (naive UTC)
    return [str(b.astimezone(UTC).replace(tzinfo=None)) for b in (window.start, window.end)]


class Totals:
    """code → [rows, Σ numerator, Σ denominator] as the engine stores them: one row per period
    and org path, zero denominators left out. Each SQL group gives a code at most one row, but
    for the all-queues call-centre codes, which sum the queues' groups first."""

    def __init__(self) -> None:
        self.codes: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        self.cells: dict[tuple[str, Any, str], list[float]] = defaultdict(lambda: [0.0, 0.0])

    def add(self, contributions: Iterable[Contribution]) -> None:
        for code, period, path, n, d in contributions:
            if code in MERGED:
                cell = self.cells[(code, period, path)]
                cell[0] += float(n or 0)
                cell[1] += float(d or 0)
            elif d:
                total = self.codes[code]
                total[0] += 1
                total[1] += float(n or 0)
                total[2] += float(d)

    def result(self) -> dict[str, list[float]]:
        for (code, _p, _path), (n, d) in self.cells.items():
            if d:
                total = self.codes[code]
                total[0] += 1
                total[1] += n
                total[2] += d
        self.cells.clear()
        return self.codes


def close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


# --- the run --------------------------------------------------------------------------------------


def run(scale: float, months: int, with_codes: bool, profile: bool) -> int:
    from django.db import connection
    from django.db.models import Count, Sum

    from hiqc.core.indicators import INDICATORS, indicators_compute
    from hiqc.core.models import IndicatorValue
    from hiqc.core.rules import rule_value

    pg = connection.vendor == "postgresql"
    now = datetime.now(BEIJING)
    end = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = end
    for _ in range(months):
        start = (start - DAY).replace(day=1)
    window = Window(start, end, now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if pg else "SELECT sqlite_version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{connection.vendor} ({version}), {os.cpu_count()} cores: scale {scale:g}× the demo, "
          f"{months} months [{start:%Y-%m-%d}, {end:%Y-%m-%d}) Beijing time", flush=True)  # fmt: skip

    began = time.perf_counter()
    counts = generate(scale, months, window)
    generated = time.perf_counter() - began
    print(f"generated {sum(counts.values()):,} rows in {generated:.1f} s:", flush=True)
    for name, n in counts.items():
        print(f"  {name:<22} {n:>12,}")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if pg else "ANALYZE")
    print(f"{'VACUUM ANALYZE' if pg else 'ANALYZE'}: {time.perf_counter() - began:.1f} s\n",
          flush=True)  # fmt: skip

    apps = sorted({code.split(".")[0] for code in INDICATORS})
    queries = hand_queries(pg, window, rule_value("callcentre.answer_threshold_s"),
                           rule_value("callcentre.short_abandon_s"))  # fmt: skip
    failures: list[str] = []
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # app → engine s, SQL s
    slow: list[tuple[str, str, list[str]]] = []  # engine calls above 5× their SQL
    print(f"{'app':<14} {'granularity':<11} {'engine s':>9} {'rows written':>13} "
          f"{'SQL s':>8} {'SQL groups':>11} {'engine ÷ SQL':>13}")  # fmt: skip
    for app in apps:
        codes = [c for c in INDICATORS if c.split(".")[0] == app]
        for g in ("15min", "day", "month"):
            stored_codes = [c for c in codes if g in INDICATORS[c].granularities
                            and INDICATORS[c].samples is None]  # fmt: skip
            if not stored_codes:
                continue
            t0 = time.perf_counter()
            written = indicators_compute(codes=codes, granularity=g, start=start, end=end)
            engine_s = time.perf_counter() - t0
            sql_s, groups, sums = 0.0, 0, Totals()
            for q in queries:
                if q.app != app or g not in q.granularities:
                    continue
                params = q.params(g) if q.params else bounds(pg, window)
                t0 = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(q.sql(g), params)
                    rows = cursor.fetchall()
                sql_s += time.perf_counter() - t0
                groups += len(rows)
                for row in rows:
                    sums.add(q.contributions(row, g))
                del rows
            totals[app][0] += engine_s
            totals[app][1] += sql_s
            if sql_s and engine_s > 5 * sql_s and engine_s > 1:
                slow.append((app, g, codes))
            ratio = f"{engine_s / sql_s:12.1f}×" if sql_s else f"{'—':>13}"
            print(f"{app:<14} {g:<11} {engine_s:9.2f} {written:>13,} {sql_s:8.2f} {groups:>11,} "
                  f"{ratio}", flush=True)  # fmt: skip
            # the same figures?
            expected = sums.result()
            stored = {
                r["code"]: [r["rows"], r["n"] or 0.0, r["d"] or 0.0]
                for r in IndicatorValue.objects.filter(
                    code__in=stored_codes, granularity=g, period_start__gte=start,
                    period_start__lt=end,
                ).values("code").annotate(rows=Count("id"), n=Sum("numerator"),
                                          d=Sum("denominator")).order_by()
            }  # fmt: skip
            for code in stored_codes:
                if code not in COVERED:
                    print(f"    (no hand-written SQL for {code}: not compared)")
                    continue
                want, got = expected.get(code, [0, 0.0, 0.0]), stored.get(code, [0, 0.0, 0.0])
                if (
                    want[0] != got[0]
                    or not close(want[2], got[2], 1e-9)
                    or not close(want[1], got[1], 1e-6)
                ):
                    failures.append(
                        f"{code} ({g}): engine stored {got[0]:,} rows, Σ denominator "
                        f"{got[2]:,.6f}, Σ numerator {got[1]:,.6f}; hand-written SQL gives "
                        f"{want[0]:,} rows, {want[2]:,.6f}, {want[1]:,.6f}"
                    )
                    print(f"    MISMATCH {failures[-1]}", flush=True)
            for code in set(expected) - set(stored_codes):
                failures.append(f"{code} ({g}): the SQL produces it, the engine has no such code")
                print(f"    MISMATCH {failures[-1]}", flush=True)

    engine_total = sum(e for e, _s in totals.values())
    sql_total = sum(s for _e, s in totals.values())
    print(f"\n{'app':<14} {'engine s':>9} {'SQL s':>8} {'engine ÷ SQL':>13}")
    for app, (e, s) in totals.items():
        print(f"{app:<14} {e:9.2f} {s:8.2f} {e / s if s else float('nan'):12.1f}×")
    print(f"{'total':<14} {engine_total:9.2f} {sql_total:8.2f} "
          f"{engine_total / sql_total:12.1f}×", flush=True)  # fmt: skip

    for app, g, codes in slow if profile else []:
        print(f"\nprofile of indicators_compute({app}.*, {g}): functions by own time, then the "
              "project's functions by cumulative time", flush=True)  # fmt: skip
        profiler = cProfile.Profile()
        profiler.enable()
        indicators_compute(codes=codes, granularity=g, start=start, end=end)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(12)
        stats.sort_stats("cumulative").print_stats(r"indicators|bulkwrite|query\.py", 12)
        lines = [line for line in out.getvalue().splitlines()
                 if line.strip() and not line.lstrip().startswith(("Ordered", "List reduced"))]  # fmt: skip
        print("\n".join(f"  {line}" for line in lines), flush=True)
    if with_codes:
        print(f"\n{'code':<44} {'granularity':<11} {'engine s':>9} {'rows':>9}")
        for code, indicator in INDICATORS.items():
            if indicator.samples is not None:
                continue
            for g in indicator.granularities:
                t0 = time.perf_counter()
                written = indicators_compute(codes=[code], granularity=g, start=start, end=end)
                print(f"{code:<44} {g:<11} {time.perf_counter() - t0:9.2f} {written:>9,}",
                      flush=True)  # fmt: skip
    if failures:
        print(f"\n{connection.vendor}: {len(failures)} MISMATCH(ES) between the engine and the "
              "hand-written SQL:", flush=True)  # fmt: skip
        for f in failures:
            print(f"  {f}")
    else:
        print(f"\n{connection.vendor}: every code's rows, Σ numerator and Σ denominator match "
              "the hand-written SQL", flush=True)  # fmt: skip
    return len(failures)


def child(scale: float, months: int, with_codes: bool, profile: bool) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    db = settings.DATABASES["default"]
    old_name = db["NAME"]
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(old_name)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        failures = run(scale, months, with_codes, profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if failures:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=10, help="× the demo's yearly volume")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--per-code", action="store_true", help="also time each code alone")
    parser.add_argument("--profile", action="store_true", help="profile the slow engine calls")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.months, args.per_code, args.profile)
        return
    print(f"machine: {os.cpu_count()} cores", flush=True)
    failed = []
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            url = (os.environ.get("HIQC_BENCH_DATABASE_URL", DEFAULT_PG) if engine == "postgresql"
                   else f"sqlite:///{tmp}/bench.sqlite3")  # fmt: skip
            env = {**os.environ, "DATABASE_URL": url,
                   "DJANGO_SETTINGS_MODULE": "config.settings.dev"}  # fmt: skip
            print(f"\n=== {engine}", flush=True)
            began = time.perf_counter()
            done = subprocess.run([sys.executable, __file__, "--child", "--scale", str(args.scale),
                                   "--months", str(args.months),
                                   *(["--per-code"] if args.per_code else []),
                                   *(["--profile"] if args.profile else [])], env=env)  # fmt: skip
            print(f"=== {engine}: {time.perf_counter() - began:.0f} s in all", flush=True)
            if done.returncode:
                failed.append(engine)
    if failed:
        sys.exit(f"failed (mismatch or error) on: {', '.join(failed)}")


if __name__ == "__main__":
    main()
