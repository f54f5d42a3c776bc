"""The case API contract (docs/architecture.md §9) exercised over HTTP on the probe type."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from hiqc.core.models import CaseEvent

from .probe import probe_create

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.engine.urls")]


@pytest.fixture
def case(actors, org):
    return probe_create(actor=actors["agent"], org_unit=org["C1"], title="契约")


@pytest.fixture
def agent(personas):
    client = Client()
    client.force_login(personas["agent"])
    return client


def test_get_includes_status_version_allowed_actions_deadlines_and_events(agent, case):
    body = agent.get(f"/probe-api/probes/{case.pk}").json()
    assert (body["status"], body["version"], body["allowed_actions"]) == ("new", 1, ["assign"])
    assert body["deadlines"][0]["clock"] == "probe.decide"
    assert body["deadlines"][0]["source"] == "CP-1 (test)"
    assert body["deadlines"][0]["remaining_seconds"] > 0
    assert [e["activity"] for e in body["events"]] == ["create"]


def test_post_action_with_version_returns_the_new_representation(agent, case):
    response = agent.post(
        f"/probe-api/probes/{case.pk}/actions/assign",
        {"version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["version"] == 2


def test_409_names_state_and_allowed_actions_422_names_fields_404_out_of_scope(
    agent, personas, case
):
    stale = agent.post(
        f"/probe-api/probes/{case.pk}/actions/decide",
        {"version": 1, "data": {"decision": "x"}},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["state"] == "new" and stale.json()["allowed_actions"] == ["assign"]
    agent.post(
        f"/probe-api/probes/{case.pk}/actions/assign",
        {"version": 1},
        content_type="application/json",
    )
    missing = agent.post(
        f"/probe-api/probes/{case.pk}/actions/decide",
        {"version": 2},
        content_type="application/json",
    )
    assert missing.status_code == 422
    assert "decision" in missing.json()["fields"]
    outsider = Client()
    outsider.force_login(personas["outsider_agent"])
    assert outsider.get(f"/probe-api/probes/{case.pk}").status_code == 404


def _jsonl(*items) -> str:
    return "\n".join(json.dumps(i, ensure_ascii=False) for i in items)


def test_external_events_import_idempotently_and_report_rejections_by_line(agent, case):
    start = case.created_at
    body = _jsonl(
        {
            "case_id": str(case.pk),
            "action": "assign",
            "at": (start + timedelta(hours=1)).isoformat(),
            "source_system": "core",
            "external_id": "e1",
        },
        {
            "case_id": str(case.pk),
            "action": "resume",
            "at": (start + timedelta(hours=2)).isoformat(),
            "source_system": "core",
            "external_id": "e2",
        },
        "not json",
        {
            "case_id": str(case.pk),
            "action": "decide",
            "at": (start + timedelta(hours=3)).isoformat(),
            "source_system": "core",
            "external_id": "e3",
            "data": {"decision": "支持"},
        },
    )
    first = agent.post(
        "/probe-api/probes/events/import", body, content_type="application/x-ndjson"
    ).json()
    assert (first["applied"], first["duplicate"]) == (2, 0)
    assert [r["line"] for r in first["rejected"]] == [2, 3]
    assert first["rejected"][0]["state"] == "open" and first["rejected"][0]["action"] == "resume"
    again = agent.post(
        "/probe-api/probes/events/import", body, content_type="application/x-ndjson"
    ).json()
    assert (again["applied"], again["duplicate"]) == (0, 2)
    imported = CaseEvent.objects.filter(source="import").order_by("at")
    assert [e.external_id for e in imported] == ["e1", "e3"]
    assert imported[0].at == start + timedelta(hours=1)  # the original timestamp is kept


def test_an_event_older_than_the_case_history_is_rejected_as_out_of_order(agent, case):
    body = _jsonl(
        {
            "case_id": str(case.pk),
            "action": "assign",
            "at": (case.created_at - timedelta(days=1)).isoformat(),
            "source_system": "core",
            "external_id": "old",
        }
    )
    report = agent.post(
        "/probe-api/probes/events/import", body, content_type="application/x-ndjson"
    ).json()
    assert report["applied"] == 0
    assert "顺序" in report["rejected"][0]["problem"]
