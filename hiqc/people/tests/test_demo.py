"""The people demo (issue 18 §9): a plan for this year covering every content and form, a bank
and its exam, certificates with one due for renewal and one lapsed — dated from today, whatever
today is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.enums import Role
from hiqc.organisations.models import User
from hiqc.people import demo, selectors
from hiqc.people.enums import Qualification
from hiqc.people.gate import qualification_refusal, required_qualification
from hiqc.people.models import Certificate, Exam, Session, TrainingPlan
from hiqc.people.services import paper_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(org):
    return {name: User.objects.create_user(username=name, password="x" * 20, org_unit=org["C1"],
                                           display_name=name)
            for name in {u for u, *_r in demo.CERTIFICATES} | set(demo.ATTENDEES)}  # fmt: skip


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_trains_examines_and_certifies_from_today_and_a_rerun_adds_nothing(
    org, staff, moment
):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.demo_load(seed=1, org_units={"HO": org["HO"]}, users=staff,  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        first = load()
        rows, before = first.pop("indicator_rows"), first.pop("training_plans_before")
        assert first == {"training_plans": 1, "courses": 4, "sessions": 8, "questions": 11,
                         "exams": 1, "attempts": 0, "certificates": 11, "year_sessions": 12,
                         "required_training": 10, "topic_courses": 1,
                         "topic_requirements": 3 * len(Role.values)}  # fmt: skip
        assert TrainingPlan.objects.count() == 1 + before  # last year's when the year reaches it
        assert rows > 0
        assert load() == {}
        today = timezone.now().astimezone(BEIJING).date()
        plan = TrainingPlan.objects.get(year=today.year)
        cover = selectors.coverage(plan)
        assert all(ok for _v, _l, ok in cover["contents"] + cover["forms"])
        system = Actor.system("t")
        due = {c.user.username for c in selectors.expiring(system, today)}
        assert due == {"complaint_handler_gd", "agent_gd", "branch_manager_gd"}
        lapsed = Certificate.objects.get(user__username="complaint_handler_sc")
        assert lapsed.expires_on == today - timedelta(days=1)
        assert len(paper_draw(Exam.objects.get(), 3)) == 7
        held = Session.objects.filter(starts_at__lt=timezone.now()).earliest("starts_at")
        hours = selectors.training_hours(system, held.starts_at.astimezone(BEIJING).year)
        assert hours and all(row["hours"] > 0 for row in hours)

        # a year of training: a session attended in each of the last twelve months
        now = timezone.now()
        year = Session.objects.filter(starts_at__lt=now, starts_at__gte=now - timedelta(days=366),
                                      enrolments__attended_hours__gt=0).distinct()  # fmt: skip
        months = {s.starts_at.astimezone(BEIJING).strftime("%Y-%m") for s in year}
        assert len(months) >= 12
        # the complaint gate is on for the demo, so 杨帆's lapsed certificate blocks her
        assert required_qualification("complaints.complaint") == Qualification.COMPLAINT_HANDLER
        assert qualification_refusal("complaints.complaint", staff["complaint_handler_sc"].pk, now)
        assert not qualification_refusal("complaints.complaint",
                                          staff["complaint_handler_bj"].pk, now)  # fmt: skip
