"""The people API and pages (issue 18 §1–§3, §7): the usual contract (field errors, 404 for
another unit's id as for a missing one) and the pages each role reaches, the exam page included."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from hiqc.people.models import Attempt, Question
from hiqc.people.services import plan_create

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_plans_courses_and_sessions_through_the_api(personas, org):
    trainer = client_for(personas["trainer"])
    made = post(trainer, f"{API}/training/plans",
                {"year": 2026, "org_unit": str(org["C1"].pk), "title": "年度培训"})  # fmt: skip
    assert made.status_code == 201, made.content
    plan_id = made.json()["id"]
    bad = post(trainer, f"{API}/training/plans/{plan_id}/courses",
               {"title": "", "content": "nope", "form": "online", "hours": 2})  # fmt: skip
    assert bad.status_code == 422 and {"title", "content"} <= bad.json()["fields"].keys()
    course = post(trainer, f"{API}/training/plans/{plan_id}/courses",
                  {"title": "产品知识", "content": "business", "form": "online", "hours": 2})  # fmt: skip
    assert course.status_code == 201, course.content
    session = post(trainer, f"{API}/training/courses/{course.json()['id']}/sessions", {
        "trainer": "郑雪梅", "place": "线上", "starts_at": "2026-06-01T09:00:00+08:00",
        "ends_at": "2026-06-01T11:00:00+08:00", "capacity": 30})  # fmt: skip
    assert session.status_code == 201, session.content
    listed = trainer.get(f"{API}/training/sessions").json()
    assert [s["id"] for s in listed["items"]] == [session.json()["id"]]


def test_another_units_plan_answers_exactly_as_a_missing_one(actors, personas, org):
    plan = plan_create(actor=actors["trainer"],
                       data={"year": "2026", "org_unit": org["C2"].pk, "title": "浦东培训"})  # fmt: skip
    manager = client_for(personas["branch_manager"])  # P1: training.view over P1 only
    theirs = manager.get(f"{API}/training/plans/{plan.pk}")
    missing = manager.get(f"{API}/training/plans/{uuid.uuid4()}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content


def test_a_handler_takes_an_exam_through_the_api_without_seeing_the_answers(personas, exam):
    handler = client_for(personas["handler"])
    assert [e["id"] for e in handler.get(f"{API}/exams").json()["items"]] == [str(exam.pk)]
    started = post(handler, f"{API}/exams/{exam.pk}/attempts", {})
    assert started.status_code == 201, started.content
    body = started.json()
    assert len(body["paper"]) == 5 and "answer" not in body["paper"][0]
    answers = {q["id"]: Question.objects.get(pk=q["id"]).answer for q in body["paper"]}
    done = post(handler, f"{API}/exams/attempts/{body['id']}/submit", {"answers": answers})
    assert done.status_code == 200 and done.json()["passed"] is True
    mine = handler.get(f"{API}/certificates").json()["items"]
    assert [c["qualification"] for c in mine] == ["complaint_handler"]
    other = client_for(personas["outsider_agent"])
    assert other.get(f"{API}/exams/attempts/{body['id']}").status_code == 404
    assert other.get(f"{API}/certificates/{mine[0]['id']}").status_code == 404


def test_the_trainers_pages_render(personas, exam):
    trainer = client_for(personas["trainer"])
    for name in ("people:plans", "people:bank", "people:certificates"):
        page = trainer.get(reverse(name))
        assert page.status_code == 200, name
    assert "投诉处理上岗考试" in trainer.get(reverse("people:bank")).content.decode()


def test_the_exam_page_takes_a_paper_from_start_to_result(personas, exam):
    handler = client_for(personas["handler"])
    assert "投诉处理上岗考试" in handler.get(reverse("people:exams")).content.decode()
    started = handler.post(reverse("people:exam_start", args=[exam.pk]))
    attempt = Attempt.objects.get(user=personas["handler"])
    assert started.status_code == 302 and started["Location"].endswith(f"/{attempt.pk}/")
    page = handler.get(reverse("people:attempt", args=[attempt.pk])).content.decode()
    assert 'id="time-left"' in page and page.count('class="card question"') == 5
    form = {f"q_{q}": str(Question.objects.get(pk=q).answer[0]) for q in attempt.questions}
    handler.post(reverse("people:attempt", args=[attempt.pk]), form)
    attempt.refresh_from_db()
    assert attempt.passed is True
    assert "合格" in handler.get(reverse("people:attempt", args=[attempt.pk])).content.decode()


def test_a_bad_question_form_says_what_is_wrong(personas, org):
    page = client_for(personas["trainer"]).post(reverse("people:bank"), {
        "form": "question", "org_unit": str(org["HO"].pk), "topic": "", "kind": "single",
        "difficulty": "1", "text": "?", "options": "", "answer": ""})  # fmt: skip
    assert page.status_code == 422 and "此项必填" in page.content.decode()
