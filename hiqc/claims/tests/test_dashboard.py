"""The claims timeliness dashboard (issue 5 §10; standard 5.2.2) on hand-made claims."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
import time_machine
from django.test import Client

from hiqc.claims import timeliness as t
from hiqc.claims.indicators import claims_indicators_compute, payment_days
from hiqc.claims.models import Claim, Payment
from hiqc.claims.workflow import DECIDE, PAYMENT
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadline_build
from hiqc.core.models import CaseEvent, Deadline, IndicatorValue
from hiqc.customers.services import customer_create
from hiqc.policies.models import Policy
from hiqc.policies.tests.factories import catalogue_product

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
NOW = datetime(2026, 4, 20, 12, 0, tzinfo=BEIJING)
URL = "/claims/timeliness/"


@pytest.fixture
def claims(actors, org):
    """Six paid claims in C1 (Beijing) reviewed in a day, six in C2 (Shanghai) reviewed in eight,
    and one open claim in C2 whose decision clock has run out."""
    product = catalogue_product(code="MED-1", name="住院医疗保险", line="medical",
                                     claim_types=["medical_reimbursement"])  # fmt: skip
    out = []
    for unit, review_days in ((org["C1"], 1), (org["C2"], 8)):
        holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk,
                                 data={"name": "王五"})  # fmt: skip
        policy = Policy.objects.create(
            number=f"P-{unit.code}", product=product, product_version=product.v1, holder=holder, org_unit=unit,
            start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal(900),
        )  # fmt: skip
        for i in range(6):
            received = T0 + timedelta(days=i)
            out.append(_claim(policy, unit, f"{unit.code}-{i}", received, [
                ("start_review", 0.5), ("documents_complete", 0.5 + review_days),
                ("decide", 1.5 + review_days), ("agree_amount", 2 + review_days),
                ("pay", 3 + review_days),
            ]))  # fmt: skip
            Deadline.objects.bulk_create([deadline_build(
                case_type="claims.claim", case_id=str(out[-1].pk), org_path=unit.path,
                clock=DECIDE, at=received, closed_at=received + timedelta(days=1.5 + review_days),
            )])  # fmt: skip
    late = _claim(policy, org["C2"], "OPEN", NOW - timedelta(days=40), [("start_review", 1)])
    Deadline.objects.bulk_create([deadline_build(
        case_type="claims.claim", case_id=str(late.pk), org_path=org["C2"].path, clock=DECIDE,
        at=late.received_at,
    )])  # fmt: skip
    claims_indicators_compute(
        start=datetime(2026, 3, 1, tzinfo=BEIJING), end=NOW, granularities=("month",)
    )
    return out, late


def _claim(policy, unit, number, received, steps) -> Claim:
    c = Claim.objects.create(
        number=f"LP-{number}", policy=policy, insured=policy.holder, claimant=policy.holder,
        claim_type="medical_reimbursement", incident_date=date(2026, 2, 20),
        amount_claimed=Decimal("1000"), channel="app", org_unit=unit, received_at=received,
        status="received",
    )  # fmt: skip
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_type="claims.claim", case_id=str(c.pk), org_path=unit.path,
                   activity="create", to_state="received", at=received, actor_name="t",
                   source="import")]
        + [CaseEvent(case_type="claims.claim", case_id=str(c.pk), org_path=unit.path,
                     activity=a, to_state="x", at=received + timedelta(days=d), actor_name="t",
                     source="import") for a, d in steps]
    )  # fmt: skip
    return c


def _get(personas, who, **params):
    client = Client()
    client.force_login(personas[who])
    with time_machine.travel(NOW, tick=False):
        return client.get(URL, params)


def test_given_one_branch_reviews_slowly_when_head_office_opens_the_dashboard_then_it_stands_out(
    personas, claims
):
    response = _get(personas, "quality_lead", months=3)
    assert response.status_code == 200
    html = response.content.decode()
    slow = html.split('id="slow-spots"')[1].split("</table>")[0]
    assert "上海分公司" in slow and "浦东中心支公司" in slow and "资料审核" in slow
    assert "北京分公司" not in slow and "朝阳中心支公司" not in slow
    chart = json.loads(html.split('id="timeliness-data" type="application/json">')[1].split("<")[0])
    review = chart["steps"].index("资料审核")
    by_branch = dict(zip(chart["branches"], chart["working"], strict=True))
    assert by_branch["上海分公司"][review] == 8 and by_branch["北京分公司"][review] == 1
    # the open claim past its 30 days heads the decision list, linked to the claim
    near = html.split('id="near-limits"')[1]
    _paid, late = claims
    assert f"/claims/{late.pk}/" in near and "已超时" in near
    assert "暂无数据" in html.split('id="satisfaction"')[1].split("</div></div>")[0]


def test_given_a_branch_manager_the_dashboard_shows_only_their_branch(personas, claims):
    response = _get(personas, "branch_manager")
    html = response.content.decode()
    assert response.status_code == 200
    assert "浦东中心支公司" not in html and "上海分公司" not in html
    assert _get(personas, "branch_manager", org="P2").status_code == 404


def test_the_quality_score_reweights_when_accuracy_and_satisfaction_are_missing(personas, claims):
    html = _get(personas, "quality_lead", months=3).content.decode()
    quality = html.split('id="quality"')[1]
    # every decision was on time (no payment clocks in the hand-made claims), no audit rows and
    # no survey: the score is timeliness alone, scaled up to 100 %
    first = quality.split("<tbody>")[1].split("</tr>")[0]
    assert "<strong>100.0</strong>" in first and "暂无数据" in first


def test_without_claims_view_the_dashboard_is_refused(personas, org):
    assert _get(personas, "trainer").status_code == 403


# --- the figures themselves, pinned on hand-made claims (issue 13: the reads were rewritten) -------

START, END = t.period_bounds(3, NOW)  # February–April 2026, Beijing
MARCH = datetime(2026, 3, 1, tzinfo=BEIJING)


def test_step_medians_by_branch_and_the_slow_spots_are_those_of_the_hand_made_claims(org, claims):
    steps = t.timeliness(org["HO"], START, END)
    # every paid claim: intake 0.5 d, review 1 d (C1) or 8 d (C2), adjudication 1 d, agreement
    # 0.5 d, payment 1 d; the open claim adds one intake of 1 d; nobody waited for the claimant
    assert {code: (c.working, c.waiting, c.n) for code, c in steps.overall.items()} == {
        "intake": (0.5, None, 13), "review": (1.0, None, 12), "adjudication": (1.0, None, 12),
        "agreement": (0.5, None, 12), "payment": (1.0, None, 12),
    }  # fmt: skip
    review = {r.branch.unit.code: (r.cells["review"].working, r.cells["review"].n)
              for r in steps.by_branch}  # fmt: skip
    assert review == {"P1": (1.0, 6), "P2": (8.0, 6)}
    # ranked by the median total time (ties keep the order of the steps)
    ranked = ["review", "adjudication", "payment", "intake", "agreement"]
    assert [code for code, _c in steps.slowest_steps] == ranked
    assert [(s.branch.unit.code, s.step, s.median, s.overall, s.n) for s in steps.slow_spots] == [
        ("P2", "review", 8.0, 1.0, 6), ("C2", "review", 8.0, 1.0, 6)
    ]  # fmt: skip


def test_days_to_payment_count_the_first_benefit_payment_of_the_claims_first_paid_in_the_period(
    actors, org
):
    product = catalogue_product(code="MED-P", name="医疗", line="medical",
                                     claim_types=["medical_reimbursement"])  # fmt: skip
    holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "赵六"})
    policy = Policy.objects.create(
        number="P-PAY", product=product, product_version=product.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2025, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal(900),
    )  # fmt: skip
    at = partial(datetime, tzinfo=BEIJING)
    received_paid = {  # claim → received, then its payments (kind, paid at)
        ("K1", "C1"): (at(2026, 3, 2, 9, 15, 0, 250000), [
            ("advance", at(2026, 3, 3, 8)), ("benefit", at(2026, 3, 4, 17, 42, 10, 123456)),
            ("benefit", at(2026, 3, 20, 10))]),
        ("K2", "C2"): (at(2026, 2, 10, 8), [("benefit", at(2026, 3, 1, 10, 0, 0, 1))]),
        ("K3", "O1"): (at(2026, 2, 25, 10), [("benefit", at(2026, 4, 1, 9, 59, 59, 999999))]),
        # first paid before the period, paid again in it: not counted
        ("K4", "C2"): (at(2025, 12, 1, 10), [("benefit", at(2026, 1, 15, 10)),
                                             ("benefit", at(2026, 3, 10, 10))]),
        ("K5", "C1"): (at(2026, 4, 1, 10), [("advance", at(2026, 4, 2, 10))]),  # no benefit
    }  # fmt: skip
    days = {}
    for (number, unit), (received, payments) in received_paid.items():
        claim = _claim(policy, org[unit], number, received, [])
        for i, (kind, paid) in enumerate(payments):
            Payment.objects.create(claim=claim, kind=kind, amount=Decimal(100), paid_at=paid,
                                   channel="bank_transfer", reference=f"{number}-{i}")  # fmt: skip
        benefit = [paid for kind, paid in payments if kind == "benefit"]
        if benefit:
            days[number] = (min(benefit) - received).total_seconds() / 86400
    k1, k2, k3 = sorted([days["K1"], days["K2"], days["K3"]])

    pay = t.payment_time(org["HO"], START, END)
    assert (pay.n, pay.median, pay.p90) == (3, k2, k3)  # nearest rank: the 2nd and 3rd of 3
    assert pay.mean == pytest.approx((k1 + k2 + k3) / 3, rel=1e-15)
    beijing = t.payment_time(org["P1"], START, END)  # K1 and K3
    assert (beijing.n, beijing.median, beijing.p90) == (2, days["K1"], days["K3"])
    # the same days as the days-to-payment indicator's, to the microsecond
    assert sorted(d for _c, _p, _w, d in payment_days(start=START, end=END)) == [k1, k2, k3]


@pytest.fixture
def scored(actors, org, personas):
    """Six claims with decision and payment clocks, and audit / survey rows (see the test)."""
    med = catalogue_product(code="MED-S", name="住院医疗", line="medical",
                                 claim_types=["medical_reimbursement"])  # fmt: skip
    ci = catalogue_product(code="CI-S", name="重大疾病", line="critical_illness",
                                claim_types=["critical_illness"])  # fmt: skip
    holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "钱七"})
    policies = {}
    for p in (med, ci):
        policies[p.code] = Policy.objects.create(
            number=f"P-{p.code}", product=p, product_version=p.v1, holder=holder, org_unit=org["C1"],
            start_date=date(2025, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal(900),
        )  # fmt: skip
    alice, bob = personas["claims"], personas["reviewer"]
    day = timedelta(days=1)
    march = datetime(2026, 3, 2, 10, tzinfo=BEIJING)
    # number, unit, product, handler, decision clock (closed after … days), payment clock
    rows = [
        ("A", "C1", "MED-S", alice, (march, 1 * day), (march + 3 * day, 2 * day)),  # met, met
        ("B", "O1", "MED-S", None, (march, 40 * day), (march + 42 * day, 2 * day)),  # late, met
        ("C", "C2", "CI-S", alice, (march, 1 * day), (march + 3 * day, 20 * day)),  # met, late
        ("D", "C2", "CI-S", bob, (march, 40 * day), "cancelled"),  # late; payment cancelled
        # decided (on time) in January, before the period; paid late in it
        ("E", "C2", "MED-S", bob, (datetime(2026, 1, 2, tzinfo=BEIJING), 5 * day),
         (march, 20 * day)),
        ("F", "HO", "MED-S", None, (march, 1 * day), "running"),  # head office's own claim
    ]  # fmt: skip
    for number, unit, product, handler, decide, payment in rows:
        claim = _claim(policies[product], org[unit], f"S-{number}", march, [])
        Claim.objects.filter(pk=claim.pk).update(assignee=handler)
        clocks = [deadline_build(case_type="claims.claim", case_id=str(claim.pk),
                                 org_path=org[unit].path, clock=DECIDE, at=decide[0],
                                 closed_at=decide[0] + decide[1])]  # fmt: skip
        if isinstance(payment, tuple):
            clocks.append(deadline_build(case_type="claims.claim", case_id=str(claim.pk),
                                         org_path=org[unit].path, clock=PAYMENT, at=payment[0],
                                         closed_at=payment[0] + payment[1]))  # fmt: skip
        else:
            clocks.append(deadline_build(case_type="claims.claim", case_id=str(claim.pk),
                                         org_path=org[unit].path, clock=PAYMENT, at=march))  # fmt: skip
            if payment == "cancelled":
                clocks[-1].state, clocks[-1].closed_at = Deadline.State.CANCELLED, march + day
        Deadline.objects.bulk_create(clocks)
    for code, unit, month, n, d in [
        ("claims.accuracy_rate", "C1", MARCH, 9, 10),
        ("claims.accuracy_rate", "O1", MARCH, 1, 2),
        ("claims.satisfaction", "C2", MARCH, 3, 4),
        ("claims.satisfaction", "C2", datetime(2026, 1, 1, tzinfo=BEIJING), 0, 10),  # before
    ]:
        IndicatorValue.objects.create(code=code, granularity="month", period_start=month,
                                      org_path=org[unit].path, numerator=n, denominator=d)  # fmt: skip
    return alice, bob


def _table(scores):
    return [
        (s.name, (s.timeliness.numerator, s.timeliness.denominator),
         (s.accuracy.numerator, s.accuracy.denominator),
         (s.satisfaction.numerator, s.satisfaction.denominator), pytest.approx(s.value))
        for s in scores
    ]  # fmt: skip


def test_the_quality_score_by_branch_team_product_and_handler_on_hand_made_claims(org, scored):
    """Clocks closed in the period (met ÷ met or breached; cancelled, running and earlier ones left
    out): A 2/2 in C1, B 1/2 in O1, C 1/2 + D 0/1 + E 0/1 in C2, F 1/1 at head office. Accuracy
    9/10 in C1 and 1/2 in O1; satisfaction 3/4 in C2 (the January row is outside the period)."""
    scores = t.quality_scores(org["HO"], START, END)
    none = (0, 0)

    def score(timeliness, accuracy=none, satisfaction=none):
        """Weights 40 / 40 / 20; a component without data is left out, the others scaled up."""
        used = [(w, n / d) for w, (n, d) in zip((40, 40, 20), (timeliness, accuracy, satisfaction),
                                                strict=True) if d]  # fmt: skip
        return 100 * sum(w * v for w, v in used) / sum(w for w, _v in used)

    assert _table(scores["branch"]) == [
        ("总公司（本级）", (1, 1), none, none, score((1, 1))),  # no audit for a unit's own row
        ("北京分公司", (3, 4), (10, 12), none, score((3, 4), (10, 12))),
        ("上海分公司", (1, 4), none, (3, 4), score((1, 4), satisfaction=(3, 4))),
    ]
    # a team's audit and survey rows are those of its subtree
    assert _table(scores["team"]) == [
        ("朝阳中心支公司", (2, 2), (10, 12), none, score((2, 2), (10, 12))),
        ("总公司", (1, 1), (10, 12), (3, 4), score((1, 1), (10, 12), (3, 4))),
        ("望京营业部", (1, 2), (1, 2), none, score((1, 2), (1, 2))),
        ("浦东中心支公司", (1, 4), none, (3, 4), score((1, 4), satisfaction=(3, 4))),
    ]
    assert _table(scores["product"]) == [
        ("住院医疗", (4, 6), none, none, score((4, 6))),
        ("重大疾病", (1, 3), none, none, score((1, 3))),
    ]
    assert _table(scores["handler"]) == [
        ("claims", (3, 4), none, none, score((3, 4))),
        ("未分派", (2, 3), none, none, score((2, 3))),
        ("reviewer", (0, 2), none, none, score((0, 2))),
    ]
    # at a branch, only its own tree
    beijing = t.quality_scores(org["P1"], START, END)
    assert [(s.name, s.timeliness.numerator, s.timeliness.denominator)
            for s in beijing["branch"]] == [("朝阳中心支公司", 3, 4)]  # fmt: skip
    assert [s.name for s in beijing["product"]] == ["住院医疗"]


def test_the_score_tables_show_the_pinned_scores(personas, scored):
    html = _get(personas, "quality_lead", months=3).content.decode()
    quality = html.split('id="quality"')[1]
    branches = quality.split("<tbody>")[1].split("</tbody>")[0]
    assert [row.split("<strong>")[1].split("</strong>")[0] for row in branches.split("</tr>")[:3]
            ] == ["100.0", "79.2", "41.7"]  # fmt: skip


def test_the_near_limit_list_names_the_unit_in_english_when_english_is_chosen(personas, claims):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["quality_lead"])
    with time_machine.travel(NOW, tick=False):
        html = client.get(URL, {"months": 3}).content.decode()
    near = html.split('id="near-limits"')[1].split("</table>")[0]
    _paid, late = claims
    assert f"/claims/{late.pk}/" in near
    assert late.org_unit.name not in near and late.org_unit.name_en in near


def test_the_dashboard_figures_are_reused_until_the_next_claim_event(personas, claims, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _paid, late = claims
    root = org["HO"]
    with time_machine.travel(NOW, tick=False):
        start, end = t.period_bounds(3)
        first = t.dashboard_figures(root, start, end)
        with CaptureQueriesContext(connection) as reused:
            again = t.dashboard_figures(root, start, end)
        assert len(reused) == 1  # the last claim event's id: nothing else is read
        assert again.steps.overall.keys() == first.steps.overall.keys()
        assert again.pay.n == first.pay.n

        # a claim moves on: its event is seen at once, not five minutes later
        _claim(late.policy, org["C2"], "NEW", NOW - timedelta(days=3),
               [("start_review", 0.5), ("documents_complete", 1), ("decide", 1.5),
                ("agree_amount", 2), ("pay", 2.5)])  # fmt: skip
        Payment.objects.create(
            claim=Claim.objects.get(number="LP-NEW"),
            kind="benefit",
            amount=Decimal("500"),
            paid_at=NOW - timedelta(days=0.5),
        )
        fresh = t.dashboard_figures(root, start, end)
    assert fresh.pay.n == first.pay.n + 1
