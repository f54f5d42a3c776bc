"""Customers, consultations and call agents' ids under the one retention job (standard
6.1.3(3); PIPL arts. 19, 47; issue 21 §2; ADR 0031): a customer is anonymised only when nothing
retained needs them any more — the kernel asks each domain's reference provider."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from hiqc.callcentre.models import CallRecord
from hiqc.claimaudit.tests.factories import make_policy
from hiqc.consultations.models import Consultation, Topic
from hiqc.core.calendar import BEIJING
from hiqc.core.models import AuditEvent, RetentionReport
from hiqc.core.retention import legal_hold_place, pending_report, retention_daily
from hiqc.customers.models import Customer
from hiqc.customers.retention import ANONYMISED_NAME
from hiqc.policies.models import Policy, PolicyInsured

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING)  # the dry run is for 2026-12-14
LONG_AGO = datetime(2020, 1, 1, 9, 0, tzinfo=BEIJING)


def _customer(unit, name: str, *, at: datetime = LONG_AGO) -> Customer:
    c = Customer.objects.create(
        org_unit=unit, name=name, id_number="11010519491231002X", mobile="13812345678"
    )
    Customer.objects.filter(pk=c.pk).update(updated_at=at)
    return Customer.objects.get(pk=c.pk)


def _consultation(unit, number: str, *, resolved: datetime | None, customer=None) -> Consultation:
    return Consultation.objects.create(
        number=number,
        org_unit=unit,
        channel="phone",
        customer=customer,
        contact_name="李先生",
        contact_mobile="13900001111",
        topic=Topic.objects.order_by("code").first(),
        question="保单何时生效？",
        answer="次日零时生效。",
        received_at=(resolved or NOW) - timedelta(hours=1),
        resolved_at=resolved,
        status="resolved" if resolved else "received",
        recording_ref="REC-1",
    )


def _listed(code: str) -> list[str]:
    """The ids the newest dry run lists for ``code``."""
    report = RetentionReport.objects.order_by("-as_of", "-id").first()
    assert report is not None
    return report.items[code]["ids"]


@pytest.fixture
def people(org):
    """At C1: a customer named by nothing (due), one holding a policy that ended in 2023 (kept
    by CL-9), one only named by an old consultation, one written recently (kept)."""
    unit = org["C1"]
    free = _customer(unit, "甲")
    policy = make_policy(unit)
    Policy.objects.filter(pk=policy.pk).update(
        holder=_customer(unit, "乙"), start_date=date(2023, 1, 1), end_date=date(2023, 12, 31)
    )
    old = _consultation(unit, "ZX-OLD", resolved=datetime(2021, 3, 1, 9, tzinfo=BEIJING))
    Consultation.objects.filter(pk=old.pk).update(customer=_customer(unit, "丙"))
    recent = _customer(unit, "丁", at=NOW - timedelta(days=30))
    return {
        "free": free,
        "policy": Policy.objects.get(pk=policy.pk),
        "old": Consultation.objects.get(pk=old.pk),
        "recent": recent,
    }


def test_a_customer_nothing_retained_needs_is_listed_then_anonymised_on_the_day(people):
    # given: the dry run a week ahead
    retention_daily(now=NOW)
    customers = _listed("customers.customers")
    consultations = _listed("consultations.records")
    # then: the free customer and the old consultation are listed; the policy holder is not
    assert str(people["free"].pk) in customers
    assert str(people["policy"].holder_id) not in customers
    assert str(people["recent"].pk) not in customers
    assert consultations == [str(people["old"].pk)]
    # the consultation's customer is still needed by it on the day of this report
    assert str(people["old"].customer_id) not in customers
    # when the day comes
    done = retention_daily(now=NOW + timedelta(days=7))
    assert done["applied"]["customers.customers"] == 1
    gone = Customer.objects.get(pk=people["free"].pk)
    assert gone.anonymised_at is not None
    assert (gone.name, gone.id_number, gone.id_number_hash, gone.mobile) == (
        ANONYMISED_NAME,
        "",
        "",
        "",
    )
    old = Consultation.objects.get(pk=people["old"].pk)
    assert (old.contact_name, old.contact_mobile, old.question, old.recording_ref) == (
        "",
        "",
        "",
        "",
    )
    assert old.anonymised_at is not None and old.topic_id is not None  # the statistics stay
    assert Customer.objects.get(pk=people["policy"].holder_id).anonymised_at is None
    event = AuditEvent.objects.get(
        action="privacy.retention.apply", data__policy="customers.customers"
    )
    assert event.data == {"policy": "customers.customers", "listed": 1, "removed": 1}
    # and once the consultation is anonymised, its customer is listed by the next run
    retention_daily(now=NOW + timedelta(days=8))
    assert str(people["old"].customer_id) in _listed("customers.customers")


def test_a_policy_holder_is_kept_five_years_after_a_one_year_policy_ends(people):
    holder = people["policy"].holder_id
    # policy ended 2023-12-31: kept through 2028-12-31, listed for 2029-01-01
    with time_machine.travel(datetime(2028, 12, 24, 10, tzinfo=BEIJING), tick=False):
        retention_daily()
        assert str(holder) not in _listed("customers.customers")
    with time_machine.travel(datetime(2028, 12, 25, 10, tzinfo=BEIJING), tick=False):
        retention_daily()
        assert str(holder) in _listed("customers.customers")


def test_a_long_term_policy_keeps_its_insured_ten_years(people, org):
    policy = people["policy"]
    insured = _customer(org["C1"], "戊")
    PolicyInsured.objects.create(policy=policy, customer=insured)
    Policy.objects.filter(pk=policy.pk).update(start_date=date(2019, 1, 1))  # a 5-year term
    with time_machine.travel(datetime(2030, 6, 1, 10, tzinfo=BEIJING), tick=False):
        retention_daily()
        assert str(insured.pk) not in _listed("customers.customers")
        assert str(policy.holder_id) not in _listed("customers.customers")


def test_a_customer_named_by_an_open_claim_is_never_listed(org):
    from hiqc.claimaudit.tests.factories import decided_claims

    claim = decided_claims(org["C1"], 1)[0]
    Customer.objects.filter(pk=claim.claimant_id).update(updated_at=LONG_AGO)
    Policy.objects.filter(pk=claim.policy_id).update(
        start_date=date(2018, 1, 1), end_date=date(2018, 12, 31)
    )
    retention_daily(now=NOW)
    assert str(claim.claimant_id) not in _listed("customers.customers")


def test_a_legal_hold_on_a_consultation_spares_it_and_its_customer(people, actors):
    old = people["old"]
    legal_hold_place(
        actor=actors["compliance"], case_type="consultations.consultation", number=old.number,
        reason="诉讼",
    )  # fmt: skip
    retention_daily(now=NOW)
    assert pending_report().items["consultations.records"]["held"] == 1
    retention_daily(now=NOW + timedelta(days=7))
    retention_daily(now=NOW + timedelta(days=8))
    retention_daily(now=NOW + timedelta(days=15))
    assert Consultation.objects.get(pk=old.pk).anonymised_at is None
    assert Customer.objects.get(pk=old.customer_id).anonymised_at is None


def test_an_open_consultation_is_never_due(org):
    _consultation(org["C1"], "ZX-OPEN", resolved=None)
    with time_machine.travel(datetime(2040, 1, 1, 10, tzinfo=BEIJING), tick=False):
        retention_daily()
        assert _listed("consultations.records") == []


def _call(unit, call_id: str, at: datetime, agent: str = "A007") -> CallRecord:
    return CallRecord.objects.create(
        call_id=call_id, queue="consultation", org_unit=unit, offered_at=at,
        answered_at=at + timedelta(seconds=5), ended_at=at + timedelta(seconds=65),
        agent=agent, wait_s=5, handle_s=60, offered_slot=0,
    )  # fmt: skip


def test_call_agent_ids_are_emptied_two_years_after_the_call_and_the_row_stays(org):
    old = _call(org["C1"], "C-OLD", datetime(2024, 12, 13, 23, 0, tzinfo=BEIJING))
    edge = _call(org["C1"], "C-EDGE", datetime(2024, 12, 14, 0, 0, tzinfo=BEIJING))
    retention_daily(now=NOW)  # for 2026-12-14: calls before 2024-12-14 (Beijing)
    assert _listed("callcentre.calls") == [str(old.pk)]
    retention_daily(now=NOW + timedelta(days=7))
    old.refresh_from_db()
    edge.refresh_from_db()
    assert (old.agent, old.handle_s, edge.agent) == ("", 60, "A007")


@pytest.mark.parametrize(
    "today",
    [
        datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING),
        datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING),
        datetime(2028, 2, 29, 12, 0, tzinfo=BEIJING),
        datetime(2027, 4, 30, 23, 59, tzinfo=BEIJING),
    ],
)
def test_the_new_policies_run_on_awkward_days(people, today):
    with time_machine.travel(today, tick=False):
        out = retention_daily()
    assert out["report"] is not None
    assert Decimal(out["report"]["listed"]) >= 1


def test_every_domain_that_names_customers_registers_a_reference_provider():
    from hiqc.core.retention import reference_codes

    assert reference_codes("customers.Customer") == [
        "claims.files",
        "complaints.files",
        "consultations.records",
        "policies.files",
    ]
