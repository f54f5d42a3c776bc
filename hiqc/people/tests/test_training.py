"""Training (issue 18 §1; standard 7.1): plans per year and unit, courses by content (7.1.2) and
form (7.1.3), sessions with capacity, enrolment and attendance, materials checked by content."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.tests.hostile import SCRIPT, pdf, png
from hiqc.people import selectors
from hiqc.people.services import (
    attendance_record,
    course_create,
    enrol,
    material_upload,
    plan_create,
    session_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(actors, org):
    return plan_create(actor=actors["trainer"],
                       data={"year": "2026", "org_unit": org["C1"].pk, "title": "朝阳年度培训"})  # fmt: skip


@pytest.fixture
def course(actors, plan):
    return course_create(actor=actors["trainer"], plan_id=plan.pk, data={
        "title": "投诉处理实务", "content": "service", "form": "classroom", "hours": "3"})  # fmt: skip


@pytest.fixture
def session(actors, course):
    return session_create(actor=actors["trainer"], course_id=course.pk, data={
        "trainer": "郑雪梅", "place": "朝阳培训室", "starts_at": "2026-06-01T09:00",
        "ends_at": "2026-06-01T12:00", "capacity": "1",
    })  # fmt: skip


def test_a_plan_shows_which_contents_and_forms_its_courses_cover(actors, plan, course):
    course_create(actor=actors["trainer"], plan_id=plan.pk, data={
        "title": "企业文化", "content": "culture", "form": "sharing", "hours": "1.5"})  # fmt: skip
    cover = selectors.coverage(plan)
    assert [ok for _v, _l, ok in cover["contents"]] == [True, False, True, False]
    assert [ok for _v, _l, ok in cover["forms"]] == [True, False, False, True]


def test_a_course_with_bad_fields_is_refused_beside_each_field(actors, plan):
    with pytest.raises(ValidationFailed) as refused:
        course_create(actor=actors["trainer"], plan_id=plan.pk,
                      data={"title": "", "content": "x", "form": "online", "hours": "1.25"})  # fmt: skip
    assert set(refused.value.fields) == {"title", "content", "hours"}


def test_another_units_plan_is_the_same_404_as_a_missing_one(actors, plan):
    with pytest.raises(NotFound):
        course_create(actor=actors["outsider_agent"], plan_id=plan.pk, data={})
    with pytest.raises(Forbidden):  # in scope to view, not to manage
        course_create(actor=actors["branch_manager"], plan_id=plan.pk, data={})


def test_a_session_takes_no_more_people_than_its_capacity(actors, session, personas):
    enrol(
        actor=actors["trainer"], session_id=session.pk, data={"user": str(personas["handler"].pk)}
    )
    with pytest.raises(Conflict, match="满员"):
        enrol(actor=actors["trainer"], session_id=session.pk,
              data={"user": str(personas["agent"].pk)})  # fmt: skip


def test_someone_outside_the_plans_unit_cannot_be_enrolled(actors, session, personas):
    with pytest.raises(ValidationFailed) as refused:
        enrol(actor=actors["trainer"], session_id=session.pk,
              data={"user": str(personas["outsider_agent"].pk)})  # fmt: skip
    assert "user" in refused.value.fields


def test_attendance_hours_count_towards_the_year_and_never_exceed_the_session(actors, session,
                                                                              personas):  # fmt: skip
    e = enrol(actor=actors["trainer"], session_id=session.pk,
              data={"user": str(personas["handler"].pk)})  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        attendance_record(actor=actors["trainer"], session_id=session.pk,
                          data={f"hours_{e.pk}": "3.5"})  # fmt: skip
    assert f"hours_{e.pk}" in refused.value.fields
    attendance_record(actor=actors["trainer"], session_id=session.pk, data={f"hours_{e.pk}": "2.5"})
    rows = selectors.training_hours(actors["trainer"], 2026)
    assert [(r["user__username"], r["hours"]) for r in rows] == [("handler", Decimal("2.5"))]
    assert session.starts_at == datetime(2026, 6, 1, 9, tzinfo=BEIJING)


def test_a_material_is_kept_only_if_its_content_is_a_real_pdf_or_image(actors, course):
    good = material_upload(actor=actors["trainer"], course_id=course.pk, name="讲义",
                           upload=SimpleUploadedFile("x.exe", pdf()))  # fmt: skip
    assert good.content_type == "application/pdf" and good.file.name.endswith(".pdf")
    image = material_upload(actor=actors["trainer"], course_id=course.pk, name="流程图",
                            upload=io.BytesIO(png()))  # fmt: skip
    assert image.content_type == "image/png"
    with pytest.raises(ValidationFailed) as refused:
        material_upload(actor=actors["trainer"], course_id=course.pk, name="网页",
                        upload=SimpleUploadedFile("a.pdf", SCRIPT))  # fmt: skip
    assert "file" in refused.value.fields
    with pytest.raises(ValidationFailed, match="已经上传过"):
        material_upload(actor=actors["trainer"], course_id=course.pk, name="again",
                        upload=io.BytesIO(pdf()))  # fmt: skip
