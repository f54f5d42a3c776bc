"""The qualifications other chapters' work needs (8.2.6; issue 19 §7), shown beside the required
training: a domain registers a demand in the kernel (``hiqc.core.qualifications``) — here a
stand-in, as this app names no domain — and the list says, per person and qualification, why
and the state of their certificate today, in the reader's scope."""

from __future__ import annotations

from datetime import date

import pytest

from hiqc.core import qualifications
from hiqc.core.qualifications import QualificationDemand
from hiqc.people.enums import Qualification
from hiqc.people.required import required_qualifications
from hiqc.people.services import certificate_issue

pytestmark = pytest.mark.django_db
TODAY = date(2027, 2, 28)


@pytest.fixture
def demand(personas, org, monkeypatch):
    def demands():
        return [
            QualificationDemand(str(personas["agent"].pk), Qualification.TELEPHONY_OPERATOR,
                                "操作设备 EQ-1 交换机", org["O1"].path),
            QualificationDemand(str(personas["handler"].pk), Qualification.TELEPHONY_OPERATOR,
                                "操作设备 EQ-1 交换机", org["O1"].path),
            QualificationDemand(str(personas["outsider_agent"].pk),
                                Qualification.SELF_SERVICE_OPERATOR, "操作设备 EQ-9 终端",
                                org["P2"].path),
        ]  # fmt: skip

    monkeypatch.setitem(qualifications._DEMANDS, "test", demands)


def test_required_qualifications_list_who_needs_what_and_the_certificate_state(
    actors, personas, demand
):
    certificate_issue(actor=actors["trainer"], data={
        "user": str(personas["agent"].pk), "qualification": Qualification.TELEPHONY_OPERATOR,
        "issued_on": date(2025, 1, 1), "expires_on": date(2027, 3, 10)})  # fmt: skip
    rows = required_qualifications(actors["trainer"], today=TODAY)
    assert [(r["name"], r["qualification"], r["state"]) for r in rows] == [
        ("outsider_agent", "self_service_operator", "missing"),
        ("handler", "telephony_operator", "missing"),
        ("agent", "telephony_operator", "expiring"),
    ]
    assert rows[-1]["reasons"] == ["操作设备 EQ-1 交换机"] and rows[-1]["expires_on"] == date(
        2027, 3, 10
    )


def test_the_required_training_page_and_api_show_them(personas, demand):
    from django.test import Client

    client = Client()
    client.force_login(personas["trainer"])
    page = client.get("/people/training/required/")
    assert page.status_code == 200 and "操作设备 EQ-1 交换机" in page.content.decode()
    api = client.get("/api/v1/training/required/qualifications").json()
    assert {r["qualification"] for r in api["items"]} == {"telephony_operator",
                                                         "self_service_operator"}  # fmt: skip
