"""The three doors of the import (page, API, command) share one service and one report; the
dashboard and the staffing forecast read what it produced (issue 4 §2, §4, §9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from hiqc.callcentre.indicators import calls_indicators_compute
from hiqc.callcentre.models import CallImport, CallRecord
from hiqc.callcentre.selectors import staffed_hours, staffing_forecast
from hiqc.core.calendar import BEIJING
from hiqc.core.models import RuleOverride

from .factories import T0, call, csv_bytes, jsonl_bytes, load

pytestmark = pytest.mark.django_db


def client_for(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def test_api_imports_csv_and_reports_bad_lines_then_reimport_is_all_duplicates(personas):
    body = csv_bytes([call(), {**call(), "queue": "x"}, call()])
    client = client_for(personas, "supervisor")
    first = client.post("/api/v1/calls/import", body, content_type="text/csv").json()
    assert (first["inserted"], first["duplicates"], first["rejected_total"]) == (2, 0, 1)
    assert first["rejected"] == [
        {"line": 3, "field": "queue", "problem": first["rejected"][0]["problem"]}
    ]
    assert first["rejected_more"] == 0
    again = client.post("/api/v1/calls/import", body, content_type="text/csv").json()
    assert (again["inserted"], again["duplicates"]) == (0, 2)


def test_api_reads_json_lines_and_refuses_other_content_types(personas):
    client = client_for(personas, "quality_lead")
    response = client.post(
        "/api/v1/calls/import", jsonl_bytes([call()]), content_type="application/x-ndjson"
    )
    assert response.status_code == 200 and response.json()["inserted"] == 1
    refused = client.post("/api/v1/calls/import", b"x", content_type="application/xml")
    assert refused.status_code == 422 and "content_type" in refused.json()["fields"]


def test_api_caps_the_rejected_list_and_says_how_many_more(personas):
    rows = [{**call(), "offered_at": "nope"} for _ in range(1003)]
    body = (
        client_for(personas, "quality_lead")
        .post("/api/v1/calls/import", csv_bytes(rows), content_type="text/csv")
        .json()
    )
    assert (len(body["rejected"]), body["rejected_more"], body["rejected_total"]) == (1000, 3, 1003)


def test_upload_page_shows_counts_and_the_bad_rows_by_line(personas):
    client = client_for(personas, "quality_lead")
    upload = SimpleUploadedFile(
        "calls.csv", csv_bytes([call(), {**call(), "org_unit": "ZZ"}]), "text/csv"
    )
    html = client.post(
        "/callcentre/calls/import/", {"file": upload, "file_format": "csv"}
    ).content.decode()
    assert 'id="import-report"' in html
    assert 'id="n-inserted">1<' in html
    assert '<td class="mono">3</td><td class="mono">org_unit</td>' in html
    assert CallImport.objects.get().source == "page"


def test_upload_page_names_a_file_without_the_required_columns(personas):
    client = client_for(personas, "quality_lead")
    upload = SimpleUploadedFile("calls.csv", b"call_id,queue\nX,complaint\n", "text/csv")
    html = client.post(
        "/callcentre/calls/import/", {"file": upload, "file_format": "csv"}
    ).content.decode()
    assert "has-error" in html and "offered_at" in html


def test_command_imports_a_file_with_the_same_report(org, tmp_path: Path):
    path = tmp_path / "calls.jsonl"
    path.write_bytes(jsonl_bytes([call(), call(), {**call(), "ended_at": ""}]))
    out = StringIO()
    call_command("import_calls", str(path), "--no-recompute", stdout=out)
    text = out.getvalue()
    assert "inserted 2" in text and "rejected 1" in text and "ended_at" in text
    call_command("import_calls", str(path), "--format", "jsonl", "--no-recompute", stdout=out)
    assert "duplicates 2" in out.getvalue()
    assert CallRecord.objects.count() == 2


def _history(actors, day: date, per_week: list[int]):
    """``per_week[k]`` calls at 10:00 on the same weekday k + 1 weeks before ``day``, plus noise
    on other weekdays that the forecast must ignore."""
    rows = []
    for k, n in enumerate(per_week, start=1):
        same = datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING) - timedelta(weeks=k)
        rows += [call(unit="C1", at=same + timedelta(seconds=i), handle=180) for i in range(n)]
        rows += [call(unit="C1", at=same + timedelta(days=1), handle=900) for _ in range(50)]
    load(actors["quality_lead"], rows)


def test_forecast_is_the_mean_of_the_same_weekday_over_four_weeks(actors, org):
    day = date(2026, 3, 30)  # a Monday
    _history(actors, day, [40, 20, 40, 20])
    plan = staffing_forecast(actors["supervisor"], unit=org["P1"], queue="", day=day)
    assert plan.history_days == [day - timedelta(weeks=k) for k in (1, 2, 3, 4)]
    [ten] = [i for i in plan.intervals if i.start == "10:00"]
    assert ten.calls == 30 and ten.aht_s == 180
    assert ten.agents_needed and ten.agents_scheduled and ten.service_level
    assert ten.agents_scheduled >= ten.agents_needed
    assert ten.service_level >= plan.target
    assert plan.total_calls == 30 and plan.peak_agents == ten.agents_scheduled


def test_forecast_api_defaults_to_tomorrow_and_the_actors_subtree(personas, actors, org):
    with time_machine.travel(datetime(2026, 3, 29, 12, tzinfo=BEIJING), tick=False):
        _history(actors, date(2026, 3, 30), [8, 8, 8, 8])
        body = client_for(personas, "supervisor").get("/api/v1/staffing/forecast").json()
    assert body["date"] == "2026-03-30" and body["org_unit_path"] == org["P1"].path
    assert body["total_calls"] == 8
    outside = client_for(personas, "supervisor").get(
        "/api/v1/staffing/forecast", {"org_unit": str(org["C2"].pk)}
    )
    assert outside.status_code == 404


@pytest.mark.parametrize("days", ["1", "6"])
def test_forecast_uses_at_least_one_week_of_history_whatever_the_rule_says(actors, org, days):
    # given history on the same weekday and a history rule shorter than a week
    day = date(2026, 3, 30)  # a Monday
    _history(actors, day, [40, 20])
    RuleOverride.objects.create(key="callcentre.forecast_history_days", value=days, reason="test")
    # when the forecast is made
    plan = staffing_forecast(actors["supervisor"], unit=org["P1"], queue="", day=day)
    # then it reads the last same weekday instead of dividing by an empty history
    assert plan.history_days == [day - timedelta(weeks=1)]
    [ten] = [i for i in plan.intervals if i.start == "10:00"]
    assert ten.calls == 40 and ten.agents_scheduled


def test_forecast_without_any_calls_in_its_history_is_no_forecast(actors, org):
    # given no calls at all and the shortest history rule
    RuleOverride.objects.create(key="callcentre.forecast_history_days", value="1", reason="test")
    # when the forecast is made
    plan = staffing_forecast(actors["supervisor"], unit=org["P1"], queue="", day=date(2026, 3, 30))
    # then nothing is forecast and no agents are planned
    assert plan.total_calls == 0 and plan.peak_agents == 0 and plan.aht_s is None
    assert all(i.agents_scheduled == 0 for i in plan.intervals)


@pytest.mark.parametrize("percent", ["100", "150"])
def test_forecast_caps_shrinkage_at_ninety_percent(actors, org, percent):
    # given history and a shrinkage rule of 100 % or more
    day = date(2026, 3, 30)
    _history(actors, day, [40, 20, 40, 20])
    RuleOverride.objects.create(key="callcentre.shrinkage_percent", value=percent, reason="test")
    # when the forecast is made
    plan = staffing_forecast(actors["supervisor"], unit=org["P1"], queue="", day=day)
    # then shrinkage counts as 90 %: ten times the agents needed, never infinite nor negative
    assert plan.shrinkage == 0.9
    [ten] = [i for i in plan.intervals if i.start == "10:00"]
    assert ten.agents_needed and ten.agents_scheduled == ten.agents_needed * 10
    assert plan.peak_agents == ten.agents_scheduled > 0


def test_cc1_flags_working_days_with_fewer_than_eight_staffed_hours(actors, org):
    monday = datetime(2026, 3, 2, tzinfo=BEIJING)
    rows = [call(at=monday + timedelta(hours=h)) for h in range(8, 15)]  # 7 hours
    rows += [call(at=monday + timedelta(days=1, hours=h)) for h in range(8, 16)]  # 8 hours
    rows += [call(at=monday + timedelta(days=5, hours=10))]  # Saturday: not a working day
    load(actors["quality_lead"], rows)
    days = staffed_hours(actors["supervisor"], org["P1"], date(2026, 3, 2), date(2026, 3, 9))
    assert [(d.hours, d.short) for d in days[:2]] == [(7, True), (8, False)]
    assert (days[5].working_day, days[5].hours, days[5].short) == (False, 1, False)
    assert days[2].short  # a working day without any human answering


def test_cc1_counts_the_hours_the_line_took_calls_including_self_service(actors, org):
    monday = datetime(2026, 3, 2, tzinfo=BEIJING)
    rows = [call(at=monday + timedelta(hours=h), ivr_only=True) for h in range(24)]
    rows += [call(at=monday + timedelta(hours=h)) for h in range(9, 17)]  # staffed 9:00–17:00
    load(actors["quality_lead"], rows)
    day = staffed_hours(actors["supervisor"], org["P1"], date(2026, 3, 2), date(2026, 3, 3))[0]
    assert (day.hours, day.line_hours, day.short) == (8, 24, False)


def test_dashboard_shows_the_site_below_target_first(personas, actors, org):
    rows = [call(unit="O1", queue="complaint", wait=60) for _ in range(3)]
    rows += [call(unit="C1", queue="complaint", wait=3) for _ in range(3)]
    load(actors["quality_lead"], rows)
    calls_indicators_compute(start=T0.replace(hour=0), end=T0.replace(hour=0) + timedelta(days=1))
    html = (
        client_for(personas, "branch_manager")
        .get("/callcentre/", {"day": "2026-03-02"})
        .content.decode()
    )
    table = html[html.index('id="branch-table"') :]
    assert table.index("望京营业部") < table.index("朝阳中心支公司")
    assert "cc-row-below" in table
    assert 'id="cc-data"' in html and "<script>" not in html
    assert 'id="staffing-tomorrow"' in html and 'id="staffed-hours"' in html


def test_api_streams_a_body_larger_than_djangos_in_memory_limit(personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    rows = [call(at=T0 + timedelta(seconds=i)) for i in range(2_000)]
    body = csv_bytes(rows)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client_for(personas, "quality_lead").post(
        "/api/v1/calls/import", body, content_type="text/csv"
    )
    assert response.status_code == 200 and response.json()["inserted"] == 2_000


def test_the_job_after_an_import_computes_days_months_and_recent_intervals(actors, org):
    from hiqc.callcentre.tasks import calls_indicators_job
    from hiqc.core.models import IndicatorValue

    load(actors["quality_lead"], [call(), call(at=T0 + timedelta(days=40))])
    calls_indicators_job.call_local(T0.isoformat(), (T0 + timedelta(days=40)).isoformat())
    rows = IndicatorValue.objects.filter(code="callcentre.service_level")
    assert rows.filter(granularity="day").count() == 2
    assert rows.filter(granularity="month").count() == 2
    assert rows.filter(granularity="15min").count() == 1  # only the last 31 days of the span


def test_the_call_centre_rules_are_listed_with_their_sources(personas):
    html = client_for(personas, "quality_lead").get("/rules/").content.decode()
    for key in ("callcentre.short_abandon_s", "callcentre.staffed_hours_min"):
        assert key in html
    assert "CC-3" in html and "CC-1" in html


def test_upload_page_says_a_utf16_file_is_the_wrong_encoding_not_missing_columns(personas):
    client = client_for(personas, "quality_lead")
    data = csv_bytes([call()]).decode().encode("utf-16-le")  # Excel's Unicode text, no BOM
    upload = SimpleUploadedFile("calls.csv", data, "text/csv")
    html = client.post(
        "/callcentre/calls/import/", {"file": upload, "file_format": "csv"}
    ).content.decode()
    assert "has-error" in html and "UTF-16" in html and "表头缺少列" not in html
    assert not CallImport.objects.exists()


def test_a_nul_byte_past_the_first_megabyte_does_not_break_the_import(personas):
    """PostgreSQL stores no NUL in text: one deep in a file (past the megabyte the encoding is
    read from) becomes U+FFFD, and its row is checked like any undecodable one (issue 14 §7)."""
    rows = [call(at=T0 + timedelta(seconds=i)) for i in range(12_000)]
    body = csv_bytes(rows)
    body += b"NUL-1,complaint,O1,2026-03-02 08:00:00,,,ag\x00ent,false,false\n"
    assert len(body) > 1 << 20
    response = client_for(personas, "quality_lead").post(
        "/api/v1/calls/import", body, content_type="text/csv"
    )
    assert response.status_code == 200, response.content
    assert response.json()["inserted"] == 12_001
    assert CallRecord.objects.get(call_id="NUL-1").agent == "ag\ufffdent"


def test_a_bad_dashboard_filter_is_shown_at_its_field_and_the_good_ones_still_apply(personas, org):
    # When the dashboard is asked for one outlet on an impossible day
    html = (
        client_for(personas, "branch_manager")
        .get("/callcentre/", {"org_unit": str(org["O1"].pk), "day": "2026-13-45"})
        .content.decode()
    )
    # Then the day is refused beside its field, and the outlet still applies (it once reset
    # every filter to the reader's own branch)
    assert '<span class="error">' in html.split('name="day"')[1].split("</label>")[0]
    assert f'<option value="{org["O1"].pk}" selected>' in html
