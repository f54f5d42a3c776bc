"""Claims accuracy audits: rounds, blind re-adjudication, errors → findings, results and the
accuracy indicator (standard 5.1.2(3), 5.3; issue 5 §8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hiqc.claimaudit import selectors
from hiqc.claimaudit.models import AuditItem, AuditRound
from hiqc.claimaudit.services import (
    item_readjudicate,
    item_record_errors,
    round_complete,
    round_create,
)
from hiqc.claimaudit.workflow import ROUND_LABEL
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.indicators import rolled_up
from hiqc.core.models import AuditEvent, CaseEvent, Finding, IndicatorValue

from .factories import decided_claims

pytestmark = pytest.mark.django_db
MARCH = {"period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31)}
NOW = datetime(2026, 4, 10, 10, tzinfo=BEIJING)


def new_round(actors, org, who="quality_lead", **kw):
    args = {"name": "2026-03 抽检", "org_unit_id": org["HO"].pk, **MARCH, "margin": "0.1",
            "seed": 11, **kw}  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        return round_create(actor=actors[who], **args)


def review(actors, item, who="reviewer", outcome="approve", amount=None, errors=()):
    amount = item.claim.amount_claimed if amount is None else amount
    with time_machine.travel(NOW, tick=False):
        item_readjudicate(actor=actors[who], item_id=item.pk, outcome=outcome, amount=amount,
                          reason_code="" if outcome == "approve" else "exclusion")  # fmt: skip
        return item_record_errors(actor=actors[who], item_id=item.pk, error_types=errors)


def test_given_60_decided_claims_when_a_round_is_created_then_the_fpc_sample_is_drawn(actors, org):
    decided_claims(org["C1"], 40)
    decided_claims(org["C2"], 20)
    decided_claims(org["C2"], 5, start=datetime(2026, 4, 2, tzinfo=BEIJING))  # outside period
    r = new_round(actors, org)
    # n0 = 1.96² · 0.25 / 0.1² = 96.04; n = 96.04 / (1 + 95.04/60) = 37.2 → 38
    assert (r.population, r.sample_size, r.seed) == (60, 38, 11)
    assert AuditItem.objects.filter(round=r).count() == 38
    event = AuditEvent.objects.get(action="claimaudit.round_create")
    assert event.data == {"population": 60, "sample_size": 38, "seed": 11}


def test_the_same_seed_draws_the_same_claims_and_another_seed_does_not(actors, org):
    decided_claims(org["C1"], 80)
    ids = [
        set(AuditItem.objects.filter(round=new_round(actors, org, seed=s)).values_list(
            "claim_id", flat=True))
        for s in (5, 5, 6)
    ]  # fmt: skip
    assert ids[0] == ids[1] != ids[2]


def test_a_stratified_round_allocates_the_sample_over_amount_bands(actors, org):
    decided_claims(org["C1"], 70, amounts=[800, 1500, 2500, 4000, 12000, 60000, 900])
    r = new_round(actors, org, method="stratified", bands=["3000", "10000", "50000"])
    assert sum(s["sample"] for s in r.strata) == r.sample_size
    assert [s["population"] for s in r.strata] == [40, 10, 10, 10]
    counts = [AuditItem.objects.filter(round=r, stratum=s["index"]).count() for s in r.strata]
    assert counts == [s["sample"] for s in r.strata]


def test_bad_settings_are_named_by_field(actors, org):
    with pytest.raises(ValidationFailed) as exc:
        new_round(actors, org, margin="0.5", confidence=80, name="", method="stratified",
                  bands=["5000", "100"])  # fmt: skip
    assert {"margin", "confidence", "name", "bands"} <= set(exc.value.fields)


def test_without_claims_audit_a_round_cannot_be_created(actors, org):
    with pytest.raises(Forbidden):
        new_round(actors, org, who="branch_manager")


def test_an_empty_frame_gives_an_empty_round(actors, org):
    r = new_round(actors, org)
    assert (r.population, r.sample_size) == (0, 0)
    assert selectors.round_results(r).overall.rate is None


# --- blind re-adjudication --------------------------------------------------------------------


@pytest.fixture
def partial_item(actors, org, personas):
    claims = decided_claims(org["C1"], 1, amounts=[5000], decider=personas["claims"])
    c = claims[0]
    c.outcome, c.amount_approved, c.reason_code = "partial", Decimal("1234.56"), "deductible"
    c.save()
    r = new_round(actors, org)
    return AuditItem.objects.get(round=r)


def test_given_a_pending_item_the_review_page_and_api_do_not_reveal_the_original(
    personas, partial_item
):
    client = Client()
    client.force_login(personas["reviewer"])
    page = client.get(f"/claim-audits/items/{partial_item.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="review-form"' in html
    assert "1234.56" not in html and "1,234.56" not in html and "original-outcome" not in html
    assert "免赔额或赔付比例" not in html.split('id="review-form"')[0]  # not in the facts
    api = client.get(f"/api/v1/claim-audits/items/{partial_item.pk}")
    assert api.status_code == 200 and api.json()["original"] is None
    assert "1234.56" not in api.content.decode()
    listing = client.get(f"/api/v1/claim-audits/rounds/{partial_item.round_id}/items")
    assert "1234.56" not in listing.content.decode()
    # submitting the own decision reveals the comparison
    answer = client.post(
        f"/api/v1/claim-audits/items/{partial_item.pk}/review",
        {"outcome": "approve", "amount": "5000"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["original"] == {"outcome": "partial", "amount": "1234.56",
                                "reason_code": "deductible"}  # fmt: skip
    assert body["suggested_errors"] == ["missed_payment", "wrong_amount"]
    html = client.get(f"/claim-audits/items/{partial_item.pk}/").content.decode()
    assert "1,234.56" in html and 'id="errors-form"' in html


def test_a_reviewer_cannot_audit_a_claim_they_decided(actors, org, personas):
    decided_claims(org["C1"], 3, decider=personas["reviewer"])
    r = new_round(actors, org)
    item = AuditItem.objects.filter(round=r).first()
    assert item is not None
    with pytest.raises(Forbidden):
        review(actors, item)
    client = Client()
    client.force_login(personas["reviewer"])
    assert client.get(f"/claim-audits/items/{item.pk}/").status_code == 403
    assert selectors.next_pending(actors["reviewer"], r) is None
    # the quality lead did not handle them and may
    assert selectors.next_pending(actors["quality_lead"], r) is not None
    assert review(actors, item, who="quality_lead").status == "done"


def test_the_assignee_cannot_audit_their_claim_either(actors, org, personas):
    claim = decided_claims(org["C1"], 1)[0]
    claim.assignee = personas["quality_lead"]
    claim.save()
    item = AuditItem.objects.get(round=new_round(actors, org))
    with pytest.raises(Forbidden):
        review(actors, item, who="quality_lead")


def test_errors_are_recorded_only_after_the_own_decision_and_only_once(actors, org):
    decided_claims(org["C1"], 2)
    items = list(AuditItem.objects.filter(round=new_round(actors, org)))
    with pytest.raises(Conflict):
        item_record_errors(actor=actors["reviewer"], item_id=items[0].pk, error_types=[])
    review(actors, items[0])
    with pytest.raises(Conflict):
        item_record_errors(actor=actors["reviewer"], item_id=items[0].pk, error_types=[])
    with pytest.raises(ValidationFailed):
        item_readjudicate(
            actor=actors["reviewer"], item_id=items[1].pk, outcome="partial", amount="1"
        )  # fmt: skip  (partial needs a reason)


# --- errors become findings; results and the indicator -------------------------------------


def test_each_audited_claim_with_an_error_becomes_one_finding_without_personal_data(actors, org):
    decided_claims(org["C1"], 3)
    items = list(AuditItem.objects.filter(round=new_round(actors, org)))
    review(actors, items[0], outcome="refuse", errors=["over_payment", "procedure"])
    review(actors, items[1])  # no error, no finding
    finding = Finding.objects.get()
    assert (finding.rule, finding.kind, finding.case_id) == (
        "5.1.2(3)", "claims.audit_error", str(items[0].claim_id))  # fmt: skip
    assert finding.org_path == org["C1"].path and finding.dedupe_key.endswith(
        str(items[0].claim_id)
    )
    assert finding.data["errors"] == ["over_payment", "procedure"]
    assert "王五" not in str(finding.data) and "K35" not in str(finding.data)


def test_results_give_wilson_intervals_and_sample_too_small_below_10(actors, org):
    decided_claims(org["C1"], 100)
    decided_claims(org["C2"], 6)
    r = new_round(actors, org, margin="0.2")  # n0 = 24.01 → 106 · … = 20
    items = list(AuditItem.objects.filter(round=r).select_related("claim", "org_unit"))
    wrong = {i.pk for i in items[:2]}
    for item in items:
        review(actors, item, errors=["wrong_amount"] if item.pk in wrong else [])
    res = selectors.round_results(r)
    assert (res.done, res.overall.errors) == (len(items), 2)
    low, high = res.overall.low, res.overall.high
    assert low is not None and high is not None and low < 2 / len(items) < high
    rows = {b.label: b for b in res.by_branch}
    assert set(rows) <= {"北京分公司", "上海分公司"}
    for row in rows.values():
        assert row.enough == (row.n >= 10)
    assert res.amount_error == 0.0  # every review confirmed the amount
    done = round_complete(actor=actors["quality_lead"], round_id=r.pk)
    assert done.status == "completed"


def test_a_round_cannot_be_completed_while_claims_wait_for_review(actors, org):
    decided_claims(org["C1"], 3)
    r = new_round(actors, org)
    with pytest.raises(Conflict):
        round_complete(actor=actors["quality_lead"], round_id=r.pk)


def test_accuracy_rate_is_one_minus_the_error_rate_per_unit_and_month(actors, org):
    decided_claims(org["C1"], 4)
    items = list(AuditItem.objects.filter(round=new_round(actors, org)))
    for n, item in enumerate(items):
        review(actors, item, errors=["procedure"] if n == 0 else [])
    row = IndicatorValue.objects.get(code="claims.accuracy_rate", granularity="month")
    assert (row.org_path, row.numerator, row.denominator) == (org["C1"].path, 3, 4)
    series = rolled_up("claims.accuracy_rate", granularity="month", org_path=org["HO"].path,
                       start=datetime(2026, 4, 1, tzinfo=BEIJING),
                       end=datetime(2026, 5, 1, tzinfo=BEIJING))  # fmt: skip
    assert series[0]["value"] == 0.75


def test_rounds_are_kept_with_their_design(actors, org):
    decided_claims(org["C1"], 5)
    r = new_round(actors, org, confidence=99, expected_rate="0.1")
    r = AuditRound.objects.get(pk=r.pk)
    assert (r.confidence, r.expected_rate, r.margin) == (99, Decimal("0.1"), Decimal("0.1"))


def test_each_step_of_a_review_and_of_the_round_writes_one_audit_record(actors, org):
    # Given a round with one sampled claim
    decided_claims(org["C1"], 1)
    r = new_round(actors, org)
    item = AuditItem.objects.select_related("claim").get(round=r)
    # When it is re-adjudicated, its errors recorded and the round completed
    review(actors, item, outcome="refuse", errors=["wrong_refusal"])
    done = round_complete(actor=actors["quality_lead"], round_id=r.pk)
    # Then each step has exactly one audit record, the executor's, keeping what the domain added
    steps = AuditEvent.objects.filter(subject_id=str(item.pk)).order_by("seq")
    readjudicate, errors = steps
    assert readjudicate.action.endswith(".readjudicate") and errors.action.endswith(
        ".record_errors"
    )
    assert {"review_outcome", "review_amount", "review_reason"} <= set(readjudicate.fields)
    assert errors.data["errors"] == ["wrong_refusal"] and "errors" in errors.fields
    (complete,) = AuditEvent.objects.filter(subject_id=str(r.pk), action__endswith="complete")
    assert complete.action == f"{ROUND_LABEL}.complete"
    assert "completed_at" in complete.fields and done.completed_at is not None


def test_a_round_opens_every_sampled_claim_as_a_case_in_one_write(actors, org):
    # Given decided claims to sample from
    decided_claims(org["C1"], 30)
    # When a round is drawn
    with CaptureQueriesContext(connection) as queries:
        round_obj = new_round(actors, org)
    # Then each sampled claim has its create event, and the events were written together
    items = [str(pk) for pk in round_obj.items.values_list("pk", flat=True)]
    created = CaseEvent.objects.filter(case_type="claimaudit.audititem", activity="create")
    assert sorted(created.values_list("case_id", flat=True)) == sorted(items)
    inserts = [q for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "core_caseevent"')]  # fmt: skip
    assert len(items) > 2 and len(inserts) == 2  # the round's own event, then the items' in one
