from __future__ import annotations

from hiqc.core.tasks import audit_verify_job


def test_healthz_reports_database_queue_and_audit_chain(client, db):
    audit_verify_job()
    body = client.get("/healthz").json()
    assert body["ok"] is True
    assert body["database"]["ok"] and body["queue"]["ok"]
    assert body["cache"] == {"ok": True, "backend": "LocMemCache"}  # production: RedisCache
    assert body["audit_chain"]["ok"] is True


def test_openapi_declares_error_responses(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/customers/{customer_id}/reveal"]["post"]
    assert {"200", "401", "403", "404", "422"} <= set(op["responses"])


def test_api_docs_page_is_served_without_cdn(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()


def test_daily_jobs_run_at_beijing_wall_clock_times():
    from datetime import UTC, datetime

    from hiqc.core.schedule import SCHEDULE

    audit = next(p for p in SCHEDULE if p.name == "core.audit_verify")
    assert audit.when(datetime(2026, 11, 26, 18, 30, tzinfo=UTC))  # 02:30 on the 27th in Beijing
    assert not audit.when(datetime(2026, 11, 26, 2, 30, tzinfo=UTC))


def test_audit_filter_accepts_any_rfc3339_offset_and_rejects_numbers(client, personas):
    client.force_login(personas["auditor"])
    assert (
        client.get("/api/v1/audit-events", {"until": "5743-01-05T14:39:00-19:11"}).status_code
        == 200
    )
    assert client.get("/api/v1/audit-events", {"until": "2026-10-08T09:00:00"}).status_code == 200
    response = client.get("/api/v1/audit-events", {"until": "0.5"})
    assert response.status_code == 422
    assert "until" in response.json()["fields"]
