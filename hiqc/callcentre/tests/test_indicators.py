"""Service level, abandon rate, ASA and AHT on hand-made call sets (CC-2, CC-3), rolled up over
the org tree as Σnumerator ÷ Σdenominator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hiqc.callcentre.indicators import calls_indicators_compute, code_for
from hiqc.core.indicators import INDICATORS, indicators_compute, rolled_up
from hiqc.core.models import IndicatorValue, RuleOverride

from .factories import T0, call, load

pytestmark = pytest.mark.django_db
DAY_START = T0.replace(hour=0)
DAY_END = DAY_START + timedelta(days=1)


def value(code, org, granularity="day", start=DAY_START, end=DAY_END, unit="HO"):
    rows = rolled_up(code, granularity=granularity, org_path=org[unit].path, start=start, end=end)
    return rows[0] if rows else None


def compute():
    calls_indicators_compute(start=DAY_START, end=DAY_END)


def test_answered_exactly_at_t_counts_within_and_one_second_later_does_not(actors, org):
    load(actors["quality_lead"], [call(wait=20), call(wait=21), call(wait=0)])
    compute()
    row = value("callcentre.service_level", org)
    assert (row["numerator"], row["denominator"]) == (2, 3)


def test_short_abandons_leave_numerator_and_denominator_and_ivr_only_calls_are_not_offered(
    actors, org
):
    load(
        actors["quality_lead"],
        [
            call(wait=5),  # within
            call(wait=40),  # answered late
            call(abandoned=True, wait=5),  # short abandon (≤ 5 s): excluded from both
            call(abandoned=True, wait=6),  # counted abandon
            call(ivr_only=True),  # never reached an agent queue
        ],
    )
    compute()
    sl = value("callcentre.service_level", org)
    assert (sl["numerator"], sl["denominator"]) == (1, 3)
    ab = value("callcentre.abandon_rate", org)
    assert (ab["numerator"], ab["denominator"]) == (1, 3)


def test_asa_and_aht_average_over_answered_calls_only(actors, org):
    load(
        actors["quality_lead"],
        [call(wait=10, handle=100), call(wait=30, handle=200), call(abandoned=True, wait=50)],
    )
    compute()
    assert value("callcentre.asa", org)["value"] == 20
    assert value("callcentre.aht", org)["value"] == 150


def test_the_thresholds_are_rules_read_at_compute_time(actors, org):
    load(actors["quality_lead"], [call(wait=25), call(wait=10)])
    RuleOverride.objects.create(key="callcentre.answer_threshold_s", value="30")
    compute()
    assert value("callcentre.service_level", org)["value"] == 1


def test_per_queue_indicators_split_and_roll_up_over_the_tree_as_sums(actors, org):
    load(
        actors["quality_lead"],
        [
            call(unit="C1", queue="complaint", wait=60),
            call(unit="O1", queue="complaint", wait=1),
            call(unit="O1", queue="complaint", wait=2),
            call(unit="O1", queue="complaint", wait=90),
            call(unit="C2", queue="consultation", wait=1),
        ],
    )
    compute()
    # C1's subtree: C1 0/1 and O1 2/3 → 2/4 (an average of ratios would say 33 %)
    row = value(code_for("service_level", "complaint"), org, unit="C1")
    assert (row["numerator"], row["denominator"], row["value"]) == (2, 4, 0.5)
    assert value(code_for("service_level", "consultation"), org, unit="C1") is None
    assert value("callcentre.service_level", org)["denominator"] == 5


def test_15_minute_rows_fall_in_beijing_intervals_and_months_sum_days(actors, org):
    load(
        actors["quality_lead"],
        [
            call(at=T0 + timedelta(minutes=14, seconds=59)),  # 09:00 interval
            call(at=T0 + timedelta(minutes=15)),  # 09:15 interval
            call(at=DAY_START + timedelta(hours=23, minutes=59)),  # still 2 March in Beijing
        ],
    )
    compute()
    starts = sorted(
        IndicatorValue.objects.filter(
            code="callcentre.service_level", granularity="15min"
        ).values_list("period_start", flat=True)
    )
    assert [s.astimezone(T0.tzinfo).strftime("%H:%M") for s in starts] == [
        "09:00",
        "09:15",
        "23:45",
    ]
    month = value(
        "callcentre.service_level",
        org,
        granularity="month",
        start=DAY_START.replace(day=1),
        end=DAY_END,
    )
    assert month["denominator"] == 3


def test_the_engine_computes_one_code_of_the_family_as_the_bulk_job_does(actors, org):
    load(actors["quality_lead"], [call(wait=3), call(wait=33), call(unit="O1", wait=1)])
    code = code_for("service_level")
    assert INDICATORS[code].family is not None
    indicators_compute(codes=[code], granularity="15min", start=DAY_START, end=DAY_END)
    by_engine = set(
        IndicatorValue.objects.filter(code=code).values_list(
            "period_start", "org_path", "numerator", "denominator"
        )
    )
    compute()
    by_job = set(
        IndicatorValue.objects.filter(code=code, granularity="15min").values_list(
            "period_start", "org_path", "numerator", "denominator"
        )
    )
    assert by_engine == by_job and len(by_job) == 2
