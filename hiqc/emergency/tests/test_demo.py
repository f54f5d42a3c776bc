"""The emergency demo: six plans at head office and two per province, two drills performed (one
late, with its improvement plan), one overdue, one information-security incident closed — dated
from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.emergency import demo
from hiqc.emergency.models import Drill, EmergencyPlan, Incident
from hiqc.emergency.services import drills_schedule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_from_today_and_a_rerun_adds_nothing(org, personas, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.demo_load(seed=1, org_units=org, users=personas,  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        assert load() == {"plans": 10, "drills": 3, "incidents": 2}
        assert load() == {}
        today = timezone.now().astimezone(BEIJING).date()
        done = Drill.objects.filter(performed_on__isnull=False).order_by("performed_on")
        assert [(d.late, d.met) for d in done] == [(False, True), (True, False)]
        assert all(d.performed_on is not None and d.performed_on < today for d in done)
        assert done[1].improvement_plan_id is not None
        overdue = Drill.objects.get(performed_on=None)
        assert overdue.due_date < today and overdue.org_unit == org["P1"]
        incident = Incident.objects.get(status="closed")
        assert incident.org_unit == org["P2"] and incident.scenario == "infosec"
        outage = Incident.objects.get(status="handling")
        assert outage.org_unit == org["P1"] and outage.detected_at < timezone.now()
        assert incident.entries.count() == 7 and incident.regulator_notified_at is not None
        assert EmergencyPlan.objects.filter(org_unit=org["HO"]).count() == 6
        # the schedule has nothing to add right after the demo: every plan is within its year
        assert drills_schedule() == {"created": 0, "overdue": 1}
