"""Issue 18 follow-ups inside the people app: renewal reminders (a daily job, idempotent, frozen at
year end), self-enrolment and cancelling before a session begins, materials through the API with the
page's checks, and the chapter's indicators against hand-computed values (§8)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, Period
from hiqc.core.models import IndicatorTarget, Notification
from hiqc.core.services import rule_override_set
from hiqc.core.tests.hostile import SCRIPT, pdf
from hiqc.people import indicators, tasks
from hiqc.people.enrolments import enrol_cancel, enrol_self
from hiqc.people.enums import Qualification
from hiqc.people.models import Attempt, Enrolment, RequiredTraining
from hiqc.people.renewal import renewal_reminders_send
from hiqc.people.services import (
    attendance_record,
    certificate_issue,
    course_create,
    enrol,
    plan_create,
    session_create,
)

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
YEAR_END = datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING)


def _certificate(actors, user, *, issued: date, expires: date, q=Qualification.COMPLAINT_HANDLER):
    return certificate_issue(actor=actors["trainer"], data={
        "user": str(user.pk), "qualification": q, "issued_on": issued, "expires_on": expires})  # fmt: skip


# --- renewal reminders ---------------------------------------------------------------------------


def _reminders(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, case_type="people.certificate"))


def test_renewal_reminders_reach_holder_trainer_and_manager_once_per_reminder(actors, personas):
    """Given a handler's certificate running out in 20 days at year end, when the daily job runs
    twice that day, then the holder, the head-office trainer and the branch manager over the
    holder's unit each get one reminder; a week before expiry each gets the second one, once."""
    handler = personas["handler"]
    cert = _certificate(actors, handler, issued=date(2025, 1, 20), expires=date(2027, 1, 20))
    with time_machine.travel(YEAR_END, tick=False):
        sent = tasks.renewal_reminders_job()
        assert tasks.renewal_reminders_job() == 0  # a rerun the same day sends nothing new
    told = {personas[p].pk for p in ("handler", "trainer", "branch_manager")}
    assert sent == len(told)
    assert set(Notification.objects.filter(case_id=str(cert.pk)).values_list("user", flat=True)) \
        == told  # fmt: skip
    (first,) = _reminders(handler)
    assert "2027-01-20" in first.title and "20" in first.body
    assert not _reminders(personas["agent"])  # not their unit's business
    assert renewal_reminders_send(today=date(2027, 1, 10)) == 0  # still within the first reach
    assert renewal_reminders_send(today=date(2027, 1, 14)) == len(told)  # 6 days left: second
    assert renewal_reminders_send(today=date(2027, 1, 15)) == 0
    assert len(_reminders(handler)) == 2


def test_a_renewed_or_lapsed_certificate_gets_no_reminder_and_days_are_rules(actors, personas):
    handler = personas["handler"]
    _certificate(actors, handler, issued=date(2025, 1, 20), expires=date(2027, 1, 20))
    _certificate(actors, handler, issued=date(2027, 1, 2), expires=date(2029, 1, 20))  # renewed
    _certificate(actors, personas["agent"], issued=date(2024, 1, 1), expires=date(2026, 12, 30),
                 q=Qualification.CONSULTATION_AGENT)  # fmt: skip
    assert renewal_reminders_send(today=date(2026, 12, 31)) == 0
    rule_override_set(actor=actors["admin"], key="people.renewal.first_days", value=60,
                      reason="提前两个月提醒")  # fmt: skip
    _certificate(actors, personas["claims"], issued=date(2025, 1, 1), expires=date(2027, 2, 20),
                 q=Qualification.CLAIMS_SPECIALIST)  # fmt: skip
    assert renewal_reminders_send(today=date(2026, 12, 31)) > 0  # 51 days: within 60
    assert _reminders(personas["claims"])


# --- self-enrolment ------------------------------------------------------------------------------


