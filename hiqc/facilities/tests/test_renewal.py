"""Renewal plans (standard 8.3.6; issue 19 §8): suggestions computed from age against the
category's service life (a rule) and from the fault count of the last twelve months (a rule),
budget totals per year (Σ, dropped left out), the plan's states and who may move them, and a
completed plan that disposes of the old item (a 报废 entry) and links the replacement."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.services import rule_override_set
from hiqc.facilities.equipment.services import equipment_create, equipment_event_record
from hiqc.facilities.renewal import (
    renewal_budget,
    renewal_plan_create,
    renewal_plan_update,
    renewal_suggestions,
    years_before,
)
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
MOMENTS = ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]


def _item(actor, org, asset, category, bought: date | None, unit="O1"):
    return equipment_create(actor=actor, data={
        "asset_number": asset, "name": asset, "category": category, "org_unit": org[unit].pk,
        "purchase_date": bought.isoformat() if bought else "", "purchase_cost": "1000"})  # fmt: skip


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


@pytest.mark.parametrize("moment", MOMENTS)
def test_suggestions_by_age_against_the_category_service_life(actors, org, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        today = _today()
        facility = actors["facility"]
        _item(facility, org, "PC-OLD", "pc", years_before(today, 5))  # exactly five years: due
        _item(facility, org, "PC-YOUNG", "pc", years_before(today, 5) + timedelta(days=1))
        _item(facility, org, "TEL-6Y", "telephony", years_before(today, 6))  # life 8 years
        _item(facility, org, "NO-DATE", "pc", None)
        rows = renewal_suggestions(facility)
        assert [(r["asset_number"], r["reasons"], r["age_years"]) for r in rows] == [
            ("PC-OLD", ["age"], 5)
        ]
        rule_override_set(actor=Actor.system("t"), key="facilities.renewal.life.telephony",
                          value=6, reason="测试使用年限")  # fmt: skip
        assert [r["asset_number"] for r in renewal_suggestions(facility)] == ["PC-OLD", "TEL-6Y"]


def test_suggestions_by_fault_count_in_the_last_twelve_months(actors, org):
    with time_machine.travel(datetime(2027, 3, 31, 18, tzinfo=BEIJING), tick=False):
        facility = actors["facility"]
        today = _today()
        busy = _item(facility, org, "Q-BUSY", "queue", date(2025, 1, 1))
        calm = _item(facility, org, "Q-CALM", "queue", date(2025, 1, 1))

        def fault(item, on):
            equipment_event_record(actor=facility, equipment_id=item.pk, data={
                "kind": "fault", "happened_on": on.isoformat()})  # fmt: skip
            equipment_event_record(actor=facility, equipment_id=item.pk, data={
                "kind": "repaired", "happened_on": on.isoformat()})  # fmt: skip

        for days in (10, 100, 364):
            fault(busy, today - timedelta(days=days))
        for days in (10, 100, 365):  # a year ago to the day is outside the last twelve months
            fault(calm, today - timedelta(days=days))
        rows = renewal_suggestions(facility)
        assert [(r["asset_number"], r["reasons"], r["faults_12m"]) for r in rows] == [
            ("Q-BUSY", ["faults"], 3)
        ]
        rule_override_set(actor=Actor.system("t"), key="facilities.renewal.fault_threshold",
                          value=2, reason="测试故障阈值")  # fmt: skip
        assert [r["asset_number"] for r in renewal_suggestions(facility)] == ["Q-BUSY", "Q-CALM"]
        # an item in an open plan is no longer suggested
        renewal_plan_create(actor=facility, data={
            "org_unit": org["O1"].pk, "items": [busy.pk], "budget_year": today.year,
            "reason": "faults", "estimated_cost": "9000"})  # fmt: skip
        assert [r["asset_number"] for r in renewal_suggestions(facility)] == ["Q-CALM"]


def test_budget_totals_per_year_leave_dropped_plans_out(actors, org):
    facility = actors["facility"]
    year = _today().year
    items = [_item(facility, org, f"B-{n}", "pc", date(2020, 1, 1)) for n in range(4)]

    def plan(item, y, cost):
        return renewal_plan_create(actor=facility, data={
            "org_unit": org["C1"].pk, "items": [item.pk], "budget_year": y, "reason": "age",
            "estimated_cost": cost})  # fmt: skip

    plan(items[0], year, "1000.50")
    approved = plan(items[1], year, "2000")
    renewal_plan_update(actor=actors["branch_manager"], plan_id=approved.pk,
                        data={"state": "approved"})  # fmt: skip
    plan(items[2], year + 1, "300")
    dropped = plan(items[3], year + 1, "99999")
    renewal_plan_update(actor=facility, plan_id=dropped.pk, data={"state": "dropped"})
    assert renewal_budget(facility) == [
        {"budget_year": year + 1, "planned": Decimal("300.00"), "approved": Decimal(0),
         "done": Decimal(0), "total": Decimal("300.00"), "plans": 1},
        {"budget_year": year, "planned": Decimal("1000.50"), "approved": Decimal("2000.00"),
         "done": Decimal(0), "total": Decimal("3000.50"), "plans": 2},
    ]  # fmt: skip
    # a dropped plan's item may be planned again
    plan(items[3], year + 1, "500")


def test_a_completed_plan_disposes_of_the_old_item_and_links_the_replacement(actors, org):
    facility, manager = actors["facility"], actors["branch_manager"]
    old = _item(facility, org, "OLD-1", "pc", date(2019, 5, 1))
    new = _item(facility, org, "NEW-1", "pc", _today())
    plan = renewal_plan_create(actor=facility, data={
        "org_unit": org["O1"].pk, "items": [old.pk], "budget_year": _today().year,
        "reason": "age", "estimated_cost": "5200"})  # fmt: skip
    with pytest.raises(Conflict):  # done only once approved
        renewal_plan_update(actor=facility, plan_id=plan.pk, data={"state": "done"})
    with pytest.raises(Forbidden):  # approving is the branch manager's
        renewal_plan_update(actor=facility, plan_id=plan.pk, data={"state": "approved"})
    renewal_plan_update(actor=manager, plan_id=plan.pk, data={"state": "approved"})
    plan.refresh_from_db()
    assert (plan.state, plan.approved_by) == ("approved", "branch_manager")
    with pytest.raises(Conflict):  # no edits once approved
        renewal_plan_update(actor=facility, plan_id=plan.pk, data={"estimated_cost": "1"})
    with pytest.raises(ValidationFailed) as bad:
        renewal_plan_update(actor=facility, plan_id=plan.pk, data={
            "state": "done", "replacement": old.pk, "dispose_old": True})  # fmt: skip
    assert "replacement" in bad.value.fields
    renewal_plan_update(actor=facility, plan_id=plan.pk, data={
        "state": "done", "replacement": new.pk, "dispose_old": True})  # fmt: skip
    plan.refresh_from_db()
    old.refresh_from_db()
    assert (plan.state, plan.replacement_id, plan.done_on) == ("done", new.pk, _today())
    assert old.state == "disposed"
    last = old.events.order_by("-happened_on", "-created_at").first()
    assert last.kind == "disposed" and "NEW-1" in last.note
    with pytest.raises(Conflict):
        renewal_plan_update(actor=manager, plan_id=plan.pk, data={"state": "planned"})


def test_plan_errors_name_the_field(actors, org):
    facility = actors["facility"]
    with pytest.raises(ValidationFailed) as bad:
        renewal_plan_create(actor=facility, data={
            "org_unit": org["O1"].pk, "items": [uuid.uuid4()], "budget_year": 1999,
            "reason": "x", "estimated_cost": "-1"})  # fmt: skip
    assert set(bad.value.fields) == {"items", "budget_year", "reason", "estimated_cost"}
    assert "第 1 台设备不存在" in bad.value.fields["items"][0]


@pytest.fixture
def other(org):
    o2 = OrgUnit.objects.create(code="O2", name="陆家嘴营业部", name_en="O2", level=OrgLevel.OUTLET,
                                parent=org["C2"], path="0001/0002/0001/0001/")  # fmt: skip
    user = User.objects.create_user(username="facility_p2", password="x" * 20,
                                    org_unit=org["P2"], display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.FACILITY_ADMIN, org_unit=org["P2"])
    system = Actor.system("t")
    item = equipment_create(actor=system, data={
        "asset_number": "P2-1", "name": "电脑", "category": "pc", "org_unit": o2.pk,
        "purchase_date": "2018-01-01"})  # fmt: skip
    plan = renewal_plan_create(actor=system, data={
        "org_unit": o2.pk, "items": [item.pk], "budget_year": _today().year, "reason": "age",
        "estimated_cost": "100"})  # fmt: skip
    return {"outlet": o2, "user": user, "item": item, "plan": plan}


def test_renewal_api_permissions_and_the_same_404_for_another_branch(personas, org, other):
    facility = client_for(personas["facility"])
    item = _item(Actor.system("t"), org, "C1-1", "pc", date(2018, 1, 1))
    body = {"org_unit": str(org["O1"].pk), "items": [str(item.pk)],
            "budget_year": _today().year + 1, "reason": "age", "estimated_cost": 4800.5}  # fmt: skip
    auditor = client_for(personas["auditor"])
    assert auditor.post(f"{API}/renewal-plans", data=json.dumps(body),
                        content_type="application/json").status_code == 403  # fmt: skip
    # another branch's item is refused on the field like a missing one
    theirs = facility.post(f"{API}/renewal-plans", data=json.dumps(
        {**body, "items": [str(other["item"].pk)]}), content_type="application/json")  # fmt: skip
    assert theirs.status_code == 422 and "items" in theirs.json()["fields"]
    made = facility.post(f"{API}/renewal-plans", data=json.dumps(body),
                         content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    plan = made.json()
    assert plan["estimated_cost"] == "4800.50" and plan["items"] == [str(item.pk)]
    listed = facility.get(f"{API}/renewal-plans").json()["items"]
    assert [p["id"] for p in listed] == [plan["id"]]  # P2's plan is not listed
    put = facility.put(f"{API}/renewal-plans/{plan['id']}", data=json.dumps({"state": "approved"}),
                       content_type="application/json")  # fmt: skip
    assert put.status_code == 403
    manager = client_for(personas["branch_manager"])
    put = manager.put(f"{API}/renewal-plans/{plan['id']}", data=json.dumps({"state": "approved"}),
                      content_type="application/json")  # fmt: skip
    assert put.status_code == 200 and put.json()["approved_by"] == "branch_manager"
    stale = facility.put(f"{API}/renewal-plans/{plan['id']}", data=json.dumps(
        {"state": "planned", "budget_year": 2030}), content_type="application/json")  # fmt: skip
    assert stale.status_code in (403, 409)
    answers = {}
    for name, plan_id in (("theirs", other["plan"].pk), ("random", uuid.uuid4())):
        answers[name] = [
            facility.get(f"{API}/renewal-plans/{plan_id}"),
            facility.put(f"{API}/renewal-plans/{plan_id}", data=json.dumps({"note": "x"}),
                         content_type="application/json"),
        ]  # fmt: skip
    assert [a.status_code for a in answers["theirs"]] == [404, 404]
    assert [a.content for a in answers["theirs"]] == [a.content for a in answers["random"]]
    budget = facility.get(f"{API}/renewal-budget").json()
    assert [(b["budget_year"], b["approved"]) for b in budget] == [(_today().year + 1,
                                                                    "4800.50")]  # fmt: skip
    suggestions = facility.get(f"{API}/renewal-suggestions").json()["items"]
    assert suggestions == []  # C1-1 is planned; P2's old item is not the C1 admin's
    assert auditor.get(f"{API}/renewal-plans/{plan['id']}").status_code == 200


def test_the_renewal_pages(personas, org):
    facility = client_for(personas["facility"])
    item = _item(Actor.system("t"), org, "C1-OLD", "pc", date(2018, 1, 1))
    page = facility.get("/facilities/renewal/")
    assert page.status_code == 200 and "C1-OLD" in page.content.decode()
    bad = facility.post("/facilities/renewal/", {"org_unit": str(org["O1"].pk),
                        "budget_year": str(_today().year), "reason": "age",
                        "estimated_cost": "abc"})  # fmt: skip
    assert bad.status_code == 422 and "请至少选择一台设备" in bad.content.decode()
    made = facility.post("/facilities/renewal/", {
        "org_unit": str(org["O1"].pk), "items": [str(item.pk)],
        "budget_year": str(_today().year), "reason": "age", "estimated_cost": "3000"})  # fmt: skip
    assert made.status_code == 302
    detail = facility.get(made["Location"])
    assert detail.status_code == 200 and "C1-OLD" in detail.content.decode()
    manager = client_for(personas["branch_manager"])
    assert manager.post(made["Location"], {"state": "approved"}).status_code == 302
    done = facility.post(made["Location"], {"state": "done", "dispose_old": "on",
                                            "done_on": _today().isoformat()})  # fmt: skip
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.state == "disposed"
    assert "3000.00" in facility.get("/facilities/renewal/").content.decode()


def test_the_renewal_page_per_unit(personas, org, other):
    """Filtered to a unit, the page shows that unit's plans, budget and suggestions only."""
    _item(Actor.system("t"), org, "C1-OLD", "pc", date(2018, 1, 1))
    _item(Actor.system("t"), org, "P2-OLD", "pc", date(2018, 1, 1), unit="C2")
    manager = client_for(personas["quality_lead"])  # head office: sees both branches
    both = manager.get("/facilities/renewal/").content.decode()
    assert "C1-OLD" in both and "P2-OLD" in both
    c1 = manager.get(f"/facilities/renewal/?unit={org['C1'].pk}").content.decode()
    assert "C1-OLD" in c1 and "P2-OLD" not in c1
