"""Indicators: computed into rows per org unit and period, rolled up as Σnumerator ÷ Σdenominator
(never an average of ratios); recomputing is idempotent."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_transition
from hiqc.core.indicators import indicators_compute, rolled_up
from hiqc.core.models import IndicatorValue

from .probe import KIND, probe_create

pytestmark = pytest.mark.django_db
DAY = datetime(2026, 3, 10, tzinfo=BEIJING)


def decided(actors, unit, *, late: bool):
    case = probe_create(
        actor=actors["agent"],
        org_unit=unit,
        title="指标",
        at=datetime(2026, 2, 1 if late else 28, 10, tzinfo=BEIJING),
    )
    at = datetime(2026, 3, 10, 11, tzinfo=BEIJING)
    case_transition(kind=KIND, actor=actors["agent"], case_id=case.pk, action="assign", at=at)
    case_transition(
        kind=KIND,
        actor=actors["agent"],
        case_id=case.pk,
        action="decide",
        data={"decision": "x"},
        at=at,
    )


@pytest.fixture
def closed_clocks(actors, org):
    # C1: 1 of 1 on time; O1 (under C1): 1 of 3 on time. Average of ratios would say 66.7 %.
    decided(actors, org["C1"], late=False)
    decided(actors, org["O1"], late=False)
    decided(actors, org["O1"], late=True)
    decided(actors, org["O1"], late=True)


def test_subtree_roll_up_is_sum_of_numerators_over_sum_of_denominators(org, closed_clocks):
    indicators_compute(
        codes=["core.deadlines_met_rate"],
        granularity="day",
        start=DAY,
        end=datetime(2026, 3, 11, tzinfo=BEIJING),
    )
    [row] = rolled_up(
        "core.deadlines_met_rate",
        granularity="day",
        org_path=org["C1"].path,
        start=DAY,
        end=datetime(2026, 3, 11, tzinfo=BEIJING),
    )
    assert (row["numerator"], row["denominator"]) == (2, 4)
    assert row["value"] == 0.5


def test_recomputing_replaces_the_period_instead_of_adding(org, closed_clocks):
    for _ in range(2):
        call_command("recompute_indicators", "--from", "2026-03-10", "--to", "2026-03-11")
    stored = IndicatorValue.objects.filter(code="core.deadlines_met_rate")
    assert stored.filter(granularity="day").count() == 2  # C1 and O1
    assert stored.filter(granularity="month").count() == 2


def test_values_endpoint_is_scoped_and_the_catalogue_lists_declarations(
    personas, org, closed_clocks
):
    call_command("recompute_indicators", "--from", "2026-03-10", "--to", "2026-03-11")
    client = Client()
    client.force_login(personas["quality_lead"])
    catalogue = client.get("/api/v1/indicators").json()
    assert any(
        i["code"] == "core.deadlines_met_rate" and "4.2.3(2)" in i["clauses"] for i in catalogue
    )
    body = client.get(
        "/api/v1/indicators/core.deadlines_met_rate/values",
        {
            "org_unit": str(org["C1"].pk),
            "from": "2026-03-01T00:00:00+08:00",
            "to": "2026-04-01T00:00:00+08:00",
        },
    ).json()
    assert body["values"][0]["value"] == 0.5
    outsider = Client()
    outsider.force_login(personas["branch_manager"])  # P1: C1 is inside, C2 is not
    assert (
        outsider.get(
            "/api/v1/indicators/core.deadlines_met_rate/values", {"org_unit": str(org["C2"].pk)}
        ).status_code
        == 404
    )
    agent = Client()
    agent.force_login(personas["agent"])
    assert agent.get("/api/v1/indicators").status_code == 403
    assert client.get("/api/v1/indicators/no.such/values").status_code == 404


def test_an_indicator_with_compute_range_is_computed_in_one_call_and_replaces_its_range():
    from hiqc.core.indicators import INDICATORS, Indicator, register_indicator

    calls = []

    def whole_range(granularity, start, end):
        calls.append((granularity, start, end))
        return [(start, "0001/", 1, 2), (start + (end - start) / 2, "0001/", 3, 0)]

    indicator = Indicator(
        code="probe.range",
        name_zh="区间",
        name_en="Range",
        unit="ratio",
        direction="higher_better",
        clauses=(),
        formula="n ÷ d",
        source="test",
        compute_range=whole_range,
        granularities=("15min",),
    )
    register_indicator(indicator)
    try:
        start = datetime(2026, 3, 10, 9, 7, tzinfo=BEIJING)
        end = datetime(2026, 3, 10, 11, tzinfo=BEIJING)
        for _ in range(2):
            written = indicators_compute(
                codes=["probe.range"], granularity="15min", start=start, end=end
            )
        assert written == 1  # the zero-denominator row is dropped
        assert len(calls) == 2 and calls[0][1] == datetime(2026, 3, 10, 9, tzinfo=BEIJING)
        [row] = IndicatorValue.objects.filter(code="probe.range")
        assert (row.numerator, row.denominator) == (1, 2)
    finally:
        INDICATORS.pop("probe.range")


def test_an_indicator_must_declare_how_it_is_computed():
    from hiqc.core.indicators import Indicator

    with pytest.raises(ValueError, match="declares no compute, compute_range, family or samples"):
        Indicator("x", "x", "x", "ratio", "higher_better", (), "", "")
