"""A cycle computed from real complaint records (standard 7.2.2; issue 18 §4; ADR 0021): the
person-measure registry filled by the complaints app, read by the people app, against values
counted by hand.

The scene (C1's ``handler``, March 2026, Beijing time): complaints A (decided after 5 days, on
time), B (extended, decided after 20 days, on time), C (extended, decided after 35 days, late),
all decided in March. The scheme: performance 100 %, complaint handler measured by
``complaints.on_time`` (weight 60, target 80 %) and ``complaints.handled`` (weight 40, target 5).
By hand: on time 2 of 3 = 66.67 % → score 100 × 66.67 ÷ 80 = 83.3; handled 3 → 100 × 3 ÷ 5 = 60;
performance = (60 × 83.33 + 40 × 60) ÷ 100 = 74.0; total 74.0, grade C (60 ≤ 74 < 80).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from hiqc.complaints.tests.test_indicators import T0, make
from hiqc.core.calendar import BEIJING
from hiqc.customers.services import customer_create
from hiqc.people.assessment.models import AssessmentResult
from hiqc.people.assessment.services import cycle_act, cycle_create

pytestmark = pytest.mark.django_db


def test_a_handlers_performance_is_computed_from_their_complaints_by_hand(actors, org, personas):
    boss = actors["branch_manager"]
    with time_machine.travel(datetime(2026, 2, 20, 10, tzinfo=BEIJING), tick=False):
        cycle = cycle_create(actor=boss, data={
            "org_unit": org["P1"].pk, "title": "2026 年 3 月专项考核", "kind": "ad_hoc",
            "period_start": "2026-03-01", "period_end": "2026-03-31", "w_ability": "0",
            "w_performance": "100", "w_teamwork": "0", "w_ethics": "0",
            "measures": {"complaint_handler": [
                {"code": "complaints.on_time", "weight": 60, "target": 80},
                {"code": "complaints.handled", "weight": 40, "target": 5}]},
        })  # fmt: skip
        cycle_act(actor=boss, cycle_id=cycle.pk, action="publish")
    customer = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk,
                               data={"name": "赵六"})  # fmt: skip
    made = [
        make(actors, org, customer, at=T0, decide_after_days=5),
        make(actors, org, customer, at=T0 + timedelta(days=1), decide_after_days=20),
        make(actors, org, customer, at=datetime(2026, 2, 10, 10, tzinfo=BEIJING),
             decide_after_days=35),
    ]  # fmt: skip
    with time_machine.travel(datetime(2026, 4, 1, 10, tzinfo=BEIJING), tick=False):
        cycle_act(actor=boss, cycle_id=cycle.pk, action="compute")
    result = AssessmentResult.objects.get(cycle=cycle, user=personas["handler"])
    on_time, handled = result.measures
    assert (on_time["numerator"], on_time["denominator"], on_time["score"]) == (2.0, 3.0, 83.3)
    assert sorted(on_time["evidence"]) == sorted(str(c.pk) for c in made)
    assert (handled["value"], handled["score"]) == (3.0, 60.0)
    assert result.performance == Decimal("74.0")
    assert (result.total, result.grade) == (Decimal("74.0"), "C")
