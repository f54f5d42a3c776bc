"""Equipment operators (standard 8.2.6; issue 19 §7): a requirement per category (or item) names
a qualification of the people chapter; naming an operator without a current certificate is
refused on the field with the reason; a lapsed or expiring certificate shows on the gaps list,
computed on the day. Certificates are written by model label: facilities imports no domain."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.qualifications import qualification_demands
from hiqc.facilities.equipment.services import equipment_create
from hiqc.facilities.operators import (
    equipment_operators_set,
    operator_gaps,
    operator_requirement_set,
    operator_requirements_seed,
)
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
DAY = datetime(2027, 3, 10, 10, tzinfo=BEIJING)


def certificate(user, code, issued: date, expires: date):
    return apps.get_model("people", "Certificate").objects.create(
        user=user, org_unit=user.org_unit, qualification=code, issued_on=issued,
        expires_on=expires, source="granted", issued_by="trainer")  # fmt: skip


@pytest.fixture
def switch(actors, org):
    operator_requirements_seed()
    with time_machine.travel(DAY, tick=False):
        return equipment_create(actor=actors["facility"], data={
            "asset_number": "EQ-T1", "name": "坐席电话交换机", "category": "telephony",
            "org_unit": org["O1"].pk, "purchase_date": "2024-01-01"})  # fmt: skip


@pytest.fixture
def other(org):
    """An outlet of P2 with a telephony switch and P2's facility administrator."""
    o2 = OrgUnit.objects.create(code="O2", name="陆家嘴营业部", name_en="O2", level=OrgLevel.OUTLET,
                                parent=org["C2"], path="0001/0002/0001/0001/")  # fmt: skip
    user = User.objects.create_user(username="facility_p2", password="x" * 20,
                                    org_unit=org["P2"], display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.FACILITY_ADMIN, org_unit=org["P2"])
    with time_machine.travel(DAY, tick=False):
        item = equipment_create(actor=Actor.system("t"), data={
            "asset_number": "EQ-T2", "name": "交换机", "category": "telephony",
            "org_unit": o2.pk, "purchase_date": "2024-01-01"})  # fmt: skip
    return {"outlet": o2, "user": user, "item": item}


def test_an_operator_without_a_current_qualification_is_refused_on_the_field(
    actors, personas, switch
):
    agent, handler = personas["agent"], personas["handler"]
    certificate(handler, "telephony_operator", date(2024, 1, 1), date(2027, 3, 1))  # lapsed
    with time_machine.travel(DAY, tick=False):
        with pytest.raises(ValidationFailed) as missing:
            equipment_operators_set(actor=actors["facility"], equipment_id=switch.pk,
                                    user_ids=[agent.pk])  # fmt: skip
        assert missing.value.code == "not_qualified"
        assert "agent" in missing.value.fields["operators"][0]
        assert "电话与呼叫系统操作培训合格" in missing.value.fields["operators"][0]
        with pytest.raises(ValidationFailed) as lapsed:
            equipment_operators_set(actor=actors["facility"], equipment_id=switch.pk,
                                    user_ids=[handler.pk])  # fmt: skip
        assert "2027-03-01" in lapsed.value.fields["operators"][0]
        assert not switch.operators.exists()
        certificate(agent, "telephony_operator", date(2027, 1, 1), date(2029, 1, 1))
        ops = equipment_operators_set(actor=actors["facility"], equipment_id=switch.pk,
                                      user_ids=[agent.pk])  # fmt: skip
        assert [o.user_id for o in ops] == [agent.pk]
        # an item that needs no qualification takes anyone in scope
        pc = equipment_create(actor=actors["facility"], data={
            "asset_number": "EQ-P1", "name": "电脑", "category": "pc",
            "org_unit": switch.org_unit_id})  # fmt: skip
        equipment_operators_set(actor=actors["facility"], equipment_id=pc.pk,
                                user_ids=[handler.pk])  # fmt: skip


def test_a_lapse_shows_on_the_gaps_list_computed_on_the_day(actors, personas, switch):
    agent = personas["agent"]
    certificate(agent, "telephony_operator", date(2027, 1, 1), date(2027, 4, 30))
    facility = actors["facility"]
    with time_machine.travel(DAY, tick=False):
        assert [r["state"] for r in operator_gaps(facility)] == ["no_operator"]
        equipment_operators_set(actor=facility, equipment_id=switch.pk, user_ids=[agent.pk])
        assert operator_gaps(facility) == []  # 51 days left: outside the 30-day window
        rows = operator_gaps(facility, days=60)
        assert [(r["state"], r["expires_on"]) for r in rows] == [("expiring",
                                                                  date(2027, 4, 30))]  # fmt: skip
    with time_machine.travel(datetime(2027, 4, 30, 23, 30, tzinfo=BEIJING), tick=False):
        assert [r["state"] for r in operator_gaps(facility)] == ["expiring"]  # its last day
    with time_machine.travel(datetime(2027, 5, 1, 0, 30, tzinfo=BEIJING), tick=False):
        rows = operator_gaps(facility)
        assert [(r["asset_number"], r["operator"], r["state"]) for r in rows] == [
            ("EQ-T1", "agent", "lapsed")
        ]
        # nothing is stored: renewing the certificate clears the gap
        certificate(agent, "telephony_operator", date(2027, 4, 20), date(2029, 4, 19))
        assert operator_gaps(facility) == []
    demand = qualification_demands()
    assert [(d.user_id, d.qualification) for d in demand] == [(str(agent.pk),
                                                               "telephony_operator")]  # fmt: skip


