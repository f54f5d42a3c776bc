"""The kernel's own indicator (clocks closed on time ÷ clocks closed) computed for a whole range
in one read gives each day and unit its own counts; cancelled clocks and open ones count nowhere."""

from __future__ import annotations

from datetime import datetime

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import indicators_compute, rolled_up
from hiqc.core.models import Deadline

pytestmark = pytest.mark.django_db


def clock(n, path, state, closed):
    return Deadline.objects.create(
        case_type="t.case", case_id=str(n), org_path=path, clock="t.clock", label="t", source="t",
        unit="calendar_days", amount=1, started_at=closed, due_at=closed, state=state,
        closed_at=closed,
    )  # fmt: skip


def test_each_day_and_unit_counts_its_own_closed_clocks(org):
    d1 = datetime(2026, 3, 2, 23, 30, tzinfo=BEIJING)  # late evening: still 2 March in Beijing
    d2 = datetime(2026, 3, 3, 0, 30, tzinfo=BEIJING)
    clock(1, org["C1"].path, "met", d1)
    clock(2, org["C1"].path, "breached", d1)
    clock(3, org["C2"].path, "met", d2)
    clock(4, org["C2"].path, "cancelled", d2)
    Deadline.objects.create(case_type="t.case", case_id="5", org_path=org["C2"].path, clock="t.clock",
                            label="t", source="t", unit="calendar_days", amount=1, started_at=d2,
                            due_at=d2, state="running")  # fmt: skip
    start, end = datetime(2026, 3, 1, tzinfo=BEIJING), datetime(2026, 4, 1, tzinfo=BEIJING)
    indicators_compute(codes=["core.deadlines_met_rate"], granularity="day", start=start, end=end)
    rows = rolled_up("core.deadlines_met_rate", granularity="day", org_path="0001/", start=start,
                     end=end)  # fmt: skip
    assert [(r["period_start"].astimezone(BEIJING).day, r["numerator"], r["denominator"])
            for r in rows] == [(2, 1, 2), (3, 1, 1)]  # fmt: skip
