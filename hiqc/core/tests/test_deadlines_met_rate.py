"""The kernel's own indicator (clocks closed on time ÷ clocks closed) computed for a whole range
in one read gives each day and unit its own counts; cancelled clocks and open ones count nowhere."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, indicators_compute, rolled_up
from hiqc.core.models import Deadline, IndicatorValue

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


def test_the_cases_behind_an_on_time_rate_are_the_closed_clocks_breached_first(org):
    closed = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
    clock(1, org["C1"].path, "met", closed)
    clock(2, org["C1"].path, "breached", closed.replace(hour=12))
    clock(3, org["C1"].path, "cancelled", closed)
    clock(4, org["C2"].path, "breached", closed)

    cases = INDICATORS["core.deadlines_met_rate"].cases
    assert cases is not None
    behind = cases(org["C1"].path, datetime(2026, 3, 1, tzinfo=BEIJING),
                   datetime(2026, 4, 1, tzinfo=BEIJING))  # fmt: skip

    assert [(c.record_id, c.bad, c.counted) for c in behind] == [
        ("2", True, "超时"),
        ("1", False, "按时"),
    ]


def test_recompute_command_reads_each_indicator_once_for_the_range_and_writes_both_granularities(
    org,
):
    clock(1, org["C1"].path, "met", datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING))
    clock(2, org["C1"].path, "breached", datetime(2026, 4, 9, 10, 0, tzinfo=BEIJING))
    out = StringIO()

    call_command("recompute_indicators", "--from", "2026-03-01", "--to", "2026-05-01",
                 "--code", "core.deadlines_met_rate", stdout=out)  # fmt: skip

    stored = IndicatorValue.objects.filter(code="core.deadlines_met_rate")
    assert sorted((v.granularity, v.period_start.astimezone(BEIJING).date().isoformat(), v.numerator,
                   v.denominator) for v in stored) == [
        ("day", "2026-03-02", 1, 1), ("day", "2026-04-09", 0, 1),
        ("month", "2026-03-01", 1, 1), ("month", "2026-04-01", 0, 1),
    ]  # fmt: skip
    assert "4 rows written" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-01", "--to", "2026-03-01"], "--to after --from"),
        (["--from", "2026-03", "--to", "2026-04-01"], "must be dates"),
        (["--from", "2026-03-01", "--to", "2026-04-01", "--code", "no.such"], "unknown indicator"),
    ],
)
def test_recompute_command_refuses_bad_dates_and_unknown_codes(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("recompute_indicators", *args, stdout=StringIO())


def test_a_clock_closed_just_after_midnight_in_beijing_counts_in_the_new_month(org):
    clock(1, org["C1"].path, "met", datetime(2026, 3, 31, 23, 30, tzinfo=BEIJING))
    clock(2, org["C1"].path, "breached", datetime(2026, 4, 1, 0, 30, tzinfo=BEIJING))  # 3-31 UTC

    rows = INDICATORS["core.deadlines_met_rate"].rows(
        "month", datetime(2026, 3, 1, tzinfo=BEIJING), datetime(2026, 5, 1, tzinfo=BEIJING)
    )

    assert sorted((s.month, n, d) for s, _p, n, d in rows) == [(3, 1, 1), (4, 0, 1)]
    assert all(s.utcoffset() == BEIJING.utcoffset(None) for s, *_r in rows)
