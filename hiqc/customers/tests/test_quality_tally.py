"""The nightly customer-data quality tally (standard 6.1.1; ADR 0031, amended): one row per owning
unit and day, counted with the one ``problems_of``; the data-quality page and the evidence rule
``customers.data_accurate`` read it and decrypt nothing; a rerun the same day replaces the day's
rows; its day and staleness follow the Beijing calendar on the dates that break date arithmetic."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.test import Client

from hiqc.core.calendar import BEIJING, months_after
from hiqc.core.evidence import RULES, assess
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.customers import quality
from hiqc.customers.enums import IdType
from hiqc.customers.models import Customer, CustomerQualityTally
from hiqc.customers.quality import (
    ACCURACY,
    PROBLEMS,
    data_quality,
    problems_of,
    quality_tally_run,
    stale_before,
)
from hiqc.customers.validation import resident_id_check_digit

pytestmark = pytest.mark.django_db
NIGHT = datetime(2026, 12, 7, 4, 40, tzinfo=BEIJING)


def _period(label: str) -> tuple[date, date]:
    """[start, end) of a quarter ``YYYY-Qn`` or a month ``YYYY-MM`` (as the conformance pages
    ask for them; this app may not import them)."""
    year, part = label.split("-")
    if part.startswith("Q"):
        start = date(int(year), 3 * int(part[1]) - 2, 1)
        return start, months_after(start, 3)
    start = date(int(year), int(part), 1)
    return start, months_after(start, 1)


def _rid(n: int) -> str:
    first17 = f"11010519850312{n:03d}"
    return first17 + resident_id_check_digit(first17)


def _factory_customers(org, count: int, seed: int) -> list[Customer]:
    """``count`` customers spread over four units with every kind of defect, at random (seeded):
    missing or wrong-check-digit ID numbers, passports (no GB 11643 check), missing or landline
    mobiles, no birth date, no address, records last written years ago, anonymised ones."""
    rng = random.Random(seed)
    units = [org["C1"], org["O1"], org["C2"], org["P2"]]
    made = []
    for n in range(count):
        good = _rid(n)
        wrong = good[:17] + ("0" if good[17] != "0" else "1")  # check digit off
        number = rng.choice([good, good, "", wrong])
        values = dict(
            org_unit=rng.choice(units), name=f"客户{n}",
            id_type=rng.choice([IdType.RESIDENT_ID] * 4 + [IdType.PASSPORT]),
            id_number=number, mobile=rng.choice(["13812345678", "", "010-88886666"]),
            birth_date=rng.choice([date(1985, 3, 12), None]),
            address=rng.choice(["北京市朝阳区1号", "", "  "]),
        )  # fmt: skip
        c = Customer.objects.create(**values)
        roll = rng.random()
        if roll < 0.2:
            Customer.objects.filter(pk=c.pk).update(updated_at=NIGHT - timedelta(days=4 * 365))
        elif roll < 0.3:
            Customer.objects.filter(pk=c.pk).update(anonymised_at=NIGHT - timedelta(days=1))
        made.append(c)
    return made


def _direct(day: date) -> dict[Any, Counter[str]]:
    """The figures per unit computed straight from the customers, without the tally's code:
    ``total``, ``with_problem``, ``inaccurate`` and each problem's count."""
    out: dict[Any, Counter[str]] = {}
    cut = stale_before(day)
    for c in Customer.objects.filter(anonymised_at__isnull=True):
        found = problems_of(c, cut)
        figures = out.setdefault(c.org_unit_id, Counter())
        figures.update(found)
        figures.update(total=1, with_problem=int(bool(found)),
                       inaccurate=int(bool(found - {"stale"})))  # fmt: skip
    return out


