"""The information demo: last quarter's round completed with one revoked role, this quarter's
open; dormant accounts; one agent's night of reveals flagged three ways; security roles with one
vacancy; last year's evaluation with a closed and an open remediation — dated from today,
whatever today is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.information import demo, selectors
from hiqc.information.models import AccessRecertification, RecertificationLine, Remediation
from hiqc.information.security.selectors import vacancies
from hiqc.information.services import quarter_of
from hiqc.organisations.models import Membership, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_from_today_and_a_rerun_adds_nothing(personas, org, moment):
    users = {
        **personas,
        "agent_bj": personas["agent"],
        "branch_manager_bj": personas["branch_manager"],
    }
    users.pop("branch_manager")
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.demo_load(seed=1, org_units=org, users=users,  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        User.objects.update(date_joined=timezone.now())  # the personas are new
        first = load()
        assert first["revoked"] == 1 and first["dormant_accounts"] == 3
        # head office (two failed items) and each of the two provinces (one each)
        assert first["evaluations"] == 3 and first["remediations"] == 2 + 2
        assert load() == {}
        today = timezone.now().astimezone(BEIJING).date()
        this_q, start, _end = quarter_of(today)
        last_q = quarter_of(start.replace(day=1) - timedelta(days=1))[0]
        last = AccessRecertification.objects.filter(round__quarter=last_q)
        assert last.count() == 4 and all(c.status == "completed" for c in last)
        current = AccessRecertification.objects.filter(round__quarter=this_q)
        assert current.count() == 4 and all(c.status == "open" for c in current)
        revoked = RecertificationLine.objects.get(decision="revoked")
        assert revoked.user.username == demo.FORMER
        assert not Membership.objects.filter(user__username=demo.FORMER).exists()
        assert not RecertificationLine.objects.filter(case__in=current,
                                                      user__username=demo.FORMER).exists()  # fmt: skip
        system = Actor.system("t")
        assert [r["user"].username for r in selectors.dormant_accounts(system)] == [
            "dormant_demo_1", "dormant_demo_2"]  # fmt: skip
        assert [r["user"].username for r in selectors.dormant_accounts(system, warning=True)] == [
            "dormant_demo_3"]  # fmt: skip
        night = [a for a in selectors.reveal_anomalies(system) if a["actor_name"] == "agent"
                 and a["day"] == today - timedelta(days=2)]  # fmt: skip
        assert sorted(a["kind"] for a in night) == ["burst", "off_hours", "rate"]
        assert [(v["unit"].code, v["role"]) for v in vacancies(system, today=today)] == [
            ("HO", "data_protection")]  # fmt: skip
        assert sorted(Remediation.objects.values_list("status", flat=True)) == [
            "closed",
            "open",
            "open",
            "open",
        ]
        assert all(
            r.opened_at.astimezone(BEIJING).date() < today for r in Remediation.objects.all()
        )
