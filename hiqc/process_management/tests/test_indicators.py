"""Per-process indicators (2.2.1) on the indicator engine: cycle time, touches, rework rate."""

from __future__ import annotations

from datetime import datetime

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, indicators_compute, rolled_up

from .conftest import PLAN, log

pytestmark = pytest.mark.django_db


def test_every_process_with_an_end_has_its_three_figures():
    for part in ("cycle_days", "touches", "rework_rate"):
        indicator = INDICATORS[f"process.{PLAN}.{part}"]
        assert indicator.clauses == ("2.2.1",) and indicator.direction == "lower_better"


def test_a_closed_case_counts_its_days_steps_and_rework_in_the_month_it_closed(org):
    # Given two plans closed in November 2026, one of them checked twice
    c1 = org["C1"].path
    log(
        "00000000-0000-4000-8000-0000000000a1",
        c1,
        ("create", "", "plan", 0),
        ("start", "plan", "do", 24),
        ("check", "do", "check", 48),
        ("act", "check", "closed", 96),
    )
    log("00000000-0000-4000-8000-0000000000a2", c1, ("create", "", "plan", 0),
        ("start", "plan", "do", 24), ("check", "do", "check", 48), ("check", "do", "check", 60),
        ("act", "check", "closed", 48 * 4))  # fmt: skip
    # and one still open (not counted)
    log("00000000-0000-4000-8000-0000000000a3", c1, ("create", "", "plan", 0))
    start = datetime(2026, 11, 1, tzinfo=BEIJING)
    end = datetime(2026, 12, 1, tzinfo=BEIJING)
    codes = [f"process.{PLAN}.{p}" for p in ("cycle_days", "touches", "rework_rate")]
    indicators_compute(codes=codes, granularity="month", start=start, end=end)

    def value(part: str) -> float:
        (row,) = rolled_up(f"process.{PLAN}.{part}", granularity="month", org_path=org["HO"].path,
                           start=start, end=end)  # fmt: skip
        return row["value"]

    assert value("cycle_days") == pytest.approx((4 + 8) / 2)
    assert value("touches") == pytest.approx((4 + 5) / 2)
    assert value("rework_rate") == pytest.approx(0.5)
