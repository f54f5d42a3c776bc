"""Training requirements by topic (issue 20 §3, issue 21 §5; standard 6.2.1, 7.1.2, 9.1.2(3);
ADR 0029). A course carries its topics (``Course.topics``: compliance, security awareness,
personal-information protection …); a ``RequiredTraining`` row may name a topic, and then only
the hours attended of courses carrying that topic count toward it. The chapter owns the
arithmetic and offers it to the others through ``hiqc.core.training`` (registered in
``AppConfig.ready``): per role and unit, the people who must attend and those who have.

Design defaults (P), written by ``topic_defaults_seed`` (the demo calls it; head office can set
them on the required-training page like any other requirement): every role 2 hours of compliance
(9.1.2(3)), 2 hours of information-security awareness (6.2.1) and 2 hours of
personal-information protection (PI-4: PIPL art. 51; 6.1, 6.2.3) a year.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from hiqc.core.calendar import BEIJING
from hiqc.core.training import CoverageRow, TrainingSource, register_training_source
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership

from .enums import Content, Topic
from .models import Course, Enrolment, RequiredTraining

DEFAULT_HOURS = Decimal("2.0")
DEFAULTS = (
    (Topic.COMPLIANCE, "HIQC 设计默认值（P）：各岗位每年合规培训不少于 2 学时（9.1.2(3)）"),
    (Topic.SECURITY_AWARENESS,
     "HIQC 设计默认值（P）：各岗位每年信息安全意识培训不少于 2 学时（6.2.1）"),
    (Topic.PERSONAL_INFORMATION,
     "HIQC 设计默认值（P）：各岗位每年个人信息保护培训不少于 2 学时（PI-4，6.1、6.2.3）"),
)  # fmt: skip
TOPIC_KEY = "topic:"  # the coverage indicator's key of a topic requirement (beside the contents)


def topic_courses() -> dict[Any, list[str]]:
    """course id → its topics, for the courses that carry any (a small table; read whole)."""
    return {pk: list(t) for pk, t in Course.objects.exclude(topics=[]).values_list("pk", "topics")
            if t}  # fmt: skip


def attended_by_topic(since: datetime, until: datetime) -> dict[tuple[Any, str], Decimal]:
    """(user id, topic) → hours attended in sessions that ended in [since, until) of courses
    carrying the topic (a course of two topics counts toward both)."""
    courses = topic_courses()
    if not courses:
        return {}
    rows = (
        Enrolment.objects.filter(session__ends_at__gte=since, session__ends_at__lt=until,
                                 attended_hours__isnull=False,
                                 session__course_id__in=list(courses))
        .values("user_id", "session__course_id").annotate(hours=Sum("attended_hours"))
    )  # fmt: skip
    out: dict[tuple[Any, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        for topic in courses[r["session__course_id"]]:
            out[(r["user_id"], topic)] += r["hours"] or Decimal(0)
    return dict(out)


def year_bounds(year: int, until: datetime) -> tuple[datetime, datetime]:
    """[1 January 00:00 Beijing, min(next 1 January, until))."""
    start = datetime(year, 1, 1, tzinfo=BEIJING)
    end = datetime(year + 1, 1, 1, tzinfo=BEIJING)
    return start, min(end, until)


def topic_coverage(topic: str, year: int, until: datetime) -> list[CoverageRow]:
    """Per role and unit (the person's unit): people holding a role that requires ``topic``,
    and those who attended at least the required hours of it in ``year`` up to ``until``."""
    hours = {
        r.role: r.hours for r in RequiredTraining.objects.filter(topic=topic).order_by("hours")
    }  # fmt: skip  (the largest per role wins)
    if not hours:
        return []
    start, end = year_bounds(year, until)
    done = attended_by_topic(start, end) if start < end else {}
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    people = (Membership.objects.filter(role__in=list(hours), user__is_active=True,
                                        user__org_unit__isnull=False)
              .values_list("user_id", "user__org_unit__path", "role").distinct())  # fmt: skip
    for user_id, path, role in people:
        s = sums[(role, path)]
        s[0] += 1
        s[1] += 1 if done.get((user_id, topic), Decimal(0)) >= hours[role] else 0
    return [CoverageRow(role=role, org_path=path, hours=float(hours[role]), required=n,
                        covered=c) for (role, path), (n, c) in sorted(sums.items())]  # fmt: skip


def topic_defaults_seed() -> int:
    """Write the design-default topic requirements that are missing; the number written."""
    n = 0
    for topic, note in DEFAULTS:
        for role in Role.values:
            _row, created = RequiredTraining.objects.get_or_create(
                role=role, content=Content.BUSINESS, topic=topic,
                defaults={"hours": DEFAULT_HOURS, "note": note})  # fmt: skip
            n += created
    return n


def register() -> None:
    register_training_source(TrainingSource(topics=lambda: Topic.choices,
                                            coverage=topic_coverage))  # fmt: skip


# --- demo (issue 20 §3 demo; called by ``people.demo``) ------------------------------------------

DEMO_COURSE = "信息安全意识与个人信息保护"
COMPLIANCE_COURSE = "健康险产品与监管规定"  # the demo's business course: tagged compliance
DEMO_ATTENDEES = ("complaint_handler_bj", "agent_bj", "claims_handler_bj", "branch_manager_bj",
                  "quality_lead", "compliance")  # fmt: skip


def topics_demo_load(*, head: Any, users: Any, today: Any) -> dict[str, int]:
    """Seed the topic defaults, tag the demo's regulation course as compliance training and add
    this year's security-awareness course held 20 days ago (when that is still this year) with
    attendance, so both coverages are non-trivial. A rerun adds nothing."""
    from datetime import timedelta

    from hiqc.core.access import Actor

    from .models import TrainingPlan
    from .services import attendance_record, course_create, enrol, session_create

    seeded = topic_defaults_seed()
    counts = {"topic_requirements": seeded} if seeded else {}
    Course.objects.filter(title=COMPLIANCE_COURSE, topics=[]).update(topics=[Topic.COMPLIANCE])
    plan = (
        TrainingPlan.objects.filter(org_unit=head, year=today.year).order_by("created_at").first()
    )
    if plan is None or plan.courses.filter(title=DEMO_COURSE).exists():
        return counts
    system = Actor.system("demo")
    course = course_create(actor=system, plan_id=plan.pk, data={
        "title": DEMO_COURSE, "content": Content.BUSINESS, "form": "online", "hours": "2",
        "topics": [Topic.SECURITY_AWARENESS, Topic.PERSONAL_INFORMATION]})  # fmt: skip
    counts["topic_courses"] = 1
    held_on = today - timedelta(days=20)
    if held_on.year != today.year:  # the first days of January: nothing held this year yet
        return counts
    held = session_create(actor=system, course_id=course.pk, data={
        "trainer": "周志强", "place": "线上直播",
        "starts_at": datetime.combine(held_on, time(15), BEIJING).isoformat(),
        "ends_at": datetime.combine(held_on, time(17), BEIJING).isoformat(), "capacity": "100",
    })  # fmt: skip
    attended = {}
    for name in DEMO_ATTENDEES:
        user = users.get(name)
        if user is not None:
            e = enrol(actor=system, session_id=held.pk, data={"user": str(user.pk)})
            attended[f"hours_{e.pk}"] = "2"
    attendance_record(actor=system, session_id=held.pk, data=attended)
    return counts
