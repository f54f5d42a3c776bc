"""The reveal anomaly report (6.2.3(3); issue 21 §4) on hand-made audit events: above the
person's usual rate (mean + 3 sd of the previous 30 days, and at least the floor), outside
working hours or on a rest day (Beijing time), many distinct customers within 10 minutes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.information.selectors import reveal_anomalies, reveal_events

from .conftest import client_for

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 18)  # a Wednesday, a working day


def _reveal(person, at: datetime, customer: int) -> None:
    who = Actor(user_id=person.pk, username=person.username, home_path="0001/0001/0001/")
    audit_record(actor=who, action="customer.reveal", subject_type="customers.customer",
                 subject_id=str(uuid.uuid5(uuid.NAMESPACE_URL, str(customer))),
                 org_path="0001/0001/0001/", fields=["mobile"], at=at)  # fmt: skip


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def _kinds(rows, who=None):
    return sorted((r["kind"], r["day"]) for r in rows if who is None or r["actor_name"] == who)


def test_the_three_rules_on_hand_made_events(personas):
    agent, claims = personas["agent"], personas["claims"]
    for back in range(1, 31):  # an ordinary month: 3 a day at 10:00
        for k in range(3):
            _reveal(agent, _at(DAY - timedelta(days=back), 10, k), k)
    for k in range(25):  # the day: 25 customers from 14:00, one every 30 seconds
        _reveal(agent, _at(DAY, 14) + timedelta(seconds=30 * k), 100 + k)
    for k in range(12):  # another person: 12 in a day, from nothing — under the floor of 20
        _reveal(claims, _at(DAY, 9, k), k)
    _reveal(claims, _at(DAY, 19, 30), 99)  # after hours
    _reveal(claims, _at(date(2026, 11, 21), 10), 98)  # a Saturday
    system = Actor.system("t")
    rows = reveal_anomalies(system, since=DAY, until=date(2026, 11, 21), today=date(2026, 11, 30))
    assert _kinds(rows, "agent") == [("burst", DAY), ("rate", DAY)]
    rate = next(r for r in rows if r["kind"] == "rate")
    assert rate["count"] == 25 and rate["mean"] == 3.0 and rate["sd"] == 0.0
    burst = next(r for r in rows if r["kind"] == "burst")
    assert burst["customers"] == 20 and burst["window_start"] == _at(DAY, 14)
    assert _kinds(rows, "claims") == [("off_hours", DAY), ("off_hours", date(2026, 11, 21))]
    saturday = next(r for r in rows if r["day"] == date(2026, 11, 21))
    assert saturday["working_day"] is False and saturday["count"] == 1
    # the baseline days are not reported; the range is bounded
    assert all(DAY <= r["day"] <= date(2026, 11, 21) for r in rows)
    drill = list(reveal_events(system, actor_id=str(agent.pk), day=DAY))
    assert len(drill) == 25 and drill[0].at == _at(DAY, 14)


def test_an_ordinary_month_is_no_anomaly_and_the_floor_holds(personas):
    agent = personas["agent"]
    for back in range(0, 31):
        day = DAY - timedelta(days=back)
        if day.weekday() >= 5:
            continue  # working days only
        for k in range(2 + back % 2):
            _reveal(agent, _at(day, 11, k), k)
    assert reveal_anomalies(Actor.system("t"), since=DAY - timedelta(days=6), until=DAY,
                            today=DAY) == []  # fmt: skip


def test_whoever_reads_the_audit_log_reads_the_report(personas):
    _reveal(personas["agent"], _at(DAY, 23), 1)
    compliance = client_for(personas["compliance"])
    body = compliance.get(f"/api/v1/reveal-anomalies?since={DAY}&until={DAY}").json()
    assert [r["kind"] for r in body["items"]] == ["off_hours"]
    assert client_for(personas["auditor"]).get("/api/v1/reveal-anomalies").status_code == 200
    for name in ("branch_manager", "agent", "admin"):
        assert client_for(personas[name]).get("/api/v1/reveal-anomalies").status_code == 403
    page = compliance.get(f"/information/reveal-anomalies/?since={DAY}&until={DAY}")
    assert page.status_code == 200 and "非工作时间查看" in page.content.decode()
    drill = compliance.get(
        f"/information/reveal-anomalies/events/?actor={personas['agent'].pk}&day={DAY}"
    )
    assert drill.status_code == 200 and "23:00:00" in drill.content.decode()


def test_the_report_range_is_bounded_whatever_is_asked():
    from hiqc.information.selectors import report_range

    today = date(2026, 12, 7)
    assert report_range(None, None, today) == (date(2026, 12, 1), today)
    assert report_range(date(1, 1, 1), date(9999, 12, 31), today) == (date(2026, 9, 7), today)
    assert report_range(date(1, 1, 1), date(1, 1, 3), today) == (date(2000, 1, 1),) * 2
    assert report_range(date(2026, 12, 5), date(2026, 11, 1), today) == (date(2026, 11, 1),) * 2
