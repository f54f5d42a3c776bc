"""The measured effect of a process change: matched periods before and after a version took
effect, cycle time and waits by Mann-Whitney, rework by a two-proportion test, and "not enough
data" below the minimum."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.services import process_version_publish
from hiqc.process_management.effects import compare, windows
from hiqc.process_management.mining import Event, Trace
from hiqc.process_management.selectors import Period

from .conftest import PLAN, log

pytestmark = pytest.mark.django_db
EFFECTIVE = date(2026, 9, 1)


def plan(i: int, start: datetime, days: float, *, again: bool = False) -> Trace:
    events = [Event("create", start, "", "plan"), Event("start", start + timedelta(hours=1), "plan", "do"),
              Event("check", start + timedelta(days=days - 1), "do", "check")]  # fmt: skip
    if again:
        events.append(Event("check", start + timedelta(days=days - 0.5), "do", "check"))
    events.append(Event("act", start + timedelta(days=days), "check", "closed"))
    return Trace(f"p{i}", "0001/", tuple(events))


def test_a_change_younger_than_two_weeks_is_not_compared_and_the_window_is_at_most_90_days():
    assert windows(EFFECTIVE, EFFECTIVE + timedelta(days=10)) is None
    before, after = windows(EFFECTIVE, date(2026, 12, 31))  # type: ignore[misc]
    assert (before.first, before.last) == (date(2026, 6, 3), date(2026, 8, 31))
    assert (after.first, after.last) == (date(2026, 9, 1), date(2026, 11, 29))


def test_a_shorter_cycle_after_the_change_is_an_improvement_and_equal_rework_is_no_change():
    t0 = datetime(2026, 8, 1, 9, tzinfo=BEIJING)
    t1 = datetime(2026, 9, 2, 9, tzinfo=BEIJING)
    before = [plan(i, t0 + timedelta(hours=i), 10 + i % 3, again=i % 4 == 0) for i in range(40)]
    after = [plan(100 + i, t1 + timedelta(hours=i), 5 + i % 3, again=i % 4 == 0) for i in range(40)]
    periods = (
        Period(date(2026, 8, 1), date(2026, 8, 31)),
        Period(date(2026, 9, 1), date(2026, 9, 30)),
    )
    effect = compare(CASE_KINDS[PLAN], before, after, path="0001/", periods=periods)
    rows = {r.metric: r for r in effect["rows"]}
    assert rows["cycle_days"].verdict == "improved" and rows[
        "cycle_days"
    ].difference == pytest.approx(-5)
    assert rows["rework_rate"].verdict == "no_change"
    assert effect["step"] == "check" and rows["step_wait_days"].verdict == "improved"


def test_fewer_than_thirty_cases_on_a_side_is_not_enough_data():
    t0 = datetime(2026, 8, 1, 9, tzinfo=BEIJING)
    before = [plan(i, t0, 10) for i in range(40)]
    after = [plan(100 + i, t0 + timedelta(days=32), 5) for i in range(12)]
    periods = (
        Period(date(2026, 8, 1), date(2026, 8, 31)),
        Period(date(2026, 9, 1), date(2026, 9, 30)),
    )
    rows = compare(CASE_KINDS[PLAN], before, after, path="0001/", periods=periods)["rows"]
    assert {r.verdict for r in rows} == {"insufficient"}
    assert rows[0].after_n == 12 and rows[0].p_value is None


def test_the_changes_page_shows_each_versions_effect(personas, actors, org):
    c1 = org["C1"].path
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        process_version_publish(actor=actors["quality_lead"], process=PLAN, org_path="",
                                effective_from=EFFECTIVE, parameters={}, note="缩短检查周期")  # fmt: skip
    t0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)  # the log's hours count from here
    for i in range(35):  # before: closed in ~10 days; after: in ~4
        for side, start, days in (("b", datetime(2026, 7, 10, 9, tzinfo=BEIJING), 10),
                                  ("a", datetime(2026, 9, 10, 9, tzinfo=BEIJING), 4)):  # fmt: skip
            h = (start - t0).total_seconds() / 3600 + 12 * i
            log(f"00000000-0000-4000-8000-{i:04d}0000000{'1' if side == 'a' else '0'}", c1,
                ("create", "", "plan", h), ("start", "plan", "do", h + 1),
                ("check", "do", "check", h + 24 * (days - 1)),
                ("act", "check", "closed", h + 24 * days))  # fmt: skip
    client = Client()
    client.force_login(personas["quality_lead"])
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=BEIJING), tick=False):
        page = client.get(f"/process-management/{PLAN}/changes/")
    text = page.content.decode()
    assert page.status_code == 200 and "缩短检查周期" in text and "已改善" in text
