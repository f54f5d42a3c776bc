"""The demo's collection sources, data-quality cases and records past their retention (issue 21
§2, §3; ADR 0031): dated from today safely, idempotent, and the dry run lists them."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from hiqc.callcentre.models import CallRecord
from hiqc.consultations.models import Consultation
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.models import RetentionReport
from hiqc.core.retention import retention_daily
from hiqc.customers.models import Customer
from hiqc.customers.quality import data_quality, quality_tally_run
from hiqc.demo.collection import OLD_CONSULTATION, load_collection
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING),
        datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING),
        datetime(2028, 2, 29, 12, 0, tzinfo=BEIJING),
        datetime(2027, 4, 30, 23, 30, tzinfo=BEIJING),
    ],
)
def test_quality_cases_and_records_past_retention_whatever_the_day(org, actors, moment):
    units = {
        code: OrgUnit.objects.create(
            code=code,
            name=code,
            name_en=code,
            level=OrgLevel.CITY,
            parent=org["P1"],
            path=f"0001/0001/00{n}/",
        )
        for n, code in ((91, "SC-CD"), (92, "GD-GZ"))
    }
    with time_machine.travel(moment, tick=False):
        first = load_collection(units, Actor.system("demo"))
        assert (first["quality_cases"], first["retention_cases"]) == (6, 1)
        assert load_collection(units, Actor.system("demo"))["quality_cases"] == 0  # idempotent
        quality_tally_run()
        figures = {u.unit_path: u for u in data_quality(actors["quality_lead"])}
        retention_daily()
    chengdu = figures["0001/0001/0091/"]
    assert chengdu.counts["invalid_id_number"] == 1 and chengdu.counts["invalid_mobile"] == 1
    assert figures["0001/0001/0092/"].counts["stale"] == 2
    items = RetentionReport.objects.get().items
    old = Consultation.objects.get(number=OLD_CONSULTATION)
    assert items["consultations.records"]["ids"] == [str(old.pk)]
    assert len(items["callcentre.calls"]["ids"]) == 3
    free = Customer.objects.get(name="贺永平")
    assert items["customers.customers"]["ids"] == [str(free.pk)]
    assert CallRecord.objects.filter(call_id__startswith="RET-DEMO-").count() == 3