@pytest.fixture
def upcoming(actors, org):
    plan = plan_create(actor=actors["trainer"],
                       data={"year": "2026", "org_unit": org["P1"].pk, "title": "北京年度培训"})  # fmt: skip
    course = course_create(actor=actors["trainer"], plan_id=plan.pk, data={
        "title": "投诉处理实务", "content": "service", "form": "classroom", "hours": "3"})  # fmt: skip
    return session_create(actor=actors["trainer"], course_id=course.pk, data={
        "trainer": "郑雪梅", "place": "北京培训室", "starts_at": "2026-06-01T09:00",
        "ends_at": "2026-06-01T12:00", "capacity": "1",
    })  # fmt: skip


def test_staff_enrol_themselves_while_places_remain_and_cancel_before_the_start(
    actors, personas, upcoming
):
    with time_machine.travel(datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING), tick=False):
        mine = enrol_self(actor=actors["handler"], session_id=upcoming.pk)
        assert mine.user_id == personas["handler"].pk
        agent = client_for(personas["agent"])
        full = agent.post(f"{API}/training/sessions/{upcoming.pk}/my-enrolment")
        assert full.status_code == 409 and full.json()["code"] == "full"
        listed = agent.get(f"{API}/training/my-sessions").json()["items"]
        assert [(s["id"], s["enrolled"]) for s in listed] == [(str(upcoming.pk), False)]
        enrol_cancel(actor=actors["handler"], session_id=upcoming.pk)
        taken = agent.post(f"{API}/training/sessions/{upcoming.pk}/my-enrolment")
        assert taken.status_code == 201, taken.content
        again = agent.post(f"{API}/training/sessions/{upcoming.pk}/my-enrolment")
        assert again.status_code == 422
    with time_machine.travel(datetime(2026, 6, 1, 9, 30, tzinfo=BEIJING), tick=False):
        agent = client_for(personas["agent"])  # a new session: the old one idled out
        late = agent.delete(f"{API}/training/sessions/{upcoming.pk}/my-enrolment")
        assert late.status_code == 409 and late.json()["code"] == "started"
    assert Enrolment.objects.filter(session=upcoming).count() == 1


def test_a_session_of_another_branch_is_the_same_404_as_a_missing_one(actors, personas, org):
    plan = plan_create(actor=actors["trainer"],
                       data={"year": "2026", "org_unit": org["P2"].pk, "title": "上海年度培训"})  # fmt: skip
    course = course_create(actor=actors["trainer"], plan_id=plan.pk, data={
        "title": "产品知识", "content": "business", "form": "online", "hours": "2"})  # fmt: skip
    theirs = session_create(actor=actors["trainer"], course_id=course.pk, data={
        "trainer": "郑雪梅", "place": "线上", "starts_at": "2027-06-01T09:00",
        "ends_at": "2027-06-01T11:00", "capacity": "9"})  # fmt: skip
    agent = client_for(personas["agent"])
    a = agent.post(f"{API}/training/sessions/{theirs.pk}/my-enrolment")
    b = agent.post(f"{API}/training/sessions/{uuid.uuid4()}/my-enrolment")
    assert a.status_code == b.status_code == 404 and a.content == b.content
    trainer = client_for(personas["trainer"])  # no training.attend: reads, never enrols
    assert trainer.get(f"{API}/training/my-sessions").status_code == 200
    assert client_for(personas["risk"]).get(f"{API}/training/my-sessions").status_code == 403
    assert trainer.post(f"{API}/training/sessions/{theirs.pk}/my-enrolment").status_code == 403


def test_the_my_training_page_enrols_and_cancels(personas, upcoming):
    page = client_for(personas["handler"])
    with time_machine.travel(datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING), tick=False):
        assert "投诉处理实务" in page.get("/people/training/mine/").content.decode()
        assert page.post("/people/training/mine/", {"session": str(upcoming.pk)}).status_code == 302
        shown = page.get("/people/training/mine/").content.decode()
        assert "取消报名" in shown
        page.post("/people/training/mine/", {"session": str(upcoming.pk), "form": "cancel"})
    assert not Enrolment.objects.exists()


# --- materials through the API -------------------------------------------------------------------


