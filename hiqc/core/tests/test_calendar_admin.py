"""Administrators load or correct a year; the API and page compute due times on it."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hiqc.core.calendar import Source, load_year
from hiqc.core.errors import Forbidden
from hiqc.core.models import AuditEvent, CalendarDay
from hiqc.core.services import calendar_years_load

SCHEDULE_2027 = """date,type,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-06,workday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-13,holiday,春节
"""


def test_a_loaded_year_replaces_the_fallback_and_its_warning(actors):
    assert load_year(2027).source == Source.FALLBACK
    report = calendar_years_load(actor=actors["admin"], text=SCHEDULE_2027, note="测试")
    assert report.years == {2027: 11}
    cal = load_year(2027)
    assert cal.source == Source.ADMIN
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 6))  # a Saturday, worked
    client = Client()
    body = client.get(
        "/api/v1/calendar/due",
        {"start": "2027-02-05T10:00:00+08:00", "amount": "2", "unit": "working_days"},
    ).json()
    # Sat 6 Feb is a make-up working day (1), then 7–13 Feb holiday, Mon 15 Feb (2)
    assert body["due_date"] == "2027-02-15"
    assert body["warnings"] == []


def test_reloading_the_same_file_changes_nothing(actors):
    calendar_years_load(actor=actors["admin"], text=SCHEDULE_2027)
    calendar_years_load(actor=actors["admin"], text=SCHEDULE_2027)
    assert CalendarDay.objects.count() == 11
    assert AuditEvent.objects.filter(action="calendar.load").count() == 2


def test_an_administrator_may_correct_a_year_the_package_knows(actors):
    assert load_year(2026).source == Source.PACKAGE
    calendar_years_load(actor=actors["admin"], text="2026-12-31,holiday,测试更正\n")
    assert load_year(2026).holidays == {date(2026, 12, 31): "测试更正"}


def test_only_calendar_managers_at_head_office_may_load(actors):
    with pytest.raises(Forbidden):
        calendar_years_load(actor=actors["quality_lead"], text=SCHEDULE_2027)


def test_load_holidays_command_reports_bad_lines_and_loads_the_rest(db, tmp_path: Path):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027 + "2027-13-01,holiday,错误\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 line"):
        call_command("load_holidays", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}:13:" in err.getvalue()
    assert CalendarDay.objects.count() == 11


def test_due_endpoint_is_public_and_validates_its_inputs(db):
    client = Client()
    ok = client.get(
        "/api/v1/calendar/due",
        {"start": "2026-09-20T10:00:00+08:00", "amount": "15", "unit": "calendar_days"},
    )
    assert ok.status_code == 200
    assert ok.json()["due_at"].startswith("2026-10-09T00:00:00")
    assert ok.json()["rolled_over_from"] == "2026-10-05"
    bad = client.get("/api/v1/calendar/due", {"start": "soon", "amount": "0", "unit": "weeks"})
    assert bad.status_code == 422
    assert {"start", "amount", "unit"} <= set(bad.json()["fields"])
    too_long = client.get(
        "/api/v1/calendar/due",
        {"start": "2026-09-20T10:00:00+08:00", "amount": "9000", "unit": "calendar_days"},
    )
    assert too_long.status_code == 422
    assert "amount" in too_long.json()["fields"]


def test_calendar_page_uploads_a_file_and_lists_rejected_lines(personas):
    client = Client()
    client.force_login(personas["admin"])
    upload = SimpleUploadedFile("2027.csv", (SCHEDULE_2027 + "bad line\n").encode())
    html = client.post("/calendar/", {"file": upload, "note": "测试"}).content.decode()
    assert "已加载 11 天" in html
    assert "第 13 行" in html
    assert load_year(2027).source == Source.ADMIN


def test_calendar_page_computes_a_due_date_and_shows_the_roll_over(personas):
    client = Client()
    client.force_login(personas["agent"])
    html = client.get(
        "/calendar/", {"start": "2026-09-20T10:00", "amount": "15", "unit": "calendar_days"}
    ).content.decode()
    assert "2026-10-08 24:00" in html
    assert "2026-10-05" in html
    upload = SimpleUploadedFile("x.csv", SCHEDULE_2027.encode())
    assert client.post("/calendar/", {"file": upload}).status_code == 403


def test_calendar_page_names_each_years_source_and_shows_chinese_holiday_names(personas, actors):
    calendar_years_load(actor=actors["admin"], text=SCHEDULE_2027)
    client = Client()
    client.force_login(personas["agent"])
    html = client.get("/calendar/", {"year": "2026"}).content.decode()
    assert "内置（chinese-calendar）" in html
    assert "国庆节" in html
    html = client.get("/calendar/", {"year": "2027"}).content.decode()
    assert "管理员加载" in html