def test_the_tally_counts_equal_the_direct_computation_on_factory_customers(org, actors):
    # given 120 customers with every kind of defect over four units, some anonymised
    _factory_customers(org, 120, seed=11)
    # when the nightly tally runs
    with time_machine.travel(NIGHT, tick=False):
        summary = quality_tally_run()
    # then one row per unit with customers, each equal to the figures computed directly
    direct = _direct(NIGHT.date())
    rows = {r.org_unit_id: r for r in CustomerQualityTally.objects.filter(day=NIGHT.date())}
    assert set(rows) == set(direct) and len(rows) == 4
    for unit_id, want in direct.items():
        row = rows[unit_id]
        assert (row.total, row.with_problem, row.inaccurate) == (
            want["total"], want["with_problem"], want["inaccurate"])  # fmt: skip
        assert row.counts == {p: want[p] for p in PROBLEMS}
    assert summary == {"units": 4, "customers": sum(r.total for r in rows.values()), "pruned": 0}
    assert {p for r in rows.values() for p, n in r.counts.items() if n} == set(PROBLEMS)
    assert set(PROBLEMS) - {"stale"} == ACCURACY
    # and the page's figures are the tally's
    units = {u.unit_id: u for u in data_quality(actors["quality_lead"])}
    assert {k: (u.total, u.with_problem, u.counts) for k, u in units.items()} == {
        k: (r.total, r.with_problem, r.counts) for k, r in rows.items()}  # fmt: skip


def test_the_tally_is_idempotent_for_a_day_and_keeps_earlier_days(org):
    _factory_customers(org, 30, seed=3)
    with time_machine.travel(NIGHT, tick=False):
        first = quality_tally_run()
        before = sorted(CustomerQualityTally.objects.values_list(
            "org_unit_id", "day", "total", "with_problem", "inaccurate"))  # fmt: skip
        # a rerun the same day (a retry, a catch-up) replaces the day's rows: nothing doubles
        assert quality_tally_run() == first
    after = sorted(CustomerQualityTally.objects.values_list(
        "org_unit_id", "day", "total", "with_problem", "inaccurate"))  # fmt: skip
    assert after == before
    # the next night adds its own rows and leaves the day before as it was
    with time_machine.travel(NIGHT + timedelta(days=1), tick=False):
        quality_tally_run()
    days = Counter(CustomerQualityTally.objects.values_list("day", flat=True))
    assert days == {NIGHT.date(): first["units"], NIGHT.date() + timedelta(days=1): first["units"]}


def test_old_tallies_are_thinned_to_each_months_first_and_last(org):
    # given a unit tallied every day from 1 August to 7 December 2026
    day = date(2026, 8, 1)
    while day < NIGHT.date():
        CustomerQualityTally.objects.create(org_unit=org["C1"], org_path=org["C1"].path, day=day,
                                            total=1, with_problem=0, inaccurate=0)  # fmt: skip
        day += timedelta(days=1)
    Customer.objects.create(org_unit=org["C1"], name="甲")
    # when the tally runs on 7 December
    with time_machine.travel(NIGHT, tick=False):
        quality_tally_run()
    # then the last 31 days stay whole; before, each month keeps its first and last day
    kept = sorted(CustomerQualityTally.objects.values_list("day", flat=True))
    recent = [d for d in kept if d >= date(2026, 11, 6)]
    assert recent == [date(2026, 11, 6) + timedelta(days=i) for i in range(32)]
    assert [d for d in kept if d < date(2026, 11, 6)] == [
        date(2026, 8, 1), date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 30),
        date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 5)]  # fmt: skip


def test_the_evidence_and_the_page_read_the_tally_and_decrypt_nobody(org, personas):
    # given a tally (made up: the live customers say something else) and no customer at all
    CustomerQualityTally.objects.create(
        org_unit=org["C1"], org_path=org["C1"].path, day=date(2026, 9, 30), total=10,
        with_problem=4, inaccurate=3, counts={"missing_mobile": 2, "invalid_id_number": 1,
                                              "stale": 1})  # fmt: skip
    CustomerQualityTally.objects.create(
        org_unit=org["C2"], org_path=org["C2"].path, day=date(2026, 9, 30), total=5,
        with_problem=0, inaccurate=0, counts={})  # fmt: skip
    rule = RULES["customers.data_accurate"]
    q3 = _period("2026-Q3")
    # when the evidence and the page are asked for, with problems_of made to fail if called
    with mock.patch.object(quality, "problems_of", side_effect=AssertionError("decrypted")):
        p1 = assess(rule, org["P1"].path, *q3)
        whole = assess(rule, "", *q3)
        c2 = assess(rule, org["C2"].path, *q3)
        client = Client()
        client.force_login(personas["quality_lead"])
        page = client.get("/customers/quality/").content.decode()
    # then the figures are the tally's: P1's subtree 3 of 10 inaccurate (stale does not count)
    assert (p1.status, p1.records, p1.failing) == (S.PARTLY, 10, 3)
    assert "2026-09-30" in p1.note
    assert (whole.records, whole.failing) == (15, 3)
    assert (c2.status, c2.records, c2.failing) == (S.CONFORMING, 5, 0)
    assert "统计日期：2026-09-30" in page and "60.0%" in page  # 6 of 10 without a problem at C1


