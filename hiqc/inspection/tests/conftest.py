"""Interactions to sample: calls, consultations and complaints in March 2026 (Beijing time).

In C1 the ``agent`` persona answers calls (telephony id ``agent``, i.e. the username) and handles
consultations; the ``handler`` persona handles complaints. In P2 the ``outsider_agent`` does the
same, so scope can be checked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hiqc.callcentre.models import CallRecord
from hiqc.complaints.models import Complaint
from hiqc.consultations.models import Consultation, Topic
from hiqc.core.calendar import BEIJING
from hiqc.customers.services import customer_create

MARCH = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)  # a Monday


def make_call(org_unit, agent: str, n: int, *, handle_s: int = 200, at=None, queue="consultation"):
    offered = at or MARCH + timedelta(hours=n)
    answered = offered + timedelta(seconds=10)
    return CallRecord.objects.create(
        call_id=f"T-{org_unit.code}-{n:04d}",
        queue=queue,
        org_unit=org_unit,
        offered_at=offered,
        answered_at=answered,
        ended_at=answered + timedelta(seconds=handle_s),
        agent=agent,
        wait_s=10,
        handle_s=handle_s,
        offered_slot=int(offered.timestamp() // 900),
    )


def make_consultation(org_unit, assignee, n: int, *, customer=None, at=None, **extra):
    return Consultation.objects.create(
        number=f"TZX{org_unit.code}{n:05d}",
        status="resolved",
        org_unit=org_unit,
        channel="phone",
        customer=customer,
        topic=Topic.objects.get(code="claims.progress"),
        question="理赔进度？",
        answer="已审核",
        received_at=at or MARCH + timedelta(days=n % 20, hours=1),
        assignee=assignee,
        **extra,
    )


def make_complaint(org_unit, assignee, customer, n: int, *, at=None):
    return Complaint.objects.create(
        status="investigating",
        reference=f"TTS{org_unit.code}{n:05d}",
        org_unit=org_unit,
        complainant=customer,
        channel="phone",
        received_at=at or MARCH + timedelta(days=n % 20, hours=2),
        respondent_kind="branch",
        request="要求赔付",
        facts="拒赔理由不清",
        dispute_type="claims",
        product_line="medical",
        nature="contract_dispute",
        assignee=assignee,
    )


@pytest.fixture
def customers(actors, org):
    return {
        "C1": customer_create(
            actor=actors["agent"], org_unit_id=org["C1"].pk,
            data={"name": "赵六", "mobile": "13900001111"},
        ),
        "C1b": customer_create(
            actor=actors["agent"], org_unit_id=org["C1"].pk,
            data={"name": "钱七", "mobile": "13900002222"},
        ),
        "P2": customer_create(
            actor=actors["outsider_agent"], org_unit_id=org["P2"].pk,
            data={"name": "孙八", "mobile": "13900003333"},
        ),
    }  # fmt: skip


@pytest.fixture
def world(personas, org, customers):
    """C1: 10 calls (one long), 6 consultations (one converted, one repeat), 2 complaints;
    P2: 4 calls and 2 consultations of the outsider."""
    agent, handler, outsider = personas["agent"], personas["handler"], personas["outsider_agent"]
    calls = [make_call(org["C1"], "agent", n, handle_s=100 + n) for n in range(9)]
    calls.append(make_call(org["C1"], "agent", 9, handle_s=2000))  # the long one
    complaints = [make_complaint(org["C1"], handler, customers["C1"], n) for n in range(2)]
    consults = [make_consultation(org["C1"], agent, n) for n in range(3)]
    consults.append(
        make_consultation(org["C1"], agent, 3, complaint=complaints[0])  # converted
    )
    first = MARCH + timedelta(days=10)
    consults.append(make_consultation(org["C1"], agent, 4, customer=customers["C1b"], at=first))
    consults.append(  # the same customer again two days later: a repeat caller
        make_consultation(
            org["C1"], agent, 5, customer=customers["C1b"], at=first + timedelta(days=2)
        )
    )
    p2_calls = [make_call(org["P2"], "outsider_agent", n) for n in range(4)]
    p2_consults = [make_consultation(org["P2"], outsider, n) for n in range(2)]
    return {
        "calls": calls,
        "complaints": complaints,
        "consultations": consults,
        "p2_calls": p2_calls,
        "p2_consultations": p2_consults,
    }
