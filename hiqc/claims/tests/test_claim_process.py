"""The claims process and its statutory clocks (CL-1…CL-11; issue 5 §3, §4, §6, §12)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from hiqc.claims.models import AdvancePaymentTask, Claim, ClaimLetter, Payment
from hiqc.claims.services import claim_act, claim_register
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.models import CaseEvent, Deadline, Finding
from hiqc.customers.services import customer_create
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured
from hiqc.policies.tests.factories import catalogue_product

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)  # Monday


@pytest.fixture
def policy(actors, org):
    product = catalogue_product(
        code="MED-1", name="住院医疗保险", line="medical",
        claim_types=["medical_reimbursement", "hospital_cash"], term_years=1,
    )  # fmt: skip
    for i, (code, name) in enumerate(
        [
            ("form", "理赔申请书"),
            ("id", "身份证明"),
            ("invoice", "医疗费用发票"),
            ("discharge", "出院小结"),
            ("records", "门诊病历"),
        ]
    ):
        DocumentRequirement.objects.create(
            version=product.v1, claim_type="medical_reimbursement", code=code, name=name,
            position=i, required=code != "records",  # asked for only when the case needs it
        )  # fmt: skip
    holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "王五"})
    policy = Policy.objects.create(
        number="P-0001", product=product, product_version=product.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("1200"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder)
    return policy


def register(actors, policy, *, at=T0, amount="8600", **extra):
    with time_machine.travel(at, tick=False):
        return claim_register(
            actor=actors["claims"],
            data={
                "policy_number": policy.number, "claim_type": "medical_reimbursement",
                "incident_date": "2026-02-20", "amount_claimed": amount, "channel": "counter",
                "diagnosis_code": "K35.8", "diagnosis_text": "急性阑尾炎", **extra,
            },
        )  # fmt: skip


def act(actors, claim, action, *, at, who="claims", **data):
    with time_machine.travel(at, tick=False):
        return claim_act(actor=actors[who], claim_id=claim.pk, action=action, data=data, at=at)


def clock(claim, code="claims.decide") -> Deadline:
    return Deadline.objects.get(case_type="claims.claim", case_id=str(claim.pk), clock=code)


def test_a_claim_starts_the_30_day_decision_and_60_day_advance_clocks(actors, policy):
    c = register(actors, policy)
    assert c.number.startswith("LP20260302") and not c.small_claim
    assert clock(c).last_day == date(2026, 4, 1)
    assert clock(c, "claims.advance").last_day == date(2026, 5, 6)  # 1 May holiday → 6 May
    assert clock(c, "claims.notice").last_day == date(2026, 3, 5)  # 3 working days


def test_a_decision_due_inside_the_national_day_holiday_rolls_over(actors, policy):
    c = register(actors, policy, at=datetime(2026, 9, 1, 10, tzinfo=BEIJING))
    # day 30 is Thu 1 October, a public holiday: the last day moves to Thu 8 October
    assert (clock(c).last_day, clock(c).rolled_over_from) == (date(2026, 10, 8), date(2026, 10, 1))


def test_a_small_claim_gets_the_24_hour_fast_track(actors, policy):
    c = register(actors, policy, amount="2999")
    assert c.small_claim
    fast = clock(c, "claims.fast_track")
    assert fast.due_at == T0 + timedelta(hours=24)


def test_registration_names_every_bad_field(actors, policy):
    with pytest.raises(ValidationFailed) as exc:
        register(actors, policy, amount="-1", claim_type="care", diagnosis_code="盲肠")
    assert {"amount_claimed", "claim_type", "diagnosis_code"} <= set(exc.value.fields)


def test_an_incident_before_the_policy_starts_is_refused_at_intake(actors, policy):
    # Given a policy in force from 2026-01-01: an incident on 2025-12-20 is not covered
    with pytest.raises(ValidationFailed) as exc:
        register(actors, policy, incident_date="2025-12-20")
    assert "不在保险期间（2026-01-01 至 2026-12-31）内" in " ".join(
        exc.value.fields["incident_date"]
    )
    assert not Claim.objects.exists()


def test_a_policy_no_longer_in_force_is_refused_unless_an_approver_gives_a_reason(actors, policy):
    Policy.objects.filter(pk=policy.pk).update(status="surrendered")
    with pytest.raises(ValidationFailed) as exc:
        register(actors, policy)
    assert "退保" in " ".join(exc.value.fields["incident_date"])
    # a handler without claims.override cannot accept it even with a reason
    with pytest.raises(ValidationFailed) as exc:
        register(actors, policy, cover_override_reason="退保前已出险，有住院记录为证")
    assert "claims.override" in " ".join(exc.value.fields["cover_override_reason"])
    # the claims reviewer (claims.override at head office) can, and it becomes a finding
    with time_machine.travel(T0, tick=False):
        claim = claim_register(
            actor=actors["reviewer"],
            data={"policy_number": policy.number, "claim_type": "medical_reimbursement",
                  "incident_date": "2026-02-20", "amount_claimed": "8600", "channel": "counter",
                  "cover_override_reason": "退保前已出险，有住院记录为证"},
        )  # fmt: skip
    finding = Finding.objects.get(kind="claims.cover_override")
    assert finding.case_id == str(claim.pk) and claim.number in finding.title
    opened = CaseEvent.objects.get(case_id=str(claim.pk), activity="create")
    assert opened.data["cover_override_reason"] == "退保前已出险，有住院记录为证"


# --- the one-time notice (CL-1) and the supplement pause (CL-3) ------------------------------


def test_the_first_notice_must_list_everything_missing(actors, policy):
    c = register(actors, policy)
    act(actors, c, "start_review", at=T0)
    with pytest.raises(ValidationFailed, match="一次性"):
        act(actors, c, "request_supplement", at=T0, items=["invoice"])
    c = act(actors, c, "request_supplement", at=T0, items=["form", "id", "invoice", "discharge"])
    letter = ClaimLetter.objects.get(claim=c, kind="supplement")
    assert "出院小结" in str(letter.body) and "医疗费用发票" in str(letter.body)


def _supplied(actors, c, *, notice, delivered, received, items):
    act(actors, c, "request_supplement", at=notice, items=items)
    act(
        actors,
        c,
        "notice_delivered",
        at=delivered + timedelta(hours=1),
        delivered_at=delivered.isoformat(),
    )
    return act(actors, c, "supplement_received", at=received, received_at=received.isoformat())


def test_the_supplement_period_is_deducted_to_the_day(actors, policy):
    c = register(actors, policy)
    act(actors, c, "start_review", at=T0)
    items = ["form", "id", "invoice", "discharge"]
    _supplied(actors, c, notice=T0 + timedelta(hours=2), delivered=datetime(2026, 3, 4, 9, tzinfo=BEIJING),
              received=datetime(2026, 3, 14, 15, tzinfo=BEIJING), items=items)  # fmt: skip
    d = clock(c)
    assert d.state == "running"
    # 30 days from 2 March end 1 April; paused from the delivery on 4 March to the documents on
    # 14 March: 10 days added back → Sat 11 April, a rest day → Mon 13 April
    assert (d.last_day, d.rolled_over_from) == (date(2026, 4, 13), date(2026, 4, 11))


def test_asking_again_for_what_was_missing_at_the_first_review_is_refused(actors, policy):
    c = register(actors, policy)
    act(actors, c, "start_review", at=T0)
    _supplied(actors, c, notice=T0, delivered=T0 + timedelta(hours=3),
              received=T0 + timedelta(days=3), items=["form", "id", "invoice", "discharge"])  # fmt: skip
    # the outpatient records were already missing at the first review: asking for them now is
    # the second request the law forbids, unless a supervisor approves it with a reason
    with pytest.raises(Forbidden, match="CL-1"):
        act(actors, c, "request_supplement", at=T0 + timedelta(days=4), items=["records"])
    c = act(actors, c, "request_supplement", at=T0 + timedelta(days=4), who="reviewer",
            items=["records"], override_reason="理赔调查发现既往门诊记录")  # fmt: skip
    finding = Finding.objects.get(case_id=str(c.pk))
    assert (finding.rule, finding.kind) == ("CL-1", "claims.supplement_override")


# --- decision, refusal notice, payment, advance payment, findings ------------------------------


def _complete(actors, c, at):
    act(actors, c, "start_review", at=at)
    for code in ("form", "id", "invoice", "discharge"):
        c.documents.create(requirement_code=code, name=code, received_at=at)
    return act(actors, c, "documents_complete", at=at)


def test_refusal_needs_reasons_and_its_notice_is_due_within_3_days(actors, policy):
    c = _complete(actors, register(actors, policy), T0)
    with pytest.raises(ValidationFailed):
        act(actors, c, "refuse", at=T0 + timedelta(days=5), reason_code="exclusion")
    c = act(actors, c, "refuse", at=T0 + timedelta(days=5), reason_code="exclusion",
            reason_text="既往症属于责任免除。")  # fmt: skip
    assert clock(c).state == "met"
    assert clock(c, "claims.refusal_notice").last_day == date(2026, 3, 10)
    c = act(actors, c, "send_refusal_notice", at=T0 + timedelta(days=6))
    assert clock(c, "claims.refusal_notice").state == "met"
    text = str(ClaimLetter.objects.get(claim=c, kind="refusal").body)
    assert "属于责任免除" in text and "既往症" in text


def test_payment_is_due_10_days_after_the_amount_is_agreed(actors, policy):
    c = _complete(actors, register(actors, policy), T0)
    c = act(actors, c, "decide", at=T0 + timedelta(days=3), outcome="partial",
            amount_approved="6400", reason_code="non_medical")  # fmt: skip
    c = act(actors, c, "agree_amount", at=T0 + timedelta(days=4))
    assert clock(c, "claims.payment").last_day == date(2026, 3, 16)
    c = act(actors, c, "pay", at=T0 + timedelta(days=6), channel="bank_transfer", reference="PAY-1")
    assert clock(c, "claims.payment").state == "met"
    assert Payment.objects.get(claim=c).amount == Decimal("6400.00")
    c = act(actors, c, "close", at=T0 + timedelta(days=7))
    assert c.retain_until == date(2031, 12, 31)  # 5 years after the policy ends (CL-9)


def test_a_late_decision_opens_a_compliance_finding(
    actors, policy, django_capture_on_commit_callbacks
):
    c = register(actors, policy)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=datetime(2026, 4, 2, 1, tzinfo=BEIJING))
    finding = Finding.objects.get(case_id=str(c.pk))
    assert (finding.rule, finding.kind) == ("CL-8", "claims.decide.breach")


def test_sixty_days_without_an_amount_open_the_advance_payment_task(
    actors, policy, django_capture_on_commit_callbacks
):
    c = register(actors, policy)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=datetime(2026, 5, 7, 1, tzinfo=BEIJING))
    assert AdvancePaymentTask.objects.filter(claim=c).exists()


def test_only_an_automatic_decision_can_be_sent_for_human_review(actors, policy):
    c = _complete(actors, register(actors, policy), T0)
    c = act(
        actors, c, "decide", at=T0 + timedelta(days=1), outcome="approve", amount_approved="8600"
    )
    with pytest.raises(Conflict, match="CL-10"):
        act(actors, c, "request_human_review", at=T0 + timedelta(days=2), reason="不服")
    other = _complete(actors, register(actors, policy), T0)
    other = act(actors, other, "decide", at=T0 + timedelta(days=1), outcome="approve",
                amount_approved="8600", automated="1")  # fmt: skip
    other = act(actors, other, "request_human_review", at=T0 + timedelta(days=2), reason="不服")
    assert other.status == "adjudication" and other.human_review_requested_at is not None


def test_an_approved_claim_is_not_offered_the_refusal_notice_nor_a_refused_one_the_agreement(
    actors, policy, client, personas
):
    from hiqc.claims.services import KIND
    from hiqc.core.casework import case_allowed_actions

    approved = _complete(actors, register(actors, policy), T0)
    approved = act(actors, approved, "decide", at=T0 + timedelta(days=3), outcome="approve",
                   amount_approved="8600")  # fmt: skip
    allowed = case_allowed_actions(KIND, approved, actors["claims"])
    assert "send_refusal_notice" not in allowed and "agree_amount" in allowed
    with pytest.raises(Conflict) as exc:
        act(actors, approved, "send_refusal_notice", at=T0 + timedelta(days=4))
    assert "send_refusal_notice" not in exc.value.allowed_actions
    client.force_login(personas["claims"])
    page = client.get(f"/claims/{approved.pk}/").content.decode()
    assert 'id="action-send_refusal_notice"' not in page
    assert 'id="unavailable-send_refusal_notice"' in page

    refused = _complete(actors, register(actors, policy), T0)
    refused = act(actors, refused, "refuse", at=T0 + timedelta(days=5), reason_code="exclusion",
                  reason_text="既往症属于责任免除。")  # fmt: skip
    allowed = case_allowed_actions(KIND, refused, actors["claims"])
    assert "send_refusal_notice" in allowed and "agree_amount" not in allowed


def test_a_closed_claims_file_is_kept_as_long_as_the_retention_rule_in_force_says(actors, policy):
    """CL-9's 5 years are a floor (《保险法》第87条): an insurer that keeps files longer raises the
    rule, and a claim closed afterwards is kept that long."""
    from hiqc.core.models import RuleOverride

    RuleOverride.objects.create(key="claims.retention_years_short", value="7")
    c = _complete(actors, register(actors, policy), T0)
    c = act(actors, c, "refuse", at=T0 + timedelta(days=5), reason_code="exclusion",
            reason_text="既往症属于责任免除。")  # fmt: skip
    c = act(actors, c, "send_refusal_notice", at=T0 + timedelta(days=6))
    c = act(actors, c, "close", at=T0 + timedelta(days=7))
    assert c.retain_until == date(2033, 12, 31)  # 7 years after the policy ends


def test_the_claims_guard_runs_once_per_step_and_refuses_with_its_own_code(
    actors, policy, monkeypatch
):
    from hiqc.claims import services

    calls: list[str] = []
    guard = services.held

    def counted(file, action):
        calls.append(action)
        return guard(file, action)

    monkeypatch.setattr(services, "held", counted)
    c = act(actors, register(actors, policy), "start_review", at=T0)
    # Given a claim under review with documents missing
    calls.clear()
    # When it is declared complete, Then the guard refuses it once, with the CL-1 code
    with pytest.raises(Conflict) as refused:
        act(actors, c, "documents_complete", at=T0)
    assert refused.value.code == "documents_missing"
    assert "documents_complete" not in refused.value.allowed_actions
    # (after the step's one check, the 409's list of allowed actions asks it of each action)
    assert calls[0] == "documents_complete" and calls.count("documents_complete") == 2
    # And once the documents are in, the accepted step asks the guard once
    for code in ("form", "id", "invoice", "discharge"):
        c.documents.create(requirement_code=code, name=code, received_at=T0)
    calls.clear()
    act(actors, c, "documents_complete", at=T0)
    assert calls == ["documents_complete"]
