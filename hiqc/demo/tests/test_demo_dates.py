"""The demo and every periodic job on the dates that break period arithmetic (issue 13 §2).

`make demo` once failed every December (a month counted to 13). Each date below runs the whole
loader at small size, then every job of the schedule, frozen at that moment: a year's last day
late in the evening, New Year just after midnight Beijing time (still 31 December in UTC), 28 and
29 February, a month's 31st and the last week of a year.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils.module_loading import import_string

from hiqc.core.calendar import BEIJING
from hiqc.core.models import AuditEvent, CaseEvent, Deadline
from hiqc.core.schedule import SCHEDULE
from hiqc.organisations.models import OrgUnit

DATES = [
    datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING),
    datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING),
    datetime(2027, 2, 28, 12, 0, tzinfo=BEIJING),
    datetime(2028, 2, 29, 9, 0, tzinfo=BEIJING),
    datetime(2027, 3, 31, 18, 0, tzinfo=BEIJING),
    datetime(2027, 12, 27, 10, 0, tzinfo=BEIJING),  # Monday of the last week of 2027
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", DATES, ids=[d.strftime("%Y-%m-%d") for d in DATES])
def test_the_demo_and_every_periodic_job_run_on_the_dates_that_break_period_arithmetic(moment):
    # Given a clock at one of the awkward dates (moving, as a real run's clock does)
    with time_machine.travel(moment, tick=True):
        # When the demo loads at small size and then every periodic job runs
        call_command("demo_load", customers=60, verbosity=0, stdout=StringIO())
        for job in SCHEDULE:
            import_string(job.job)()

        # Then the demo is there, and nothing it wrote happened after "now"
        assert OrgUnit.objects.filter(code="HO").exists()
        assert AuditEvent.objects.filter(action="demo.load").count() == 1
        assert CaseEvent.objects.exists()
        future = CaseEvent.objects.filter(at__gt=datetime.now(BEIJING))
        assert not future.exists(), sorted({(e.case_type, e.activity) for e in future[:50]})
        ahead = Deadline.objects.filter(started_at__gt=datetime.now(BEIJING))
        assert not ahead.exists(), sorted({(d.case_type, d.clock) for d in ahead[:50]})
