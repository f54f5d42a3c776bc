"""Exams (issue 18 §2): papers drawn per person from the bank by topic and difficulty,
reproducible per seed; timed attempts; objective items marked at once, short answers by another
person; pass marks and retake limits; a pass earns the exam's qualification."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hiqc.core.calendar import BEIJING, months_after
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.people.enums import Qualification
from hiqc.people.models import Certificate, Question
from hiqc.people.services import (
    attempt_mark,
    attempt_start,
    attempt_submit,
    exam_create,
    paper_draw,
    question_create,
)

from .conftest import TOPIC

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 11, 9, 0, tzinfo=BEIJING)


def _right(attempt) -> dict[str, list[int]]:
    return {q: Question.objects.get(pk=q).answer for q in attempt.questions}


def test_the_same_seed_draws_the_same_paper_and_the_paper_follows_the_exam_mix(exam):
    first, again = paper_draw(exam, 42), paper_draw(exam, 42)
    assert first == again
    assert len(first) == 5 and len(set(first)) == 5
    difficulties = [Question.objects.get(pk=q).difficulty for q in first]
    assert sorted(difficulties) == [1, 1, 2, 2, 3]
    assert {tuple(paper_draw(exam, s)) for s in range(20)} != {tuple(first)}


def test_a_person_gets_a_paper_of_their_own_and_resumes_it_until_it_is_handed_in(actors, exam):
    with time_machine.travel(T0, tick=False):
        mine = attempt_start(actor=actors["handler"], exam_id=exam.pk, seed=7)
        assert attempt_start(actor=actors["handler"], exam_id=exam.pk).pk == mine.pk
        assert mine.questions == paper_draw(exam, 7)
        assert mine.due_at == T0 + timedelta(minutes=30)
        assert mine.max_score == 10


def test_objective_answers_are_marked_on_submission_and_a_pass_earns_the_certificate(
    actors, exam, personas
):
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(actor=actors["handler"], exam_id=exam.pk, seed=1)
    answers = _right(attempt)
    answers[attempt.questions[0]] = [0]  # one wrong: 8 of 10 = 80 % = the pass mark
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        done = attempt_submit(actor=actors["handler"], attempt_id=attempt.pk, answers=answers)
    assert (done.score, done.passed) == (8, True)
    cert = Certificate.objects.get(user=personas["handler"])
    assert cert.qualification == Qualification.COMPLAINT_HANDLER
    assert (cert.issued_on, cert.expires_on) == (date(2026, 5, 11), date(2027, 5, 10))
    with pytest.raises(Conflict):  # passed: no further attempt
        attempt_start(actor=actors["handler"], exam_id=exam.pk)


def test_a_fail_earns_nothing_and_retakes_stop_at_the_limit(actors, exam, personas):
    for n in range(2):
        with time_machine.travel(T0 + timedelta(days=n), tick=False):
            attempt = attempt_start(actor=actors["handler"], exam_id=exam.pk)
            done = attempt_submit(actor=actors["handler"], attempt_id=attempt.pk, answers={})
        assert (done.score, done.passed) == (0, False)
    with pytest.raises(Conflict, match="最多参加次数"):
        attempt_start(actor=actors["handler"], exam_id=exam.pk)
    assert not Certificate.objects.filter(user=personas["handler"]).exists()


def test_a_paper_handed_in_after_the_time_counts_blank(actors, exam):
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(actor=actors["handler"], exam_id=exam.pk)
    with time_machine.travel(T0 + timedelta(minutes=33), tick=False):
        done = attempt_submit(actor=actors["handler"], attempt_id=attempt.pk,
                              answers=_right(attempt))  # fmt: skip
    assert done.late and done.score == 0 and done.passed is False


def test_a_short_answer_waits_for_a_marker_who_is_not_the_taker(actors, org, personas):
    short = question_create(actor=actors["trainer"], data={
        "org_unit": org["HO"].pk, "topic": "沟通", "kind": "short", "difficulty": "1",
        "text": "如何安抚情绪激动的投诉人？", "points": "5",
    })  # fmt: skip
    exam = exam_create(actor=actors["trainer"], data={
        "org_unit": org["HO"].pk, "title": "沟通考试", "topic": "沟通", "easy": "1",
        "medium": "0", "hard": "0", "duration_minutes": "10", "pass_percent": "60",
        "max_attempts": "1",
    })  # fmt: skip
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(actor=actors["handler"], exam_id=exam.pk)
        done = attempt_submit(actor=actors["handler"], attempt_id=attempt.pk,
                              answers={str(short.pk): "先倾听，再复述诉求。"})  # fmt: skip
    assert done.score is None and done.passed is None
    with pytest.raises(ValidationFailed) as bad:
        attempt_mark(actor=actors["trainer"], attempt_id=attempt.pk,
                     data={f"mark_{short.pk}": "9"})  # fmt: skip
    assert f"mark_{short.pk}" in bad.value.fields
    marked = attempt_mark(actor=actors["trainer"], attempt_id=attempt.pk,
                          data={f"mark_{short.pk}": "4"})  # fmt: skip
    assert (marked.score, marked.passed, marked.marked_by) == (4, True, "trainer")


def test_only_the_taker_hands_in_and_others_cannot_see_the_paper(actors, exam):
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(actor=actors["handler"], exam_id=exam.pk)
    with pytest.raises(NotFound):
        attempt_submit(actor=actors["outsider_agent"], attempt_id=attempt.pk, answers={})
    with pytest.raises(Forbidden):  # the marker sees it but may not hand it in
        attempt_submit(actor=actors["trainer"], attempt_id=attempt.pk, answers={})


def test_an_exam_with_more_items_than_the_bank_holds_is_refused_beside_the_field(actors, org, bank):
    with pytest.raises(ValidationFailed) as refused:
        exam_create(actor=actors["trainer"], data={
            "org_unit": org["HO"].pk, "title": "x", "topic": TOPIC, "easy": "7", "medium": "0",
            "hard": "0", "duration_minutes": "10", "pass_percent": "60", "max_attempts": "1",
        })  # fmt: skip
    assert "easy" in refused.value.fields


def test_a_choice_item_needs_options_and_a_valid_answer(actors, org):
    with pytest.raises(ValidationFailed) as refused:
        question_create(actor=actors["trainer"], data={
            "org_unit": org["HO"].pk, "topic": "t", "kind": "single", "difficulty": "1",
            "text": "?", "options": "甲", "answer": "3",
        })  # fmt: skip
    assert {"options"} <= refused.value.fields.keys()


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2028, 2, 29), 12, date(2029, 2, 28)), (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 12, 31), 24, date(2028, 12, 31)),
])  # fmt: skip
def test_validity_runs_in_calendar_months_ending_on_a_short_month_last_day(start, months, end):
    assert months_after(start, months) == end


def test_item_statistics_find_the_question_that_does_not_separate_strong_from_weak(
    actors, exam, personas, org
):
    """Given ten marked papers of the same five items where item A is right on every paper and
    item B is right only on the strongest papers, then A is flagged (too easy, no
    discrimination) and B shows a high discrimination."""
    from hiqc.people.models import Attempt
    from hiqc.people.selectors import item_statistics

    a, b, c, d, e = paper_draw(exam, 5)
    for n in range(10):  # paper n scores n of the three other items' points, plus A, plus B if n>=7
        marks = {a: 2, b: 2 if n >= 7 else 0, c: 2 if n >= 3 else 0, d: 2 if n >= 5 else 0,
                 e: 2 if n >= 8 else 0}  # fmt: skip
        Attempt.objects.create(
            exam=exam, user=personas["handler"], org_unit=org["C1"], seed=n,
            questions=[a, b, c, d, e], started_at=T0, due_at=T0, submitted_at=T0, marks=marks,
            max_score=10, score=sum(marks.values()), marked_at=T0, passed=False,
        )  # fmt: skip
    stats = {str(r["question"].pk): r for r in item_statistics(actors["trainer"])}
    assert (stats[a]["n"], stats[a]["p"], stats[a]["d"], stats[a]["flagged"]) == (
        10,
        1.0,
        0.0,
        True,
    )
    assert (stats[b]["p"], stats[b]["d"], stats[b]["flagged"]) == (0.3, 1.0, False)
    assert item_statistics(actors["outsider_agent"]) == []