def test_materials_upload_through_the_api_with_the_pages_checks(personas, upcoming):
    trainer = client_for(personas["trainer"])
    url = f"{API}/training/courses/{upcoming.course_id}/materials"
    made = trainer.post(url, {"name": "讲义", "file": SimpleUploadedFile("x.exe", pdf())})
    assert made.status_code == 201, made.content
    assert made.json()["content_type"] == "application/pdf"
    bad = trainer.post(url, {"name": "网页", "file": SimpleUploadedFile("a.pdf", SCRIPT)})
    assert bad.status_code == 422 and "file" in bad.json()["fields"]
    again = trainer.post(url, {"name": "again", "file": SimpleUploadedFile("b.pdf", pdf())})
    assert again.status_code == 422 and again.json()["code"] == "duplicate"
    missing = trainer.post(url, {"name": "空"})
    assert missing.status_code == 422 and "file" in missing.json()["fields"]
    manager = client_for(personas["branch_manager"])  # training.view only
    assert manager.post(url, {"name": "x", "file": SimpleUploadedFile("c.pdf", pdf())}
                        ).status_code == 403  # fmt: skip


# --- indicators ----------------------------------------------------------------------------------


def _period(month: int) -> Period:
    start = datetime(2026, month, 1, tzinfo=BEIJING)
    end = datetime(2026 + month // 12, month % 12 + 1, 1, tzinfo=BEIJING)
    return Period("month", start, end)


def _compute(code: str, period: Period) -> list:
    compute = INDICATORS[code].compute
    assert compute is not None
    return list(compute(period))


def test_the_chapters_indicators_are_declared_with_targets_as_data():
    for i in indicators.INDICATORS:
        assert INDICATORS[i.code] is i and i.clauses
    targets = dict(IndicatorTarget.objects.filter(code__startswith="people.")
                   .values_list("code", "target"))  # fmt: skip
    assert targets[indicators.QUALIFIED] == 1.0  # 100 %


def test_training_hours_and_required_coverage_against_hand_computed_values(
    actors, personas, org, upcoming
):
    """Given a 3-hour session in June at P1's plan attended by the handler (3 h) and the agent
    (2 h), both of C1, and a requirement of 3 hours of service training for complaint handlers
    and consultation agents: hours per person at C1 in June = 5 h over C1's staff, and coverage at
    C1 in June = the handler only (the agent has 2 of 3 hours) = 1 of 2."""
    e1 = enrol(actor=actors["trainer"], session_id=upcoming.pk,
               data={"user": str(personas["handler"].pk)})  # fmt: skip
    upcoming.capacity = 5
    upcoming.save(update_fields=["capacity"])
    e2 = enrol(actor=actors["trainer"], session_id=upcoming.pk,
               data={"user": str(personas["agent"].pk)})  # fmt: skip
    attendance_record(actor=actors["trainer"], session_id=upcoming.pk,
                      data={f"hours_{e1.pk}": "3", f"hours_{e2.pk}": "2"})  # fmt: skip
    for role in ("complaint_handler", "consultation_agent"):
        RequiredTraining.objects.create(role=role, content="service", hours=Decimal("3"))
    c1 = org["C1"].path
    staff_c1 = sum(1 for p in personas.values() if p.org_unit_id == org["C1"].pk)
    with time_machine.travel(YEAR_END, tick=False):
        hours = {p: (n, d) for p, n, d in _compute(indicators.HOURS, _period(6))}
        assert hours[c1] == (5.0, float(staff_c1))
        assert hours[org["HO"].path][0] == 0.0
        cover = {p: (n, d) for p, n, d in _compute(indicators.COVERAGE, _period(6))}
        assert cover[c1] == (1.0, 2.0)
        assert {p: (n, d) for p, n, d in _compute(indicators.COVERAGE, _period(5))}[
            c1] == (0.0, 2.0)  # not yet trained in May  # fmt: skip


def test_exam_pass_rate_and_expiring_certificates(actors, personas, org, exam):
    for passed, user in ((True, "handler"), (False, "agent"), (True, "claims")):
        Attempt.objects.create(
            exam=exam, user=personas[user], org_unit=org["C1"], seed=1, started_at=YEAR_END,
            due_at=YEAR_END, marked_at=datetime(2026, 6, 3, tzinfo=BEIJING), passed=passed,
        )  # fmt: skip
    rows = INDICATORS[indicators.PASS_RATE].rows(
        "month", datetime(2026, 6, 1, tzinfo=BEIJING), datetime(2026, 7, 1, tzinfo=BEIJING)
    )
    assert [(p, n, d) for _s, p, n, d in rows] == [(org["C1"].path, 2.0, 3.0)]
    _certificate(actors, personas["handler"], issued=date(2025, 1, 1), expires=date(2026, 7, 20))
    _certificate(actors, personas["agent"], issued=date(2025, 1, 1), expires=date(2027, 7, 20),
                 q=Qualification.CONSULTATION_AGENT)  # fmt: skip
    with time_machine.travel(YEAR_END, tick=False):
        june = {p: (n, d) for p, n, d in _compute(indicators.EXPIRING, _period(6))}
    assert june[org["C1"].path] == (1.0, 2.0)  # on 30 June: one of two runs out within 30 days
    with time_machine.travel(datetime(2026, 6, 10, tzinfo=BEIJING), tick=False):
        running = {p: (n, d) for p, n, d in _compute(indicators.EXPIRING, _period(6))}
    assert running[org["C1"].path] == (0.0, 2.0)  # the running month reads today: 40 days left
    assert timedelta(days=indicators.EXPIRING_DAYS) == timedelta(days=30)


# --- required training per role ------------------------------------------------------------------


def test_head_office_sets_required_training_per_role_on_its_page(actors, personas):
    page = client_for(personas["trainer"])
    bad = page.post("/people/training/required/", {"role": "nobody", "content": "x", "hours": "-1"})
    assert bad.status_code == 422
    assert {"role", "content", "hours"} <= set(bad.context["errors"])
    ok = page.post("/people/training/required/",
                   {"role": "complaint_handler", "content": "service", "hours": "6"})  # fmt: skip
    assert ok.status_code == 302
    assert RequiredTraining.objects.get().hours == Decimal("6.0")
    assert "投诉处理专员" in page.get("/people/training/required/").content.decode()
    page.post("/people/training/required/",
              {"role": "complaint_handler", "content": "service", "hours": "0"})  # fmt: skip
    assert not RequiredTraining.objects.exists()
    manager = client_for(personas["branch_manager"])  # sees it, may not set it
    assert manager.get("/people/training/required/").status_code == 200
    refused = manager.post("/people/training/required/",
                           {"role": "complaint_handler", "content": "service", "hours": "6"})  # fmt: skip
    assert refused.status_code == 403 and not RequiredTraining.objects.exists()


def test_required_training_is_read_and_set_through_the_api(personas):
    import json

    def put(c, body):
        return c.put("/api/v1/training/required", json.dumps(body),
                     content_type="application/json")  # fmt: skip

    trainer = client_for(personas["trainer"])
    # every bad field is named
    bad = put(trainer, {"role": "nobody", "content": "x", "hours": -1})
    assert bad.status_code == 422 and {"role", "content", "hours"} <= set(bad.json()["fields"])
    # a requirement is set, listed, changed and removed (0 hours: 204)
    got = put(trainer, {"role": "complaint_handler", "content": "service", "hours": 6})
    assert got.status_code == 200 and got.json()["content_label"]
    put(trainer, {"role": "complaint_handler", "content": "service", "hours": 8})
    listed = trainer.get("/api/v1/training/required").json()
    assert listed["count"] == 1 and Decimal(str(listed["items"][0]["hours"])) == Decimal("8.0")
    assert put(trainer, {"role": "complaint_handler", "content": "service", "hours": 0}
               ).status_code == 204  # fmt: skip
    assert not RequiredTraining.objects.exists()
    # a branch manager reads the list but may not set it
    manager = client_for(personas["branch_manager"])
    assert manager.get("/api/v1/training/required").status_code == 200
    assert put(manager, {"role": "complaint_handler", "content": "service", "hours": 6}
               ).status_code == 403  # fmt: skip
