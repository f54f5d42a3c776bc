"""The facilities API and pages (issue 19 §9): the usual contract — field errors, the same 404
for another branch's id as for a missing one — and every page as the facility administrator
sees it."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.checklists import checklist_get, checklist_items, checklist_versions
from hiqc.facilities.equipment.services import equipment_create
from hiqc.facilities.models import Rectification
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def other_branch(org):
    """A facility administrator of P2 and an outlet there."""
    o2 = OrgUnit.objects.create(code="O2", name="陆家嘴营业部", name_en="O2", level=OrgLevel.OUTLET,
                                parent=org["C2"], path="0001/0002/0001/0001/")  # fmt: skip
    user = User.objects.create_user(username="facility_p2", password="x" * 20,
                                    org_unit=org["P2"], display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.FACILITY_ADMIN, org_unit=org["P2"])
    return {"outlet": o2, "user": user}


def test_plan_perform_and_rectify_through_the_api(personas, org, other_branch):
    facility = client_for(personas["facility"])
    outlets = facility.get(f"{API}/outlets").json()
    assert [o["code"] for o in outlets["items"]] == ["O1"] and outlets["items"][0][
        "facility"
    ] is None
    put = facility.put(f"{API}/outlets/{org['O1'].pk}/facility", data=json.dumps(
        {"has_reception": True, "private_windows": 2, "barrier_free": True}),
        content_type="application/json")  # fmt: skip
    assert put.status_code == 200 and "has_rest" in put.json()["facility"]["gaps"]
    bad = post(facility, f"{API}/facility-inspections",
               {"org_unit": str(org["O1"].pk), "kind": "nope", "due_date": "2026-01-01"})  # fmt: skip
    assert bad.status_code == 422 and "kind" in bad.json()["fields"]
    made = post(facility, f"{API}/facility-inspections", {"org_unit": str(org["O1"].pk),
                "kind": "environment", "due_date": timezone.localdate().isoformat()})  # fmt: skip
    assert made.status_code == 201, made.content
    inspection = made.json()
    assert inspection["checklist_version"] == 1 and inspection["performed_at"] is None
    items = checklist_items(checklist_get(inspection["checklist_id"]))
    marks: dict[str, int | str] = {str(i.pk): i.points for i in items}
    marks[str(items[-1].pk)] = 0
    marks[str(items[0].pk)] = "na"
    done = post(
        facility, f"{API}/facility-inspections/{inspection['id']}/perform", {"marks": marks}
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["passed"] is False and len(body["rectification_ids"]) == 1
    assert body["max_score"] == 29 and body["marks"][0]["mark"] is None
    case_id = body["rectification_ids"][0]
    case = facility.get(f"{API}/facility-rectifications/{case_id}").json()
    assert (
        case["allowed_actions"] == ["rectify", "cancel"]
        and case["deadlines"][0]["state"] == "running"
    )
    stale = post(facility, f"{API}/facility-rectifications/{case_id}/actions/rectify",
                 {"version": 9, "data": {"correction": "已修复"}})  # fmt: skip
    assert stale.status_code == 409
    ok = post(facility, f"{API}/facility-rectifications/{case_id}/actions/rectify",
              {"version": case["version"], "data": {"correction": "已修复"}})  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    trend = facility.get(f"{API}/facility-inspection-trend").json()
    assert trend[0]["inspections"] == 1
    # another branch: its id answers exactly as a random one
    other = client_for(other_branch["user"])
    for path in (f"{API}/facility-inspections/{inspection['id']}", f"{API}/facility-rectifications/{case_id}",
                 f"{API}/outlets/{org['O1'].pk}"):  # fmt: skip
        mine, missing = other.get(path), other.get(path.rsplit("/", 1)[0] + f"/{uuid.uuid4()}")
        assert mine.status_code == missing.status_code == 404 and mine.content == missing.content
    assert other.get(f"{API}/outlets").json()["items"][0]["code"] == "O2"


def test_equipment_through_the_api_and_its_import(personas, org, other_branch):
    facility = client_for(personas["facility"])
    bad = post(facility, f"{API}/equipment", {"asset_number": "", "name": "电脑", "category": "x",
                                              "org_unit": str(org["O1"].pk)})  # fmt: skip
    assert bad.status_code == 422 and {"asset_number", "category"} <= bad.json()["fields"].keys()
    made = post(facility, f"{API}/equipment", {"asset_number": "EQ-A", "name": "电脑",
                "category": "pc", "org_unit": str(org["O1"].pk), "purchase_cost": "5000"})  # fmt: skip
    assert made.status_code == 201, made.content
    eid = made.json()["id"]
    event = post(facility, f"{API}/equipment/{eid}/events",
                 {"kind": "check", "happened_on": timezone.localdate().isoformat(),
                  "note": "正常"})  # fmt: skip
    assert event.status_code == 201
    detail = facility.get(f"{API}/equipment/{eid}").json()
    assert [h["kind"] for h in detail["history"]] == ["acquired", "commissioned", "check"]
    csv = "asset_number,name,category,org_unit\nEQ-B,打印机,printer,O1\nEQ-C,,pc,O1\n"
    imported = facility.post(f"{API}/equipment/import", data=csv.encode(), content_type="text/csv")
    assert imported.status_code == 200
    assert imported.json()["created"] == 1 and imported.json()["rejected"][0]["line"] == 3
    other = client_for(other_branch["user"])
    mine, missing = (
        other.get(f"{API}/equipment/{eid}"),
        other.get(f"{API}/equipment/{uuid.uuid4()}"),
    )
    assert mine.status_code == missing.status_code == 404 and mine.content == missing.content
    assert client_for(personas["agent"]).get(f"{API}/equipment").status_code == 403


def test_every_page_renders_for_the_facility_administrator(personas, org, planned, photo):
    facility = client_for(personas["facility"])
    equipment = equipment_create(actor=Actor.system("t"), data={
        "asset_number": "EQ-P", "name": "叫号机", "category": "queue", "org_unit": org["O1"].pk})  # fmt: skip
    for url in ("/facilities/outlets/", f"/facilities/outlets/{org['O1'].pk}/",
                "/facilities/inspections/", f"/facilities/inspections/{planned.pk}/",
                "/facilities/rectifications/", "/facilities/equipment/",
                f"/facilities/equipment/{equipment.pk}/", "/facilities/equipment/import/",
                "/facilities/checklist/"):  # fmt: skip
        response = facility.get(url)
        assert response.status_code == 200, url
    # the inspection form: a wrong photo is refused beside its item, nothing is recorded
    items = checklist_items(planned.checklist)
    form = {f"mark_{i.pk}": str(i.points) for i in items}
    form[f"mark_{items[2].pk}"] = "0"
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    refused = facility.post(f"/facilities/inspections/{planned.pk}/",
                            {**form, f"photo_{items[2].pk}": fake})  # fmt: skip
    assert refused.status_code == 422 and not Rectification.objects.exists()
    done = facility.post(f"/facilities/inspections/{planned.pk}/",
                         {**form, f"photo_{items[2].pk}": photo, "notes": "例行"})  # fmt: skip
    assert done.status_code == 302
    case = Rectification.objects.get()
    page = facility.get(f"/facilities/rectifications/{case.pk}/").content.decode()
    assert "登记整改措施" in page and "设施整改（内部目标）" in page
    acted = facility.post(f"/facilities/rectifications/{case.pk}/actions/rectify/",
                          {"version": case.version, "correction": "已加装隔断"})  # fmt: skip
    assert acted.status_code == 302
    assert "已整改待验证" in facility.get("/facilities/rectifications/").content.decode()
    shown = facility.get(f"/facilities/inspections/{planned.pk}/").content.decode()
    assert "不合格" in shown and "照片 1" in shown
    assert client_for(personas["agent"]).get("/facilities/outlets/").status_code == 403


def test_the_quality_lead_edits_the_checklist_as_a_new_version_on_its_page(personas):
    lead = client_for(personas["quality_lead"])
    assert lead.post("/facilities/checklist/", {"op": "draft"}).status_code == 302
    page = lead.get("/facilities/checklist/").content.decode()
    assert "草稿" in page and "发布此版本" in page
    draft = checklist_versions("facilities-outlet").first()
    assert draft is not None and draft.version == 2
    rows: dict[str, str] = {}
    for n, item in enumerate(checklist_items(draft), start=1):
        rows |= {f"category_{n}": item.category, f"text_{n}": item.text,
                 f"points_{n}": str(item.points), f"clause_{n}": item.clause}  # fmt: skip
    rows |= {"category_16": "休息区", "text_16": "提供充电设施", "points_16": "0"}
    bad = lead.post("/facilities/checklist/", {"op": "save", "checklist": draft.pk, **rows})
    assert bad.status_code == 422 and "items.16.points" in bad.content.decode()
    rows["points_16"] = "1"
    assert lead.post("/facilities/checklist/",
                     {"op": "save", "checklist": draft.pk, **rows}).status_code == 302  # fmt: skip
    assert lead.post("/facilities/checklist/",
                     {"op": "publish", "checklist": draft.pk}).status_code == 302  # fmt: skip
    newest = checklist_versions("facilities-outlet").first()
    assert newest is not None and len(checklist_items(newest)) == 16
    facility = client_for(personas["facility"])
    assert facility.post("/facilities/checklist/", {"op": "draft"}).status_code == 403
