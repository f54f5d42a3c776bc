"""The fault demo: a year of tickets over whatever equipment exists, a few open now (one response
clock breached), 绵阳's telephony outage on the morning of the last working day — dated from today, whatever today is;
a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.downtime import TELEPHONY, downtime_intervals
from hiqc.core.models import CaseEvent, Deadline
from hiqc.facilities import demo
from hiqc.facilities.faults.demo import MY_OUTAGE, MY_PBX, last_working_day
from hiqc.facilities.faults.workflow import PROCESS
from hiqc.facilities.models import Equipment, Fault
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(org):
    found = dict(org)
    found["SC-MY"] = OrgUnit.objects.create(code="SC-MY", name="绵阳中心支公司", name_en="Mianyang",
                                            level=OrgLevel.CITY, parent=org["P2"],
                                            path="0001/0002/0009/")  # fmt: skip
    for n in range(2, 5):
        found[f"O{n}"] = OrgUnit.objects.create(
            code=f"O{n}", name=f"网点{n}", name_en=f"O{n}", level=OrgLevel.OUTLET,
            parent=org["C2"], path=f"0001/0002/0001/{n:04d}/")  # fmt: skip
    return found


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_a_year_of_faults_open_ones_and_the_mianyang_outage(units, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.demo_load(seed=3, org_units=units, users={},  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        first = load()
        assert first["faults"] > 12 and first["faults_open"] == 4
        assert first["faults.telephony_outage"] == 1 and first["faults.equipment"] == 1
        assert load() == {}
        now = timezone.now()
        today = now.astimezone(BEIJING).date()
        closed = Fault.objects.filter(status="closed")
        for f in closed:
            assert f.closed_at and f.down_until and f.closed_at <= now
            assert f.down_from <= f.reported_at <= f.down_until <= f.closed_at
        assert all(f.reported_at.astimezone(BEIJING).date() >= today - timedelta(days=366)
                   for f in Fault.objects.all())  # fmt: skip
        # every ticket has its two clocks and its events
        assert Deadline.objects.filter(case_type=PROCESS).count() == 2 * Fault.objects.count()
        assert CaseEvent.objects.filter(case_type=PROCESS, activity="create").count() == (
            Fault.objects.count())  # fmt: skip
        assert Fault.objects.exclude(status__in=["closed", "cancelled"]).count() == 4
        deadlines_sweep()
        breached = Deadline.objects.filter(case_type=PROCESS, state="breached", closed_at=None)
        assert breached.filter(clock="facilities.fault.major.response").exists()
        outage = Fault.objects.get(alarm_id=MY_OUTAGE)
        yesterday = last_working_day(today)  # the call centre's busy day
        assert outage.equipment.asset_number == MY_PBX and outage.status == "closed"
        assert outage.down_from == datetime.combine(yesterday, time(9, 45), tzinfo=BEIJING)
        drawn = downtime_intervals(units["SC-MY"].path,
                                   datetime.combine(yesterday, time.min, tzinfo=BEIJING), now,
                                   categories=(TELEPHONY,))  # fmt: skip
        assert outage.number in [d.reference for d in drawn]  # other telephony may fail too
        assert Equipment.objects.get(asset_number=MY_PBX).state == "in_use"


def test_the_history_covers_every_item_of_a_larger_register(units):
    """h1 scales the register to ~600 items; the fault step takes whatever exists."""
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=BEIJING), tick=False):
        demo.demo_load(seed=3, org_units=units, users={}, actor=Actor.system("demo"))
        before = Fault.objects.count()
        extra = [Equipment(asset_number=f"X-{n:03d}", name="打印机", category="printer",
                           org_unit=units["O2"], purchase_date=datetime(2024, 1, 1).date())
                 for n in range(40)]  # fmt: skip
        Equipment.objects.bulk_create(extra)
        again = demo.demo_load(seed=3, org_units=units, users={}, actor=Actor.system("demo"))
    assert again["faults"] == Fault.objects.count() - before >= 30  # about 1.2 a year each
