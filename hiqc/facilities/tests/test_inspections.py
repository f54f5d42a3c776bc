"""Inspections (issue 19 §1–§3): scored on the kernel checklist, keeping their version; a critical
item fails; photos are checked by content and size; failed items become rectification cases with
a clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import (
    checklist_draft,
    checklist_items,
    checklist_items_set,
    checklist_publish,
)
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import Deadline
from hiqc.facilities import selectors
from hiqc.facilities.enums import CHECKLISTS, OUTLET_CHECKLIST
from hiqc.facilities.models import InspectionPhoto, Rectification
from hiqc.facilities.services import (
    inspection_perform,
    inspection_plan,
    outlet_checklist,
    outlet_facility_save,
    rectification_act,
)

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def full_marks(checklist, **override):
    marks = {str(i.pk): i.points for i in checklist_items(checklist)}
    marks.update(override)
    return marks


def test_a_full_score_passes_and_opens_nothing(actors, planned):
    done = inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                              marks=full_marks(planned.checklist))  # fmt: skip
    assert done.passed and done.percent == 100 and done.score == done.max_score == 31
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict):
        inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                           marks=full_marks(planned.checklist))  # fmt: skip


def test_a_failed_critical_item_fails_a_high_score_and_each_failed_item_is_a_task(actors, planned):
    items = checklist_items(planned.checklist)
    windows = next(i for i in items if i.critical and i.clause == "8.1.4")
    tidy = next(i for i in items if i.clause == "8.3.4")
    done = inspection_perform(
        actor=actors["facility"], inspection_id=planned.pk,
        marks=full_marks(planned.checklist, **{str(windows.pk): 0, str(tidy.pk): 1}),
        notes={str(windows.pk): "窗口无隔断"},
    )  # fmt: skip
    assert (
        done.percent or 0
    ) > 80 and done.passed is False  # 27/31 = 87.1%, but a critical item failed
    tasks = {r.item_id: r for r in Rectification.objects.all()}
    assert set(tasks) == {windows.pk, tidy.pk}
    assert tasks[windows.pk].finding == "窗口无隔断" and tasks[windows.pk].status == "open"


def test_every_item_must_be_marked_and_marks_stay_within_points(actors, planned):
    items = checklist_items(planned.checklist)
    marks = full_marks(planned.checklist, **{str(items[0].pk): 9})
    del marks[str(items[1].pk)]
    with pytest.raises(ValidationFailed) as exc:
        inspection_perform(actor=actors["facility"], inspection_id=planned.pk, marks=marks)
    assert set(exc.value.fields) == {f"item_{items[0].pk}", f"item_{items[1].pk}"}


def test_an_inspection_keeps_the_checklist_version_it_was_performed_on(actors, planned, org):
    v1 = outlet_checklist()
    inspection_perform(actor=actors["facility"], inspection_id=planned.pk, marks=full_marks(v1))
    admin = actors["quality_lead"]
    draft = checklist_draft(actor=admin, perm=CHECKLISTS, code=OUTLET_CHECKLIST)
    rows = [{"category": i.category, "text": i.text, "points": i.points,
             "critical": "1" if i.critical else "", "clause": i.clause}
            for i in checklist_items(draft)]  # fmt: skip
    checklist_items_set(actor=admin, perm=CHECKLISTS, checklist_id=draft.pk,
                        items=[*rows, {"category": "休息区", "text": "提供充电设施", "points": "1"}])  # fmt: skip
    checklist_publish(actor=admin, perm=CHECKLISTS, checklist_id=draft.pk)
    old = selectors.access_inspection(actors["facility"], planned.pk)
    assert old.checklist == v1 and old.max_score == 31
    assert {m.item.checklist_id for m in selectors.inspection_marks(old)} == {v1.pk}
    new = inspection_plan(actor=actors["facility"], data={
        "org_unit": org["O1"].pk, "kind": "environment", "due_date": old.due_date.isoformat()})  # fmt: skip
    assert new.checklist.version == 2
    with pytest.raises(ValidationFailed):  # v1's marks no longer fit the version in force
        inspection_perform(actor=actors["facility"], inspection_id=new.pk, marks=full_marks(v1))
    done = inspection_perform(actor=actors["facility"], inspection_id=new.pk,
                              marks=full_marks(new.checklist))  # fmt: skip
    assert done.max_score == 32


def test_photos_are_checked_by_content_and_size(actors, planned, photo):
    item = checklist_items(planned.checklist)[0]
    fake = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>",
                              content_type="image/jpeg")  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                           marks=full_marks(planned.checklist), photos=[(str(item.pk), fake)])  # fmt: skip
    assert f"photo_{item.pk}" in exc.value.fields
    with override_settings(HIQC_FACILITIES_MAX_PHOTO_BYTES=len(png_bytes()) - 1):
        with pytest.raises(ValidationFailed) as exc:
            inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                               marks=full_marks(planned.checklist), photos=[(None, photo)])  # fmt: skip
        assert exc.value.code == "file_too_large"
    assert not InspectionPhoto.objects.exists()
    photo.seek(0)
    inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                       marks=full_marks(planned.checklist), photos=[(str(item.pk), photo)])  # fmt: skip
    stored = InspectionPhoto.objects.get()
    assert stored.content_type == "image/png" and stored.file.name.endswith(".png")


def test_the_rectification_clock_runs_fifteen_days_and_stops_on_the_correction(actors, org):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BEIJING), tick=False):
        planned = inspection_plan(actor=actors["facility"], data={
            "org_unit": org["O1"].pk, "kind": "facility", "due_date": "2026-03-02"})  # fmt: skip
        tidy = next(i for i in checklist_items(planned.checklist) if i.clause == "8.3.4")
        inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                           marks=full_marks(planned.checklist, **{str(tidy.pk): 0}))  # fmt: skip
    case = Rectification.objects.get()
    clock = Deadline.objects.get(case_id=str(case.pk))
    assert clock.clock == "facilities.rectification" and str(clock.last_day) == "2026-03-17"
    assert clock.state == "running"
    with pytest.raises(ValidationFailed):  # a correction must be described
        rectification_act(actor=actors["facility"], case_id=case.pk, action="rectify", data={},
                          version=case.version)  # fmt: skip
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=BEIJING), tick=False):
        case = rectification_act(actor=actors["facility"], case_id=case.pk, action="rectify",
                                 data={"correction": "已清理杂物"}, version=case.version)  # fmt: skip
        case = rectification_act(actor=actors["facility"], case_id=case.pk, action="reject",
                                 data={"reason": "仍有杂物"}, version=case.version)  # fmt: skip
        case = rectification_act(actor=actors["facility"], case_id=case.pk, action="rectify",
                                 data={"correction": "再次清理"}, version=case.version)  # fmt: skip
        case = rectification_act(actor=actors["facility"], case_id=case.pk, action="verify",
                                 data={"verification": "复查合格"}, version=case.version)  # fmt: skip
    clock.refresh_from_db()
    assert case.status == "closed" and clock.state == "met"


def test_a_late_correction_breaches_the_clock(actors, org):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BEIJING), tick=False):
        planned = inspection_plan(actor=actors["facility"], data={
            "org_unit": org["O1"].pk, "kind": "facility", "due_date": "2026-03-02"})  # fmt: skip
        tidy = next(i for i in checklist_items(planned.checklist) if i.clause == "8.3.4")
        inspection_perform(actor=actors["facility"], inspection_id=planned.pk,
                           marks=full_marks(planned.checklist, **{str(tidy.pk): 0}))  # fmt: skip
    case = Rectification.objects.get()
    with time_machine.travel(datetime(2026, 3, 18, 9, tzinfo=BEIJING), tick=False):
        rectification_act(actor=actors["facility"], case_id=case.pk, action="rectify",
                          data={"correction": "已清理"}, version=case.version)  # fmt: skip
    assert Deadline.objects.get(case_id=str(case.pk)).state == "breached"


def test_scope_another_branch_cannot_see_or_inspect(actors, org, planned):
    outsider = actors["outsider_agent"]
    with pytest.raises(NotFound):
        selectors.access_inspection(outsider, planned.pk)
    with pytest.raises(NotFound):  # not an outlet: the door is the same 404
        selectors.access_outlet(actors["facility"], org["C1"].pk)
    with pytest.raises(Forbidden):
        outlet_facility_save(actor=actors["auditor"], org_unit_id=org["O1"].pk, data={})
    record = outlet_facility_save(actor=actors["facility"], org_unit_id=org["O1"].pk, data={
        "has_reception": "1", "has_business": "on", "private_windows": "2", "barrier_free": ""})  # fmt: skip
    assert set(record.gaps()) == {"has_rest", "has_water", "has_consultation", "has_signage",
                                  "barrier_free"}  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        outlet_facility_save(actor=actors["facility"], org_unit_id=org["O1"].pk,
                             data={"private_windows": "many", "floor_area": "-3"})  # fmt: skip
    assert set(exc.value.fields) == {"private_windows", "floor_area"}


def test_results_by_outlet_and_the_monthly_trend(actors, org):
    facility = actors["facility"]
    for day, fail in (("2026-01-15", True), ("2026-02-10", False)):
        with time_machine.travel(datetime.fromisoformat(day).replace(hour=10, tzinfo=BEIJING),
                                 tick=False):  # fmt: skip
            planned = inspection_plan(actor=facility, data={
                "org_unit": org["O1"].pk, "kind": "facility", "due_date": day})  # fmt: skip
            first = checklist_items(planned.checklist)[0]
            inspection_perform(actor=facility, inspection_id=planned.pk, marks=full_marks(
                planned.checklist, **({str(first.pk): 0} if fail else {})))  # fmt: skip
    trend = selectors.inspection_trend(facility)
    assert [(t["month"], str(t["percent"]), str(t["pass_rate"])) for t in trend] == [
        ("2026-01", "93.5", "100.0"),
        ("2026-02", "100.0", "100.0"),
    ]  # 29/31 passes (not critical)
    [row] = selectors.results_by_outlet(facility)
    assert row["inspections"] == 2 and row["open_rectifications"] == 1
    assert str(row["last"]["percent"]) == "100.0"
    assert selectors.results_by_outlet(actors["outsider_agent"]) == []
    assert Actor.system("t").can("facilities.view")
    assert timedelta(0) == timedelta(0)
