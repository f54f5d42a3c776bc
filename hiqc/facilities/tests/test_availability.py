"""Availability figures (issue 19 §6) against hand-computed values, and the downtime drawn over
the call-centre service level (the kernel's downtime registry)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.downtime import TELEPHONY, downtime_intervals
from hiqc.core.indicators import indicators_compute, rolled_up
from hiqc.facilities.enums import EquipmentCategory
from hiqc.facilities.equipment.services import equipment_create, equipment_event_record
from hiqc.facilities.faults.indicators import AVAILABILITY, MTBF, MTTR, PASS_RATE
from hiqc.facilities.faults.services import fault_act, fault_report
from hiqc.facilities.models import Inspection
from hiqc.facilities.services import outlet_checklist

from .conftest import client_for

pytestmark = pytest.mark.django_db
MARCH = (datetime(2026, 3, 1, tzinfo=BEIJING), datetime(2026, 4, 1, tzinfo=BEIJING))
APRIL_10 = datetime(2026, 4, 10, 12, 0, tzinfo=BEIJING)


def _bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def _item(actor, unit, asset, category, bought):
    return equipment_create(actor=actor, data={"asset_number": asset, "name": asset,
                                               "category": category, "org_unit": unit.pk,
                                               "purchase_date": bought})  # fmt: skip


def _outage(actor, item, down_from, down_until=None, cancel=False):
    start = _bj(down_from)
    with time_machine.travel(start, tick=False):
        fault = fault_report(actor=actor, at=start, data={
            "equipment": str(item.pk), "severity": "major", "title": "故障"})  # fmt: skip
        if cancel:
            return fault_act(actor=actor, fault_id=fault.pk, action="cancel",
                             data={"reason": "误报"})  # fmt: skip
        fault_act(actor=actor, fault_id=fault.pk, action="accept", data={})
    if down_until:
        end = _bj(down_until)
        with time_machine.travel(end, tick=False):
            fault_act(actor=actor, fault_id=fault.pk, action="repair", data={
                "resolution": "已修复", "cause": "hardware", "down_until": end.isoformat()})  # fmt: skip
    return fault


@pytest.fixture
def march(actors, org):
    """A: a queue machine at O1 all March; B: telephony at O1 from 11 March (504 h); C: a PC at
    C1 disposed of on 21 March (480 h). Outages: A 10 h on 5 March; B 22:00 31 March → 04:00
    1 April (2 h in March); C 20:00 28 February → 02:00 1 March (2 h in March, repaired in
    March, failed in February); a cancelled false alarm on A."""
    f = actors["facility"]
    with time_machine.travel(_bj("2026-02-01 09:00"), tick=False):
        a = _item(f, org["O1"], "A", EquipmentCategory.QUEUE, "2025-01-01")
        c = _item(f, org["C1"], "C", EquipmentCategory.PC, "2025-01-01")
    with time_machine.travel(_bj("2026-03-11 09:00"), tick=False):
        b = _item(f, org["O1"], "B", EquipmentCategory.TELEPHONY, "2026-03-11")
    _outage(f, a, "2026-03-05 10:00", "2026-03-05 20:00")
    _outage(f, b, "2026-03-31 22:00", "2026-04-01 04:00")
    _outage(f, c, "2026-02-28 20:00", "2026-03-01 02:00")
    _outage(f, a, "2026-03-10 10:00", cancel=True)
    with time_machine.travel(APRIL_10, tick=False):
        equipment_event_record(actor=f, equipment_id=c.pk, data={
            "kind": "disposed", "happened_on": "2026-03-21", "note": "报废"})  # fmt: skip
        indicators_compute(granularity="month", start=MARCH[0], end=MARCH[1])
    return {"a": a, "b": b, "c": c}


def _value(code: str, path: str) -> tuple[float, float] | None:
    rows = rolled_up(code, granularity="month", org_path=path, start=MARCH[0], end=MARCH[1])
    return (rows[0]["numerator"], rows[0]["denominator"]) if rows else None


def test_mtbf_mttr_and_availability_by_hand(march, org):
    c1, o1 = org["C1"].path, org["O1"].path
    # in service: 744 + 504 + 480 = 1728 h; down in March: 10 + 2 + 2 = 14 h
    assert _value(AVAILABILITY, c1) == pytest.approx((1714, 1728))
    # failures starting in March: A's and B's (C's began in February) → 1714 ÷ 2 = 857 h
    assert _value(MTBF, c1) == pytest.approx((1714, 2))
    # repaired in March: A (10 h) and C (6 h, its February hours too) → 8 h
    assert _value(MTTR, c1) == pytest.approx((16, 2))
    # the outlet alone: A and B
    assert _value(AVAILABILITY, o1) == pytest.approx((1236, 1248))
    assert _value(MTBF, o1) == pytest.approx((1236, 2))
    assert _value(MTTR, o1) == pytest.approx((10, 1))
    # per category: telephony is B alone; no telephony repair in March, so no MTTR figure
    assert _value(f"{AVAILABILITY}.telephony", c1) == pytest.approx((502, 504))
    assert _value(f"{MTBF}.telephony", c1) == pytest.approx((502, 1))
    assert _value(f"{MTTR}.telephony", c1) is None
    assert _value(f"{MTTR}.pc", c1) == pytest.approx((6, 1))


def test_inspection_pass_rate(actors, org):
    checklist = outlet_checklist()
    for day, passed in (("2026-03-02", True), ("2026-03-09", True), ("2026-03-16", False),
                        ("2026-04-02", False)):  # fmt: skip
        Inspection.objects.create(org_unit=org["O1"], kind="facility", checklist=checklist,
                                  due_date=day, planned_by="t", performed_at=_bj(f"{day} 10:00"),
                                  passed=passed, score=1, max_score=1)  # fmt: skip
    Inspection.objects.create(
        org_unit=org["O1"],
        kind="facility",
        checklist=checklist,
        due_date="2026-03-20",
        planned_by="t",
    )  # planned: not counted
    with time_machine.travel(APRIL_10, tick=False):
        indicators_compute(codes=[PASS_RATE], granularity="month", start=MARCH[0], end=MARCH[1])
    assert _value(PASS_RATE, org["HO"].path) == pytest.approx((2, 3))


def test_the_kernel_registry_answers_the_telephony_downtime_of_a_subtree(march, org):
    found = downtime_intervals(org["C1"].path, *MARCH, categories=(TELEPHONY,))
    assert [(d.start, d.end) for d in found] == [(_bj("2026-03-31 22:00"), _bj("2026-04-01 04:00"))]
    assert TELEPHONY == EquipmentCategory.TELEPHONY
    everything = downtime_intervals(org["O1"].path, *MARCH)
    assert len(everything) == 2  # A's and B's at the outlet; the cancelled one is no downtime


@pytest.mark.parametrize("moment", ["2026-12-07 09:00", "2027-01-01 08:00"])
def test_the_call_centre_dashboard_draws_telephony_downtime(actors, personas, org, moment):
    now = _bj(moment)
    yesterday = (now - timedelta(days=1)).date()
    f = actors["facility"]
    with time_machine.travel(now - timedelta(days=10), tick=False):
        pbx = _item(f, org["C1"], "PBX", EquipmentCategory.TELEPHONY, "2025-01-01")
        printer = _item(f, org["C1"], "PRN", EquipmentCategory.PRINTER, "2025-01-01")
    _outage(f, pbx, f"{yesterday} 10:05", f"{yesterday} 11:20")
    _outage(f, printer, f"{yesterday} 14:00", f"{yesterday} 15:00")  # not telephony: not drawn
    with time_machine.travel(now, tick=False):
        html = (
            client_for(personas["supervisor"])
            .get("/callcentre/", {"org_unit": str(org["C1"].pk), "day": yesterday.isoformat()})
            .content.decode()
        )
    found = re.search(r'id="cc-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    intervals = data["downtime"]["intervals"]
    assert [(d["from"], d["to"]) for d in intervals] == [("10:00", "11:15")]
    assert "PBX" in intervals[0]["label"]
    assert [(d["from"], d["to"]) for d in data["downtime"]["days"]] == [
        (yesterday.strftime("%m-%d"), yesterday.strftime("%m-%d"))
    ]


def test_the_quality_pages_show_the_figures_and_the_tickets_behind_them(march, personas):
    client = client_for(personas["quality_lead"])
    with time_machine.travel(APRIL_10, tick=False):
        assert client.get("/quality/indicators/").status_code == 200
        for code in (MTBF, MTTR, AVAILABILITY, f"{AVAILABILITY}.telephony", PASS_RATE):
            page = client.get(f"/quality/indicators/{code}/", {"granularity": "month"})
            assert page.status_code == 200, code
        cases = client.get(f"/quality/indicators/{MTTR}/cases/",
                           {"period": "2026-03", "granularity": "month"})  # fmt: skip
    assert cases.status_code == 200
    listed = cases.content.decode()
    assert "GZ202603050001" in listed and "GZ202602280001" in listed  # A's and C's repairs