def test_requirements_are_data_edited_by_head_office_or_per_item(actors, personas, org, switch):
    with pytest.raises(Forbidden):  # a category rule is head office's
        operator_requirement_set(actor=actors["facility"], data={
            "category": "pc", "qualification": "telephony_operator"})  # fmt: skip
    head = User.objects.create_user(username="facility_ho", password="x" * 20,
                                    org_unit=org["HO"], display_name="ho")  # fmt: skip
    Membership.objects.create(user=head, role=Role.FACILITY_ADMIN, org_unit=org["HO"])
    client = client_for(head)
    bad = client.put(f"{API}/operator-requirements", data=json.dumps(
        {"category": "pc", "qualification": "nope"}), content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "qualification" in bad.json()["fields"]
    ok = client.put(f"{API}/operator-requirements", data=json.dumps(
        {"category": "pc", "qualification": "self_service_operator"}),
        content_type="application/json")  # fmt: skip
    assert ok.status_code == 200
    assert {r["category"]: r["qualification"] for r in ok.json()} == {
        "telephony": "telephony_operator", "self_service": "self_service_operator",
        "pc": "self_service_operator"}  # fmt: skip
    # an item's own rule overrides its category; blank removes it
    operator_requirement_set(actor=actors["facility"], data={
        "equipment": switch.pk, "qualification": "self_service_operator"})  # fmt: skip
    with time_machine.travel(DAY, tick=False):
        assert operator_gaps(actors["facility"])[0]["qualification"] == "self_service_operator"
    operator_requirement_set(actor=actors["facility"], data={"equipment": switch.pk})
    with time_machine.travel(DAY, tick=False):
        assert operator_gaps(actors["facility"])[0]["qualification"] == "telephony_operator"
    codes = [q["code"] for q in client.get(f"{API}/operator-qualifications").json()]
    assert "telephony_operator" in codes and "complaint_handler" in codes


def test_operators_api_permissions_and_the_same_404_for_another_branch(personas, switch, other):
    agent = personas["agent"]
    certificate(agent, "telephony_operator", date(2026, 1, 1), date(2029, 1, 1))
    url = f"{API}/equipment/{switch.pk}/operators"
    body = json.dumps({"operators": [str(agent.pk)]})
    with time_machine.travel(DAY, tick=False):
        facility = client_for(personas["facility"])
        put = facility.put(url, data=body, content_type="application/json")
        assert put.status_code == 200, put.content
        got = facility.get(url).json()
        assert got["qualification"] == "telephony_operator"
        assert [(o["username"], o["state"]) for o in got["operators"]] == [("agent", "current")]
        refused = facility.put(url, data=json.dumps({"operators": [str(personas["handler"].pk)]}),
                               content_type="application/json")  # fmt: skip
        assert refused.status_code == 422 and "operators" in refused.json()["fields"]
        # someone outside the actor's scope is not found, in the same words as a random id
        outsider = facility.put(url, data=json.dumps({"operators": [str(other["user"].pk)]}),
                                content_type="application/json")  # fmt: skip
        assert outsider.status_code == 422 and "不存在" in outsider.json()["fields"]["operators"][0]
        auditor = client_for(personas["auditor"])
        assert auditor.get(url).status_code == 200
        assert auditor.put(url, data=body, content_type="application/json").status_code == 403
        for item_id in (other["item"].pk, uuid.uuid4()):  # theirs, then a random id
            answers = [facility.get(f"{API}/equipment/{item_id}/operators"),
                       facility.put(f"{API}/equipment/{item_id}/operators", data=body,
                                    content_type="application/json")]  # fmt: skip
            assert [a.status_code for a in answers] == [404, 404]
            if item_id == other["item"].pk:
                theirs = [a.content for a in answers]
        assert theirs == [a.content for a in answers]
        gaps = facility.get(f"{API}/operator-gaps").json()
        assert gaps["items"] == []  # P2's switch without operators is not the C1 admin's
        p2 = client_for(other["user"]).get(f"{API}/operator-gaps").json()["items"]
        assert [(g["asset_number"], g["state"]) for g in p2] == [("EQ-T2", "no_operator")]


def test_the_operator_pages(personas, switch):
    agent = personas["agent"]
    with time_machine.travel(DAY, tick=False):
        facility = client_for(personas["facility"])
        page = facility.get("/facilities/operators/")
        assert page.status_code == 200 and "EQ-T1" in page.content.decode()
        assert "未指定操作人员" in page.content.decode()
        item = facility.get(f"/facilities/equipment/{switch.pk}/operators/")
        assert item.status_code == 200 and "operators-form" in item.content.decode()
        refused = facility.post(f"/facilities/equipment/{switch.pk}/operators/",
                                {"operators": [str(agent.pk)]})  # fmt: skip
        assert (
            refused.status_code == 422 and "电话与呼叫系统操作培训合格" in refused.content.decode()
        )
        certificate(agent, "telephony_operator", date(2026, 1, 1), date(2029, 1, 1))
        done = facility.post(f"/facilities/equipment/{switch.pk}/operators/",
                             {"operators": [str(agent.pk)]})  # fmt: skip
        assert done.status_code == 302
        assert "EQ-T1" not in facility.get("/facilities/operators/").content.decode()
