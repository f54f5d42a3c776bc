"""The facilities demo: every outlet's record, two inspections each (the recent one leaving open
rectifications at every third outlet), a dozen equipment files — dated from today, whatever today
is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.facilities import demo, selectors
from hiqc.facilities.models import Equipment, Inspection, Rectification
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlets(org):
    units = dict(org)
    for n in range(2, 8):
        units[f"O{n}"] = OrgUnit.objects.create(
            code=f"O{n}", name=f"网点{n}", name_en=f"O{n}", level=OrgLevel.OUTLET,
            parent=org["C2"], path=f"0001/0002/0001/{n:04d}/")  # fmt: skip
    return units


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_inspects_every_outlet_from_today_and_a_rerun_adds_nothing(outlets, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.demo_load(seed=1, org_units=outlets, users={},  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        first = load()
        assert first == {"outlet_records": 7, "inspections": 14, "rectifications": 6,
                         "equipment": 12, "renewal_equipment": 4, "renewal_plans": 4}  # fmt: skip
        assert load() == {}
        today = timezone.now().astimezone(BEIJING).date()
        assert Inspection.objects.filter(performed_at__isnull=True).count() == 0
        assert all(
            i.performed_at and i.performed_at.astimezone(BEIJING).date() < today
            for i in Inspection.objects.all()
        )
        open_cases = Rectification.objects.filter(status="open")
        assert open_cases.count() == 3  # the outlets 0, 3 and 6 of the recent round
        assert Rectification.objects.filter(status="closed").count() == 3
        rows = selectors.results_by_outlet(Actor.system("t"))
        assert sum(1 for r in rows if r["gaps"]) == 3 and all(r["inspections"] == 2 for r in rows)
        # one disposal in the files, one by the completed renewal plan (test_renewal_demo.py)
        assert Equipment.objects.filter(state="disposed").count() == 2
        assert Equipment.objects.filter(state="in_use").count() == 14