def test_no_tally_by_the_periods_end_is_not_yet_assessable(org):
    Customer.objects.create(org_unit=org["C1"], name="甲")  # live data alone is not read
    rule = RULES["customers.data_accurate"]
    q3 = _period("2026-Q3")
    found = assess(rule, org["P1"].path, *q3)
    assert found.status == S.NOT_YET_ASSESSABLE and "no customer-data tally" in found.note
    # a tally taken after the period's end does not speak for it
    with time_machine.travel(datetime(2026, 10, 2, 4, 40, tzinfo=BEIJING), tick=False):
        quality_tally_run()
    assert assess(rule, org["P1"].path, *q3).status == S.NOT_YET_ASSESSABLE
    assert assess(rule, org["P1"].path, *_period("2026-Q4")).records == 1


@pytest.mark.parametrize(
    ("moment", "day", "cut", "counted", "not_counted"),
    [
        # a year's last evening: still 31 December in Beijing
        (datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING), date(2026, 12, 31), date(2023, 12, 31),
         ("2026-12", "2026-Q4"), "2026-11"),
        # just after midnight on New Year in Beijing (still 31 December in UTC): the tally of
        # the day the last quarter ends on, so it speaks for that quarter and the new one
        (datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING), date(2027, 1, 1), date(2024, 1, 1),
         ("2026-Q4", "2026-12", "2027-01"), "2026-11"),
        # 29 February: three years back is 28 February
        (datetime(2028, 2, 29, 12, 0, tzinfo=BEIJING), date(2028, 2, 29), date(2025, 2, 28),
         ("2028-02", "2028-Q1"), "2028-01"),
        # a month's last evening
        (datetime(2027, 4, 30, 23, 30, tzinfo=BEIJING), date(2027, 4, 30), date(2024, 4, 30),
         ("2027-04", "2027-Q2"), "2027-03"),
    ],
    ids=["12-31", "01-01", "02-29", "04-30"],
)  # fmt: skip
def test_the_tally_day_and_staleness_follow_the_beijing_calendar(
    org, moment, day, cut, counted, not_counted
):
    # given at C1 a complete record written exactly at the stale cut (3 years back, Beijing
    # midnight) and one written a second earlier
    edge = datetime.combine(cut, time.min, BEIJING)
    fresh = Customer.objects.create(org_unit=org["C1"], name="甲", id_number=_rid(1),
                                    mobile="13812345678", birth_date=date(1985, 3, 12),
                                    address="北京市朝阳区1号")  # fmt: skip
    old = Customer.objects.create(org_unit=org["C1"], name="乙", id_number=_rid(2),
                                  mobile="13812345679", birth_date=date(1985, 3, 12),
                                  address="北京市朝阳区2号")  # fmt: skip
    Customer.objects.filter(pk=fresh.pk).update(updated_at=edge)
    Customer.objects.filter(pk=old.pk).update(updated_at=edge - timedelta(seconds=1))
    # when the tally runs at that moment, twice
    with time_machine.travel(moment, tick=False):
        quality_tally_run()
        quality_tally_run()
    # then one row, dated with Beijing's day, the older record alone stale (accurate anyway)
    row = CustomerQualityTally.objects.get()
    assert row.day == day
    assert (row.total, row.with_problem, row.inaccurate, row.counts["stale"]) == (2, 1, 0, 1)
    # and the evidence of a period ending on or after that day reads it; one ending before not
    rule = RULES["customers.data_accurate"]
    for label in counted:
        found = assess(rule, org["P1"].path, *_period(label))
        assert (found.status, found.records, found.failing) == (S.CONFORMING, 2, 0), label
    before = _period(not_counted)
    assert assess(rule, org["P1"].path, *before).status == S.NOT_YET_ASSESSABLE
