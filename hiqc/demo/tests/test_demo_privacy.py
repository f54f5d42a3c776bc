"""The demo's privacy step (issue 21 §10): one legal hold on a refused 成都 claim and the
retention dry run for today + the notice period — dated from the Beijing day, idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.claimaudit.tests.factories import decided_claims
from hiqc.core.calendar import BEIJING
from hiqc.core.models import LegalHold, RetentionReport
from hiqc.demo.privacy import load_privacy
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING),
        datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING),
        datetime(2028, 2, 29, 12, 0, tzinfo=BEIJING),
        datetime(2027, 3, 31, 23, 30, tzinfo=BEIJING),
    ],
)
def test_one_hold_and_one_dry_run_whatever_the_day_and_a_rerun_adds_nothing(org, personas, moment):
    chengdu = OrgUnit.objects.create(code="SC-CD", name="成都中心支公司", name_en="SC-CD",
                                     level=OrgLevel.CITY, parent=org["P1"],
                                     path="0001/0001/0009/")  # fmt: skip
    refused = decided_claims(chengdu, 2, outcome="refuse")
    with time_machine.travel(moment, tick=False):
        assert load_privacy(personas) == {"legal_holds": 1, "retention_reports": 1}
        assert load_privacy(personas) == {"legal_holds": 0, "retention_reports": 0}
    hold = LegalHold.objects.get()
    assert hold.case_label == refused[0].number and hold.placed_by == "compliance"
    report = RetentionReport.objects.get()
    assert report.as_of == moment.astimezone(BEIJING).date() + timedelta(days=7)
