"""Claims indicators (issue 5 §9; standard 5.2.1, 5.2.2, 5.3.1): arithmetic on hand-made claims."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from hiqc.claims.indicators import claims_indicators_compute, step_samples
from hiqc.claims.models import Claim, Payment
from hiqc.claims.services import claim_act, claim_register
from hiqc.claims.workflow import DECIDE, PAYMENT, REFUSAL_NOTICE
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadline_build
from hiqc.core.indicators import cases_of, indicators_compute, rolled_up
from hiqc.core.models import Deadline
from hiqc.customers.services import customer_create
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured
from hiqc.policies.tests.factories import catalogue_product

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)  # Monday
MONTH = (datetime(2026, 3, 1, tzinfo=BEIJING), datetime(2026, 6, 1, tzinfo=BEIJING))


@pytest.fixture
def policy(actors, org):
    product = catalogue_product(
        code="MED-1", name="住院医疗保险", line="medical",
        claim_types=["medical_reimbursement"], term_years=1,
    )  # fmt: skip
    for i, code in enumerate(["form", "invoice", "discharge"]):
        DocumentRequirement.objects.create(
            version=product.v1, claim_type="medical_reimbursement", code=code, name=code, position=i
        )
    holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "王五"})
    policy = Policy.objects.create(
        number="P-0001", product=product, product_version=product.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("1200"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder)
    return policy


def hand_made(policy, unit, n, *, received=T0, **fields) -> Claim:
    return Claim.objects.create(
        number=f"LP-T-{n:04d}", policy=policy, insured=policy.holder, claimant=policy.holder,
        claim_type="medical_reimbursement", incident_date=date(2026, 2, 20),
        amount_claimed=Decimal("1000"), channel="counter", org_unit=unit, received_at=received,
        **{"status": "received", **fields},
    )  # fmt: skip


def value(code, org_path="0001/", granularity="month"):
    rows = rolled_up(code, granularity=granularity, org_path=org_path, start=MONTH[0], end=MONTH[1])
    n = sum(r["numerator"] for r in rows)
    d = sum(r["denominator"] for r in rows)
    return rows, (n / d if d else None)


def test_days_to_payment_mean_median_and_p90_are_taken_from_the_first_benefit_payment(policy, org):
    for i, days in enumerate([1, 2, 3, 4, 10]):
        c = hand_made(policy, org["C1"], i)
        Payment.objects.create(claim=c, kind="benefit", amount=Decimal(500), channel="e_wallet",
                               paid_at=T0 + timedelta(days=days), reference=f"R{i}")  # fmt: skip
        # a later second instalment and an earlier advance do not move the first benefit payment
        Payment.objects.create(claim=c, kind="benefit", amount=Decimal(1), channel="e_wallet",
                               paid_at=T0 + timedelta(days=days + 20), reference=f"S{i}")  # fmt: skip
    advance = hand_made(policy, org["C1"], 9)
    Payment.objects.create(claim=advance, kind="advance", amount=Decimal(1), channel="e_wallet",
                           paid_at=T0 + timedelta(days=1), reference="A9")  # fmt: skip
    indicators_compute(codes=["claims.days_to_payment"], granularity="month", start=MONTH[0],
                       end=MONTH[1])  # fmt: skip
    assert value("claims.days_to_payment")[1] == pytest.approx(4.0)  # (1+2+3+4+10) / 5
    [median] = value("claims.median_days_to_payment")[0]
    [p90] = value("claims.p90_days_to_payment")[0]
    assert (median["value"], median["denominator"]) == (pytest.approx(3.0), 5)
    assert p90["value"] == pytest.approx(10.0)  # nearest rank: ceil(0.9 × 5) = 5th value


def test_on_time_rates_count_clocks_met_over_clocks_closed_and_ignore_running_ones(policy, org):
    def clock(n, code_clock, *, days):
        c = hand_made(policy, org["C1"], n)
        Deadline.objects.bulk_create([deadline_build(
            case_type="claims.claim", case_id=str(c.pk), org_path=org["C1"].path, clock=code_clock,
            at=T0, closed_at=T0 + timedelta(days=days) if days is not None else None,
        )])  # fmt: skip

    clock(1, DECIDE, days=10)
    clock(2, DECIDE, days=12)
    clock(3, DECIDE, days=45)  # breached
    clock(4, DECIDE, days=None)  # still running: not counted
    clock(5, REFUSAL_NOTICE, days=1)
    clock(6, REFUSAL_NOTICE, days=6)  # breached
    clock(7, PAYMENT, days=4)
    claims_indicators_compute(start=MONTH[0], end=MONTH[1], granularities=("month",))
    assert value("claims.decided_on_time_rate")[1] == pytest.approx(2 / 3)
    assert value("claims.refusal_notice_on_time_rate")[1] == pytest.approx(1 / 2)
    assert value("claims.paid_on_time_rate")[1] == pytest.approx(1.0)


def test_payout_ratio_is_claims_paid_over_claims_closed(policy, org):
    closed = T0 + timedelta(days=20)
    paid = [("approve", True), ("partial", True), ("refuse", False), ("approve", False)]
    for i, (outcome, with_payment) in enumerate(paid):
        c = hand_made(policy, org["C1"], i, outcome=outcome, closed_at=closed, status="closed")
        if with_payment:
            Payment.objects.create(claim=c, kind="benefit", amount=Decimal(500),
                                   channel="e_wallet", paid_at=closed, reference=f"P{i}")  # fmt: skip
    hand_made(policy, org["C1"], 8, outcome="approve")  # not closed: not counted
    claims_indicators_compute(start=MONTH[0], end=MONTH[1], granularities=("month",))
    assert value("claims.payout_ratio")[1] == pytest.approx(2 / 4)


def act(actors, claim, action, at, **data):
    with time_machine.travel(at, tick=False):
        return claim_act(actor=actors["claims"], claim_id=claim.pk, action=action, data=data, at=at)


def test_step_durations_split_the_supplement_pause_from_the_working_time(actors, policy, org):
    with time_machine.travel(T0, tick=False):
        c = claim_register(actor=actors["claims"], data={
            "policy_number": policy.number, "claim_type": "medical_reimbursement",
            "incident_date": "2026-02-20", "amount_claimed": "8600", "channel": "counter",
        })  # fmt: skip
    day = timedelta(days=1)
    act(actors, c, "start_review", T0 + day)
    act(actors, c, "request_supplement", T0 + 2 * day, items=["form", "invoice", "discharge"])
    act(actors, c, "notice_delivered", T0 + 3 * day)
    act(actors, c, "supplement_received", T0 + 8 * day)
    act(actors, c, "documents_complete", T0 + 9 * day)
    act(actors, c, "decide", T0 + 11 * day, outcome="approve", amount_approved="8600")
    act(actors, c, "agree_amount", T0 + 12 * day)
    act(actors, c, "pay", T0 + 13 * day, channel="bank_transfer", reference="BT-1")
    steps = {s.step: s for s in step_samples(start=MONTH[0], end=MONTH[1])}
    assert set(steps) == {"intake", "review", "adjudication", "agreement", "payment"}
    review = steps["review"]  # start_review (day 1) → documents_complete (day 9)
    assert (review.total_days, review.waiting_days, review.working_days) == (8, 5, 3)
    assert (steps["intake"].total_days, steps["intake"].waiting_days) == (1, 0)
    assert steps["adjudication"].working_days == 2
    assert steps["payment"].working_days == 1
    claims_indicators_compute(start=MONTH[0], end=MONTH[1], granularities=("month",))
    assert value("claims.step.review.working_days")[1] == pytest.approx(3)
    assert value("claims.step.review.waiting_days")[1] == pytest.approx(5)
    [median] = value("claims.step.review.median_waiting_days")[0]
    assert median["value"] == pytest.approx(5)
    # time to payment: received on day 0, paid on day 13
    assert value("claims.median_days_to_payment")[0][0]["value"] == pytest.approx(13)
    # the rows of another subtree do not include it
    assert value("claims.step.review.working_days", org_path=org["P2"].path)[1] is None


def test_stored_step_rows_follow_events_recorded_after_the_last_refresh(actors, policy):
    """Given step rows already folded in (``ClaimStep``), when the claim moves on, then the next
    read adds the new steps and keeps the earlier ones — the same as replaying every event."""
    from hiqc.claims.indicators import _event_step_samples, claim_steps_refresh
    from hiqc.claims.models import ClaimStep

    with time_machine.travel(T0, tick=False):
        c = claim_register(actor=actors["claims"], data={
            "policy_number": policy.number, "claim_type": "medical_reimbursement",
            "incident_date": "2026-02-20", "amount_claimed": "8600", "channel": "counter",
        })  # fmt: skip
    day = timedelta(days=1)
    act(actors, c, "start_review", T0 + day)
    assert {s.step for s in step_samples(start=MONTH[0], end=MONTH[1])} == {"intake"}
    act(actors, c, "request_supplement", T0 + 2 * day, items=["form", "invoice", "discharge"])
    act(actors, c, "notice_delivered", T0 + 3 * day)
    act(actors, c, "supplement_received", T0 + 6 * day)
    act(actors, c, "documents_complete", T0 + 7 * day)
    stored = {s.step: s for s in step_samples(start=MONTH[0], end=MONTH[1])}
    assert set(stored) == {"intake", "review"}
    assert (stored["review"].total_days, stored["review"].waiting_days) == (6, 3)
    assert claim_steps_refresh() == 0  # nothing new: nothing written
    replayed = {s.step: s for s, _last in _event_step_samples(0)}
    assert {k: (v.total_days, v.waiting_days) for k, v in replayed.items()} == {
        k: (v.total_days, v.waiting_days) for k, v in stored.items()
    }
    assert ClaimStep.objects.filter(case_id=str(c.pk)).count() == 2


# --- the cases behind the figures ------------------------------------------------------------------


def test_payout_ratio_cases_list_the_closed_claims_not_paid_first(policy, org):
    closed = T0 + timedelta(days=20)
    paid = hand_made(policy, org["C1"], 1, outcome="approve", closed_at=closed, status="closed")
    Payment.objects.create(claim=paid, kind="benefit", amount=Decimal(500), channel="e_wallet",
                           paid_at=closed, reference="P1")  # fmt: skip
    refused = hand_made(policy, org["C1"], 2, outcome="refuse", closed_at=closed, status="closed")
    hand_made(policy, org["C1"], 3, outcome="approve")  # not closed: not counted

    cases = cases_of("claims.payout_ratio", org["HO"].path, *MONTH)

    assert [(c.label, c.bad) for c in cases] == [(refused.number, True), (paid.number, False)]
    assert cases[0].counted == "未赔付（拒赔）" and cases[1].counted == "已赔付"


def test_step_cases_list_the_claims_whose_step_ended_the_longest_first(policy, org):
    from hiqc.claims.models import ClaimStep

    durations = {}
    for n, (total, waiting) in enumerate(((2.0, 0.0), (9.0, 2.0)), start=1):
        claim = hand_made(policy, org["C1"], n)
        ClaimStep.objects.create(case_id=str(claim.pk), step="review", org_path=org["C1"].path,
                                 ended_at=T0 + timedelta(days=n), total_days=total,
                                 waiting_days=waiting, last_event_id=0)  # fmt: skip
        durations[claim.number] = total - waiting

    for code in ("claims.step.review.working_days", "claims.step.review.median_working_days"):
        cases = cases_of(code, org["HO"].path, *MONTH)
        assert [(c.label, c.counted) for c in cases] == [
            (number, f"{days:.1f} 天")
            for number, days in sorted(durations.items(), key=lambda i: -i[1])
        ]
    waited = cases_of("claims.step.review.waiting_days", org["HO"].path, *MONTH)
    assert [c.counted for c in waited] == ["2.0 天", "0.0 天"]
    assert cases_of("claims.step.review.working_days", org["P2"].path, *MONTH) == []


def test_days_to_payment_cases_are_the_claims_first_paid_in_the_period(policy, org):
    slow = hand_made(policy, org["C1"], 1, received=T0 - timedelta(days=30), status="closed")
    quick = hand_made(policy, org["C1"], 2, status="closed")
    for claim, n in ((slow, 1), (quick, 2)):
        Payment.objects.create(claim=claim, kind="benefit", amount=Decimal(500), channel="e_wallet",
                               paid_at=T0 + timedelta(days=3), reference=f"P{n}")  # fmt: skip

    cases = cases_of("claims.days_to_payment", org["HO"].path, *MONTH)

    assert [(c.label, c.counted) for c in cases] == [(slow.number, "33.0 天"),
                                                     (quick.number, "3.0 天")]  # fmt: skip
