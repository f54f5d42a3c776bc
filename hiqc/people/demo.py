"""People demo (issue 18 §9, the foundation's part): this year's head-office training plan
covering the four contents and four forms, a session held a month ago with attendance and one to
come, the complaint-handling bank with its qualifying exam, and certificates for the demo staff —
one running out within the month, one lapsed. Every date is derived from today; a rerun adds
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .enums import Qualification
from .models import Question
from .promotion.demo import demo_load as promotion_demo_load
from .selectors import paper
from .services import (
    attempt_start,
    attempt_submit,
    attendance_record,
    certificate_issue,
    course_create,
    enrol,
    exam_create,
    plan_create,
    question_create,
    session_create,
)

HEAD_OFFICE = "HO"
TAKER = "agent_bj"  # sits the exam in the demo
TOPIC = "投诉处理"
COURSES = (  # title, content (7.1.2), form (7.1.3), hours
    ("公司文化与服务理念", "culture", "sharing", "2"),
    ("健康险产品与监管规定", "business", "online", "4"),
    ("投诉处理实务与沟通技巧", "service", "classroom", "3"),
    ("团队协作与班组长带教", "teamwork", "drill", "3"),
)
QUESTIONS = (  # kind, difficulty, text, options, answer
    ("single", 1, "投诉处理的一般时限自受理之日起为多少日？", "7 日\n15 日\n30 日", "1"),
    ("true_false", 1, "与投诉事项有直接利害关系的人员应当回避。", "", "0"),
    ("single", 1, "受理投诉后应在多长时间内告知投诉人受理情况？", "当日\n5 个工作日\n15 日", "1"),
    ("true_false", 1, "投诉人的个人信息可以在部门群内共享以便处理。", "", "1"),
    ("single", 2, "情况复杂的投诉最多可延长多少日？", "15 日\n30 日\n60 日", "1"),
    (
        "multiple",
        2,
        "处理决定书应包括哪些内容？",
        "处理结果\n理由依据\n救济途径\n承办人手机号",
        "0,1,2",
    ),
    ("true_false", 2, "投诉人对处理决定不服的，可以申请核查。", "", "0"),
    ("single", 2, "投诉登记应在何时录入系统？", "当日\n次日\n一周内", "0"),
    ("single", 3, "再次延期须由谁批准？", "承办人\n分公司经理\n总公司高级管理人员", "2"),
    ("multiple", 3, "下列哪些属于投诉根因分类？", "产品设计\n服务流程\n人员行为\n天气", "0,1,2"),
    ("short", 2, "简述如何安抚情绪激动的投诉人。", "", ""),
)
CERTIFICATES = (  # username, qualification, issued days ago, runs out in days
    ("complaint_handler_bj", Qualification.COMPLAINT_HANDLER, 300, 430),
    ("complaint_handler_gd", Qualification.COMPLAINT_HANDLER, 700, 20),  # renewal due
    ("complaint_handler_sc", Qualification.COMPLAINT_HANDLER, 740, -1),  # lapsed yesterday
    ("agent_bj", Qualification.CONSULTATION_AGENT, 200, 530),
    ("agent_gd", Qualification.CONSULTATION_AGENT, 720, 9),  # renewal due
    ("claims_handler_bj", Qualification.CLAIMS_SPECIALIST, 100, 630),
)
ATTENDEES = ("complaint_handler_bj", "complaint_handler_gd", "agent_bj", "agent_gd",
             "claims_handler_bj")  # fmt: skip


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 0), BEIJING).isoformat()


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    counts = _training_load(seed=seed, org_units=org_units, users=users)
    # promotion with public notice (issue 18 §6)
    counts.update(promotion_demo_load(seed=seed, org_units=org_units, users=users, actor=actor))
    return counts


def _training_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User]
) -> dict[str, int]:
    head = org_units.get(HEAD_OFFICE)
    if head is None or Question.objects.filter(topic=TOPIC, org_unit=head).exists():
        return {}
    system = Actor.system("demo")
    today = timezone.now().astimezone(BEIJING).date()
    plan = plan_create(actor=system, data={
        "year": str(today.year), "org_unit": head.pk, "title": "年度全员培训计划",
        "note": "覆盖 7.1.2 四类内容，采用 7.1.3 四种形式。",
    })  # fmt: skip
    sessions = 0
    for i, (title, content, form, hours) in enumerate(COURSES):
        course = course_create(actor=system, plan_id=plan.pk, data={
            "title": title, "content": content, "form": form, "hours": hours})  # fmt: skip
        held_on = today - timedelta(days=30 + 7 * i)
        held = session_create(actor=system, course_id=course.pk, data={
            "trainer": "郑雪梅", "place": "总公司培训中心", "starts_at": _at(held_on, 9),
            "ends_at": _at(held_on, 9 + int(hours)), "capacity": "30",
        })  # fmt: skip
        session_create(actor=system, course_id=course.pk, data={
            "trainer": "郑雪梅", "place": "线上直播", "starts_at": _at(today + timedelta(days=14 + i), 14),
            "ends_at": _at(today + timedelta(days=14 + i), 14 + int(hours)), "capacity": "50",
        })  # fmt: skip
        sessions += 2
        attended = {}
        for n, username in enumerate(ATTENDEES):
            user = users.get(username)
            if user is None:
                continue
            e = enrol(actor=system, session_id=held.pk, data={"user": str(user.pk)})
            if (n + i) % 5:  # one absent per session
                attended[f"hours_{e.pk}"] = hours
        attendance_record(actor=system, session_id=held.pk, data=attended)
    for kind, difficulty, text, options, answer in QUESTIONS:
        question_create(actor=system, data={
            "org_unit": head.pk, "topic": TOPIC, "kind": kind, "difficulty": str(difficulty),
            "text": text, "options": options, "answer": answer,
            "points": "5" if kind == "short" else "2",
        })  # fmt: skip
    exam = exam_create(actor=system, data={
        "org_unit": head.pk, "title": "投诉处理上岗资格考试", "topic": TOPIC, "easy": "3",
        "medium": "3", "hard": "1", "duration_minutes": "30", "pass_percent": "80",
        "max_attempts": "3", "qualification": Qualification.COMPLAINT_HANDLER,
        "validity_months": "24",
    })  # fmt: skip
    attempts = _sit_the_exam(users.get(TAKER), exam.pk, seed)
    certificates = 0
    for username, qualification, issued_ago, runs_out_in in CERTIFICATES:
        user = users.get(username)
        if user is None:
            continue
        certificate_issue(actor=system, data={
            "user": str(user.pk), "qualification": qualification,
            "issued_on": today - timedelta(days=issued_ago),
            "expires_on": today + timedelta(days=runs_out_in),
        })  # fmt: skip
        certificates += 1
    return {"training_plans": 1, "courses": len(COURSES), "sessions": sessions,
            "questions": len(QUESTIONS), "exams": 1, "attempts": attempts,
            "certificates": certificates}  # fmt: skip


def _sit_the_exam(user: User | None, exam_id: Any, seed: int) -> int:
    """A consultation agent sits the complaint-handler exam: the objective items answered as the
    bank says, a short answer for a marker to mark (so the markers' list is not empty)."""
    taker = actor_for_user(user) if user is not None else None
    if taker is None or not taker.can("exams.take"):
        return 0
    attempt = attempt_start(actor=taker, exam_id=exam_id, seed=seed)
    answers: dict[str, Any] = {}
    for q in paper(attempt):
        answers[str(q.pk)] = (
            "先倾听并确认诉求，说明处理时限，留下联系方式。" if not q.answer else q.answer
        )
    attempt_submit(actor=taker, attempt_id=attempt.pk, answers=answers)
    return 1
