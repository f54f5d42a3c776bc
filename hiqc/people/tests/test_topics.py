"""Training requirements by topic (issue 20 §3, issue 21 §5; standard 6.2.1, 9.1.2(3); ADR 0029):
a course carries topics, a requirement may name one, and coverage per role and unit counts only
this year's hours of courses carrying the topic — offered to the other chapters through
``hiqc.core.training``."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from hiqc.core import training
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import ValidationFailed
from hiqc.people import indicators
from hiqc.people.models import RequiredTraining
from hiqc.people.required import required_training_set
from hiqc.people.services import (
    attendance_record,
    course_create,
    enrol,
    plan_create,
    session_create,
)
from hiqc.people.topics import DEFAULT_HOURS, topic_defaults_seed, topics_demo_load

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 30, 12, 0, tzinfo=BEIJING)


def _held(actors, plan, *, title, topics, day, hours, attendees):
    course = course_create(actor=actors["trainer"], plan_id=plan.pk, data={
        "title": title, "content": "business", "form": "online", "hours": str(hours),
        "topics": topics})  # fmt: skip
    session = session_create(actor=actors["trainer"], course_id=course.pk, data={
        "trainer": "郑雪梅", "place": "线上", "starts_at": f"{day}T09:00",
        "ends_at": f"{day}T{9 + hours:02d}:00", "capacity": "10"})  # fmt: skip
    attended = {}
    for user, h in attendees:
        e = enrol(actor=actors["trainer"], session_id=session.pk, data={"user": str(user.pk)})
        attended[f"hours_{e.pk}"] = str(h)
    attendance_record(actor=actors["trainer"], session_id=session.pk, data=attended)


@pytest.fixture
def trained(actors, personas, org):
    """Complaint handlers and consultation agents (the handler and the agent at C1, the outsider
    agent at P2) must attend 2 h of compliance a year. This year the handler attended
    a 2-hour compliance + security course; the agent attended 1 h of it and 3 h of an untagged
    course; last year the agent attended 2 h of compliance (does not count this year)."""
    for role in ("complaint_handler", "consultation_agent"):
        required_training_set(actor=actors["trainer"], data={
            "role": role, "content": "business", "topic": "compliance", "hours": "2"})  # fmt: skip
    plans = {
        y: plan_create(
            actor=actors["trainer"],
            data={"year": str(y), "org_unit": org["HO"].pk, "title": f"{y} 年度"},
        )
        for y in (2025, 2026)
    }
    _held(
        actors,
        plans[2026],
        title="合规与信息安全",
        topics=["compliance", "security_awareness"],
        day="2026-03-02",
        hours=2,
        attendees=[(personas["handler"], 2), (personas["agent"], 1)],
    )
    _held(
        actors,
        plans[2026],
        title="产品知识",
        topics=[],
        day="2026-04-01",
        hours=3,
        attendees=[(personas["agent"], 3)],
    )
    _held(
        actors,
        plans[2025],
        title="合规（上年）",
        topics=["compliance"],
        day="2025-11-03",
        hours=2,
        attendees=[(personas["agent"], 2)],
    )


def test_topic_coverage_counts_only_this_years_hours_of_courses_carrying_the_topic(trained, org):
    rows = training.topic_coverage("compliance", year=2026, until=NOW)
    by_role = {r["role"]: (r["required"], r["covered"]) for r in training.coverage_by_role(rows)}
    assert by_role == {"complaint_handler": (1, 1), "consultation_agent": (2, 0)}
    assert {(r.role, r.org_path, r.required, r.covered) for r in rows} == {
        ("complaint_handler", org["C1"].path, 1, 1), ("consultation_agent", org["C1"].path, 1, 0),
        ("consultation_agent", org["P2"].path, 1, 0)}  # fmt: skip
    by_branch = training.coverage_by_unit(rows, depth=2)
    assert by_branch == [
        {"org_path": org["P1"].path, "required": 2, "covered": 1, "share": 0.5},
        {"org_path": org["P2"].path, "required": 1, "covered": 0, "share": 0.0},
    ]
    mine = training.topic_coverage("compliance", year=2026, until=NOW,
                                   visible=lambda p: p.startswith(org["P2"].path))  # fmt: skip
    assert [(r.role, r.covered) for r in mine] == [("consultation_agent", 0)]
    # last year: the agent's 2 h count there, the handler had none
    last = training.coverage_by_role(training.topic_coverage("compliance", year=2025, until=NOW))
    assert {r["role"]: r["covered"] for r in last} == {"complaint_handler": 0,
                                                       "consultation_agent": 1}  # fmt: skip


def test_before_the_course_nobody_is_covered_and_an_unrequired_topic_has_no_rows(trained):
    march_first = datetime(2026, 3, 1, 12, 0, tzinfo=BEIJING)
    rows = training.topic_coverage("compliance", year=2026, until=march_first)
    assert sum(r.covered for r in rows) == 0 and sum(r.required for r in rows) == 3
    assert training.topic_coverage("security_awareness", year=2026, until=NOW) == []


def test_the_coverage_indicator_counts_a_topic_requirement_by_the_topics_courses(trained, org):
    from hiqc.core.indicators import INDICATORS, Period

    period = Period("month", datetime(2026, 9, 1, tzinfo=BEIJING),
                    datetime(2026, 10, 1, tzinfo=BEIJING))  # fmt: skip
    compute = INDICATORS[indicators.COVERAGE].compute
    assert compute is not None
    with time_machine.travel(NOW, tick=False):
        rows = {p: (n, d) for p, n, d in compute(period)}
    assert rows[org["C1"].path] == (1.0, 2.0)


def test_a_requirement_names_a_known_topic_and_a_course_known_topics(actors, org):
    with pytest.raises(ValidationFailed) as exc:
        required_training_set(
            actor=actors["trainer"],
            data={"role": "trainer", "content": "business", "topic": "astrology", "hours": "2"},
        )
    assert set(exc.value.fields) == {"topic"}
    plan = plan_create(actor=actors["trainer"], data={
        "year": "2026", "org_unit": org["HO"].pk, "title": "x"})  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        course_create(actor=actors["trainer"], plan_id=plan.pk, data={
            "title": "x", "content": "business", "form": "online", "hours": "1",
            "topics": "compliance,astrology"})  # fmt: skip
    assert set(exc.value.fields) == {"topics"}
    # the same role and content with and without a topic are two requirements
    required_training_set(actor=actors["trainer"], data={
        "role": "trainer", "content": "business", "hours": "4"})  # fmt: skip
    required_training_set(
        actor=actors["trainer"],
        data={"role": "trainer", "content": "business", "topic": "compliance", "hours": "2"},
    )
    assert RequiredTraining.objects.filter(role="trainer").count() == 2


def test_the_design_defaults_ask_every_role_for_two_hours_of_each_topic_once(db):
    n = topic_defaults_seed()
    assert n == 3 * RequiredTraining.objects.values("role").distinct().count()
    assert set(RequiredTraining.objects.values_list("topic", "hours").distinct()) == {
        ("compliance", DEFAULT_HOURS), ("security_awareness", DEFAULT_HOURS),
        ("personal_information", DEFAULT_HOURS)}  # fmt: skip
    assert all("(P)" in r.note or "（P）" in r.note for r in RequiredTraining.objects.all())
    assert topic_defaults_seed() == 0


@pytest.mark.parametrize("moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00",
                                    "2027-03-31 18:00"])  # fmt: skip
def test_the_topics_demo_from_today_and_a_rerun_adds_nothing(org, personas, actors, moment):
    now = datetime.fromisoformat(moment).replace(tzinfo=BEIJING)
    with time_machine.travel(now, tick=False):
        today = now.date()
        plan_create(
            actor=actors["trainer"],
            data={"year": str(today.year), "org_unit": org["HO"].pk, "title": "年度全员培训计划"},
        )
        users = {"complaint_handler_bj": personas["handler"], "agent_bj": personas["agent"]}
        first = topics_demo_load(head=org["HO"], users=users, today=today)
        assert first["topic_courses"] == 1 and first["topic_requirements"] > 0
        assert topics_demo_load(head=org["HO"], users=users, today=today) == {}
        rows = training.topic_coverage("security_awareness", year=today.year, until=now)
        covered = sum(r.covered for r in rows)
        assert covered == (0 if today < date(today.year, 1, 21) else 2)
