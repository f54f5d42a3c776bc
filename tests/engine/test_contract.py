"""The case API contract (docs/architecture.md §9) exercised over HTTP on the probe type."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from hiqc.core.models import CaseEvent

from .probe import probe_create

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.engine.urls")]
HOUR = timedelta(hours=1)


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


# --- scope before anything is said (DESIGN rule 2; issue 15 §2) ---------------------------------------


def _import(client, *items) -> bytes:
    response = client.post(
        "/probe-api/probes/events/import", _jsonl(*items), content_type="application/x-ndjson"
    )
    assert response.status_code == 200
    return response.content


def _event(case_id, external_id: str, at, action: str = "assign") -> dict:
    return {"case_id": str(case_id), "action": action, "at": at.isoformat(),
            "source_system": "core", "external_id": external_id}  # fmt: skip


def test_an_event_for_another_branchs_case_answers_exactly_like_one_for_a_missing_case(
    agent, actors, org
):
    elsewhere = probe_create(actor=actors["outsider_agent"], org_unit=org["C2"], title="他处")
    at = elsewhere.created_at + timedelta(hours=1)
    early = elsewhere.created_at - timedelta(days=1)  # out of order, were the case visible

    answers = [_import(agent, _event(elsewhere.pk, "x1", at), _event(elsewhere.pk, "x2", early))]
    pk = elsewhere.pk
    CaseEvent.objects.filter(case_id=str(pk)).delete()
    type(elsewhere).objects.filter(pk=pk).delete()
    answers.append(_import(agent, _event(pk, "x1", at), _event(pk, "x2", early)))

    assert answers[0] == answers[1]
    report = json.loads(answers[0])
    assert report["applied"] == 0 and [r["line"] for r in report["rejected"]] == [1, 2]
    # one door, one rejection format: a "not found" names no state and offers nothing
    assert (report["rejected"][1]["state"], report["rejected"][1]["allowed_actions"]) == ("", [])


def test_a_resent_event_id_of_another_branchs_case_is_not_counted_as_a_duplicate(
    agent, actors, personas, org, case
):
    """The id is taken on a case the importer may not see: the line is checked as if it were
    new and refused as for an unknown case where it would apply; nothing is written."""
    elsewhere = probe_create(actor=actors["outsider_agent"], org_unit=org["C2"], title="他处")
    outsider = Client()
    outsider.force_login(personas["outsider_agent"])
    first = json.loads(
        _import(outsider, _event(elsewhere.pk, "shared", elsewhere.created_at + timedelta(hours=1)))
    )
    assert first["applied"] == 1

    report = json.loads(_import(agent, _event(case.pk, "shared", case.created_at + HOUR)))

    assert (report["applied"], report["duplicate"]) == (0, 0)
    (entry,) = report["rejected"]
    unknown = _event("00000000-0000-4000-8000-000000000000", "new", case.created_at + HOUR)
    missing = json.loads(_import(agent, unknown))["rejected"][0]
    assert entry["problem"] == missing["problem"] and entry["fields"] == missing["fields"]
    assert not CaseEvent.objects.filter(case_id=str(case.pk), source="import").exists()


# --- what moved outside the design (issue 16 §4) ------------------------------------------------------


def test_an_imported_event_the_design_refuses_is_recorded_once_as_an_out_of_design_finding(
    agent, case
):
    from hiqc.core.findings import OUT_OF_DESIGN
    from hiqc.core.models import Finding

    at = case.created_at + HOUR
    # Given a feed whose second line resumes a case that was never waiting (the design has no
    # such move from "open"), and whose third decides without the decision (refused, but not
    # by the design)
    items = (_event(case.pk, "d1", at),
             _event(case.pk, "d2", at + HOUR, action="resume"),
             _event(case.pk, "d3", at + 2 * HOUR, action="decide"))  # fmt: skip
    # When it is imported twice
    first = json.loads(_import(agent, *items))
    again = json.loads(_import(agent, *items))
    # Then the out-of-design line is refused by row, as before, both times …
    assert first["applied"] == 1 and [r["line"] for r in first["rejected"]] == [2, 3]
    assert first["rejected"][0]["state"] == "open"
    assert [r["line"] for r in again["rejected"]] == [2, 3]
    # … never reaches the event log, and is recorded once: on the case, where it was, with the
    # state it was in, the move tried and the line's source and time
    assert not CaseEvent.objects.filter(external_id="d2").exists()
    (finding,) = Finding.objects.filter(kind=OUT_OF_DESIGN)
    assert (finding.case_type, finding.case_id, finding.org_path) == (
        "engine.probecase",
        str(case.pk),
        case.org_unit.path,
    )
    assert finding.created_at == at + HOUR and finding.rule == "2.3.1"
    assert finding.data == {"action": "resume", "from_state": "open", "to_state": "open",
                            "source": "import", "source_system": "core", "external_id": "d2",
                            "line": 2}  # fmt: skip
