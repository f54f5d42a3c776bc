"""The facilities demo: every outlet's record, two inspections each (the recent one leaving open
rectifications at every third outlet), a dozen equipment files — dated from today, whatever today
is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.facilities import demo, selectors
from hiqc.facilities.maintenance.services import maintenance_generate
from hiqc.facilities.models import (
    Equipment,
    EquipmentEvent,
    Inspection,
    MaintenanceTask,
    Rectification,
)
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
        tasks = first.pop("maintenance_tasks")
        done = first.pop("maintenance_done")
        facilities = {k: v for k, v in first.items() if not k.startswith("faults")}
        assert facilities == {"outlet_records": 7, "inspections": 14, "rectifications": 6,
                              "equipment": 12, "equipment_bulk": 7 * 15 + 2 * 15,
                              "maintenance_plans": 2 * 7, "renewal_equipment": 4,
                              "renewal_plans": 4}  # fmt: skip
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
        # three are under repair: the fault demo's open tickets (faults/demo.py OPEN_NOW)
        assert Equipment.objects.filter(state="under_repair").count() == 3
        assert Equipment.objects.filter(state__in=("in_use", "under_repair")).count() == 14 + 135
        _check_maintenance(today, tasks, done)


def _check_maintenance(today, tasks, done):
    """A year of maintenance: mostly on time, some late, a handful overdue now, nothing done
    after today or before the item was bought; each completion is in the item's history; the
    daily job finds nothing more to create for the pairs the demo filled."""
    assert MaintenanceTask.objects.count() == tasks and tasks > 900  # 135 items, a year
    assert MaintenanceTask.objects.filter(status="done").count() == done
    on_time = MaintenanceTask.objects.filter(on_time=True).count()
    late = MaintenanceTask.objects.filter(on_time=False).count()
    assert on_time + late == done and 0.8 < on_time / done < 0.95
    overdue = MaintenanceTask.objects.filter(status="pending", due_on__lt=today).count()
    assert 1 <= overdue <= 20
    assert not MaintenanceTask.objects.filter(completed_on__gt=today).exists()
    assert not MaintenanceTask.objects.filter(
        completed_on__lt=F("equipment__purchase_date")
    ).exists()
    assert EquipmentEvent.objects.filter(kind="maintenance").count() == done
    assert MaintenanceTask.objects.filter(status="pending", warn_on__gt=today).count() == 0
    assert EquipmentEvent.objects.filter(kind="use", reading__isnull=False).exists()
    telephony = Equipment.objects.filter(category="telephony", org_unit__level=OrgLevel.CITY)
    assert telephony.count() == 2 * 12
    assert Equipment.objects.filter(purchase_date__lt=today - timedelta(days=6 * 365)).exists()
    # the 12 hand-made files had no tasks: the job creates theirs, the demo's pairs are filled
    created = maintenance_generate(today=today)
    assert created <= 11 + 4 + 1  # and the renewal demo's four old items, the fault demo's PBX
    assert maintenance_generate(today=today) == 0
