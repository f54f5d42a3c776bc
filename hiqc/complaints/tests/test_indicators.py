"""Complaint indicators (CP-1, CP-11; issue 4 §6)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from hiqc.complaints.services import complaint_act, complaint_register
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import cases_of, indicators_compute, rolled_up
from hiqc.customers.services import customer_create
from hiqc.organisations.models import BusinessVolume

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
MARCH = (datetime(2026, 3, 1, tzinfo=BEIJING), datetime(2026, 4, 1, tzinfo=BEIJING))


def make(actors, org, customer, *, at, decide_after_days=None, source="direct", unit="C1"):
    data = {
        "customer_id": str(customer.pk),
        "channel": "phone",
        "source": source,
        "forwarded_on": "2026-03-01" if source != "direct" else None,
        "request": "r",
        "facts": "f",
        "dispute_type": "claims",
        "product_line": "medical",
        "nature": "contract_dispute",
        "respondent_kind": "branch",
    }
    who = "handler" if unit == "C1" else "quality_lead"
    with time_machine.travel(at, tick=False):
        c = complaint_register(actor=actors[who], org_unit_id=org[unit].pk, data=data)
    if decide_after_days is not None:
        when = at + timedelta(days=decide_after_days)
        with time_machine.travel(when, tick=False):
            complaint_act(actor=actors["branch_manager"], complaint_id=c.pk, action="assign",
                          data={"assignee": str(actors["handler"].user_id)}, at=at)  # fmt: skip
            if decide_after_days > 15:
                complaint_act(actor=actors["handler"], complaint_id=c.pk, action="extend",
                              data={"reason": "复杂"}, at=at + timedelta(days=1))  # fmt: skip
            complaint_act(
                actor=actors["handler"],
                complaint_id=c.pk,
                action="decide",
                at=when,
                data={
                    "outcome": "upheld",
                    "root_cause": "claims.delay",
                    "facts_found": "x",
                    "basis": "y",
                    "decision_text": "z",
                },
            )
    return c


@pytest.fixture
def customer(actors, org):
    return customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "赵六"})


def month_value(code, org, unit="HO"):
    indicators_compute(codes=[code], granularity="month", start=MARCH[0], end=MARCH[1])
    rows = rolled_up(
        code, granularity="month", org_path=org[unit].path, start=MARCH[0], end=MARCH[1]
    )
    return rows[0] if rows else None


def test_on_time_rate_counts_decisions_within_the_extended_limit(actors, org, customer):
    make(actors, org, customer, at=T0, decide_after_days=5)
    make(
        actors, org, customer, at=T0 + timedelta(days=1), decide_after_days=20
    )  # extended: on time
    row = month_value("complaints.decided_on_time_rate", org)
    assert (row["numerator"], row["denominator"]) == (2, 2)


def test_average_days_to_decision_is_total_days_over_decisions(actors, org, customer):
    make(actors, org, customer, at=T0, decide_after_days=4)
    make(actors, org, customer, at=T0, decide_after_days=10)
    assert month_value("complaints.avg_days_to_decision", org)["value"] == pytest.approx(7)


def test_complaints_per_100m_premium_divides_by_the_months_premium(actors, org, customer):
    from datetime import date

    for _ in range(3):
        make(actors, org, customer, at=T0)
    BusinessVolume.objects.create(org_unit=org["C1"], month=date(2026, 3, 1),
                                  premium_yuan=Decimal("150000000"), policies_in_force=60000,
                                  insured_persons=90000)  # fmt: skip
    # a unit with premium and no complaints still counts in the denominator of the roll-up
    BusinessVolume.objects.create(org_unit=org["C2"], month=date(2026, 3, 1),
                                  premium_yuan=Decimal("50000000"), policies_in_force=40000,
                                  insured_persons=60000)  # fmt: skip
    assert month_value("complaints.per_100m_premium", org)["value"] == pytest.approx(3 / 2)
    assert month_value("complaints.per_10k_policies", org)["value"] == pytest.approx(3 / 10)
    assert month_value("complaints.per_10k_insured", org)["value"] == pytest.approx(3 / 15)
    assert month_value("complaints.per_100m_premium", org, "P1")["value"] == pytest.approx(2)


def test_repeat_rate_and_regulator_share(actors, org, customer):
    make(actors, org, customer, at=T0)
    make(actors, org, customer, at=T0 + timedelta(days=2), source="regulator")
    assert month_value("complaints.repeat_rate", org)["value"] == pytest.approx(0.5)
    assert month_value("complaints.regulator_share", org)["value"] == pytest.approx(0.5)


def test_p90_days_is_read_from_the_decided_complaints_of_the_subtree(actors, org, customer):
    for days in (2, 3, 4, 5, 6, 7, 8, 9, 10, 12):
        make(actors, org, customer, at=T0, decide_after_days=days)
    rows = rolled_up("complaints.p90_days_to_decision", granularity="month",
                     org_path=org["P1"].path, start=MARCH[0], end=MARCH[1])  # fmt: skip
    assert len(rows) == 1
    assert (rows[0]["value"], rows[0]["denominator"]) == (pytest.approx(10), 10)
    assert rolled_up("complaints.p90_days_to_decision", granularity="month",
                     org_path=org["P2"].path, start=MARCH[0], end=MARCH[1]) == []  # fmt: skip


def test_repeat_and_regulator_cases_list_the_complaints_counted_against_the_figure_first(
    actors, org, customer
):
    first = make(actors, org, customer, at=T0)
    repeat = make(actors, org, customer, at=T0 + timedelta(days=2), source="regulator")

    repeats = cases_of("complaints.repeat_rate", org["HO"].path, *MARCH)
    forwarded = cases_of("complaints.regulator_share", org["HO"].path, *MARCH)

    assert [(c.label, c.counted, c.bad) for c in repeats] == [
        (repeat.reference, "重复投诉", True), (first.reference, "非重复", False)
    ]  # fmt: skip
    assert [(c.label, c.counted) for c in forwarded] == [(repeat.reference, "监管转送"),
                                                         (first.reference, "直接投诉")]  # fmt: skip
    assert cases_of("complaints.repeat_rate", org["P2"].path, *MARCH) == []


def test_days_to_decision_cases_are_the_decided_complaints_the_longest_first(actors, org, customer):
    quick = make(actors, org, customer, at=T0, decide_after_days=3)
    slow = make(actors, org, customer, at=T0, decide_after_days=10)
    make(actors, org, customer, at=T0)  # undecided: not counted

    for code in ("complaints.avg_days_to_decision", "complaints.p90_days_to_decision"):
        cases = cases_of(code, org["HO"].path, *MARCH)
        assert [(c.label, c.counted) for c in cases] == [(slow.reference, "10.0 天"),
                                                         (quick.reference, "3.0 天")]  # fmt: skip
