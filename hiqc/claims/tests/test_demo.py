"""The claims demo step (issue 5 §11): claims on the demo policies with the realistic mix, clocks
and events, a slow-review branch the dashboard finds by itself, and a re-run that adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from hiqc.claims import demo as claims_demo
from hiqc.claims import timeliness
from hiqc.claims.demo import IMPORTER, SLOW_CITY, SOURCE_SYSTEM, demo_load
from hiqc.claims.models import Claim, Payment, SupplementRequest
from hiqc.claims.workflow import DECIDE
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadline_build
from hiqc.core.findings import OUT_OF_DESIGN
from hiqc.core.models import CaseEvent, Deadline, Finding, IndicatorValue
from hiqc.policies.demo import demo_load as policies_demo_load
from hiqc.policies.models import Policy, Product, ProductVersion
from hiqc.policies.tests.factories import person

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 20, 12, tzinfo=BEIJING)
BORN = ["19800101", "19820202", "19750303", "19900404", "19650505", "19580606", "19880909",
        "19921010", "19701111", "19951212", "19860606", "19770707"]  # fmt: skip


def _load(org, personas):
    units = {"HO": org["HO"], "C1": org["C1"], SLOW_CITY: org["C2"]}  # C2 plays the slow branch
    users = {"claims_handler_bj": personas["claims"]}
    with time_machine.travel(NOW, tick=False):
        return demo_load(seed=7, org_units=units, users=users, actor=Actor.system("demo"))


def test_given_no_policies_the_demo_creates_nothing(org, personas):
    assert _load(org, personas) == {}


def test_a_policys_expected_claims_are_its_premium_at_the_loss_ratio_over_the_mean_claim():
    # given a 百万医疗 policy of 800 yuan a year in force for the whole demo year
    version = ProductVersion(product=Product(code="MED-BW01"), term_years=1,
                             claim_types=["medical_reimbursement"])  # fmt: skip
    policy = Policy(product_version=version, premium_yuan=Decimal(800),
                    start_date=date(2025, 1, 1), end_date=date(2027, 1, 1))  # fmt: skip
    first_day, today = date(2025, 6, 1), date(2026, 6, 1)
    # when the demo weighs it, then it expects premium × 58 % × 1.9 (claimed per paid) ÷ the mean
    # medical claim
    expected = (800 * claims_demo.LOSS_RATIO["MED-BW01"] * claims_demo.CLAIMED_PER_PAID[1]
                / claims_demo._mean_amount("medical_reimbursement"))  # fmt: skip
    assert claims_demo._expected_claims(policy, first_day, today) == pytest.approx(expected)
    assert 0.2 < expected < 0.6  # a medical policy claims about once in two to five years
    # and a policy in force for half the year expects half as many
    policy.start_date = date(2025, 12, 1)
    half = claims_demo._expected_claims(policy, first_day, today)
    assert half == pytest.approx(expected * 182 / 365)
    # a critical-illness policy of the same premium expects a hundred times fewer
    version.claim_types, version.product.code = ["critical_illness"], "CI-ZJ20"
    policy.start_date = date(2025, 1, 1)
    assert claims_demo._expected_claims(policy, first_day, today) < expected / 100


def test_the_demo_writes_claims_with_clocks_and_events_and_a_rerun_adds_nothing(
    actors, org, personas, monkeypatch
):
    # sixty customers' policies would pay for a dozen claims: the small demo's floor gives more
    monkeypatch.setattr(claims_demo, "MIN_CLAIMS", 150)
    for i in range(60):  # enough claims per branch for the dashboard (in-force policies only)
        unit = org[("C1", "O1", "C2")[i % 3]]
        person(actors["agent"] if unit != org["C2"] else actors["outsider_agent"], unit, f"客户{i}", i,
               born=BORN[i % len(BORN)])  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        policies_demo_load(seed=7, org_units={}, users={}, actor=Actor.system("demo"))
    first = _load(org, personas)
    assert first["claims"] > 40 and first["rejected"] == 0
    assert first["off_design_sent"] == 1  # the one deliberately non-conforming line (below)
    claims = Claim.objects.all()
    assert claims.count() == first["claims"]
    small = claims.filter(amount_claimed__lte=Decimal(3000)).count()
    assert small / first["claims"] > 0.5  # small claims dominate
    assert Payment.objects.count() == first["payments"] > 0
    assert SupplementRequest.objects.count() == first["supplements"]
    assert CaseEvent.objects.filter(case_type="claims.claim").count() == first["events"]
    # the core system's feed, imported through the engine's events door as its integration
    events = CaseEvent.objects.filter(case_type="claims.claim")
    assert set(events.values_list("source", "source_system", "actor_name").distinct()) == {
        (CaseEvent.Source.IMPORT, SOURCE_SYSTEM, IMPORTER)
    }
    assert claims.exclude(external_ref="").count() == first["claims"]
    assert Deadline.objects.filter(case_type="claims.claim").count() == first["clocks"]
    assert IndicatorValue.objects.filter(code="claims.payout_ratio").exists()
    for c in claims.filter(status="closed")[:20]:
        assert c.closed_at and c.outcome and c.retain_until
    # every claim's decision clock exists once, computed as the kernel computes a live one: the
    # due day of a copied clock is the one deadline_build gives for its start, and a supplement
    # period is deducted (paused on delivery, resumed on the documents)
    assert Deadline.objects.filter(clock="claims.decide").count() == first["claims"]
    for d in Deadline.objects.filter(clock="claims.decide", state="met", pauses=[])[:10]:
        live = deadline_build(case_type=d.case_type, case_id=d.case_id, org_path=d.org_path,
                              clock=DECIDE, at=d.started_at, closed_at=d.closed_at)  # fmt: skip
        assert (d.due_at, d.last_day, d.state) == (live.due_at, live.last_day, live.state)
    fulfilled = SupplementRequest.objects.exclude(fulfilled_at=None).first()
    if fulfilled is not None:
        paused = Deadline.objects.get(clock="claims.decide", case_id=str(fulfilled.claim_id))
        assert datetime.fromisoformat(paused.pauses[0]["from"]) == fulfilled.delivered_at
        assert datetime.fromisoformat(paused.pauses[0]["to"]) == fulfilled.fulfilled_at
    # a demo claim opens on its page
    client = Client()
    client.force_login(personas["quality_lead"])
    one = claims.first()
    assert one is not None
    with time_machine.travel(NOW, tick=False):
        assert client.get(f"/claims/{one.pk}/").status_code == 200
    # the slow branch's document review stands out on the dashboard, unprompted
    with time_machine.travel(NOW, tick=False):
        start, end = timeliness.period_bounds(12)
        result = timeliness.timeliness(org["HO"], start, end)
    assert result.slow_spots and result.slow_spots[0].step == "review"
    assert result.slow_spots[0].branch.unit in (org["P2"], org["C2"])
    # the one non-conforming line (a payment reported during document review) was refused and
    # recorded as out of design, and the claims process's conformance view lists it
    (refused,) = Finding.objects.filter(kind=OUT_OF_DESIGN, case_type="claims.claim")
    assert (refused.data["action"], refused.data["from_state"]) == ("pay", "review")
    assert not CaseEvent.objects.filter(external_id=refused.data["external_id"]).exists()
    with time_machine.travel(NOW, tick=False):
        page = client.get("/process-management/claims.claim/").content.decode()
    section = page.split('id="refused"', 1)[1].split("</table>", 1)[0]
    assert "支付赔款" in section and "资料审核中" in section
    again = _load(org, personas)
    assert again["claims"] == 0 and again["off_design_sent"] == 0
    assert Claim.objects.count() == first["claims"]
    assert Finding.objects.filter(kind=OUT_OF_DESIGN).count() == 1
