"""People demo (issue 18 §9): this year's head-office training plan covering the four contents and
four forms, a session held a month ago with attendance and one to come, the complaint-handling bank
with its qualifying exam, and certificates for the demo staff — one running out within the month,
one lapsed. Then the follow-ups (``followups_load``): last year's plan and a year of monthly
sessions with attendance, the required training per role, the complaint gate turned on (the demo
only; after the other domains' loaders, which assign complaints to people — people comes after
them in INSTALLED_APPS) so 杨帆's lapsed certificate puts her open complaints on the reassignment
list, and the chapter's indicators computed. Every date is derived from today; a rerun adds
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .assessment.demo import assessment_demo_load
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
    # equipment operators (8.2.6; the facilities demo assigns them to its equipment)
    ("agent_bj", Qualification.SELF_SERVICE_OPERATOR, 400, 330),
    ("facility_bj", Qualification.TELEPHONY_OPERATOR, 380, 350),
    ("facility_bj", Qualification.SELF_SERVICE_OPERATOR, 380, 350),
    ("agent_gd", Qualification.SELF_SERVICE_OPERATOR, 735, -4),  # lapsed four days ago
    ("branch_manager_gd", Qualification.TELEPHONY_OPERATOR, 700, 12),  # renewal due
)
ATTENDEES = ("complaint_handler_bj", "complaint_handler_gd", "agent_bj", "agent_gd",
             "claims_handler_bj")  # fmt: skip


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 0), BEIJING).isoformat()


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    counts = _training_load(seed=seed, org_units=org_units, users=users)
    head = org_units.get(HEAD_OFFICE)
    if head is not None:  # training topics (issue 20 §3, issue 21 §5; ADR 0029)
        from .topics import topics_demo_load

        today = timezone.now().astimezone(BEIJING).date()
        counts.update(topics_demo_load(head=head, users=users, today=today))
    # assessment (issue 18 §4): after the training, whose exams are part of the ability
    counts.update(assessment_demo_load(org_units=org_units, users=users))
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
    counts = {"training_plans": 1, "courses": len(COURSES), "sessions": sessions,
              "questions": len(QUESTIONS), "exams": 1, "attempts": attempts,
              "certificates": certificates}  # fmt: skip
    counts.update(followups_load(head=head, users=users, plan=plan, today=today))
    return counts


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


# --- follow-ups (issue 18 §3, §8, §9) ------------------------------------------------------------

PLAN_TITLE = "年度全员培训计划"
MONTHS = 12  # a year of monthly sessions, dated back from today
REQUIRED = (  # role, content, hours a year
    ("complaint_handler", "service", "6"),
    ("complaint_handler", "business", "4"),
    ("consultation_agent", "service", "4"),
    ("consultation_agent", "business", "4"),
    ("claims_handler", "business", "6"),
    ("claims_reviewer", "business", "6"),
    *((role, "culture", "2") for role in ("complaint_handler", "consultation_agent",
                                          "claims_handler", "claims_reviewer")),
)  # fmt: skip
GATE_REASON = "演示：投诉承办须持证上岗（标准 4.2.2）"


def _plan_of(head: OrgUnit, year: int, plans: dict[int, Any]) -> Any:
    """The head office's plan of ``year`` (last year's made with the same four courses)."""
    from .models import TrainingPlan

    if year in plans:
        return plans[year]
    system = Actor.system("demo")
    plan = TrainingPlan.objects.filter(year=year, org_unit=head, title=PLAN_TITLE).first()
    if plan is None:
        plan = plan_create(actor=system, data={"year": str(year), "org_unit": head.pk,
                                               "title": PLAN_TITLE, "note": "上年度计划。"})  # fmt: skip
        for title, content, form, hours in COURSES:
            course_create(actor=system, plan_id=plan.pk, data={
                "title": title, "content": content, "form": form, "hours": hours})  # fmt: skip
    plans[year] = plan
    return plan


def followups_load(
    *, head: OrgUnit, users: Mapping[str, User], plan: Any, today: date
) -> dict[str, int]:
    """A year of training (one session a month over the last twelve months, attended by the demo
    staff), the required training per role, the complaint gate on, the indicators computed."""
    from hiqc.core.rules import rule_value
    from hiqc.core.services import rule_override_set

    from .gate import GATED
    from .models import RequiredTraining

    if RequiredTraining.objects.exists():
        return {}
    system = Actor.system("demo")
    for role, content, hours in REQUIRED:
        RequiredTraining.objects.create(role=role, content=content, hours=Decimal(hours),
                                        note="演示：年度必修学时")  # fmt: skip
    plans: dict[int, Any] = {today.year: plan}
    attendees = [users[name] for name in ATTENDEES if name in users]
    sessions = 0
    for k in range(1, MONTHS + 1):
        held_on = today - timedelta(days=30 * k - 10)
        title, _content, _form, hours = COURSES[k % len(COURSES)]
        course = _plan_of(head, held_on.year, plans).courses.get(title=title)
        held = session_create(actor=system, course_id=course.pk, data={
            "trainer": "郑雪梅", "place": "总公司培训中心" if k % 2 else "线上直播",
            "starts_at": _at(held_on, 14), "ends_at": _at(held_on, 14 + int(hours)),
            "capacity": "40",
        })  # fmt: skip
        sessions += 1
        attended = {}
        for n, user in enumerate(attendees):
            e = enrol(actor=system, session_id=held.pk, data={"user": str(user.pk)})
            if (n + k) % 6:  # now and then someone is absent
                attended[f"hours_{e.pk}"] = hours
        attendance_record(actor=system, session_id=held.pk, data=attended)
    key = GATED["complaints.complaint"][0]
    if rule_value(key) != Qualification.COMPLAINT_HANDLER:
        rule_override_set(actor=system, key=key, value=Qualification.COMPLAINT_HANDLER,
                          reason=GATE_REASON)  # fmt: skip
    return {"year_sessions": sessions, "training_plans_before": len(plans) - 1,
            "required_training": len(REQUIRED), "indicator_rows": _indicators(today)}  # fmt: skip


def _indicators(today: date) -> int:
    from hiqc.core.indicators import align, indicators_compute, next_start

    from .indicators import INDICATORS

    now = datetime.combine(today, time(12, 0), BEIJING)
    start = align(now - timedelta(days=30 * (MONTHS + 1)), "month")
    end = next_start(align(now, "month"), "month")
    codes = [i.code for i in INDICATORS]
    rows = indicators_compute(codes=codes, granularity="month", start=start, end=end)
    day_codes = [i.code for i in INDICATORS if "day" in i.granularities]
    day_start = align(now - timedelta(days=30), "day")
    return rows + indicators_compute(codes=day_codes, granularity="day", start=day_start,
                                     end=next_start(align(now, "day"), "day"))  # fmt: skip
