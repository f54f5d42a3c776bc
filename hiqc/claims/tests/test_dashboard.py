"""The claims timeliness dashboard (issue 5 §10; standard 5.2.2) on hand-made claims."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from hiqc.claims.indicators import claims_indicators_compute
from hiqc.claims.models import Claim
from hiqc.claims.workflow import DECIDE
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadline_build
from hiqc.core.models import CaseEvent, Deadline
from hiqc.customers.services import customer_create
from hiqc.policies.models import Policy, Product

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
NOW = datetime(2026, 4, 20, 12, 0, tzinfo=BEIJING)
URL = "/claims/timeliness/"


@pytest.fixture
def claims(actors, org):
    """Six paid claims in C1 (Beijing) reviewed in a day, six in C2 (Shanghai) reviewed in eight,
    and one open claim in C2 whose decision clock has run out."""
    product = Product.objects.create(code="MED-1", name="住院医疗保险", line="medical",
                                     claim_types=["medical_reimbursement"])  # fmt: skip
    out = []
    for unit, review_days in ((org["C1"], 1), (org["C2"], 8)):
        holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk,
                                 data={"name": "王五"})  # fmt: skip
        policy = Policy.objects.create(
            number=f"P-{unit.code}", product=product, holder=holder, org_unit=unit,
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
